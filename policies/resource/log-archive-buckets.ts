/**
 * Bucket policies of the log archive: which service writes each bucket, who reads it, and the
 * TLS-only and version-delete denies every bucket carries. Placed by the log-archive stack.
 */
import type { OrgConfig } from '../../config';
import {
  accountRootArn,
  cloudtrailLogPrefix,
  configDeliveryObjectsArn,
  configRecorderRolesArn,
  deploymentRoleArn,
  dnsQueryLogAccounts,
  flowLogAccounts,
  guardDutyRegions,
  logArchiveBucketArn,
  organizationTrailArn,
  securityDetectorsArn,
  servicePrincipals,
  type LogArchivePurpose,
} from '../../shared/addresses';
import type { PolicyDocument, PolicyStatement } from '../document';
import type { AuditedPolicy } from '../scp/audited';
import { denyInsecureTransport, denyRetentionChangesExceptDeployer, denyVersionDeletesExceptDeployer } from './shared-statements';

const COMMON = `Every log-archive bucket denies requests made without TLS. The evidence buckets (CloudTrail,
GuardDuty findings, Flow Logs, Resolver query logs) and the Config bucket also deny deleting an object version
or bypassing Object Lock governance retention to everyone but the log-archive account's deployment role.`;

/** The security account (Athena, responders) reads the bucket; its IAM policies decide who exactly. */
function securityReads(config: OrgConfig, bucketArn: string): PolicyStatement {
  return {
    Sid: 'SecurityAccountReads',
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(config.accounts.security.id) },
    Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:GetBucketLocation'],
    Resource: [bucketArn, `${bucketArn}/*`],
  };
}

function lockedVersions(config: OrgConfig, bucketArn: string): PolicyStatement {
  return denyVersionDeletesExceptDeployer(bucketArn, deploymentRoleArn(config, config.accounts.logArchive.id));
}

function bucketPolicy(purpose: LogArchivePurpose, description: string, explanation: string, document: PolicyDocument): AuditedPolicy {
  return { name: `log-archive-${purpose}-bucket`, description, explanation: `${explanation}\n${COMMON}`, document };
}

/**
 * CloudTrail bucket: only the organization trail writes (the ACL check and the write both pinned
 * with `aws:SourceArn`), every other write is denied, the security account reads.
 */
export function cloudtrailBucketPolicy(config: OrgConfig): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'cloudtrail');
  const trail = organizationTrailArn(config);
  // The org trail writes under the org ID; CloudTrail also checks the management account's own prefix on creation.
  const writable = [`${bucket}/${cloudtrailLogPrefix(config)}*`, `${bucket}/AWSLogs/${config.accounts.management.id}/*`];
  return bucketPolicy(
    'cloudtrail',
    'Organization trail logs: only the org trail writes, the security account reads.',
    `CloudTrail may check the bucket ACL and write log files only for the organization trail
(aws:SourceArn is the trail's ARN), under the organization's prefix (and the management account's,
which CloudTrail checks when the trail is created), with bucket-owner-full-control. Every other
PutObject is denied, whoever makes it: no principal of any account can plant or overwrite a log
file. The security account may read (its own IAM policies decide which of its roles).`,
    {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(bucket),
        {
          Sid: 'OrgTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: bucket,
          Condition: { StringEquals: { 'aws:SourceArn': trail } },
        },
        {
          Sid: 'OrgTrailWrites',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: writable,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trail } },
        },
        {
          // Requests without aws:SourceArn (any IAM principal) fail StringNotEquals too: nobody but the trail writes.
          Sid: 'DenyWritesNotFromOrgTrail',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `${bucket}/*`,
          Condition: { StringNotEquals: { 'aws:SourceArn': trail } },
        },
        lockedVersions(config, bucket),
        securityReads(config, bucket),
      ],
    },
  );
}

/** GuardDuty findings bucket: the security account's detectors in every detection region write. */
export function guardDutyBucketPolicy(config: OrgConfig): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'guardduty-findings');
  const fromSecurityDetectors = {
    StringEquals: { 'aws:SourceAccount': config.accounts.security.id },
    ArnLike: { 'aws:SourceArn': securityDetectorsArn(config) },
  };
  const Principal = { Service: servicePrincipals('guardduty', guardDutyRegions(config)) };
  return bucketPolicy(
    'guardduty-findings',
    'GuardDuty findings exports: the security account\'s detectors write, the security account reads.',
    `GuardDuty (its global principal, plus the regional principal of each opt-in detection region)
may locate the bucket and write findings only on behalf of the security account's own detectors
(aws:SourceAccount and aws:SourceArn), so no other customer's detector can use it. The security
account may read.`,
    {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(bucket),
        { Sid: 'GuardDutyLocation', Effect: 'Allow', Principal, Action: 's3:GetBucketLocation', Resource: bucket, Condition: fromSecurityDetectors },
        { Sid: 'GuardDutyExports', Effect: 'Allow', Principal, Action: 's3:PutObject', Resource: `${bucket}/*`, Condition: fromSecurityDetectors },
        lockedVersions(config, bucket),
        securityReads(config, bucket),
      ],
    },
  );
}

/**
 * Log delivery (which both VPC Flow Logs and Resolver query logging write through) checking the
 * bucket and writing under AWSLogs/, only on behalf of `accounts`. Empty for no account.
 */
