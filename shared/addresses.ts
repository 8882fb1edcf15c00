/**
 * Every name and ARN derived from the org config: buckets, key aliases, topics, buses, roles,
 * workgroups and the clean room. `policies/` and `stacks/` both read them from here, so a bucket
 * policy, the role policy that reads the bucket and the stack that creates it cannot disagree,
 * and role policies can name the exact resource instead of a wildcard.
 *
 * Stacks never read each other's outputs: two stacks that must agree on a name both call a
 * function here, so deployment order matters only for existence, never for values.
 */
import { detectionRegions, type OrgConfig } from '../config';
import { isOptInRegion } from '../config/regions';
import { ALERT_RULES, ALERT_TOPIC_NAME, ATHENA, ATHENA_RESULTS_BUCKET_MARKER, FORENSICS, IR_ROLE_PATH, IR_ROLES } from './names';

/** Fixed names of what the detection stacks create. */
export const DETECTION = {
  trailName: 'ir-organization-trail',
  findingsRule: ALERT_RULES.findings,
  /** Role the non-home-region rules use to forward findings to the home region's default bus. */
  findingsForwarderRole: 'ir-guardduty-findings-forwarder',
  billingTopic: 'ir-guardrails-billing',
  athenaWorkgroup: ATHENA.workgroup,
  glueDatabase: ATHENA.database,
  cloudtrailTable: ATHENA.cloudtrailTable,
  flowLogsTable: ATHENA.flowLogsTable,
  dnsQueryLogsTable: ATHENA.dnsQueryLogsTable,
  imdsv2Rule: 'ir-ec2-imdsv2-check',
  flowLogsRule: 'ir-vpc-flow-logs-enabled',
  configRecorderStackSet: 'ir-guardrails-config-recorders',
  configRecorderRole: 'ir-config-recorder',
} as const;

/** Fixed names of what the response-readiness stacks create. */
export const RESPONSE = {
  irRolesStackSet: 'ir-guardrails-ir-roles',
  breakGlassStackSet: 'ir-guardrails-breakglass-alarm',
  /** Custom bus in the security account (home region) that collects break-glass events org-wide. */
  breakGlassBus: ALERT_RULES.breakGlassBus,
  breakGlassRule: ALERT_RULES.breakGlass,
  /** Role EventBridge uses to forward to the security bus; per region in StackSet accounts (IAM names are global). */
  forwarderRole: 'ir-breakglass-forwarder',
  flowLogGroup: '/ir-guardrails/forensics/vpc-flow-logs',
  flowLogRole: 'ir-forensics-flow-logs',
} as const;

/** Billing metrics, budgets and Cost Explorer live only in us-east-1. */
export const BILLING_REGION = 'us-east-1';

/** Region of everything single-region: log archive, Athena, alert topic, clean room. */
export function homeRegion(config: OrgConfig): string {
  return config.organization.homeRegion;
}

/** `arn:aws:iam::<account>:root`: the account as a principal (its IAM policies then decide). */
export function accountRootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/** The role every stack assumes in `accountId` (`deployment.roleName`). */
export function deploymentRoleArn(config: OrgConfig, accountId: string): string {
  return `arn:aws:iam::${accountId}:role/${config.deployment.roleName}`;
}

/** ARN of an IAM user (no path) in one account: what irctl's hints pass back as --principal. */
export function iamUserArn(accountId: string, userName: string): string {
  return `arn:aws:iam::${accountId}:user/${userName}`;
}

