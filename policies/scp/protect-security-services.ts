/** SCP (c): nobody in a member account switches off the services that would see a miner. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { deployerArnPatterns } from './principals';

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
 * Denied to everyone but the deployers, because the stacks change exactly these when the config
 * changes: detector features and publishing destinations, organization auto-enable and member
 * detectors (security account), suppression filters and trusted IP lists (they archive or
 * silence findings, so an attacker wants them), event selectors, Config recorders and delivery
 * channels (replaced on update), Flow Logs (replaced when their format changes).
 */
export const DEPLOYER_ONLY_ACTIONS: readonly string[] = [
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
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'ec2:DeleteFlowLogs',
];

/** Plain-text explanation for auditors. */
export const explanation = `Protects the services that detect cryptomining from being switched off.
Always denied, to every principal in member accounts: deleting a GuardDuty detector, leaving the
GuardDuty administrator, stopping or deleting a CloudTrail trail, leaving the organization and
enabling or disabling regions (an attacker enables an opt-in region to run miners where nobody
looks). No stack of this project needs these in a member account; a deliberate change detaches
this SCP from the management account first.
Denied to everyone except the deploying roles (SecurityDeploy and the Terraform deployment role):
changing GuardDuty detectors, organization settings, members, publishing destinations,
suppression filters and trusted IP lists; changing CloudTrail trails and event selectors; stopping
or deleting Config recorders and delivery channels; deleting Flow Logs. The stacks themselves
change these when the config changes, so the deployers keep them. SecurityBreakGlass is not
exempt: containment never needs to switch detection off.`;

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
          Sid: 'DenyChangingDetectionExceptDeployers',
          Effect: 'Deny',
          Action: [...DEPLOYER_ONLY_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
      ],
    },
  };
}
