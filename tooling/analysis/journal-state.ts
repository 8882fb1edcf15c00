/**
 * What the journal says became of each resource after scope. inventory.json is a snapshot taken
 * by scope; contain, eradicate and release change things later, and the report must read as the
 * journal shows, not as scope saw them. Journal targets name a resource in the form the step
 * used (a key pair by name, a user as user/<name>/<key>, a role as role/<name> or its ARN) where
 * the inventory may hold another (the key pair ID, the role ARN): both sides are reduced to the
 * same keys before they are compared, region by region.
 */
import { CONTAINMENT_POLICIES, TAGS } from '../../shared/names';
import type { Attribution, Inventory, JournalEntry } from '../model';
import { utc } from './markdown';

/** Outcomes that mean the change is in place (made now, or found already made). */
export function isDone(e: JournalEntry): boolean {
  return e.outcome === 'applied' || e.outcome === 'skipped-already-done';
}

/** What one recorded step made of a resource: its state after the step, which phase, when. */
export interface Fate {
  readonly state: string;
  readonly phase: string;
  readonly at: string;
  readonly seq: number;
}

/** `<state> by <phase> at <time>`. */
export function describeFate(f: Fate): string {
  return `${f.state} by ${f.phase} at ${utc(f.at)}`;
}

// An ID AWS makes unique by itself (i-, vol-, snap-, sfr-, key-, eipalloc-...): it needs no region to match.
const AWS_ID = /^[a-z]+(-[a-z]+)?-[0-9a-f]{8,17}$/;

/** Keys of a regional resource known by any of several identifiers (ID, name). */
export function regionalKeys(region: string | undefined, ...ids: ReadonlyArray<string | undefined>): string[] {
  return ids.filter((id): id is string => !!id).flatMap((id) => [...(region ? [`${region}|${id}`] : []), ...(AWS_ID.test(id) || !region ? [id] : [])]);
}

/** Keys of an IAM user or role given its name, its ARN or `user/<name>` / `role/<name>`. */
export function iamKeys(kind: 'user' | 'role', nameOrArn: string): string[] {
  const name = nameOrArn.includes('/') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
  return [`iam-${kind}:${name}`];
}

/** The keys a journal entry's target is known by: `primary` is what the step changed, `related` what it belongs to. */
export function targetKeys(e: JournalEntry): { primary: string[]; related: string[] } {
  const t = e.target;
  const arn = /^arn:[^:]+:([^:]+):([^:]*):[^:]*:(.+)$/.exec(t);
  if (arn) {
    const [, service, region, resource] = arn;
    const iam = /^(user|role)\/(?:.*\/)?([^/]+)$/.exec(resource);
    if (service === 'iam' && iam) return { primary: iamKeys(iam[1] as 'user' | 'role', iam[2]), related: [] };
    const id = resource.slice(Math.max(resource.lastIndexOf('/'), resource.lastIndexOf(':')) + 1);
    return { primary: regionalKeys(region || e.region, id), related: [] };
  }
  const iam = /^(user|role)\/([^/]+)(?:\/([^/]+))?$/.exec(t);
  if (iam) {
    const owner = iamKeys(iam[1] as 'user' | 'role', iam[2]);
    return iam[3] ? { primary: [`access-key:${iam[3]}`], related: owner } : { primary: owner, related: [] };
  }
  // A bare name in an IAM call: the action says whether it names a role or a user.
  const bare = e.action.startsWith('iam:') && !/[/:]/.test(t) ? (/Role/.test(e.action) ? 'role' : /User|AccessKey|LoginProfile|MFA/.test(e.action) ? 'user' : undefined) : undefined;
  if (bare) return { primary: iamKeys(bare, t), related: [] };
  return { primary: regionalKeys(e.region, t), related: [] };
}

/** Keys of an attributed resource, with the other forms the inventory knows it by (a key pair's name). */
export function attributionKeys(a: Attribution, inventory?: Inventory): string[] {
  switch (a.kind) {
    case 'iam-user':
      return iamKeys('user', a.id);
    case 'iam-role':
      return iamKeys('role', a.id);
    case 'key-pair':
      return regionalKeys(a.region, a.id, inventory?.keyPairs.find((k) => k.region === a.region && k.id === a.id)?.name);
    case 'image':
      return regionalKeys(a.region, a.id, inventory?.images.find((k) => k.region === a.region && k.id === a.id)?.name);
    default:
      return regionalKeys(a.region, a.id);
  }
}

