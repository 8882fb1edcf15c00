/**
 * Names that the deployed guardrails and the response tooling must agree on.
 * `stacks/`, `policies/` and `tooling/` all read them from here; nothing else is shared.
 */

/** The four incident-response roles, deployed to every account. */
export const IR_ROLES = {
  analyst: 'SecurityAnalyst',
  deploy: 'SecurityDeploy',
  breakGlass: 'SecurityBreakGlass',
  admin: 'SecurityAdmin',
} as const;

export type IrRoleKey = keyof typeof IR_ROLES;
export type IrRoleName = (typeof IR_ROLES)[IrRoleKey];

/** IAM path the IR roles live under, so policies can match them as a group. */
export const IR_ROLE_PATH = '/incident-response/';

/** Tag keys written by the stacks and by irctl. */
export const TAGS = {
  /** Marks every resource this project deploys. */
  managedBy: 'ir-guardrails:managed-by',
  /** Purpose of an isolation security group: `isolation` or `transition`. */
  isolationRole: 'ir-guardrails:isolation-role',
  /** Case ID stamped on snapshots, instances and other resources touched during a response. */
  caseId: 'ir:case-id',
  /** Containment state written on an instance by irctl (`contained`, `released`). */
  containment: 'ir:containment',
  /** On a case snapshot: the instance it was taken of (the hand-off and the report follow it). */
  sourceInstance: 'ir:source-instance',
} as const;

/** Value of TAGS.managedBy. */
export const MANAGED_BY = 'aws-ir-guardrails';

/** Security group names per workload VPC. */
export const SECURITY_GROUPS = {
  /** No ingress, no egress: the final state of an isolated ENI. */
  isolation: 'ir-isolation',
  /** Allow-all to/from anywhere: makes flows untracked before the move to isolation. */
  transition: 'ir-transition',
} as const;

/** Central alert topic in the security account (home region). */
export const ALERT_TOPIC_NAME = 'ir-guardrails-alerts';

/** Inline policy names irctl attaches while containing credentials. */
export const CONTAINMENT_POLICIES = {
  denyAll: 'ir-deny-all',
  revokeOlderSessions: 'ir-revoke-older-sessions',
} as const;

/** Clean-room evidence store in the forensics account (home region); irctl copies snapshots and artefacts here. */
export const FORENSICS = {
  /** Bucket name is `<prefix>-<forensics account ID>-<home region>`: deterministic and globally unique. */
  evidenceBucketPrefix: 'ir-evidence',
  /** Customer-managed key that snapshot copies are re-encrypted with (member accounts may use it via EC2). */
  evidenceKeyAlias: 'alias/ir-forensic-evidence',
  /** Instance profile (and role) for forensic workstations in the clean-room VPC. */
  workstationProfile: 'ir-forensic-workstation',
  /** Key prefix under which irctl anchors each case's journal head in the evidence bucket. */
  anchorPrefix: 'irctl-anchors',
} as const;

/** Substring of the Athena query-results bucket's name, so the bucket is recognisable in any console. */
export const ATHENA_RESULTS_BUCKET_MARKER = 'athena-results';

/**
 * The investigation catalog in the security account (home region): the Athena workgroup, the
 * Glue database and its tables. The detection stacks create them; `irctl hunt` and
 * `scope --source athena` query them.
 */
export const ATHENA = {
  workgroup: 'ir-investigations',
  database: 'ir_logs',
  cloudtrailTable: 'cloudtrail',
  flowLogsTable: 'vpc_flow_logs',
  dnsQueryLogsTable: 'resolver_query_logs',
} as const;

/**
 * EventBridge names of the alert paths. The tamper SCP protects exactly these rules, so
 * stacks and policies read them from here.
 */
export const ALERT_RULES = {
  /** Per-region rule routing crypto and high-severity EC2 findings (security account). */
  findings: 'ir-guardduty-findings',
  /** Per-account, per-region rule on sts:AssumeRole of SecurityBreakGlass. */
  breakGlass: 'ir-breakglass-assumed',
  /** Custom bus in the security account collecting break-glass events org-wide. */
  breakGlassBus: 'ir-breakglass-events',
} as const;
