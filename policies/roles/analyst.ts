/** SecurityAnalyst: reads everything an investigation reads, changes nothing. */
import type { OrgConfig } from '../../config';
import { evidenceBucketArn } from '../../shared/addresses';
import { FORENSICS } from '../../shared/names';
import type { AuditedPolicy } from '../scp/audited';
import { athenaLogAccessStatements, athenaResources, glueResources } from './scope';

/** Plain-text explanation for auditors. */
export const explanation = `Read-only investigation. Describes EC2, Auto Scaling and load balancers, reads IAM,
GuardDuty findings and CloudTrail event history, reads an instance's console output and user data,
and finds the account owning an access key. It runs Athena queries in the security account's
investigation workgroup over the log tables of the Glue catalog; Athena reads the logs and
writes query results with the caller's credentials, so the role may read the log-archive
buckets (named exactly, and only when owned by the log-archive account), put objects only into
the Athena results bucket, and decrypt only with the log-archive keys, only through S3. It may
list the journal anchors (irctl-anchors/) in the forensics evidence bucket, to check a case
journal was not cut. Nothing else is written.`;

/** The SecurityAnalyst policies. */
export function analystPolicies(config: OrgConfig): AuditedPolicy[] {
  return [
    {
      name: 'ir-analyst-investigation',
      description: 'Read-only investigation: describes, IAM reads, CloudTrail lookups, GuardDuty findings, Athena queries.',
      explanation,
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            // Playbook "scope": inventory, instance attributes (userData), console output, ASGs, target groups.
            Sid: 'DescribeCompute',
            Effect: 'Allow',
            Action: ['ec2:Describe*', 'ec2:GetConsoleOutput', 'ec2:GetLaunchTemplateData', 'autoscaling:Describe*', 'elasticloadbalancing:Describe*'],
            Resource: '*',
          },
          {
            // Playbook "credentials": who owns a key, what a principal can do, when keys were used.
            Sid: 'ReadIdentities',
            Effect: 'Allow',
            Action: ['iam:Get*', 'iam:List*', 'sts:GetAccessKeyInfo', 'sts:GetCallerIdentity'],
            Resource: '*',
          },
          {
            // Playbook "timeline": 90-day management events per region, trail status, GuardDuty findings.
            Sid: 'ReadDetections',
            Effect: 'Allow',
            Action: ['cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'guardduty:Get*', 'guardduty:List*', 'guardduty:Describe*'],
            Resource: '*',
          },
          {
            // Playbook "hunt": saved IR queries over the org trail and Flow Logs.
            Sid: 'RunAthenaQueries',
            Effect: 'Allow',
            Action: [
              'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults',
              'athena:BatchGetQueryExecution', 'athena:ListQueryExecutions', 'athena:GetWorkGroup', 'athena:GetNamedQuery',
              'athena:BatchGetNamedQuery', 'athena:ListNamedQueries', 'athena:GetDataCatalog', 'athena:GetDatabase',
              'athena:ListDatabases', 'athena:GetTableMetadata', 'athena:ListTableMetadata',
            ],
            Resource: athenaResources(config),
          },
          { Sid: 'ListWorkgroups', Effect: 'Allow', Action: ['athena:ListWorkGroups', 'athena:ListDataCatalogs'], Resource: '*' },
          {
            Sid: 'ReadGlueCatalog',
            Effect: 'Allow',
            Action: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
            Resource: glueResources(config),
          },
          {
            // irctl verify: compare the journal with the heads anchored in the evidence bucket (key names only).
            Sid: 'ListJournalAnchors',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: evidenceBucketArn(config),
            Condition: { StringLike: { 's3:prefix': `${FORENSICS.anchorPrefix}/*` } },
          },
          // Athena reads logs and writes results as the caller.
          ...athenaLogAccessStatements(config),
        ],
      },
    },
  ];
}
