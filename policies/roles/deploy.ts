/** SecurityDeploy: applies this project's stacks; broad over what they build, never org-level. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from '../scp/audited';
import { exemptRoleArnPatterns } from '../scp/principals';
import { EXEMPT_ROLE_CHANGE_ACTIONS } from '../scp/protect-security-services';

/**
 * Long-term credentials and identity federation: deployment needs none, and a stolen deploy
 * session must not mint a way back in (a key, a reactivated key, an SSH or signing key, a
 * service credential, a trusted identity provider, or more rights for an existing user).
 */
export const LONG_TERM_CREDENTIAL_ACTIONS: readonly string[] = [
  'iam:CreateUser', 'iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile',
  'iam:CreateServiceSpecificCredential', 'iam:UploadSSHPublicKey', 'iam:UploadSigningCertificate',
  'iam:CreateOpenIDConnectProvider', 'iam:AddClientIDToOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint',
  'iam:CreateSAMLProvider', 'iam:UpdateSAMLProvider',
  'iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:AddUserToGroup',
];

/**
 * Destroying logs or the keys that decrypt them. The stacks create and configure keys and
 * buckets but never delete them; tearing the log archive down is a deliberate act for the
 * management account's deployment role.
 */
export const LOG_DESTRUCTION_ACTIONS: readonly string[] = [
  'kms:ScheduleKeyDeletion', 'kms:DisableKey', 's3:DeleteBucket', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention',
];

/**
 * Services the stacks create resources in: EC2 (isolation groups, forensic VPC, endpoints,
 * Flow Logs), S3 and KMS (log, evidence and results buckets and keys), IAM (roles, instance
 * profiles), GuardDuty, CloudTrail, Config, Athena, Glue, SNS, EventBridge, CloudWatch and Logs
 * (alarms, topics, routing), Budgets and Cost Explorer (billing guardrails), CloudFormation (the
 * IR-role StackSet) and Organizations reads. Organization-level stacks (SCPs, account creation,
 * delegated administrators) run in the management account through its deployment role, not here.
 */
export const DEPLOYED_SERVICES: readonly string[] = [
  'ec2:*', 's3:*', 'kms:*', 'iam:*', 'guardduty:*', 'cloudtrail:*', 'config:*', 'athena:*', 'glue:*',
  'sns:*', 'events:*', 'cloudwatch:*', 'logs:*', 'budgets:*', 'ce:*', 'cloudformation:*',
  'organizations:Describe*', 'organizations:List*', 'sts:GetCallerIdentity',
];

/** Plain-text explanation for auditors. */
export const explanation = `Deploys this project's stacks with Terraform. It needs full control of the services the
stacks manage (EC2 networking and Flow Logs, S3, KMS, IAM roles and instance profiles, GuardDuty,
CloudTrail, Config, Athena, Glue, SNS, EventBridge, CloudWatch, Logs, Budgets, Cost Explorer,
CloudFormation StackSets) and reads Organizations. Organization-level stacks (SCPs, accounts,
delegated administrators) are applied in the management account through its own deployment role,
so this role never needs an Organizations write. It is denied what no deployment needs and
an attacker wants: leaving the organization, enabling or disabling regions, any Organizations
write; long-term credentials and federation (creating users, access keys, login profiles, service
credentials, SSH and signing keys, reactivating a key, creating or changing OIDC and SAML
providers, and giving users policies or groups); destroying logs (scheduling key deletion,
disabling a key, deleting a bucket or an object version, bypassing Object Lock governance); and
creating, deleting or changing the trust, policies or boundary of any role a guardrail exempts:
every role under /incident-response/, the deployment role, the StackSet execution role
stacksets-exec-* and the configured exempt roles. In member accounts those roles come from
StackSets (CloudFormation runs as stacksets-exec-*) and in the management account from its own
deployment role, never from this role; an attacker holding it must not re-trust them.
The guardrail SCPs exempt this role from the region deny and from the deploy-only tamper
protections, so its own permissions are deliberately bounded here.`;

/** The SecurityDeploy policies (the exempt roles it may not touch come from `config`). */
export function deployPolicies(config: OrgConfig): AuditedPolicy[] {
  return [
    {
      name: 'ir-deploy-stacks',
      description: 'Deploy the guardrail, detection and forensics stacks; no org-level or long-term-credential actions.',
      explanation,
      document: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ManageDeployedServices', Effect: 'Allow', Action: [...DEPLOYED_SERVICES], Resource: '*' },
          {
            Sid: 'NeverLeaveOrWidenTheOrganization',
            Effect: 'Deny',
            Action: [
              'organizations:LeaveOrganization', 'account:EnableRegion', 'account:DisableRegion',
              'organizations:Create*', 'organizations:Delete*', 'organizations:Update*', 'organizations:Move*',
              'organizations:Attach*', 'organizations:Detach*', 'organizations:Invite*', 'organizations:Remove*',
            ],
            Resource: '*',
          },
          {
            // Deployment never needs long-term credentials; a stolen deploy session must not mint them.
            Sid: 'NoLongTermCredentials',
            Effect: 'Deny',
            Action: [...LONG_TERM_CREDENTIAL_ACTIONS],
            Resource: '*',
          },
          {
            // Log integrity: the stacks never delete keys, buckets or object versions.
            Sid: 'NeverDestroyLogs',
            Effect: 'Deny',
            Action: [...LOG_DESTRUCTION_ACTIONS],
            Resource: '*',
          },
          {
            // Exempt roles come from StackSets (stacksets-exec-*) or the management deployment role, not from this role.
            Sid: 'NoExemptRoleChanges',
            Effect: 'Deny',
            Action: [...EXEMPT_ROLE_CHANGE_ACTIONS],
            Resource: exemptRoleArnPatterns(config),
          },
        ],
      },
    },
  ];
}
