/**
 * The log archive and the organization trail: every bucket TLS-only, versioned, private and
 * encrypted; the evidence buckets locked; only the org trail writes CloudTrail logs; opt-in
 * regions' GuardDuty principals admitted where exports are written and encrypted.
 */
import { COMMERCIAL_REGIONS, isOptInRegion } from '../../config/regions';
import { ATHENA_RESULTS_BUCKET_MARKER } from '../../shared/names';
import { DETECTION, logArchiveBucketArn, logArchiveBucketName, organizationTrailArn, type LogArchivePurpose } from '../../shared/addresses';
import { exampleConfig, exampleWith, parsePolicy, resourcesOf, stackOf, synthDetection, type StackJson, type Tf } from './support/detection';

const config = exampleConfig();
const { stacks } = synthDetection(config);
const archive = stackOf(stacks, 'log-archive-detection');

const PURPOSES: LogArchivePurpose[] = ['cloudtrail', 'guardduty-findings', 'flow-logs', 'dns-query-logs', 'athena-results', 'config'];
const LOCKED: LogArchivePurpose[] = ['cloudtrail', 'guardduty-findings', 'flow-logs', 'dns-query-logs'];
const KMS: LogArchivePurpose[] = ['cloudtrail', 'guardduty-findings', 'flow-logs', 'dns-query-logs', 'athena-results'];

/** Resources of `type` inside the bucket construct of `purpose` (logical IDs start with its ID). */
function allForBucket(stack: StackJson, type: string, purpose: LogArchivePurpose): Tf[] {
  return resourcesOf(stack, type).filter(([id]) => id.startsWith(`${purpose}_`)).map(([, r]) => r);
}

/** The one resource of `type` in the bucket construct of `purpose`. */
function forBucket(stack: StackJson, type: string, purpose: LogArchivePurpose): Tf {
  const found = allForBucket(stack, type, purpose);
  if (found.length !== 1) throw new Error(`${found.length} ${type} for ${purpose}`);
  return found[0];
}

function bucketPolicy(purpose: LogArchivePurpose): Tf[] {
  return parsePolicy(forBucket(archive, 'aws_s3_bucket_policy', purpose).policy).Statement;
}

function keyPolicy(purpose: LogArchivePurpose): Tf[] {
  const [, key] = resourcesOf(archive, 'aws_kms_key').find(([id]) => id === `${purpose}-key`)!;
  return parsePolicy(key.policy).Statement;
}

test('six buckets with deterministic, globally unique names inside S3 limits', () => {
  const names = resourcesOf(archive, 'aws_s3_bucket').map(([, b]) => b.bucket).sort();
  expect(names).toEqual(PURPOSES.map((p) => logArchiveBucketName(config, p)).sort());
  for (const name of names) {
    expect(name).toContain(config.accounts.logArchive.id);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  }
  expect(logArchiveBucketName(config, 'athena-results')).toContain(ATHENA_RESULTS_BUCKET_MARKER);
});

