/** SecurityAdmin: administers the investigation platform (Athena, Glue, GuardDuty). */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from '../scp/audited';
import { athenaLogAccessStatements } from './scope';

/** Switching GuardDuty off, for this account or for members: never part of administering it. */
export const NEVER_DISABLE_GUARDDUTY_ACTIONS: readonly string[] = [
  'guardduty:DeleteDetector', 'guardduty:DisassociateFromMasterAccount', 'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:StopMonitoringMembers', 'guardduty:DisassociateMembers', 'guardduty:DeleteMembers',
];

/** Plain-text explanation for auditors. */
export const explanation = `Administers the investigation platform: Athena workgroups and saved queries, the Glue
catalog with the CloudTrail and Flow Logs tables, and GuardDuty (findings, filters, members,
features). It reads the log-archive buckets and writes Athena results like the analyst.
Administering is not switching off: it may not delete a GuardDuty detector, leave the GuardDuty
administrator, or stop monitoring, disassociate or delete member accounts. Members follow the
organization (the stacks enrol them through auto-enable), so removing one is a deployment change;
an attacker with this role would otherwise blind GuardDuty for every member at once. The tamper SCP
also denies detector deletion and leaving the administrator; these denies are stated here too
because SCPs do not bind the management account, and the member changes because the SCP lets
SecurityAdmin change GuardDuty.`;

/** The SecurityAdmin policies. */
export function adminPolicies(config: OrgConfig): AuditedPolicy[] {
  return [
    {
      name: 'ir-admin-investigation-platform',
      description: 'Administer Athena, Glue and GuardDuty for investigations.',
      explanation,
      document: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AdministerInvestigationServices', Effect: 'Allow', Action: ['athena:*', 'glue:*', 'guardduty:*'], Resource: '*' },
          {
            Sid: 'ReadAroundFindings',
            Effect: 'Allow',
            Action: ['ec2:Describe*', 'iam:Get*', 'iam:List*', 'organizations:Describe*', 'organizations:List*', 'cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus'],
            Resource: '*',
          },
          {
            // GuardDuty delegated-admin and S3-protection features create their service-linked roles.
            Sid: 'GuardDutyServiceLinkedRoles',
            Effect: 'Allow',
            Action: 'iam:CreateServiceLinkedRole',
            Resource: '*',
            Condition: { StringLike: { 'iam:AWSServiceName': ['guardduty.amazonaws.com', 'malware-protection.guardduty.amazonaws.com'] } },
          },
          // Athena reads logs and writes results as the caller.
          ...athenaLogAccessStatements(config),
          {
            Sid: 'NeverDisableGuardDuty',
            Effect: 'Deny',
            Action: [...NEVER_DISABLE_GUARDDUTY_ACTIONS],
            Resource: '*',
          },
        ],
      },
    },
  ];
}