function logDeliveryWrites(bucket: string, accounts: readonly string[], sidPrefix: string): PolicyStatement[] {
  if (accounts.length === 0) return [];
  return [
    {
      Sid: `${sidPrefix}AclCheck`,
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: bucket,
      Condition: { StringEquals: { 'aws:SourceAccount': [...accounts] } },
    },
    {
      Sid: `${sidPrefix}Writes`,
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${bucket}/AWSLogs/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': [...accounts] } },
    },
  ];
}

/** Flow Logs bucket: log delivery on behalf of the configured workload accounts writes. */
export function flowLogsBucketPolicy(config: OrgConfig): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'flow-logs');
  return bucketPolicy(
    'flow-logs',
    'VPC Flow Logs: log delivery writes for the configured workload accounts, the security account reads.',
    `Log delivery may check the bucket and write under AWSLogs/ only on behalf of the workload
accounts that have a flow-logged VPC in the config (aws:SourceAccount); with none configured the
policy grants no write at all. The security account may read.`,
    {
      Version: '2012-10-17',
      Statement: [denyInsecureTransport(bucket), ...logDeliveryWrites(bucket, flowLogAccounts(config), 'FlowLogs'), lockedVersions(config, bucket), securityReads(config, bucket)],
    },
  );
}

/** Resolver query logs bucket: log delivery on behalf of the workload accounts with DNS-query-logged VPCs writes. */
export function dnsQueryLogsBucketPolicy(config: OrgConfig): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'dns-query-logs');
  return bucketPolicy(
    'dns-query-logs',
    'Route 53 Resolver query logs: log delivery writes for the configured workload accounts, the security account reads.',
    `Route 53 Resolver query logging writes to S3 through log delivery, which may check the bucket
and write under AWSLogs/ only on behalf of the workload accounts that have a VPC with DNS query
logging in the config (aws:SourceAccount); with none configured the policy grants no write at all.
The security account may read (Athena's resolver_query_logs table).`,
    {
      Version: '2012-10-17',
      Statement: [denyInsecureTransport(bucket), ...logDeliveryWrites(bucket, dnsQueryLogAccounts(config), 'ResolverQueryLogs'), lockedVersions(config, bucket), securityReads(config, bucket)],
    },
  );
}

/** Athena results bucket: the security account's Athena (running as the caller) writes and reads results. */
export function athenaResultsBucketPolicy(config: OrgConfig): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'athena-results');
  return bucketPolicy(
    'athena-results',
    'Athena query results: the security account writes and reads them.',
    `Athena writes and reads query results with the caller's credentials, so the security account
may put, get, list and abort multipart uploads here; its IAM policies (SecurityAnalyst,
SecurityAdmin) decide which roles. Results expire after 30 days; they are copies, not evidence,
so no version-delete deny applies.`,
    {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(bucket),
        {
          Sid: 'SecurityAccountAthenaResults',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn(config.accounts.security.id) },
          Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:ListBucket', 's3:GetBucketLocation'],
          Resource: [bucket, `${bucket}/*`],
        },
      ],
    },
  );
}

/**
 * Config bucket: the recorder roles the StackSet creates in every member account (and the
 * management account's own) deliver snapshots and history; only principals of the organization.
 */
export function configBucketPolicy(config: OrgConfig): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'config');
  const recorders = {
    StringEquals: { 'aws:PrincipalOrgID': config.organization.id },
    ArnLike: { 'aws:PrincipalArn': configRecorderRolesArn() },
  };
  return bucketPolicy(
    'config',
    'AWS Config delivery: the recorder roles of the organization write, the security account reads.',
    `The Config recorder roles this project creates in every account (matched by name, and only
inside the organization: aws:PrincipalOrgID) may check the bucket and deliver under
AWSLogs/<their own account>/Config/ only (the policy variable \${aws:PrincipalAccount}), so an
administrator of one account who edits its recorder role still cannot overwrite or forge
another account's configuration history. A role of the same name outside the organization
gets nothing. The security account may read. The bucket has no Object Lock, so besides version
deletes, changing the lifecycle or the versioning (an expiring rule or suspended versioning
deletes the history too) is denied to everyone but the deployment role.`,
    {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(bucket),
        { Sid: 'RecordersCheckBucket', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: bucket, Condition: recorders },
        {
          Sid: 'RecordersDeliverOwnPrefix',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: configDeliveryObjectsArn(config, '${aws:PrincipalAccount}'),
          Condition: recorders,
        },
        lockedVersions(config, bucket),
        denyRetentionChangesExceptDeployer(bucket, deploymentRoleArn(config, config.accounts.logArchive.id)),
        securityReads(config, bucket),
      ],
    },
  );
}

/** The bucket policy for each purpose. */
export const LOG_ARCHIVE_BUCKET_POLICIES: Record<LogArchivePurpose, (config: OrgConfig) => AuditedPolicy> = {
  cloudtrail: cloudtrailBucketPolicy,
  'guardduty-findings': guardDutyBucketPolicy,
  'flow-logs': flowLogsBucketPolicy,
  'dns-query-logs': dnsQueryLogsBucketPolicy,
  'athena-results': athenaResultsBucketPolicy,
  config: configBucketPolicy,
};