/** ARN of an IR role in one account, or in every account with `*` (IR role ARNs carry the IR path). */
export function irRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role${IR_ROLE_PATH}${roleName}`;
}

/** Any IR role (under the IR path) in any account: for `aws:PrincipalArn` conditions. */
export const ANY_IR_ROLE_ARN = `arn:aws:iam::*:role${IR_ROLE_PATH}*`;

// ---- log archive (log-archive account, home region) -------------------------------------

/** What each log-archive bucket holds; also the key alias suffix and the bucket name stem. */
export type LogArchivePurpose = 'cloudtrail' | 'guardduty-findings' | 'flow-logs' | 'dns-query-logs' | 'athena-results' | 'config';
/** The log-archive buckets encrypted with their own customer-managed key (Config uses SSE-S3). */
export type KeyedLogArchivePurpose = Exclude<LogArchivePurpose, 'config'>;

/** Every log-archive purpose, in the order the stack creates them. */
export const LOG_ARCHIVE_PURPOSES: readonly LogArchivePurpose[] = ['cloudtrail', 'guardduty-findings', 'flow-logs', 'dns-query-logs', 'athena-results', 'config'];

const STEMS: Record<LogArchivePurpose, string> = {
  cloudtrail: 'ir-cloudtrail',
  'guardduty-findings': 'ir-guardduty-findings',
  'flow-logs': 'ir-flow-logs',
  'dns-query-logs': 'ir-dns-query-logs',
  // Keeps the marker, so an Athena results bucket is recognisable by name in any console.
  'athena-results': `ir-${ATHENA_RESULTS_BUCKET_MARKER}`,
  config: 'ir-config',
};

/**
 * Bucket in the log-archive account: `<stem>-<log-archive ID>-<home region>`. An account ID is
 * globally unique and at most 49 characters result, inside S3's 63.
 */
export function logArchiveBucketName(config: OrgConfig, purpose: LogArchivePurpose): string {
  return `${STEMS[purpose]}-${config.accounts.logArchive.id}-${homeRegion(config)}`;
}

/** ARN of a log-archive bucket. */
export function logArchiveBucketArn(config: OrgConfig, purpose: LogArchivePurpose): string {
  return `arn:aws:s3:::${logArchiveBucketName(config, purpose)}`;
}

/** `s3://<log-archive bucket>/<key>`: a location in a log-archive bucket (Glue tables, Athena results). */
export function logArchiveLocation(config: OrgConfig, purpose: LogArchivePurpose, key = ''): string {
  return `s3://${logArchiveBucketName(config, purpose)}/${key}`;
}

/** ARNs of every object in a log-archive bucket. */
export function logArchiveObjectsArn(config: OrgConfig, purpose: LogArchivePurpose): string {
  return `${logArchiveBucketArn(config, purpose)}/*`;
}

/** Alias of the customer-managed key that encrypts one log-archive bucket. */
export function logArchiveKeyAlias(purpose: KeyedLogArchivePurpose | '*'): string {
  return `alias/ir-${purpose}`;
}

/**
 * Alias ARN of a log-archive key. Other accounts resolve it to the key ARN with a
 * `aws_kms_key` data source (the key policy grants them kms:DescribeKey), since a key's own ARN
 * holds a random ID no config can predict.
 */
export function logArchiveKeyAliasArn(config: OrgConfig, purpose: KeyedLogArchivePurpose): string {
  return `arn:aws:kms:${homeRegion(config)}:${config.accounts.logArchive.id}:${logArchiveKeyAlias(purpose)}`;
}

/** Every log-archive key alias (each is `alias/ir-<purpose>`), as one ARN pattern. */
export function logArchiveKeyAliasesArn(config: OrgConfig): string {
  return `arn:aws:kms:${homeRegion(config)}:${config.accounts.logArchive.id}:${logArchiveKeyAlias('*')}`;
}

/** Every key in the log-archive account's home region: the closest a policy can name a key whose ID is random. */
export function logArchiveKeysArn(config: OrgConfig): string {
  return `arn:aws:kms:${homeRegion(config)}:${config.accounts.logArchive.id}:key/*`;
}

/** The S3 prefix CloudTrail writes an organization trail's logs under. */
export function cloudtrailLogPrefix(config: OrgConfig): string {
  return `AWSLogs/${config.organization.id}/`;
}

