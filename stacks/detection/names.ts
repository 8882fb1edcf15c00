/**
 * Every name and ARN the detection stacks share, derived from the config alone. Stacks never
 * read each other's outputs: two stacks that must agree on a bucket, key alias, topic or role
 * both call a function here, and `addDependency` only orders their deployment.
 */
import { detectionRegions, type OrgConfig } from '../../config';
import { isOptInRegion } from '../../config/regions';
import { ALERT_RULES, ALERT_TOPIC_NAME, ATHENA, ATHENA_RESULTS_BUCKET_MARKER } from '../../shared/names';

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

/** What each log-archive bucket holds; also the key alias suffix and the bucket name stem. */
export type LogArchivePurpose = 'cloudtrail' | 'guardduty-findings' | 'flow-logs' | 'dns-query-logs' | 'athena-results' | 'config';

const STEMS: Record<LogArchivePurpose, string> = {
  cloudtrail: 'ir-cloudtrail',
  'guardduty-findings': 'ir-guardduty-findings',
  'flow-logs': 'ir-flow-logs',
  'dns-query-logs': 'ir-dns-query-logs',
  // Must contain the marker: IR role policies grant Athena result writes on such buckets only.
  'athena-results': `ir-${ATHENA_RESULTS_BUCKET_MARKER}`,
  config: 'ir-config',
};

/** Region of everything single-region: trail bucket, Athena, alert topic. */
export function homeRegion(config: OrgConfig): string {
  return config.organization.homeRegion;
}

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

/** Alias of the customer-managed key that encrypts one log-archive bucket. */
export function logArchiveKeyAlias(purpose: Exclude<LogArchivePurpose, 'config'>): string {
  return `alias/ir-${purpose}`;
}

/**
 * Alias ARN of a log-archive key. Other accounts resolve it to the key ARN with a
 * `aws_kms_key` data source (the key policy grants them kms:DescribeKey), since a key's own ARN
 * holds a random ID no config can predict.
 */
export function logArchiveKeyAliasArn(config: OrgConfig, purpose: Exclude<LogArchivePurpose, 'config'>): string {
  return `arn:aws:kms:${homeRegion(config)}:${config.accounts.logArchive.id}:${logArchiveKeyAlias(purpose)}`;
}

/** ARN of the central alert topic in the security account (home region). */
export function alertTopicArn(config: OrgConfig): string {
  return `arn:aws:sns:${homeRegion(config)}:${config.accounts.security.id}:${ALERT_TOPIC_NAME}`;
}

/** Billing metrics, budgets and Cost Explorer live only in us-east-1. */
export const BILLING_REGION = 'us-east-1';

/** ARN of the billing topic in the management account (us-east-1). */
export function billingTopicArn(config: OrgConfig): string {
  return `arn:aws:sns:${BILLING_REGION}:${config.accounts.management.id}:${DETECTION.billingTopic}`;
}

/** ARN of the organization trail (it lives in the management account, home region). */
export function organizationTrailArn(config: OrgConfig): string {
  return `arn:aws:cloudtrail:${homeRegion(config)}:${config.accounts.management.id}:trail/${DETECTION.trailName}`;
}

/** The security account's default event bus in the home region: where other regions forward findings. */
export function homeFindingsBusArn(config: OrgConfig): string {
  return `arn:aws:events:${homeRegion(config)}:${config.accounts.security.id}:event-bus/default`;
}

/** The S3 prefix CloudTrail writes an organization trail's logs under. */
export function cloudtrailLogPrefix(config: OrgConfig): string {
  return `AWSLogs/${config.organization.id}/`;
}

/**
 * Service principals that must appear in a resource policy for a service acting from each of
 * `regions`: the global principal, plus `<service>.<region>.amazonaws.com` for opt-in regions,
 * whose services sign with their regional principal.
 */
export function servicePrincipals(service: string, regions: readonly string[]): string[] {
  const regional = regions.filter(isOptInRegion).map((r) => `${service}.${r}.amazonaws.com`);
  return [`${service}.amazonaws.com`, ...new Set(regional)];
}

/** Regions with GuardDuty: the configured detection regions (REFERENCE §3). */
export function guardDutyRegions(config: OrgConfig): readonly string[] {
  return detectionRegions(config);
}

/** Regions with Config recorders and organization Config rules: where workloads may run. */
export function configRuleRegions(config: OrgConfig): readonly string[] {
  return config.regions.allowed;
}
