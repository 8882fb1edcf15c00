/** SCP (c): nobody in a member account switches off the services that would see a miner. */
import type { OrgConfig } from '../../config';
import { ALERT_RULES } from '../../shared/names';
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
  // Entity sets succeed IP sets and threat lists: a trusted entity set silences findings for its entries.
  'guardduty:CreateTrustedEntitySet',
  'guardduty:UpdateTrustedEntitySet',
  'guardduty:UpdateThreatEntitySet',
  'guardduty:DeleteThreatEntitySet',
  // Archiving, feedback and threat lists decide which findings anyone sees; malware-scan settings what gets scanned.
  'guardduty:ArchiveFindings',
  'guardduty:UpdateFindingsFeedback',
  'guardduty:DeleteThreatIntelSet',
  'guardduty:UpdateThreatIntelSet',
  'guardduty:UpdateMalwareScanSettings',
  // A malware protection plan scans new S3 objects; deleting or rewriting it stops the scans.
  'guardduty:DeleteMalwareProtectionPlan',
  'guardduty:UpdateMalwareProtectionPlan',
];

/**
 * Logging configuration, denied to everyone but the deployers, because the stacks change exactly
 * these when the config changes: event selectors, Config recorders and delivery channels
 * (replaced on update), Flow Logs (replaced when their format changes).
 */
export const DEPLOYER_ONLY_ACTIONS: readonly string[] = [
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:StopEventDataStoreIngestion',
  'cloudtrail:DeleteEventDataStore',
  // An update can drop event selectors or ingestion as surely as stopping it.
  'cloudtrail:UpdateEventDataStore',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  // Rewriting a recorder (record nothing) or a delivery channel (deliver elsewhere) silences Config as well as stopping it.
  'config:PutConfigurationRecorder',
  'config:PutDeliveryChannel',
  'config:DeleteDeliveryChannel',
  'config:DeleteAggregationAuthorization',
  'config:DeleteConfigRule',
  // Removing resource types from a recorder stops recording them (AWS::EC2::Instance, say).
  'config:DisassociateResourceTypes',
  // The organization Config rules (IMDSv2, flow logs) live in the security account; retention decides how far back Config remembers.
  'config:DeleteOrganizationConfigRule',
  'config:PutOrganizationConfigRule',
  'config:PutRetentionConfiguration',
  'ec2:DeleteFlowLogs',
  // Resolver query logging (a miner resolves its pool's name): detaching a VPC, deleting or unsharing the configuration.
  'route53resolver:DisassociateResolverQueryLogConfig',
  'route53resolver:DeleteResolverQueryLogConfig',
  'route53resolver:PutResolverQueryLogConfigPolicy',
  // DHCP options naming an outside resolver take the whole VPC out of query logging and GuardDuty's DNS view.
  'ec2:AssociateDhcpOptions',
];

/**
 * The EventBridge rules that page the security team: break-glass assumptions (default bus in
 * every account and region, and the security account's collecting bus) and GuardDuty findings.
 * Listed by exact name: their names share only the prefix `ir-`, which customer rules may use.
 */
export function alertRuleArnPatterns(): string[] {
  return [
    `arn:aws:events:*:*:rule/${ALERT_RULES.breakGlass}`,
    `arn:aws:events:*:*:rule/${ALERT_RULES.breakGlassBus}/${ALERT_RULES.breakGlass}`,
    `arn:aws:events:*:*:rule/${ALERT_RULES.findings}`,
  ];
}

