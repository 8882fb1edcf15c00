/** SecurityDeploy: applies this project's stacks; broad over what they build, never org-level. */
import type { AuditedPolicy } from '../scp/audited';

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
write, creating IAM users, access keys or login profiles, and changing the trust of the IR roles.
The guardrail SCPs exempt this role from the region deny and from the deploy-only tamper
protections, so its own permissions are deliberately bounded here.`;

/** The SecurityDeploy policies. */
export function deployPolicies(): AuditedPolicy[] {
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
            Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'],
            Resource: '*',
          },
          {
            // The IR roles' trust is set by their own stack through CloudFormation, not by this role.
            Sid: 'NoIrRoleTrustChanges',
            Effect: 'Deny',
            Action: 'iam:UpdateAssumeRolePolicy',
            Resource: 'arn:aws:iam::*:role/incident-response/*',
          },
        ],
      },
    },
  ];
}