/**
 * Where AWS Config delivers one account's snapshots and history in the Config bucket; `account`
 * may be the policy variable `${aws:PrincipalAccount}` (the bucket policy: each recorder its own prefix).
 */
export function configDeliveryObjectsArn(config: OrgConfig, account: string): string {
  return `${logArchiveBucketArn(config, 'config')}/AWSLogs/${account}/Config/*`;
}

/** Workload accounts whose VPC flow logs land in the archive. */
export function flowLogAccounts(config: OrgConfig): string[] {
  return config.accounts.workloads.filter((w) => w.vpcs.some((v) => v.flowLogs)).map((w) => w.id);
}

/** Workload accounts with a DNS-query-logged VPC: Route 53 Resolver writes their queries to the archive. */
export function dnsQueryLogAccounts(config: OrgConfig): string[] {
  return config.accounts.workloads.filter((w) => w.vpcs.some((v) => v.dnsQueryLogs)).map((w) => w.id);
}

// ---- detection -------------------------------------------------------------------------

/** ARN of the organization trail (it lives in the management account, home region). */
export function organizationTrailArn(config: OrgConfig): string {
  return `arn:aws:cloudtrail:${homeRegion(config)}:${config.accounts.management.id}:trail/${DETECTION.trailName}`;
}

/** Any trail of the management account, in any region: the CloudTrail encryption context the trail key accepts. */
export function managementTrailsArn(config: OrgConfig): string {
  return `arn:aws:cloudtrail:*:${config.accounts.management.id}:trail/*`;
}

/** ARN of the central alert topic in the security account (home region). */
export function alertTopicArn(config: OrgConfig): string {
  return `arn:aws:sns:${homeRegion(config)}:${config.accounts.security.id}:${ALERT_TOPIC_NAME}`;
}

/** ARN of the billing topic in the management account (us-east-1). */
export function billingTopicArn(config: OrgConfig): string {
  return `arn:aws:sns:${BILLING_REGION}:${config.accounts.management.id}:${DETECTION.billingTopic}`;
}

/** The security account's default event bus in the home region: where other regions forward findings. */
export function homeFindingsBusArn(config: OrgConfig): string {
  return `arn:aws:events:${homeRegion(config)}:${config.accounts.security.id}:event-bus/default`;
}

/** Regions with GuardDuty detectors: the configured detection regions. */
export function guardDutyRegions(config: OrgConfig): readonly string[] {
  return detectionRegions(config);
}

/** Regions with Config recorders and organization Config rules: where workloads may run. */
export function configRuleRegions(config: OrgConfig): readonly string[] {
  return config.regions.allowed;
}

/** ARN pattern of the security account's GuardDuty detectors, in any region. */
export function securityDetectorsArn(config: OrgConfig): string {
  return `arn:aws:guardduty:*:${config.accounts.security.id}:detector/*`;
}

/** ARN of the investigation workgroup (security account, home region). */
export function athenaWorkgroupArn(config: OrgConfig): string {
  return `arn:aws:athena:${homeRegion(config)}:${config.accounts.security.id}:workgroup/${DETECTION.athenaWorkgroup}`;
}

/** Where the investigation workgroup writes query results (inside the Athena results bucket). */
export function athenaResultsLocation(config: OrgConfig): string {
  return logArchiveLocation(config, 'athena-results', `${DETECTION.athenaWorkgroup}/`);
}

/** Every Athena data catalog of the security account (home region): what the investigation workgroup's queries name. */
export function athenaDataCatalogsArn(config: OrgConfig): string {
  return `arn:aws:athena:${homeRegion(config)}:${config.accounts.security.id}:datacatalog/*`;
}

/** Catalog, database and tables of the investigation Glue database (security account, home region). */
export function glueLogTablesArns(config: OrgConfig): string[] {
  const prefix = `arn:aws:glue:${homeRegion(config)}:${config.accounts.security.id}`;
  return [`${prefix}:catalog`, `${prefix}:database/${DETECTION.glueDatabase}`, `${prefix}:table/${DETECTION.glueDatabase}/*`];
}