type Request = Record<string, unknown> | undefined;

const tagValue = (req: Request, key: string): string | undefined =>
  (req?.Tags as Array<{ Key?: string; Value?: string }> | undefined)?.find((t) => t.Key === key)?.Value;
const containmentPolicy = (req: Request): boolean => (Object.values(CONTAINMENT_POLICIES) as string[]).includes(String(req?.PolicyName));
const capacity = (n: unknown): string | undefined => (n === undefined ? undefined : Number(n) === 0 ? 'held at capacity 0' : `capacity set to ${String(n)}`);

/**
 * The state each kind of recorded step leaves its target in; undefined: no change of state worth
 * a word (a step on the resource, still counted as acting on it). One row per IAM/EC2 action.
 */
const STATES: Readonly<Record<string, (req: Request, e: JournalEntry) => string | undefined>> = {
  'ec2:CreateTags': (req) => tagValue(req, TAGS.containment),
  'ec2:TerminateInstances': () => 'terminated',
  'ec2:DeleteKeyPair': () => 'deleted',
  'ec2:DeregisterImage': () => 'deregistered',
  'ec2:DeleteSnapshot': () => 'deleted',
  'ec2:CancelSpotInstanceRequests': () => 'cancelled',
  'ec2:CancelSpotFleetRequests': () => 'cancelled',
  'ec2:DeleteFleets': () => 'deleted',
  'ec2:ModifySpotFleetRequest': (req) => capacity(req?.TargetCapacity),
  'ec2:ModifyFleet': (req) => capacity((req?.TargetCapacitySpecification as Request)?.TotalTargetCapacity),
  'ec2:DisassociateAddress': () => 'disassociated (still allocated)',
  'ec2:ReleaseAddress': () => 'released',
  'ec2:AssociateAddress': () => 're-associated',
  'autoscaling:SuspendProcesses': () => 'processes suspended',
  'autoscaling:ResumeProcesses': () => 'processes resumed',
  'autoscaling:UpdateAutoScalingGroup': (req) => (req?.DesiredCapacity === undefined ? undefined : `scaled to ${String(req.DesiredCapacity)}`),
  'autoscaling:DeleteAutoScalingGroup': () => 'deleted',
  'iam:PutUserPolicy': (req) => (containmentPolicy(req) ? 'contained' : undefined),
  'iam:PutRolePolicy': (req) => (req?.PolicyName === CONTAINMENT_POLICIES.revokeOlderSessions ? 'older sessions revoked' : containmentPolicy(req) ? 'contained' : undefined),
  'iam:DeleteUserPolicy': (req, e) => (e.step.startsWith('release/') && containmentPolicy(req) ? 'released' : undefined),
  'iam:DeleteRolePolicy': (req, e) => (e.step.startsWith('release/') && containmentPolicy(req) ? 'released' : undefined),
  'iam:DeleteUser': () => 'deleted',
  'iam:UpdateAccessKey': (req) => (req?.Status === 'Inactive' ? 'deactivated' : req?.Status === 'Active' ? 're-activated' : undefined),
  'iam:DeleteAccessKey': () => 'deleted',
};

/** The journal read for the report: which resources were acted on and what each became. */
export interface JournalState {
  /** Latest state recorded for any of the keys (one resource known by several forms). */
  fateOf(keys: readonly string[]): Fate | undefined;
  /** Whether any done step targeted (or belonged to) one of the keys. */
  touched(keys: readonly string[]): boolean;
  /** Instances whose latest recorded containment state is `released`, by ID. */
  readonly released: ReadonlyMap<string, Fate>;
}

/** Read the journal's done steps into resource states. */
export function journalState(journal: readonly JournalEntry[]): JournalState {
  const fates = new Map<string, Fate>();
  const touched = new Set<string>();
  const instances = new Map<string, Fate>();
  for (const e of [...journal].filter(isDone).sort((a, b) => a.seq - b.seq)) {
    const { primary, related } = targetKeys(e);
    for (const k of [...primary, ...related]) touched.add(k);
    const state = STATES[e.action]?.(e.request as Request, e);
    if (!state) continue;
    const phase = e.step.split('/')[0];
    // A rerun finding the change already made does not move the time it was made.
    const fate = (old: Fate | undefined): Fate => (old?.state === state ? old : { state, phase, at: e.ts, seq: e.seq });
    for (const k of primary) fates.set(k, fate(fates.get(k)));
    if (e.action === 'ec2:CreateTags' || e.action === 'ec2:TerminateInstances') instances.set(e.target, fate(instances.get(e.target)));
  }
  const released = new Map([...instances].filter(([, f]) => f.state === 'released'));
  return {
    fateOf: (keys) => keys.map((k) => fates.get(k)).reduce<Fate | undefined>((a, f) => (f && (!a || f.seq > a.seq) ? f : a), undefined),
    touched: (keys) => keys.some((k) => touched.has(k)),
    released,
  };
}

