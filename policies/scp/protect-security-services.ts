/** SCP (c): nobody in a member account switches off the services that would see a miner. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { deployerArnPatterns, exemptRoleArnPatterns, irRoleArnPattern } from './principals';

/**
 * Denied to everyone, deployers included: no stack of this project ever needs them in a member
 * account (the organization trail lives in the management account, where SCPs do not apply;
 * GuardDuty membership is managed by the delegated administrator through Organizations).
 * Undoing them on purpose means detaching this SCP from the management account first.
 */
export const ALWAYS_DENIED_ACTIONS: readonly string[] = [
  'guardduty:DeleteDetector',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:DisassociateFromAdministratorAccount',
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'organizations:LeaveOrganization',
  'account:EnableRegion',
  'account:DisableRegion',
];

/**
 * GuardDuty configuration, denied to everyone but the deployers and SecurityAdmin: the stacks set
 * detector features, publishing destinations, organization auto-enable and members (security
 * account), and SecurityAdmin administers GuardDuty. Suppression filters and trusted IP lists are
 * here because they archive or silence findings, which is what an attacker wants from them.
 */
export const GUARDDUTY_ADMIN_ACTIONS: readonly string[] = [
  'guardduty:UpdateDetector',
  'guardduty:UpdateOrganizationConfiguration',
  'guardduty:UpdateMemberDetectors',
  'guardduty:StopMonitoringMembers',
  'guardduty:DisassociateMembers',
  'guardduty:DeleteMembers',
  'guardduty:DeletePublishingDestination',
  'guardduty:UpdatePublishingDestination',
  'guardduty:CreateFilter',
  'guardduty:UpdateFilter',
  'guardduty:CreateIPSet',
  'guardduty:UpdateIPSet',
];

/**
 * Logging configuration, denied to everyone but the deployers, because the stacks change exactly
 * these when the config changes: event selectors, Config recorders and delivery channels
 * (replaced on update), Flow Logs (replaced when their format changes).
 */
export const DEPLOYER_ONLY_ACTIONS: readonly string[] = [
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'ec2:DeleteFlowLogs',
];

/**
 * Creating or changing a role whose name some guardrail exempts (the IR roles, the deployment
 * role, the StackSet execution role, configured exempt roles): whoever controls such a role's
 * trust or permissions walks around every SCP that exempts it. Reserved for the deployers.
 */
export const EXEMPT_ROLE_CHANGE_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
];

/** Plain-text explanation for auditors. */
export const explanation = `Protects the services that detect cryptomining from being switched off.
Always denied, to every principal in member accounts: deleting a GuardDuty detector, leaving the
GuardDuty administrator, stopping or deleting a CloudTrail trail, leaving the organization and
enabling or disabling regions (an attacker enables an opt-in region to run miners where nobody
looks). No stack of this project needs these in a member account; a deliberate change detaches
this SCP from the management account first.
Denied to everyone except the deploying roles (SecurityDeploy and the Terraform deployment role)
and SecurityAdmin, who administers GuardDuty: changing GuardDuty detectors, organization settings,
members, publishing destinations, suppression filters and trusted IP lists (filters and IP lists
silence findings).
Denied to everyone except the deploying roles: changing CloudTrail trails and event selectors,
stopping or deleting Config recorders and delivery channels, deleting Flow Logs. The stacks change
these when the config changes, so the deployers keep them. SecurityBreakGlass is exempt from
neither: containment never needs to switch detection off.
Denied to everyone except the deploying roles: creating, deleting or changing the trust or
permissions of any role that a guardrail exempts by name (the IR roles, the deployment role, the
StackSet execution role stacksets-exec-*, and exempt roles from the config). Without this, an
attacker with IAM rights in a member account could create or re-trust such a role and use it to
walk around the region deny and this policy.`;

/** The tamper-protection SCP for `config`. */
export function protectSecurityServicesScp(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-guardrails-protect-security-services',
    description: 'Deny disabling GuardDuty, CloudTrail, Config and Flow Logs, leaving the org and toggling regions.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyDisablingDetectionForAll', Effect: 'Deny', Action: [...ALWAYS_DENIED_ACTIONS], Resource: '*' },
        {
          Sid: 'DenyGuardDutyChangesExceptAdmins',
          Effect: 'Deny',
          Action: [...GUARDDUTY_ADMIN_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [...deployerArnPatterns(config), irRoleArnPattern('admin')] } },
        },
        {
          Sid: 'DenyLoggingChangesExceptDeployers',
          Effect: 'Deny',
          Action: [...DEPLOYER_ONLY_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
        {
          Sid: 'DenyChangesToExemptRolesExceptDeployers',
          Effect: 'Deny',
          Action: [...EXEMPT_ROLE_CHANGE_ACTIONS],
          Resource: exemptRoleArnPatterns(config),
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
      ],
    },
  };
}