/** ARN pattern of the Config recorder roles (one per account and region: `<name>-<region>`, the management one bare). */
export function configRecorderRolesArn(): string {
  return `arn:aws:iam::*:role/${DETECTION.configRecorderRole}*`;
}

// ---- response readiness ----------------------------------------------------------------

/** ARN of the security account's break-glass event bus. */
export function breakGlassBusArn(config: OrgConfig): string {
  return `arn:aws:events:${homeRegion(config)}:${config.accounts.security.id}:event-bus/${RESPONSE.breakGlassBus}`;
}

/** Region of the clean room (and of its evidence bucket and key): the home region. */
export function forensicsRegion(config: OrgConfig): string {
  return homeRegion(config);
}

/**
 * Evidence bucket name in the forensics account: `<prefix>-<forensics account ID>-<home region>`;
 * `*` stands for an account not created yet (role policies then match any such bucket).
 */
export function evidenceBucketName(config: OrgConfig, forensicsAccountId: string | undefined): string {
  return `${FORENSICS.evidenceBucketPrefix}-${forensicsAccountId ?? '*'}-${forensicsRegion(config)}`;
}

/** ARN of the evidence bucket of the configured forensics account (any account's, `*`, until it has an ID). */
export function evidenceBucketArn(config: OrgConfig): string {
  return `arn:aws:s3:::${evidenceBucketName(config, config.accounts.forensics.id)}`;
}

/**
 * Every key of the forensics account in the clean-room region (any account's, `*`, until it has an
 * ID): the closest a policy can name the evidence key, whose ID is random (pair it with its alias).
 */
export function forensicsKeysArn(config: OrgConfig, forensicsAccountId: string | undefined = config.accounts.forensics.id): string {
  return `arn:aws:kms:${forensicsRegion(config)}:${forensicsAccountId ?? '*'}:key/*`;
}

/** Names and ARNs of the clean room for a known forensics account ID. */
export interface CleanRoom {
  readonly accountId: string;
  readonly region: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The evidence key's alias ARN (its key ID is random). */
  readonly keyAliasArn: string;
  /** Every key of the forensics account in the clean-room region: the closest a policy can name the evidence key. */
  readonly keysArn: string;
  /** The clean room's flow-log group. */
  readonly flowLogGroupArn: string;
}

/** The clean room's addresses; the forensics account ID must be known (see `accounts.forensics`). */
export function cleanRoom(config: OrgConfig, accountId: string): CleanRoom {
  const region = forensicsRegion(config);
  const bucketName = evidenceBucketName(config, accountId);
  return {
    accountId,
    region,
    bucketName,
    bucketArn: `arn:aws:s3:::${bucketName}`,
    keyAliasArn: `arn:aws:kms:${region}:${accountId}:${FORENSICS.evidenceKeyAlias}`,
    keysArn: forensicsKeysArn(config, accountId),
    flowLogGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:${RESPONSE.flowLogGroup}`,
  };
}

/** Suffix every break-glass alarm rule matches on the role ARN (STS also accepts the ARN without the path). */
export const BREAK_GLASS_ROLE_SUFFIX = `/${IR_ROLES.breakGlass}`;

// ---- principals ------------------------------------------------------------------------

/**
 * Service principals that must appear in a resource policy for a service acting from each of
 * `regions`: the global principal, plus `<service>.<region>.amazonaws.com` for opt-in regions,
 * whose services sign with their regional principal.
 */
export function servicePrincipals(service: string, regions: readonly string[]): string[] {
  const regional = regions.filter(isOptInRegion).map((r) => `${service}.${r}.amazonaws.com`);
  return [`${service}.amazonaws.com`, ...new Set(regional)];
}
