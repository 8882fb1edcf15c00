/**
 * Bucket and key policies of the log archive, as plain documents: what each service may write,
 * who may read, and the TLS-only deny every bucket carries. No Terraform tokens inside, so
 * tests and auditors read exactly what AWS receives.
 */
import type { OrgConfig } from '../../config';
import type { PolicyDocument, PolicyStatement } from '../../policies/document';
import { DETECTION, cloudtrailLogPrefix, guardDutyRegions, logArchiveBucketArn, organizationTrailArn, servicePrincipals, type LogArchivePurpose } from '../../shared/addresses';

const accountRoot = (id: string): string => `arn:aws:iam::${id}:root`;

/** Denies every request to the bucket or its objects that is not made over TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * Object Lock here is GOVERNANCE mode, which yields to anyone allowed s3:BypassGovernanceRetention:
 * without this, any admin of the log-archive account can delete locked log versions. Only the
 * deployment role keeps that power (as on the forensics evidence bucket).
 */
export function denyLockBypass(config: OrgConfig, bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyVersionDeletesAndLockBypass',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
    Resource: `${bucketArn}/*`,
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${config.accounts.logArchive.id}:role/${config.deployment.roleName}` } },
  };
}

/** The security account (Athena, responders) reads the bucket; its IAM policies decide who exactly. */
function securityReads(config: OrgConfig, bucketArn: string): PolicyStatement {
  return {
    Sid: 'SecurityAccountReads',
    Effect: 'Allow',
    Principal: { AWS: accountRoot(config.accounts.security.id) },
    Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:GetBucketLocation'],
    Resource: [bucketArn, `${bucketArn}/*`],
  };
}

/** Workload accounts whose VPC flow logs land in the archive. */
export function flowLogAccounts(config: OrgConfig): string[] {
  return config.accounts.workloads.filter((w) => w.vpcs.some((v) => v.flowLogs)).map((w) => w.id);
}

/**
 * CloudTrail bucket: only the organization trail writes (the ACL check and the write both pinned
 * with `aws:SourceArn`), every other write is denied, the security account reads.
 */
export function cloudtrailBucketPolicy(config: OrgConfig): PolicyDocument {
  const bucket = logArchiveBucketArn(config, 'cloudtrail');
  const trail = organizationTrailArn(config);
  // The org trail writes under the org ID; CloudTrail also checks the management account's own prefix on creation.
  const writable = [`${bucket}/${cloudtrailLogPrefix(config)}*`, `${bucket}/AWSLogs/${config.accounts.management.id}/*`];
  return {
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
      denyLockBypass(config, bucket),
      securityReads(config, bucket),
    ],
  };
}

/** GuardDuty findings bucket: the security account's detectors in every detection region write. */
export function guardDutyBucketPolicy(config: OrgConfig): PolicyDocument {
  const bucket = logArchiveBucketArn(config, 'guardduty-findings');
  const security = config.accounts.security.id;
  const fromSecurityDetectors = {
    StringEquals: { 'aws:SourceAccount': security },
    ArnLike: { 'aws:SourceArn': `arn:aws:guardduty:*:${security}:detector/*` },
  };
  const Principal = { Service: servicePrincipals('guardduty', guardDutyRegions(config)) };
  return {
    Version: '2012-10-17',
    Statement: [
      denyInsecureTransport(bucket),
      { Sid: 'GuardDutyLocation', Effect: 'Allow', Principal, Action: 's3:GetBucketLocation', Resource: bucket, Condition: fromSecurityDetectors },
      { Sid: 'GuardDutyExports', Effect: 'Allow', Principal, Action: 's3:PutObject', Resource: `${bucket}/*`, Condition: fromSecurityDetectors },
      denyLockBypass(config, bucket),
      securityReads(config, bucket),
    ],
  };
}