/** The later done entry that made the same call on the same target (a failure since resolved, a plan since applied), if any. */
export function resolvedBy(journal: readonly JournalEntry[], earlier: JournalEntry): JournalEntry | undefined {
  return journal.find((j) => j.seq > earlier.seq && isDone(j) && j.action === earlier.action && j.target === earlier.target && j.region === earlier.region);
}

const GONE = /^(terminated|deleted|cancelled|deregistered)$/;

/** A planned step no longer worth applying: its resource is gone, or a later release undid the containment it followed up. */
export function overtaken(planned: JournalEntry, state: JournalState): boolean {
  const { primary, related } = targetKeys(planned);
  const fate = state.fateOf([...primary, ...related]);
  return !!fate && (GONE.test(fate.state) || (fate.phase === 'release' && fate.seq > planned.seq));
}

/** Instances done steps acted on (tagged, terminated), with their region, by ID. */
export function instancesActedOn(journal: readonly JournalEntry[]): ReadonlyMap<string, string | undefined> {
  return new Map(journal.filter((e) => isDone(e) && /^ec2:(CreateTags|TerminateInstances)$/.test(e.action) && e.target.startsWith('i-')).map((e) => [e.target, e.region]));
}

/** An Elastic IP the journal recorded (containment disassociated it; eradicate may have released it). */
export interface JournaledAddress {
  readonly region: string;
  readonly allocationId: string;
  readonly publicIp?: string;
  readonly instanceId?: string;
}

/** Every Elastic IP a done step acted on, once, from the address record the steps carry. */
export function elasticIps(journal: readonly JournalEntry[]): JournaledAddress[] {
  const out = new Map<string, JournaledAddress>();
  for (const e of journal.filter((j) => isDone(j) && /^ec2:(Disassociate|Release)Address$/.test(j.action))) {
    const a = (e.request as { address?: { AllocationId?: string; PublicIp?: string; InstanceId?: string } } | undefined)?.address;
    const key = `${e.region ?? ''}|${e.target}`;
    if (!out.has(key)) out.set(key, { region: e.region ?? '', allocationId: e.target, publicIp: a?.PublicIp, instanceId: a?.InstanceId });
  }
  return [...out.values()];
}

/** An inline containment policy a done step put on a user or role, and whether the journal shows it still there. */
export interface ContainmentPolicy {
  readonly kind: 'user' | 'role';
  readonly name: string;
  readonly policyName: string;
  /** The phase that put it (contain-credentials, contain-instances). */
  readonly phase: string;
  /** No later done step deleted the policy (release) or its user. */
  readonly inPlace: boolean;
}

/** Every containment policy done steps put, once per principal and policy, in the order first put. */
export function containmentPolicies(journal: readonly JournalEntry[]): ContainmentPolicy[] {
  const out = new Map<string, ContainmentPolicy>();
  for (const e of [...journal].filter(isDone).sort((a, b) => a.seq - b.seq)) {
    const m = /^iam:(Put|Delete)(User|Role)(Policy)?$/.exec(e.action);
    if (!m) continue;
    const kind = m[2] === 'User' ? 'user' : 'role';
    const name = targetKeys(e).primary[0]?.replace(/^iam-(user|role):/, '');
    if (!name) continue;
    if (!m[3]) {
      // The user or role itself deleted: nothing of it is left in place.
      for (const [k, p] of out) if (p.kind === kind && p.name === name) out.set(k, { ...p, inPlace: false });
      continue;
    }
    const req = e.request as Request;
    if (!containmentPolicy(req)) continue;
    const key = `${kind}/${name}/${String(req?.PolicyName)}`;
    const put = m[1] === 'Put';
    out.set(key, { kind, name, policyName: String(req?.PolicyName), phase: out.get(key)?.phase ?? e.step.split('/')[0], inPlace: put });
  }
  return [...out.values()];
}
