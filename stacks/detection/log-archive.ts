/**
 * `log-archive-detection`: where evidence rests. One customer-managed key and one bucket per
 * kind of log (CloudTrail, GuardDuty findings, Flow Logs), plus Athena results and Config
 * delivery. Every bucket: owner-enforced, public access blocked, versioned, TLS-only; the
 * evidence buckets also carry Object Lock and a retention lifecycle.
 */
import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import { LOG_ARCHIVE_BUCKET_POLICIES } from '../../policies/resource/log-archive-buckets';
import { LOG_ARCHIVE_KEY_POLICIES } from '../../policies/resource/log-archive-keys';
import { logArchiveBucketArn, logArchiveBucketName, logArchiveKeyAlias, logArchiveKeyAliasArn, type KeyedLogArchivePurpose, type LogArchivePurpose } from '../../shared/addresses';
import { terraformPolicy } from '../plumbing/terraform-literal';

export interface ArchiveBucketProps {
  readonly config: OrgConfig;
  readonly purpose: LogArchivePurpose;
  readonly region: string;
  /** Customer-managed key for default encryption. @default SSE-S3 (AES256) */
  readonly key?: KmsKey;
  /** Object Lock default retention in governance mode, in days. @default no Object Lock */
  readonly objectLockDays?: number;
  /** Retention rules. @default none */
  readonly lifecycle?: readonly S3BucketLifecycleConfigurationRule[];
}

/** A log-archive bucket with the controls every bucket here shares. */
export class ArchiveBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const { region, config, purpose } = props;
    // Object Lock can only be switched on when the bucket is created.
    this.bucket = new S3Bucket(this, 'bucket', { region, bucket: logArchiveBucketName(config, purpose), objectLockEnabled: props.objectLockDays !== undefined });
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, 'ownership', { region, bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'public-access', { region, bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    new S3BucketVersioningA(this, 'versioning', { region, bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      region,
      bucket,
      rule: [
        props.key
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.key.arn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    if (props.objectLockDays !== undefined) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', { region, bucket, rule: { defaultRetention: { mode: 'GOVERNANCE', days: props.objectLockDays } } });
    }
    if (props.lifecycle && props.lifecycle.length > 0) {
      new S3BucketLifecycleConfiguration(this, 'lifecycle', { region, bucket, rule: [...props.lifecycle] });
    }
    new S3BucketPolicy(this, 'policy', { region, bucket, policy: terraformPolicy(LOG_ARCHIVE_BUCKET_POLICIES[purpose](config).document) });
  }
}

/**
 * Glacier Instant Retrieval after N days, expiry after M, old versions gone after the lock
 * window; configured by `cloudtrail`. Instant Retrieval, not Flexible: Athena skips objects it
 * cannot GET without a restore, so older logs would silently drop out of every IR query.
 */
export function evidenceLifecycle(config: OrgConfig): S3BucketLifecycleConfigurationRule[] {
  const { glacierAfterDays, expireAfterDays, objectLockDays } = config.cloudtrail;
  return [
    {
      id: 'evidence-retention',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      transition: [{ days: glacierAfterDays, storageClass: 'GLACIER_IR' }],
      expiration: [{ days: expireAfterDays }],
      // A noncurrent version only exists after an overwrite or delete marker; keep it as long as the lock would.
      noncurrentVersionExpiration: [{ noncurrentDays: objectLockDays }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
    },
  ];
}

function shortLived(id: string, days: number): S3BucketLifecycleConfigurationRule[] {
  return [
    {
      id,
      status: 'Enabled',
      filter: [{ prefix: '' }],
      expiration: [{ days }],
      noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
    },
  ];
}

/** The log-archive account's detection resources, all in the home region. */
export class LogArchiveStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly logArchive: TargetAccount }) {
    super(scope, { config: props.config, account: props.logArchive, concern: 'detection' });
    const config = props.config;
    const region = this.region;
    const lockDays = config.cloudtrail.objectLockDays;
    if (config.cloudtrail.expireAfterDays < lockDays) {
      throw new Error(`cloudtrail.expireAfterDays (${config.cloudtrail.expireAfterDays}) is shorter than cloudtrail.objectLockDays (${lockDays}): locked logs cannot expire; raise expireAfterDays`);
    }
    // S3 rejects the lifecycle rule at apply unless expiration comes strictly after the Glacier transition.
    if (config.cloudtrail.expireAfterDays <= config.cloudtrail.glacierAfterDays) {
      throw new Error(`cloudtrail.expireAfterDays (${config.cloudtrail.expireAfterDays}) must be greater than cloudtrail.glacierAfterDays (${config.cloudtrail.glacierAfterDays}): S3 refuses a lifecycle rule that expires objects no later than it transitions them`);
    }

    const trailKey = this.key('cloudtrail', 'Organization CloudTrail logs');
    new ArchiveBucket(this, 'cloudtrail', { config, purpose: 'cloudtrail', region, key: trailKey, objectLockDays: lockDays, lifecycle: evidenceLifecycle(config) });

    const findingsKey = this.key('guardduty-findings', 'GuardDuty findings exported from every detection region');
    new ArchiveBucket(this, 'guardduty-findings', { config, purpose: 'guardduty-findings', region, key: findingsKey, objectLockDays: lockDays, lifecycle: evidenceLifecycle(config) });

    const flowKey = this.key('flow-logs', 'VPC Flow Logs of the workload accounts');
    new ArchiveBucket(this, 'flow-logs', { config, purpose: 'flow-logs', region, key: flowKey, objectLockDays: lockDays, lifecycle: evidenceLifecycle(config) });

    const dnsKey = this.key('dns-query-logs', 'Route 53 Resolver query logs of the workload VPCs');
    new ArchiveBucket(this, 'dns-query-logs', { config, purpose: 'dns-query-logs', region, key: dnsKey, objectLockDays: lockDays, lifecycle: evidenceLifecycle(config) });

    const resultsKey = this.key('athena-results', 'Athena query results of the security account');
    new ArchiveBucket(this, 'athena-results', { config, purpose: 'athena-results', region, key: resultsKey, lifecycle: shortLived('results-expire', 30) });

    // SSE-S3: recorder roles in every account would otherwise each need a grant on a key here.
    new ArchiveBucket(this, 'config', { config, purpose: 'config', region, lifecycle: evidenceLifecycle(config).map((r) => ({ ...r, id: 'config-retention' })) });
  }

  /** A log-archive bucket that `consumer` writes or reads: its name and ARN (the consumer deploys after the archive). */
  bucket(consumer: AccountStack, purpose: LogArchivePurpose): { readonly name: string; readonly arn: string } {
    return this.provide(consumer, { name: logArchiveBucketName(this.config, purpose), arn: logArchiveBucketArn(this.config, purpose) });
  }

  /** Alias ARN of the key of a log-archive bucket, for `consumer` to resolve (the consumer deploys after the archive). */
  keyAliasArn(consumer: AccountStack, purpose: KeyedLogArchivePurpose): string {
    return this.provide(consumer, logArchiveKeyAliasArn(this.config, purpose));
  }

  private key(purpose: KeyedLogArchivePurpose, description: string): KmsKey {
    const key = new KmsKey(this, `${purpose}-key`, {
      region: this.region,
      description: `aws-ir-guardrails: ${description}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: terraformPolicy(LOG_ARCHIVE_KEY_POLICIES[purpose](this.config).document),
    });
    new KmsAlias(this, `${purpose}-key-alias`, { region: this.region, name: logArchiveKeyAlias(purpose), targetKeyId: key.keyId });
    return key;
  }
}
