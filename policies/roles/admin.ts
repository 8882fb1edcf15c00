/** SecurityAdmin: administers the investigation platform (Athena, Glue, GuardDuty). */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from '../scp/audited';
import { athenaResultsObjects, logArchiveCondition } from './scope';

/** Plain-text explanation for auditors. */
export const explanation = `Administers the investigation platform: Athena workgroups and saved queries, the Glue
catalog with the CloudTrail and Flow Logs tables, and GuardDuty (findings, filters, members,
features). It reads the log-archive buckets and writes Athena results like the analyst. It may not
delete a GuardDuty detector or leave the GuardDuty administrator (also denied by SCP; stated here
because SCPs do not bind the management account).`;

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
          {
            Sid: 'ReadLogArchive',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
            Resource: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'],
            Condition: logArchiveCondition(config),
          },
          {
            Sid: 'WriteQueryResults',
            Effect: 'Allow',
            Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
            Resource: athenaResultsObjects(),
            Condition: logArchiveCondition(config),
          },
          {
            Sid: 'DecryptLogsThroughS3',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
          },
          {
            Sid: 'NeverDisableGuardDuty',
            Effect: 'Deny',
            Action: ['guardduty:DeleteDetector', 'guardduty:DisassociateFromMasterAccount', 'guardduty:DisassociateFromAdministratorAccount'],
            Resource: '*',
          },
        ],
      },
    },
  ];
}
