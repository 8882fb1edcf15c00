/**
 * The data irctl's phases pass to each other: what a case is, what scoping found, and what
 * the journal records. Phases are plain async functions over these types.
 */

/** Identifies one incident response case and where its records live. */
export interface CaseContext {
  /** Case ID, e.g. IR-2026-0042; carried in session names, tags and file names. */
  readonly caseId: string;
  /** Account under investigation. */
  readonly accountId: string;
  /** Regions to act in (from the org config or discovered). */
  readonly regions: readonly string[];
  /** Investigation window (UTC). */
  readonly window: { readonly start: Date; readonly end: Date };
  /** Directory holding journal, evidence and report for the case. */
  readonly caseDir: string;
}

/** How the subject of a case was identified (validate phase input). */
export type Subject =
  | { readonly kind: 'finding'; readonly findingId: string; readonly detectorId?: string; readonly region: string }
  | { readonly kind: 'instance'; readonly instanceId: string; readonly region: string }
  | { readonly kind: 'access-key'; readonly accessKeyId: string };

/** Result of validate: who owns what, and how it came to be. */
export interface Validation {
  readonly subject: Subject;
  readonly accountId: string;
  /** IAM user or role owning the key / that launched the instance, when known. */
  readonly principalArn?: string;
  readonly accessKeyId?: string;
  readonly instance?: InstanceRecord;
  /** Human-readable facts supporting (or refuting) the alert. */
  readonly facts: readonly string[];
  /** Mining-pool endpoints (`host:port`) found in the instance's UserData or the finding, as written there. */
  readonly poolEndpoints?: readonly string[];
  /** Indicators the subject names (a finding's pool IP or domain, an attack sequence's actors, UserData's pool hosts), for `hunt`. */
  readonly indicators?: Partial<Readonly<Record<IndicatorClass, readonly string[]>>>;
  /** Lookups that failed, each with the fix: present means the validation is partial (validate exits 1). */
  readonly incomplete?: readonly StepFailure[];
}

/** validation.json: every subject validated in the case (one validate run each), in the order validated. */
export interface CaseValidation {
  readonly subjects: readonly Validation[];
}

/** Kinds of indicator `hunt` searches the organization's logs for. */
export type IndicatorClass = 'access-key' | 'source-ip' | 'user-agent' | 'ami' | 'key-pair' | 'user-data-sha256' | 'pool-domain' | 'pool-ip';

export interface NetworkInterfaceRecord {
  readonly id: string;
  readonly groupIds: readonly string[];
  readonly deviceIndex?: number;
  readonly publicIp?: string;
  readonly allocationId?: string;
  readonly associationId?: string;
}

export interface InstanceRecord {
  readonly region: string;
  readonly instanceId: string;
  readonly state: string;
  readonly instanceType: string;
  readonly launchTime?: string;
  readonly imageId?: string;
  readonly keyName?: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly networkInterfaces: readonly NetworkInterfaceRecord[];
  readonly volumeIds: readonly string[];
  readonly iamInstanceProfileArn?: string;
  /** `spot` or undefined for on-demand. */
  readonly lifecycle?: string;
  readonly spotInstanceRequestId?: string;
  readonly autoScalingGroup?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** When scope runs saw it (set in inventory.json, which merges every run). */
  readonly seen?: Sighting;
}

/** When scope runs saw a record: inventory.json merges every run and never drops a record. */
export interface Sighting {
  /** `generatedAt` of the first run that found it. */
  readonly firstSeenAt: string;
  /** `generatedAt` of the last run that found it. */
  readonly lastSeenAt: string;
  /** Set when a later run scanned its region and did not find it: deleted, or terminated long enough ago. */
  readonly missingSince?: string;
}

/** One scope run merged into inventory.json. */
export interface ScopeRun {
  readonly at: string;
  readonly regions: readonly string[];
  readonly window: { readonly start: string; readonly end: string };
  /** `cloudtrail` (LookupEvents) or `athena` (the organization trail). */
  readonly source: string;
}

export interface RegionalResource {
  readonly region: string;
  readonly id: string;
  readonly name?: string;
  readonly state?: string;
  readonly createdAt?: string;
  /** Extra facts (type of spot request, fleet type, ...). */
  readonly details?: Readonly<Record<string, string>>;
  readonly seen?: Sighting;
}

