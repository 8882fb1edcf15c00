/**
 * Which stacks of the example organization the moto apply hosts, and why the others cannot be:
 * measured against moto 5.2.5 with provider 6.34.0 (every stack is still validated). README.md's
 * "Proving the Terraform" section repeats these lists for users.
 */
import type { ToleratedDiff } from './apply';

/** Stacks applied, re-planned and destroyed on moto in CI. */
export const HOSTED_STACKS = [
  'log-archive-detection', 'forensics-clean-room', 'management-scps', 'security-alerts', 'security-breakglass-alarm',
  'analytics-dev-isolation', 'payments-prod-isolation', 'analytics-dev-flow-logs', 'payments-prod-flow-logs',
] as const;

const STACK_SETS = "moto's CloudFormation keeps neither a StackSet's AutoDeployment, ManagedExecution nor Capabilities (every re-plan would replace it) and cannot delete a StackSet after its instances";
const CROSS_ACCOUNT_KMS = "the stack looks up a log-archive KMS key by alias ARN in another account (data.aws_kms_key), which moto only resolves in the caller's own account";

/** Stacks moto cannot host, each with the emulator gap that stops it. */
export const NOT_HOSTED: ReadonlyArray<{ readonly stack: string; readonly reason: string }> = [
  { stack: 'management-billing', reason: 'moto lacks Cost Anomaly Detection monitors, budget subscribers and the PutMetricAlarm protocol the provider uses' },
  { stack: 'management-ir-roles', reason: STACK_SETS },
  { stack: 'management-breakglass-alarm', reason: STACK_SETS },
  { stack: 'management-config-recorders', reason: STACK_SETS },
  { stack: 'management-trail', reason: CROSS_ACCOUNT_KMS },
  { stack: 'security-athena', reason: CROSS_ACCOUNT_KMS },
  { stack: 'security-guardduty', reason: CROSS_ACCOUNT_KMS },
  { stack: 'security-guardduty-org', reason: 'it reads the detector security-guardduty creates, which moto cannot host' },
  { stack: 'management-delegation', reason: "moto's RegisterDelegatedAdministrator refuses config.amazonaws.com and its GuardDuty DisableOrganizationAdminAccount answers 404" },
  { stack: 'security-config-rules', reason: "moto's PutOrganizationConfigRule never reaches a final status, so the provider waits until its timeout" },
  { stack: 'analytics-dev-dns-query-logs', reason: "moto's Route 53 Resolver answers ListTagsForResource for query-log configs with 400" },
  { stack: 'payments-prod-dns-query-logs', reason: "moto's Route 53 Resolver answers ListTagsForResource for query-log configs with 400" },
];

/** Destroy errors moto causes, not the stack (the check still reports them as tolerated). */
export const TOLERATED_DESTROY_ERRORS: ReadonlyArray<{ readonly pattern: RegExp; readonly reason: string }> = [
  {
    pattern: /deleting S3 Bucket Object Lock Configuration[\s\S]*Versioning must be 'Enabled'/,
    reason: "the provider removes Object Lock with an empty PutObjectLockConfiguration after versioning is gone; moto refuses it, AWS never lets such a bucket's versioning be suspended",
  },
];

/** Planned changes after apply that moto causes, not the stack: by resource type and attribute. */
export const TOLERATED_DIFFS: readonly ToleratedDiff[] = [
  {
    resourceType: 'aws_s3_bucket',
    attributes: ['tags_all'],
    reason: "moto's S3 Control ListTagsForResource (how provider >= 6.23 reads bucket tags) answers with no tags, whatever the bucket carries",
  },
  {
    resourceType: 'aws_flow_log',
    attributes: ['destination_options'],
    reason: "moto's DescribeFlowLogs returns no DestinationOptions; AWS returns the plain-text, non-partitioned options the stack sets",
  },
];