/** Flow Logs bucket: log delivery on behalf of the configured workload accounts writes. */
export function flowLogsBucketPolicy(config: OrgConfig): PolicyDocument {
  const bucket = logArchiveBucketArn(config, 'flow-logs');
  const accounts = flowLogAccounts(config);
  const delivery: PolicyStatement[] =
    accounts.length === 0
      ? []
      : [
          {
            Sid: 'FlowLogsAclCheck',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: ['s3:GetBucketAcl', 's3:ListBucket'],
            Resource: bucket,
            Condition: { StringEquals: { 'aws:SourceAccount': accounts } },
          },
          {
            Sid: 'FlowLogsWrites',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${bucket}/AWSLogs/*`,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': accounts } },
          },
        ];
  return { Version: '2012-10-17', Statement: [denyInsecureTransport(bucket), ...delivery, denyLockBypass(config, bucket), securityReads(config, bucket)] };
}

/** Athena results bucket: the security account's Athena (running as the caller) writes and reads results. */
export function athenaResultsBucketPolicy(config: OrgConfig): PolicyDocument {
  const bucket = logArchiveBucketArn(config, 'athena-results');
  return {
    Version: '2012-10-17',
    Statement: [
      denyInsecureTransport(bucket),
      {
        Sid: 'SecurityAccountAthenaResults',
        Effect: 'Allow',
        Principal: { AWS: accountRoot(config.accounts.security.id) },
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:ListBucket', 's3:GetBucketLocation'],
        Resource: [bucket, `${bucket}/*`],
      },
    ],
  };
}

/**
 * Config bucket: the recorder roles the StackSet creates in every member account (and the
 * management account's own) deliver snapshots and history; only principals of the organization.
 */
export function configBucketPolicy(config: OrgConfig): PolicyDocument {
  const bucket = logArchiveBucketArn(config, 'config');
  const recorders = {
    StringEquals: { 'aws:PrincipalOrgID': config.organization.id },
    ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::*:role/${DETECTION.configRecorderRole}*` },
  };
  return {
    Version: '2012-10-17',
    Statement: [
      denyInsecureTransport(bucket),
      { Sid: 'RecordersCheckBucket', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: bucket, Condition: recorders },
      { Sid: 'RecordersDeliver', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: `${bucket}/AWSLogs/*`, Condition: recorders },
      securityReads(config, bucket),
    ],
  };
}

/** The bucket policy for each purpose. */
export const BUCKET_POLICIES: Record<LogArchivePurpose, (config: OrgConfig) => PolicyDocument> = {
  cloudtrail: cloudtrailBucketPolicy,
  'guardduty-findings': guardDutyBucketPolicy,
  'flow-logs': flowLogsBucketPolicy,
  'athena-results': athenaResultsBucketPolicy,
  config: configBucketPolicy,
};

/** The log-archive account administers its keys; without this statement a key can lock everyone out. */
function keyAdministration(config: OrgConfig): PolicyStatement {
  return { Sid: 'LogArchiveAdministers', Effect: 'Allow', Principal: { AWS: accountRoot(config.accounts.logArchive.id) }, Action: 'kms:*', Resource: '*' };
}

/** The security account decrypts what it reads (Athena, responders) and resolves the alias. */
function securityDecrypts(config: OrgConfig, extra: readonly string[] = []): PolicyStatement {
  return {
    Sid: 'SecurityAccountUses',
    Effect: 'Allow',
    Principal: { AWS: accountRoot(config.accounts.security.id) },
    Action: ['kms:Decrypt', 'kms:DescribeKey', ...extra],
    Resource: '*',
  };
}

/** CloudTrail key: the org trail encrypts, the management account resolves the alias, security decrypts. */
export function cloudtrailKeyPolicy(config: OrgConfig): PolicyDocument {
  const trail = organizationTrailArn(config);
  return {
    Version: '2012-10-17',
    Statement: [
      keyAdministration(config),
      {
        Sid: 'OrgTrailEncrypts',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceArn': trail },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${config.accounts.management.id}:trail/*` },
        },
      },
      { Sid: 'OrgTrailDescribes', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'aws:SourceArn': trail } } },
      { Sid: 'ManagementResolves', Effect: 'Allow', Principal: { AWS: accountRoot(config.accounts.management.id) }, Action: 'kms:DescribeKey', Resource: '*' },
      securityDecrypts(config),
    ],
  };
}

/** GuardDuty key: every detection region's service principal encrypts exports of the security account's detectors. */
export function guardDutyKeyPolicy(config: OrgConfig): PolicyDocument {
  const security = config.accounts.security.id;
  return {
    Version: '2012-10-17',
    Statement: [
      keyAdministration(config),
      {
        Sid: 'GuardDutyEncryptsExports',
        Effect: 'Allow',
        Principal: { Service: servicePrincipals('guardduty', guardDutyRegions(config)) },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': security }, ArnLike: { 'aws:SourceArn': `arn:aws:guardduty:*:${security}:detector/*` } },
      },
      securityDecrypts(config),
    ],
  };
}

/** Flow Logs key: log delivery encrypts for the workload accounts; security decrypts. */
export function flowLogsKeyPolicy(config: OrgConfig): PolicyDocument {
  const accounts = flowLogAccounts(config);
  const delivery: PolicyStatement[] =
    accounts.length === 0
      ? []
      : [
          {
            Sid: 'LogDeliveryEncrypts',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': accounts } },
          },
        ];
  return { Version: '2012-10-17', Statement: [keyAdministration(config), ...delivery, securityDecrypts(config)] };
}

/** Athena results key: the security account writes and reads results. */
export function athenaResultsKeyPolicy(config: OrgConfig): PolicyDocument {
  return { Version: '2012-10-17', Statement: [keyAdministration(config), securityDecrypts(config, ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'])] };
}