export interface IamUserRecord {
  readonly userName: string;
  readonly arn: string;
  readonly createdAt?: string;
  readonly accessKeys: ReadonlyArray<{ readonly id: string; readonly status: string; readonly createdAt?: string }>;
  readonly attachedPolicies: readonly string[];
  readonly inlinePolicies: readonly string[];
  readonly hasLoginProfile: boolean;
  readonly seen?: Sighting;
}

/** A CloudTrail event, reduced to what an investigation reads. */
export interface TrailEvent {
  readonly region: string;
  /** Account the event happened in, when the source spans accounts (Athena over the org trail). */
  readonly accountId?: string;
  readonly eventId: string;
  readonly eventTime: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly username?: string;
  readonly accessKeyId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly resources: readonly string[];
}

/** A step that failed in one region or on one resource; the others carry on. */
export interface StepFailure {
  readonly step: string;
  readonly region?: string;
  readonly target?: string;
  readonly message: string;
}

/** What scoping found across every region. */
export interface Inventory {
  readonly caseId: string;
  readonly accountId: string;
  readonly generatedAt: string;
  readonly regions: readonly string[];
  readonly instances: readonly InstanceRecord[];
  readonly keyPairs: readonly RegionalResource[];
  readonly images: readonly RegionalResource[];
  readonly snapshots: readonly RegionalResource[];
  readonly spotRequests: readonly RegionalResource[];
  readonly fleets: readonly RegionalResource[];
  /** Auto Scaling groups, by name (absent in an inventory written before groups were scoped). */
  readonly autoScalingGroups?: readonly RegionalResource[];
  /** IAM users (and their keys/policies) created or changed in the window. */
  readonly iamUsers: readonly IamUserRecord[];
  readonly events: readonly TrailEvent[];
  readonly failures: readonly StepFailure[];
  /** Resources scoping ties to the attacker, and why (absent: not computed). */
  readonly attributions?: readonly Attribution[];
  /** Every scope run merged into this inventory, oldest first (absent in a single-run file). */
  readonly runs?: readonly ScopeRun[];
}

/** Outcome of one journaled call. */
/** `started`: written just before a state-changing call, so a run killed mid-call leaves a visible intent with the true before-state. */
export type JournalOutcome = 'planned' | 'dry-run-ok' | 'started' | 'applied' | 'skipped-already-done' | 'failed';

/** One line of a case journal (append-only JSONL, hash-chained). */
export interface JournalEntry {
  /** 1-based position in the journal. */
  readonly seq: number;
  /** ISO 8601 UTC timestamp (ends in Z). */
  readonly ts: string;
  readonly caseId: string;
  /** STS caller identity ARN that made the call. */
  readonly caller: string;
  /** Playbook phase and step, e.g. `contain-instances/isolate-eni`. */
  readonly step: string;
  /** IAM action, e.g. `ec2:ModifyNetworkInterfaceAttribute`. */
  readonly action: string;
  readonly region?: string;
  /** Resource acted on (ID or ARN). */
  readonly target: string;
  readonly request: unknown;
  readonly outcome: JournalOutcome;
  readonly response?: unknown;
  readonly error?: string;
  /** Whether `release` can undo it, and the data it needs to. */
  readonly reversible: boolean;
  readonly undo?: unknown;
  /** SHA-256 of the previous entry's line (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 over this entry without `hash`. */
  readonly hash: string;
}

/** Kinds of resource scoping can attribute to the attacker. */
export type AttributedKind = 'instance' | 'key-pair' | 'image' | 'snapshot' | 'spot-request' | 'fleet' | 'auto-scaling-group' | 'iam-user' | 'iam-role';

/** Why scoping ties one resource to the attacker. */
export interface Attribution {
  readonly kind: AttributedKind;
  /** Undefined for IAM (global). */
  readonly region?: string;
  /** The inventory record's ID (instance ID, key pair ID, AMI ID, user name, ...; for `iam-role`, the role ARN an attacker's AssumeRole named). */
  readonly id: string;
  /** `cloudtrail`: an attacker event created it; `heuristic`: inferred from times and key names. */
  readonly basis: 'cloudtrail' | 'heuristic';
  readonly reason: string;
  readonly eventId?: string;
}