describe.each(PURPOSES)('bucket %s', (purpose) => {
  const arn = logArchiveBucketArn(config, purpose);

  test('denies every request without TLS', () => {
    expect(bucketPolicy(purpose)).toContainEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  test('is versioned, owner-enforced and blocks public access', () => {
    expect(forBucket(archive, 'aws_s3_bucket_versioning', purpose).versioning_configuration.status).toBe('Enabled');
    expect(forBucket(archive, 'aws_s3_bucket_ownership_controls', purpose).rule.object_ownership).toBe('BucketOwnerEnforced');
    const pab = forBucket(archive, 'aws_s3_bucket_public_access_block', purpose);
    expect([pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets]).toEqual([true, true, true, true]);
  });

  test(KMS.includes(purpose) ? 'is encrypted with its own KMS key' : 'is encrypted (SSE-S3)', () => {
    const rule = forBucket(archive, 'aws_s3_bucket_server_side_encryption_configuration', purpose).rule[0].apply_server_side_encryption_by_default;
    if (KMS.includes(purpose)) {
      expect(rule.sse_algorithm).toBe('aws:kms');
      expect(rule.kms_master_key_id).toBe(`\${aws_kms_key.${purpose}-key.arn}`);
    } else {
      expect(rule.sse_algorithm).toBe('AES256');
    }
  });

  test(LOCKED.includes(purpose) ? 'has Object Lock with the configured retention' : 'has no Object Lock', () => {
    const bucket = forBucket(archive, 'aws_s3_bucket', purpose);
    const locks = allForBucket(archive, 'aws_s3_bucket_object_lock_configuration', purpose);
    if (LOCKED.includes(purpose)) {
      expect(bucket.object_lock_enabled).toBe(true);
      expect(locks[0].rule.default_retention).toEqual({ mode: 'GOVERNANCE', days: config.cloudtrail.objectLockDays });
    } else {
      expect(bucket.object_lock_enabled).toBe(false);
      expect(locks).toHaveLength(0);
    }
  });
});

test('CloudTrail logs move to Glacier and expire on the configured days', () => {
  const custom = exampleWith((raw) => (raw.cloudtrail = { objectLockDays: 400, glacierAfterDays: 30, expireAfterDays: 1000 }));
  const stack = stackOf(synthDetection(custom).stacks, 'log-archive-detection');
  const [rule] = forBucket(stack, 'aws_s3_bucket_lifecycle_configuration', 'cloudtrail').rule;
  // Instant Retrieval keeps old logs readable by Athena (Flexible Retrieval objects are skipped).
  expect(rule.transition).toEqual([{ days: 30, storage_class: 'GLACIER_IR' }]);
  expect(rule.expiration).toEqual([{ days: 1000 }]);
  expect(forBucket(stack, 'aws_s3_bucket_object_lock_configuration', 'cloudtrail').rule.default_retention.days).toBe(400);
});

test('expiring logs before their lock ends is refused at build time', () => {
  const bad = exampleWith((raw) => (raw.cloudtrail = { objectLockDays: 400, expireAfterDays: 100 }));
  expect(() => synthDetection(bad)).toThrow(/expireAfterDays \(100\) is shorter than cloudtrail.objectLockDays \(400\)/);
});

test('expiring logs no later than their Glacier transition is refused at build time (S3 rejects the rule)', () => {
  const bad = exampleWith((raw) => (raw.cloudtrail = { objectLockDays: 30, glacierAfterDays: 400, expireAfterDays: 400 }));
  expect(() => synthDetection(bad)).toThrow(/expireAfterDays \(400\) must be greater than cloudtrail.glacierAfterDays \(400\)/);
});

test.each(LOCKED)('locked bucket %s: only the deployment role may delete versions or bypass governance retention', (purpose) => {
  expect(bucketPolicy(purpose)).toContainEqual({
    Sid: 'DenyVersionDeletesAndLockBypass',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
    Resource: `${logArchiveBucketArn(config, purpose)}/*`,
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${config.accounts.logArchive.id}:role/${config.deployment.roleName}` } },
  });
});

test('each Config recorder delivers only under its own account\'s prefix (an IAM variable, escaped for Terraform)', () => {
  const deliver = bucketPolicy('config').find((s) => s.Sid === 'RecordersDeliverOwnPrefix');
  expect(deliver.Resource).toBe(`${logArchiveBucketArn(config, 'config')}/AWSLogs/\${aws:PrincipalAccount}/Config/*`);
  expect(forBucket(archive, 'aws_s3_bucket_policy', 'config').policy).toContain('/AWSLogs/$${aws:PrincipalAccount}/Config/*');
});

test('only the organization trail writes CloudTrail logs', () => {
  const statements = bucketPolicy('cloudtrail');
  const trail = organizationTrailArn(config);
  const allows = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('s3:PutObject'));
  expect(allows).toHaveLength(1);
  expect(allows[0].Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
  expect(allows[0].Condition.StringEquals['aws:SourceArn']).toBe(trail);
  expect(allows[0].Resource).toContain(`${logArchiveBucketArn(config, 'cloudtrail')}/AWSLogs/${config.organization.id}/*`);
  expect(statements).toContainEqual(expect.objectContaining({ Sid: 'DenyWritesNotFromOrgTrail', Effect: 'Deny', Action: 's3:PutObject', Condition: { StringNotEquals: { 'aws:SourceArn': trail } } }));
  const acl = statements.find((s) => s.Action === 's3:GetBucketAcl');
  expect(acl.Condition.StringEquals['aws:SourceArn']).toBe(trail);
});

test('the CloudTrail key lets only the org trail encrypt', () => {
  const encrypt = keyPolicy('cloudtrail').find((s) => s.Action === 'kms:GenerateDataKey*');
  expect(encrypt.Principal).toEqual({ Service: 'cloudtrail.amazonaws.com' });
  expect(encrypt.Condition.StringEquals['aws:SourceArn']).toBe(organizationTrailArn(config));
});

describe.each([
  { name: 'example (all regions)', detection: 'all' as const },
  { name: 'allowed regions plus af-south-1', detection: ['us-east-1', 'us-west-2', 'eu-west-1', 'af-south-1'] },
  { name: 'no opt-in region', detection: ['us-east-1', 'us-west-2', 'eu-west-1'] },
])('GuardDuty principals: $name', ({ detection }) => {
  const cfg = exampleWith((raw) => (raw.regions.detection = detection));
  const stack = stackOf(synthDetection(cfg).stacks, 'log-archive-detection');
  // `all` = every region enabled by default (the example allows no opt-in region).
  const regions: readonly string[] = detection === 'all' ? COMMERCIAL_REGIONS.filter((r) => !isOptInRegion(r)) : detection;
  const expected = ['guardduty.amazonaws.com', ...regions.filter(isOptInRegion).map((r) => `guardduty.${r}.amazonaws.com`)].sort();

  test('bucket and key admit the global and each opt-in regional principal, for the security account only', () => {
    const bucket = parsePolicy(forBucket(stack, 'aws_s3_bucket_policy', 'guardduty-findings').policy).Statement.find((s) => s.Sid === 'GuardDutyExports');
    const [, key] = resourcesOf(stack, 'aws_kms_key').find(([id]) => id === 'guardduty-findings-key')!;
    const keyStatement = parsePolicy(key.policy).Statement.find((s) => s.Sid === 'GuardDutyEncryptsExports');
    for (const s of [bucket, keyStatement]) {
      expect([...s.Principal.Service].sort()).toEqual(expected);
      expect(s.Condition.StringEquals['aws:SourceAccount']).toBe(cfg.accounts.security.id);
    }
  });
});

test('organization trail: every region, global events, validation, KMS, the archive bucket', () => {
  const trailStack = stackOf(stacks, 'management-trail');
  const [[, trail]] = resourcesOf(trailStack, 'aws_cloudtrail') as [[string, Tf]];
  expect(trail).toMatchObject({
    name: DETECTION.trailName,
    is_organization_trail: true,
    is_multi_region_trail: true,
    include_global_service_events: true,
    enable_log_file_validation: true,
    s3_bucket_name: logArchiveBucketName(config, 'cloudtrail'),
  });
  expect(trail.kms_key_id).toBe('${data.aws_kms_key.trail-key.arn}');
  expect(trailStack.data.aws_kms_key['trail-key'].key_id).toBe(`arn:aws:kms:${config.organization.homeRegion}:${config.accounts.logArchive.id}:alias/ir-cloudtrail`);
  expect(trailStack.provider.aws[0].allowed_account_ids).toEqual([config.accounts.management.id]);
});