/** Changing, disabling or deleting an alert rule or its targets; only the stacks that own them may. */
export const ALERT_RULE_CHANGE_ACTIONS: readonly string[] = [
  'events:DeleteRule',
  'events:DisableRule',
  'events:RemoveTargets',
  'events:PutRule',
  'events:PutTargets',
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

/**
 * Inline role policies: how SecurityBreakGlass revokes a stolen role's sessions (docs/runbook.md).
 * It may do so on the exempt roles, but never on itself; everyone else is still denied them.
 */
export const INLINE_ROLE_POLICY_ACTIONS: readonly string[] = ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'];

/** Plain-text explanation for auditors. */
export const explanation = `Protects the services that detect cryptomining from being switched off.
Always denied, to every principal in member accounts: deleting a GuardDuty detector, leaving the
GuardDuty administrator, stopping or deleting a CloudTrail trail, leaving the organization and
enabling or disabling regions (an attacker enables an opt-in region to run miners where nobody
looks). No stack of this project needs these in a member account; a deliberate change detaches
this SCP from the management account first.
Denied to everyone except the deploying roles (SecurityDeploy and the Terraform deployment role)
and SecurityAdmin, who administers GuardDuty: changing GuardDuty detectors, organization settings,
members, publishing destinations, suppression filters, trusted IP lists, threat intel sets and their
successors, trusted and threat entity sets (a trusted entity set silences findings for its entries),
malware scan settings and S3 malware protection plans (deleting or updating one), and archiving findings or sending findings feedback (each of these hides
findings from the people who should see them; an attacker archives the CryptoCurrency finding).
Denied to everyone except the deploying roles: changing CloudTrail trails and event selectors,
updating, stopping ingestion into or deleting CloudTrail Lake event data stores, writing, stopping or
deleting Config recorders and delivery channels (a rewritten recorder that records nothing is as
silent as a stopped one), removing resource types from a recorder, deleting Config rules and
aggregation authorizations, writing or deleting organization Config rules (the security account's
IMDSv2 and flow-log rules: a rewrite can exclude accounts), changing Config's retention period, deleting
Flow Logs, and detaching, deleting or changing the sharing policy of a Route 53 Resolver query logging
configuration (the stacks deploy one per workload account and region; a workload team can no longer
remove its own), and associating DHCP options with a VPC (ec2:AssociateDhcpOptions): options naming an
outside DNS server take every instance of the VPC away from the Amazon resolver, so Resolver query logs
and GuardDuty's DNS logs go silent for that VPC. What it costs users: a team that points its VPCs at its
own DNS servers (Active Directory, say) asks a deployer to associate the options; creating options stays
free, and new VPCs get the default options without this call. It does not stop an instance whose
administrator sets its own resolver; flow logs, where enabled, still show its DNS traffic leaving the VPC.
The stacks change these when the config changes, so the deployers keep them; a workload team that
owns its own Config rules asks a deployer to delete one. Denied to everyone except the deploying
roles: deleting, disabling or rewriting this project's alerting EventBridge rules and their targets
(the break-glass rule on the default bus and on the security account's collecting bus, and the
GuardDuty findings rule), named exactly so that other rules stay the owners' own. SecurityBreakGlass
is exempt from none of these: containment never needs to switch detection off.
Denied to everyone except the deploying roles: creating, deleting or changing the trust, managed
policies or permissions boundary of any role that a guardrail exempts by name: every role under
the /incident-response/ path (SecurityAdmin is exempt from the GuardDuty deny, the others from
more), the deployment role, the StackSet execution role stacksets-exec-*, and exempt roles from
the config. Without this, an attacker with IAM rights in a member account could create or
re-trust such a role and use it to walk around the region deny and this policy.
Inline role policies on those roles are denied to the same principals except SecurityBreakGlass,
which revokes a stolen role's older sessions with an inline deny (aws:TokenIssueTime) and must be
able to do so on an exempt role too; it may never change its own inline policies. Which inline
policy break-glass may write is limited by its own role policy (IAM has no condition key for the
inline policy's name or content), and every assumption of break-glass pages the security team.`;

/** The tamper-protection SCP for `config`. */
export function protectSecurityServicesScp(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-guardrails-protect-security-services',
    description: 'Deny disabling GuardDuty, CloudTrail, Config, Flow Logs and alert rules, leaving the org and toggling regions.',
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
          Sid: 'DenyAlertRuleChangesExceptDeployers',
          Effect: 'Deny',
          Action: [...ALERT_RULE_CHANGE_ACTIONS],
          Resource: alertRuleArnPatterns(),
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
        {
          Sid: 'DenyChangesToExemptRolesExceptDeployers',
          Effect: 'Deny',
          Action: EXEMPT_ROLE_CHANGE_ACTIONS.filter((a) => !INLINE_ROLE_POLICY_ACTIONS.includes(a)),
          Resource: exemptRoleArnPatterns(config),
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
        {
          Sid: 'DenyInlinePoliciesOnExemptRolesExceptRevocation',
          Effect: 'Deny',
          Action: [...INLINE_ROLE_POLICY_ACTIONS],
          Resource: exemptRoleArnPatterns(config),
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [...deployerArnPatterns(config), irRoleArnPattern('breakGlass')] } },
        },
        {
          // Break-glass revokes others' sessions, never edits its own permissions.
          Sid: 'DenyInlinePoliciesOnBreakGlassExceptDeployers',
          Effect: 'Deny',
          Action: [...INLINE_ROLE_POLICY_ACTIONS],
          Resource: irRoleArnPattern('breakGlass'),
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
      ],
    },
  };
}
