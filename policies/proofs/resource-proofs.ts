/**
 * Proof tables for the resource policies (bucket, key, topic, bus), the service-role trusts and
 * the containment policies irctl attaches. Bucket and key policies are evaluated as resource
 * policies with an allow-all identity: each decision is the resource policy's own (for a caller
 * in another account, AWS needs both sides; the identity side is proven by the role tables).
 */
import type { OrgConfig } from '../../config';
import {
  cleanRoom,
  cloudtrailLogPrefix,
  deploymentRoleArn,
  dnsQueryLogAccounts,
  flowLogAccounts,
  logArchiveBucketArn,
  organizationTrailArn,
  securityDetectorsArn,
  alertTopicArn,
  billingTopicArn,
  breakGlassBusArn,
  BILLING_REGION,
  DETECTION,
  type LogArchivePurpose,
} from '../../shared/addresses';
import { containmentPolicies } from '../containment/credentials';
import type { PolicyDocument } from '../document';
import { evidenceBucketPolicy, evidenceKeyPolicy, s3EndpointPolicy } from '../resource/clean-room';
import { FORENSICS } from '../../shared/names';
import { breakGlassBusPolicy } from '../resource/buses';
import { LOG_ARCHIVE_BUCKET_POLICIES } from '../resource/log-archive-buckets';
import { LOG_ARCHIVE_KEY_POLICIES } from '../resource/log-archive-keys';
import { alertTopicPolicy, billingTopicPolicy } from '../resource/topics';
import { breakGlassForwarderTrust, cleanRoomFlowLogsTrust, configRecorderTrust, findingsForwarderTrust, workstationTrust } from '../trust/service-roles';
import type { AuditedPolicy } from '../scp/audited';
import { proofFixtures } from './fixtures';
import type { ProofRequest, ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const IMPLICIT = 'ImplicitlyDenied' as const;
const EXPLICIT = 'ExplicitlyDenied' as const;
/** A principal of another organization. */
const OUTSIDER_ACCOUNT = '999999999999';
const OUTSIDER = `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/Admin`;
const OTHER_ORG = { 'aws:PrincipalOrgID': 'o-otherorg123' };
const TLS = { 'aws:SecureTransport': 'true' };
const KEY_ID = 'key/1234abcd-12ab-34cd-56ef-1234567890ab';

const row = (name: string, request: ProofRequest, expected: ProofRow['expected']): ProofRow => ({ name, request, expected });

function resourceTable(id: string, title: string, policy: AuditedPolicy, rows: ProofRow[]): ProofTable {
  return { id, title, policyNames: [policy.name], policies: { resourcePolicy: policy.document }, rows };
}

/** One log-archive bucket: its writer, the security account's reads, outsiders, plain HTTP and version deletes. */
function logArchiveBucketTable(config: OrgConfig, purpose: LogArchivePurpose, writers: ProofRow[]): ProofTable {
  const f = proofFixtures(config);
  const logArchive = f.logArchiveAccount;
  const bucket = logArchiveBucketArn(config, purpose);
  const object = `${bucket}/AWSLogs/${f.workloadAccount}/object.gz`;
  const inArchive = { resourceAccount: logArchive };
  const admin = `arn:aws:iam::${logArchive}:role/Admin`;
  const orgId = { 'aws:PrincipalOrgID': config.organization.id };
  const locked = purpose !== 'athena-results' && purpose !== 'config';
  const rows: ProofRow[] = [
    ...writers,
    row('the security account reads an object', { principal: f.irRole('analyst', f.securityAccount), action: 's3:GetObject', resource: object, ...inArchive, context: { ...TLS, ...orgId } }, ALLOWED),
    row('the security account reads over plain HTTP', { principal: f.irRole('analyst', f.securityAccount), action: 's3:GetObject', resource: object, ...inArchive, context: { 'aws:SecureTransport': 'false', ...orgId } }, EXPLICIT),
    row('a workload account reads an object', { principal: f.appRole, action: 's3:GetObject', resource: object, ...inArchive, context: { ...TLS, ...orgId } }, IMPLICIT),
    row('a principal outside the organization reads an object', { principal: OUTSIDER, action: 's3:GetObject', resource: object, ...inArchive, context: { ...TLS, ...OTHER_ORG } }, IMPLICIT),
    row('a principal outside the organization lists the bucket', { principal: OUTSIDER, action: 's3:ListBucket', resource: bucket, ...inArchive, context: { ...TLS, ...OTHER_ORG } }, IMPLICIT),
  ];
  const deployer = deploymentRoleArn(config, logArchive);
  // Every bucket but the Athena results (copies, expiring in 30 days) keeps its history.
  if (purpose !== 'athena-results') {
    rows.push(
      row('a log-archive administrator deletes an object version', { principal: admin, action: 's3:DeleteObjectVersion', resource: object, ...inArchive, context: TLS }, EXPLICIT),
      row(`the deployment role deletes an object version${locked ? ' (retention still applies)' : ''}`, { principal: deployer, action: 's3:DeleteObjectVersion', resource: object, ...inArchive, context: TLS }, ALLOWED),
    );
  }
  if (locked) {
    rows.push(row('a log-archive administrator bypasses governance retention', { principal: admin, action: 's3:BypassGovernanceRetention', resource: object, ...inArchive, context: TLS }, EXPLICIT));
  } else if (purpose === 'config') {
    // No Object Lock here: an expiring lifecycle rule or suspended versioning would delete the history instead.
    for (const action of ['s3:PutLifecycleConfiguration', 's3:PutBucketVersioning']) {
      rows.push(
        row(`a log-archive administrator calls ${action}`, { principal: admin, action, resource: bucket, ...inArchive, context: TLS }, EXPLICIT),
        row(`the deployment role calls ${action}`, { principal: deployer, action, resource: bucket, ...inArchive, context: TLS }, ALLOWED),
      );
    }
  }
  const policy = LOG_ARCHIVE_BUCKET_POLICIES[purpose](config);
  return resourceTable(`resource-bucket-${purpose}`, `Log-archive bucket policy: ${purpose}`, policy, rows);
}

/** The six log-archive bucket policies. */
export function logArchiveBucketProofs(config: OrgConfig): ProofTable[] {
  const f = proofFixtures(config);
  const logArchive = f.logArchiveAccount;
  const inArchive = { resourceAccount: logArchive };
  const trail = organizationTrailArn(config);
  const trailObject = `${logArchiveBucketArn(config, 'cloudtrail')}/${cloudtrailLogPrefix(config)}${f.workloadAccount}/CloudTrail/us-east-1/2026/01/01/x.json.gz`;
  const ownerFull = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  const otherTrail = `arn:aws:cloudtrail:us-east-1:${OUTSIDER_ACCOUNT}:trail/theirs`;
  const cloudtrail: ProofRow[] = [
    row('the organization trail writes a log file', { principal: 'cloudtrail.amazonaws.com', action: 's3:PutObject', resource: trailObject, ...inArchive, context: { ...TLS, ...ownerFull, 'aws:SourceArn': trail } }, ALLOWED),
    row('the organization trail checks the bucket ACL', { principal: 'cloudtrail.amazonaws.com', action: 's3:GetBucketAcl', resource: logArchiveBucketArn(config, 'cloudtrail'), ...inArchive, context: { ...TLS, 'aws:SourceArn': trail } }, ALLOWED),
    row('another customer\'s trail writes a log file', { principal: 'cloudtrail.amazonaws.com', action: 's3:PutObject', resource: trailObject, ...inArchive, context: { ...TLS, ...ownerFull, 'aws:SourceArn': otherTrail } }, EXPLICIT),
    row('a log-archive administrator overwrites a log file', { principal: `arn:aws:iam::${logArchive}:role/Admin`, action: 's3:PutObject', resource: trailObject, ...inArchive, context: TLS }, EXPLICIT),
  ];
  const findingsObject = `${logArchiveBucketArn(config, 'guardduty-findings')}/AWSLogs/${f.securityAccount}/GuardDuty/us-east-1/2026/01/01/f.jsonl.gz`;
  const detector = securityDetectorsArn(config).replace('*:', 'us-east-1:').replace('detector/*', 'detector/12abc34d567e8fa901bc2d34e56789f0');
  const guardDuty: ProofRow[] = [
    row('the security account\'s detector exports findings', { principal: 'guardduty.amazonaws.com', action: 's3:PutObject', resource: findingsObject, ...inArchive, context: { ...TLS, 'aws:SourceAccount': f.securityAccount, 'aws:SourceArn': detector } }, ALLOWED),
    row('another account\'s detector exports findings', { principal: 'guardduty.amazonaws.com', action: 's3:PutObject', resource: findingsObject, ...inArchive, context: { ...TLS, 'aws:SourceAccount': OUTSIDER_ACCOUNT, 'aws:SourceArn': `arn:aws:guardduty:us-east-1:${OUTSIDER_ACCOUNT}:detector/x` } }, IMPLICIT),
  ];
  const flowAccount = flowLogAccounts(config)[0];
  const flowObject = (account: string) => `${logArchiveBucketArn(config, 'flow-logs')}/AWSLogs/${account}/vpcflowlogs/us-east-1/2026/01/01/f.log.gz`;
  const flowLogs: ProofRow[] = [
    ...(flowAccount
      ? [row('log delivery writes for a flow-logged workload account', { principal: 'delivery.logs.amazonaws.com', action: 's3:PutObject', resource: flowObject(flowAccount), ...inArchive, context: { ...TLS, ...ownerFull, 'aws:SourceAccount': flowAccount } }, ALLOWED)]
      : []),
    row('log delivery writes for an account outside the config', { principal: 'delivery.logs.amazonaws.com', action: 's3:PutObject', resource: flowObject(OUTSIDER_ACCOUNT), ...inArchive, context: { ...TLS, ...ownerFull, 'aws:SourceAccount': OUTSIDER_ACCOUNT } }, IMPLICIT),
  ];
  const dnsAccount = dnsQueryLogAccounts(config)[0];
  const dnsBucket = logArchiveBucketArn(config, 'dns-query-logs');
  const dnsObject = (account: string) => `${dnsBucket}/AWSLogs/${account}/vpcdnsquerylogs/vpc-0a1b2c3d4e5f60001/2026/01/01/q.log.gz`;
  const dnsQueryLogs: ProofRow[] = [
    ...(dnsAccount
      ? [
          row('log delivery writes Resolver query logs for a DNS-query-logged workload account', { principal: 'delivery.logs.amazonaws.com', action: 's3:PutObject', resource: dnsObject(dnsAccount), ...inArchive, context: { ...TLS, ...ownerFull, 'aws:SourceAccount': dnsAccount } }, ALLOWED),
          row('log delivery checks the bucket ACL for that account', { principal: 'delivery.logs.amazonaws.com', action: 's3:GetBucketAcl', resource: dnsBucket, ...inArchive, context: { ...TLS, 'aws:SourceAccount': dnsAccount } }, ALLOWED),
          row('log delivery writes without bucket-owner-full-control', { principal: 'delivery.logs.amazonaws.com', action: 's3:PutObject', resource: dnsObject(dnsAccount), ...inArchive, context: { ...TLS, 's3:x-amz-acl': 'private', 'aws:SourceAccount': dnsAccount } }, IMPLICIT),
        ]
      : []),
    row('log delivery writes Resolver query logs for an account outside the config', { principal: 'delivery.logs.amazonaws.com', action: 's3:PutObject', resource: dnsObject(OUTSIDER_ACCOUNT), ...inArchive, context: { ...TLS, ...ownerFull, 'aws:SourceAccount': OUTSIDER_ACCOUNT } }, IMPLICIT),
  ];
  const results = `${logArchiveBucketArn(config, 'athena-results')}/${DETECTION.athenaWorkgroup}/q.csv`;
  const athena: ProofRow[] = [
    row('the security account writes query results', { principal: f.irRole('analyst', f.securityAccount), action: 's3:PutObject', resource: results, ...inArchive, context: TLS }, ALLOWED),
    row('a workload account writes query results', { principal: f.appRole, action: 's3:PutObject', resource: results, ...inArchive, context: TLS }, IMPLICIT),
  ];
  const configObject = (account: string) => `${logArchiveBucketArn(config, 'config')}/AWSLogs/${account}/Config/us-east-1/2026/1/1/x.json.gz`;
  const recorder = (account: string) => `arn:aws:iam::${account}:role/${DETECTION.configRecorderRole}-us-east-1`;
  const configRows: ProofRow[] = [
    row('a recorder role of the organization delivers', { principal: recorder(f.workloadAccount), action: 's3:PutObject', resource: configObject(f.workloadAccount), ...inArchive, context: { ...TLS, 'aws:PrincipalOrgID': config.organization.id } }, ALLOWED),
    row('a recorder role of the same name outside the organization delivers', { principal: recorder(OUTSIDER_ACCOUNT), action: 's3:PutObject', resource: configObject(OUTSIDER_ACCOUNT), ...inArchive, context: { ...TLS, ...OTHER_ORG } }, IMPLICIT),
    row('another role of the organization delivers', { principal: f.appRole, action: 's3:PutObject', resource: configObject(f.workloadAccount), ...inArchive, context: { ...TLS, 'aws:PrincipalOrgID': config.organization.id } }, IMPLICIT),
    row('a recorder role of the organization delivers into another account\'s prefix', { principal: recorder(f.workloadAccount), action: 's3:PutObject', resource: configObject(f.securityAccount), ...inArchive, context: { ...TLS, 'aws:PrincipalOrgID': config.organization.id } }, IMPLICIT),
    row('a recorder role of the organization delivers outside the Config prefix of its account', { principal: recorder(f.workloadAccount), action: 's3:PutObject', resource: `${logArchiveBucketArn(config, 'config')}/AWSLogs/${f.workloadAccount}/elsewhere.json.gz`, ...inArchive, context: { ...TLS, 'aws:PrincipalOrgID': config.organization.id } }, IMPLICIT),
  ];
  return [
    logArchiveBucketTable(config, 'cloudtrail', cloudtrail),
    logArchiveBucketTable(config, 'guardduty-findings', guardDuty),
    logArchiveBucketTable(config, 'flow-logs', flowLogs),
    logArchiveBucketTable(config, 'dns-query-logs', dnsQueryLogs),
    logArchiveBucketTable(config, 'athena-results', athena),
    logArchiveBucketTable(config, 'config', configRows),
  ];
}

/** The five log-archive key policies: the writing service, the security account, outsiders, administration. */
export function logArchiveKeyProofs(config: OrgConfig): ProofTable[] {
  const f = proofFixtures(config);
  const logArchive = f.logArchiveAccount;
  const key = `arn:aws:kms:${config.organization.homeRegion}:${logArchive}:${KEY_ID}`;
  const on = { resource: key, resourceAccount: logArchive };
  const common = (): ProofRow[] => [
    row('the security account decrypts', { principal: f.irRole('analyst', f.securityAccount), action: 'kms:Decrypt', ...on }, ALLOWED),
    row('a workload account decrypts', { principal: f.appRole, action: 'kms:Decrypt', ...on }, IMPLICIT),
    row('a principal outside the organization decrypts', { principal: OUTSIDER, action: 'kms:Decrypt', ...on, context: OTHER_ORG }, IMPLICIT),
    row('the security account schedules the key\'s deletion', { principal: f.irRole('admin', f.securityAccount), action: 'kms:ScheduleKeyDeletion', ...on }, IMPLICIT),
    row('the log-archive account administers the key', { principal: deploymentRoleArn(config, logArchive), action: 'kms:PutKeyPolicy', ...on }, ALLOWED),
  ];
  const trail = organizationTrailArn(config);
  const writers: Record<keyof typeof LOG_ARCHIVE_KEY_POLICIES, ProofRow[]> = {
    // The simulator reads condition-key variables only after a '/', not kms:EncryptionContext:<key>,
    // so the trail's GenerateDataKey statement is asserted on the synthesized JSON (log-archive.test.ts).
    cloudtrail: [
      row('the organization trail describes the key', { principal: 'cloudtrail.amazonaws.com', action: 'kms:DescribeKey', ...on, context: { 'aws:SourceArn': trail } }, ALLOWED),
      row('another customer\'s trail describes the key', { principal: 'cloudtrail.amazonaws.com', action: 'kms:DescribeKey', ...on, context: { 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${OUTSIDER_ACCOUNT}:trail/theirs` } }, IMPLICIT),
      row('the management account resolves the key alias', { principal: deploymentRoleArn(config, config.accounts.management.id), action: 'kms:DescribeKey', ...on }, ALLOWED),
      row('the management account decrypts', { principal: deploymentRoleArn(config, config.accounts.management.id), action: 'kms:Decrypt', ...on }, IMPLICIT),
    ],
    'guardduty-findings': [
      row('the security account\'s detector generates a data key', {
        principal: 'guardduty.amazonaws.com', action: 'kms:GenerateDataKey', ...on,
        context: { 'aws:SourceAccount': f.securityAccount, 'aws:SourceArn': `arn:aws:guardduty:us-east-1:${f.securityAccount}:detector/12abc34d567e8fa901bc2d34e56789f0` },
      }, ALLOWED),
      row('another account\'s detector generates a data key', {
        principal: 'guardduty.amazonaws.com', action: 'kms:GenerateDataKey', ...on,
        context: { 'aws:SourceAccount': OUTSIDER_ACCOUNT, 'aws:SourceArn': `arn:aws:guardduty:us-east-1:${OUTSIDER_ACCOUNT}:detector/x` },
      }, IMPLICIT),
    ],
    'flow-logs': [
      ...flowLogAccounts(config).slice(0, 1).map((account) =>
        row('log delivery generates a data key for a flow-logged account', { principal: 'delivery.logs.amazonaws.com', action: 'kms:GenerateDataKey', ...on, context: { 'aws:SourceAccount': account } }, ALLOWED)),
      row('log delivery for an account outside the config', { principal: 'delivery.logs.amazonaws.com', action: 'kms:GenerateDataKey', ...on, context: { 'aws:SourceAccount': OUTSIDER_ACCOUNT } }, IMPLICIT),
    ],
    'dns-query-logs': [
      ...dnsQueryLogAccounts(config).slice(0, 1).map((account) =>
        row('log delivery generates a data key for a DNS-query-logged account', { principal: 'delivery.logs.amazonaws.com', action: 'kms:GenerateDataKey', ...on, context: { 'aws:SourceAccount': account } }, ALLOWED)),
      row('log delivery for an account outside the config', { principal: 'delivery.logs.amazonaws.com', action: 'kms:GenerateDataKey', ...on, context: { 'aws:SourceAccount': OUTSIDER_ACCOUNT } }, IMPLICIT),
    ],
    'athena-results': [
      row('the security account encrypts query results', { principal: f.irRole('analyst', f.securityAccount), action: 'kms:GenerateDataKey', ...on }, ALLOWED),
    ],
  };
  return (Object.keys(LOG_ARCHIVE_KEY_POLICIES) as Array<keyof typeof LOG_ARCHIVE_KEY_POLICIES>).map((purpose) =>
    resourceTable(`resource-key-${purpose}`, `Log-archive key policy: ${purpose}`, LOG_ARCHIVE_KEY_POLICIES[purpose](config), [...writers[purpose], ...common()]));
}

/** Alert and billing topics: the publishing services for our accounts only; outsiders never. */
export function topicProofs(config: OrgConfig): ProofTable[] {
  const f = proofFixtures(config);
  const security = f.securityAccount;
  const management = config.accounts.management.id;
  const alert = { resource: alertTopicArn(config), resourceAccount: security, region: config.organization.homeRegion };
  const billing = { resource: billingTopicArn(config), resourceAccount: management, region: BILLING_REGION };
  // Each publishing service, acting for an account the topic lists and for accounts it does not.
  const publishes = (service: string, label: string, on: { resource: string; resourceAccount: string; region: string }, allowedFor: Record<string, string>, deniedFor: Record<string, string>, context: Record<string, string> = {}): ProofRow[] => [
    ...Object.entries(allowedFor).map(([who, account]) => row(`${label} publishes for ${who}`, { principal: service, action: 'sns:Publish', ...on, context: { ...context, 'aws:SourceAccount': account } }, ALLOWED)),
    ...Object.entries(deniedFor).map(([who, account]) => row(`${label} publishes for ${who}`, { principal: service, action: 'sns:Publish', ...on, context: { ...context, 'aws:SourceAccount': account } }, IMPLICIT)),
  ];
  const ours = { 'the security account': security, 'the management account': management };
  const others = { 'another customer': OUTSIDER_ACCOUNT, 'a workload account': f.workloadAccount };
  return [
    resourceTable('resource-topic-alerts', 'Alert topic policy', alertTopicPolicy(config), [
      ...publishes('events.amazonaws.com', 'EventBridge', alert, { 'the security account': security }, { ...others, 'the management account': management }, TLS),
      ...publishes('cloudwatch.amazonaws.com', 'CloudWatch', alert, ours, others, TLS),
      ...publishes('budgets.amazonaws.com', 'Budgets', alert, ours, others, TLS),
      ...publishes('costalerts.amazonaws.com', 'Cost Anomaly Detection', alert, ours, others, TLS),
      row('a principal outside the organization subscribes', { principal: OUTSIDER, action: 'sns:Subscribe', ...alert, context: { ...TLS, ...OTHER_ORG } }, IMPLICIT),
      row('the security account publishes over plain HTTP', { principal: f.irRole('admin', security), action: 'sns:Publish', ...alert, context: { 'aws:SecureTransport': 'false' } }, EXPLICIT),
    ]),
    resourceTable('resource-topic-billing', 'Billing topic policy', billingTopicPolicy(config), [
      ...publishes('cloudwatch.amazonaws.com', 'CloudWatch', billing, { 'the management account': management }, { ...others, 'the security account': security }),
      ...publishes('budgets.amazonaws.com', 'Budgets', billing, { 'the management account': management }, { ...others, 'the security account': security }),
      ...publishes('costalerts.amazonaws.com', 'Cost Anomaly Detection', billing, { 'the management account': management }, { ...others, 'the security account': security }),
      row('a principal outside the organization subscribes', { principal: OUTSIDER, action: 'sns:Subscribe', ...billing, context: OTHER_ORG }, IMPLICIT),
    ]),
  ];
}

/** The break-glass bus: every account of the organization forwards, nobody outside it. */
export function busProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const bus = { resource: breakGlassBusArn(config), resourceAccount: f.securityAccount, region: config.organization.homeRegion };
  const forwarder = `arn:aws:iam::${f.workloadAccount}:role/ir-breakglass-forwarder-us-east-1`;
  return resourceTable('resource-bus-breakglass', 'Break-glass bus policy', breakGlassBusPolicy(config), [
    row('a workload account\'s forwarder puts an event', { principal: forwarder, action: 'events:PutEvents', ...bus, context: { 'aws:PrincipalOrgID': config.organization.id } }, ALLOWED),
    row('a principal outside the organization puts an event', { principal: OUTSIDER, action: 'events:PutEvents', ...bus, context: OTHER_ORG }, IMPLICIT),
  ]);
}

/** The clean room's evidence key and bucket (only when the forensics account ID is known). */
export function cleanRoomProofs(config: OrgConfig): ProofTable[] {
  const forensics = config.accounts.forensics.id;
  if (!forensics) return [];
  const f = proofFixtures(config);
  const room = cleanRoom(config, forensics);
  const key = { resource: `arn:aws:kms:${room.region}:${forensics}:${KEY_ID}`, resourceAccount: forensics };
  const object = { resource: `${room.bucketArn}/case-42/manifest.json`, resourceAccount: forensics };
  const breakGlass = f.irRole('breakGlass');
  const inOrg = { 'aws:PrincipalOrgID': config.organization.id };
  const viaEc2 = { 'kms:ViaService': `ec2.${room.region}.amazonaws.com` };
  const viaS3 = { 'kms:ViaService': `s3.${room.region}.amazonaws.com` };
  const otherRegion = config.regions.allowed.find((r) => r !== room.region) ?? 'eu-west-1';
  return [
    resourceTable('resource-key-evidence', 'Clean-room evidence key policy', evidenceKeyPolicy(config, room), [
      row('org member copies a snapshot: ReEncryptTo via EC2', { principal: breakGlass, action: 'kms:ReEncryptTo', ...key, context: { ...inOrg, ...viaEc2 } }, ALLOWED),
      row('org member: GenerateDataKeyWithoutPlaintext via EC2', { principal: breakGlass, action: 'kms:GenerateDataKeyWithoutPlaintext', ...key, context: { ...inOrg, ...viaEc2 } }, ALLOWED),
      row('org member: CreateGrant via EC2 for an AWS resource', { principal: breakGlass, action: 'kms:CreateGrant', ...key, context: { ...inOrg, ...viaEc2, 'kms:GrantIsForAWSResource': 'true' } }, ALLOWED),
      row('org member: CreateGrant via EC2 not for an AWS resource', { principal: breakGlass, action: 'kms:CreateGrant', ...key, context: { ...inOrg, ...viaEc2, 'kms:GrantIsForAWSResource': 'false' } }, IMPLICIT),
      row('org member: Decrypt directly (no service)', { principal: breakGlass, action: 'kms:Decrypt', ...key, context: inOrg }, IMPLICIT),
      row(`org member: ReEncryptTo via EC2 in ${otherRegion}`, { principal: breakGlass, action: 'kms:ReEncryptTo', ...key, context: { ...inOrg, 'kms:ViaService': `ec2.${otherRegion}.amazonaws.com` } }, IMPLICIT),
      row('principal outside the organization: ReEncryptTo via EC2', { principal: OUTSIDER, action: 'kms:ReEncryptTo', ...key, context: { ...OTHER_ORG, ...viaEc2 } }, IMPLICIT),
      row('org member: ScheduleKeyDeletion', { principal: breakGlass, action: 'kms:ScheduleKeyDeletion', ...key, context: inOrg }, IMPLICIT),
      row('IR role writes evidence: GenerateDataKey via S3', { principal: breakGlass, action: 'kms:GenerateDataKey', ...key, context: { ...inOrg, ...viaS3 } }, ALLOWED),
      row('workload role: GenerateDataKey via S3', { principal: f.appRole, action: 'kms:GenerateDataKey', ...key, context: { ...inOrg, ...viaS3 } }, IMPLICIT),
    ]),
    resourceTable('resource-bucket-evidence', 'Clean-room evidence bucket policy', evidenceBucketPolicy(config, room), [
      row('IR role in the org adds evidence over TLS', { principal: breakGlass, action: 's3:PutObject', ...object, context: { ...inOrg, ...TLS } }, ALLOWED),
      row('IR role over plain HTTP', { principal: breakGlass, action: 's3:PutObject', ...object, context: { ...inOrg, 'aws:SecureTransport': 'false' } }, EXPLICIT),
      row('workload role in the org adds an object', { principal: f.appRole, action: 's3:PutObject', ...object, context: { ...inOrg, ...TLS } }, IMPLICIT),
      row('an IR-path role of an account outside the organization adds evidence', { principal: f.irRole('breakGlass', OUTSIDER_ACCOUNT), action: 's3:PutObject', ...object, context: { ...OTHER_ORG, ...TLS } }, IMPLICIT),
      row('an IR-path role with no organization adds evidence', { principal: f.irRole('breakGlass', OUTSIDER_ACCOUNT), action: 's3:PutObject', ...object, context: TLS }, IMPLICIT),
      row('IR role reads evidence from another account', { principal: breakGlass, action: 's3:GetObject', ...object, context: { ...inOrg, ...TLS } }, IMPLICIT),
      row('principal outside the organization reads evidence', { principal: OUTSIDER, action: 's3:GetObject', ...object, context: { ...OTHER_ORG, ...TLS } }, IMPLICIT),
      row('forensics account admin deletes a version', { principal: `arn:aws:iam::${forensics}:role/Admin`, action: 's3:DeleteObjectVersion', ...object, context: TLS }, EXPLICIT),
      row('forensics account admin bypasses governance retention', { principal: `arn:aws:iam::${forensics}:role/Admin`, action: 's3:BypassGovernanceRetention', ...object, context: TLS }, EXPLICIT),
      row('the deployment role may delete a version (retention still applies)', { principal: deploymentRoleArn(config, forensics), action: 's3:DeleteObjectVersion', ...object, context: TLS }, ALLOWED),
    ]),
  ];
}

/** The clean room's S3 gateway endpoint: the evidence bucket only, whoever calls. */
export function s3EndpointProofs(config: OrgConfig): ProofTable[] {
  const forensics = config.accounts.forensics.id;
  if (!forensics) return [];
  const room = cleanRoom(config, forensics);
  const policy = s3EndpointPolicy(room);
  const workstation = `arn:aws:iam::${forensics}:role/${FORENSICS.workstationProfile}`;
  const inRoom = { resourceAccount: forensics, region: room.region, context: TLS };
  const elsewhere = `arn:aws:s3:::exfiltration-bucket-${OUTSIDER_ACCOUNT}`;
  return [{
    id: 'resource-endpoint-clean-room-s3',
    title: 'Clean-room S3 gateway endpoint policy (identity: allow-all, so the endpoint alone decides)',
    policyNames: [policy.name],
    policies: { vpcEndpoint: policy.document },
    rows: [
      row('a workstation reads evidence', { principal: workstation, action: 's3:GetObject', resource: `${room.bucketArn}/case-42/disk.img`, ...inRoom }, ALLOWED),
      row('a workstation lists the evidence bucket', { principal: workstation, action: 's3:ListBucket', resource: room.bucketArn, ...inRoom }, ALLOWED),
      row('a workstation uploads to another bucket', { principal: workstation, action: 's3:PutObject', resource: `${elsewhere}/disk.img`, ...inRoom, resourceAccount: OUTSIDER_ACCOUNT }, IMPLICIT),
      row('a workstation deletes evidence', { principal: workstation, action: 's3:DeleteObject', resource: `${room.bucketArn}/case-42/disk.img`, ...inRoom }, IMPLICIT),
    ],
  }];
}

/** Service-role trusts: the service, for the owning account only. */
export function serviceTrustProofs(config: OrgConfig): ProofTable[] {
  const f = proofFixtures(config);
  const management = config.accounts.management.id;
  const assume = (name: string, service: string, account: string, source: string, expected: ProofRow['expected']): ProofRow =>
    row(name, { principal: service, action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/service-role-under-test`, resourceAccount: account, context: { 'aws:SourceAccount': source } }, expected);
  const table = (id: string, title: string, policy: AuditedPolicy, service: string, account: string): ProofTable => ({
    id,
    title,
    policyNames: [policy.name],
    policies: { resourcePolicy: policy.document },
    rows: [
      assume(`${service} acting for the role's own account`, service, account, account, ALLOWED),
      assume(`${service} acting for another customer (confused deputy)`, service, account, OUTSIDER_ACCOUNT, IMPLICIT),
      row('a principal of the same account', { principal: `arn:aws:iam::${account}:role/Admin`, action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/service-role-under-test`, resourceAccount: account }, IMPLICIT),
    ],
  });
  const forensics = config.accounts.forensics.id;
  const room = forensics ? cleanRoom(config, forensics) : undefined;
  return [
    table('trust-findings-forwarder', 'Trust: GuardDuty findings forwarder', findingsForwarderTrust(config), 'events.amazonaws.com', f.securityAccount),
    table('trust-breakglass-forwarder', 'Trust: break-glass forwarder', breakGlassForwarderTrust(management), 'events.amazonaws.com', management),
    table('trust-config-recorder', 'Trust: Config recorder', configRecorderTrust(management), 'config.amazonaws.com', management),
    ...(room
      ? [
          table('trust-clean-room-workstation', 'Trust: forensic workstation', workstationTrust(room), 'ec2.amazonaws.com', room.accountId),
          table('trust-clean-room-flow-logs', 'Trust: clean-room flow logs', cleanRoomFlowLogsTrust(room), 'vpc-flow-logs.amazonaws.com', room.accountId),
        ]
      : []),
  ];
}

/** The deny-all and the session revocation irctl attaches: they override any allow, and only what they should. */
export function containmentProofs(config: OrgConfig, containedAt: Date = new Date('2026-01-01T03:00:00Z')): ProofTable[] {
  const f = proofFixtures(config);
  const { denyAll, revokeOlderSessions } = containmentPolicies(containedAt);
  const user = `arn:aws:iam::${f.workloadAccount}:user/compromised-ci`;
  const allowAll: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const instance = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:instance/i-0123456789abcdef0`;
  const before = new Date(containedAt.getTime() - 60_000).toISOString();
  const after = new Date(containedAt.getTime() + 60_000).toISOString();
  return [
    {
      id: 'containment-deny-all',
      title: 'Containment: deny-all on a compromised user (with an admin policy left in place)',
      policyNames: [denyAll.name],
      policies: { identity: [allowAll, denyAll.document] },
      deniesEverything: true,
      rows: [
        row('the user launches an instance', { principal: user, action: 'ec2:RunInstances', resource: instance }, EXPLICIT),
        row('the user creates another access key', { principal: user, action: 'iam:CreateAccessKey', resource: user }, EXPLICIT),
        row('the user removes the deny-all', { principal: user, action: 'iam:DeleteUserPolicy', resource: user }, EXPLICIT),
      ],
    },
    {
      id: 'containment-revoke-older-sessions',
      title: 'Containment: sessions issued before containment are revoked, later ones work',
      policyNames: [revokeOlderSessions.name],
      policies: { identity: [allowAll, revokeOlderSessions.document] },
      rows: [
        row('a stolen session issued before containment launches an instance', { principal: f.appRole, action: 'ec2:RunInstances', resource: instance, context: { 'aws:TokenIssueTime': before } }, EXPLICIT),
        row('a stolen session issued before containment reads IAM', { principal: f.appRole, action: 'iam:ListUsers', resource: '*', context: { 'aws:TokenIssueTime': before } }, EXPLICIT),
        row('a fresh session issued after containment launches an instance', { principal: f.appRole, action: 'ec2:RunInstances', resource: instance, context: { 'aws:TokenIssueTime': after } }, ALLOWED),
      ],
    },
  ];
}

/** Every resource, trust and containment proof table. */
export function resourceProofTables(config: OrgConfig): ProofTable[] {
  return [
    ...logArchiveBucketProofs(config), ...logArchiveKeyProofs(config), ...topicProofs(config), busProofs(config),
    ...cleanRoomProofs(config), ...s3EndpointProofs(config), ...serviceTrustProofs(config), ...containmentProofs(config),
  ];
}
