/**
 * release: undo a containment from the journal — the whole case, or only what was done for
 * some instances, users, roles or access keys. For every resource setting the containment changed, the
 * first applied entry holds the original state; release restores it, newest change first (so an
 * instance rejoins its Auto Scaling group before its scale-in protection is lifted, and the
 * group's processes resume last). Releasing an instance never touches a credential. What cannot
 * be undone — released Elastic IPs, cancelled Spot requests, snapshots, anything eradicated, an
 * instance terminated since — is listed for the report instead.
 */
import { CONTAINMENT_POLICIES } from '../shared/names';
import { ATTACKER_COMPUTE_FLAG, type ActionOutcome } from './case/executor';
import type { PhaseEnv } from './case/phase';
import { interruptedEntries } from './case/journal';
import { type UndoOf, type UndoRecord, undoInstance } from './case/undo';
import { principalFromArn } from './contain/credentials';
import { attributedRoles } from './contain/suspects';
import { findInstances } from './contain/state';
import type { Inventory, JournalEntry, Validation } from './model';
import { inverseOf } from './release-inverses';

/** What to release; every list empty or absent: the whole case. */
export interface ReleaseSelection {
  readonly instanceIds?: readonly string[];
  readonly userNames?: readonly string[];
  readonly roleNames?: readonly string[];
  readonly accessKeyIds?: readonly string[];
}

/** Undo records to apply, newest first, and what cannot be undone. */
export interface ReleasePlan {
  readonly undo: ReadonlyArray<{ readonly record: UndoRecord; readonly entry: JournalEntry }>;
  /** Sentences for the report: changes release cannot reverse. */
  readonly manual: readonly string[];
  /** Selected names the journal has no containment for (a typo, or another case). */
  readonly unknown: readonly string[];
}

/** Credentials the case's evidence ties to the attacker, each with the reason. */
export interface AttackerCredentials {
  /** Access key ID → why. */
  readonly accessKeys: ReadonlyMap<string, string>;
  /** `user/<name>` or `role/<name>` → why. */
  readonly principals: ReadonlyMap<string, string>;
}

/**
 * What the evidence ties to the attacker: the validated stolen key and its owner (whose deny-all
 * and session revocation also stop the key and the sessions issued with it), keys seen in the
 * attacker's CloudTrail events, users CloudTrail shows the attacker created or backdoored, and
 * roles of the case's account the attacker assumed (removing their revocation gives the
 * attacker's sessions back while they last).
 */
export function attackerCredentials(validations: readonly Validation[], inventory: Inventory | undefined): AttackerCredentials {
  const accessKeys = new Map<string, string>();
  const principals = new Map<string, string>();
  for (const v of validations) {
    if (v.accessKeyId) accessKeys.set(v.accessKeyId, 'the validated stolen key');
    if (v.principalArn) {
      try {
        const p = principalFromArn(v.principalArn);
        principals.set(`${p.kind}/${p.name}`, v.accessKeyId ? `owner of stolen key ${v.accessKeyId}: its deny-all and session revocation hold the key and its sessions` : 'the validated principal');
      } catch {
        // A principal irctl cannot contain (another partition's format) has no inline policy to release.
      }
    }
  }
  for (const e of inventory?.events ?? []) if (e.accessKeyId?.startsWith('AKIA') && !accessKeys.has(e.accessKeyId)) accessKeys.set(e.accessKeyId, `used in the attacker's CloudTrail event ${e.eventName}`);
  for (const a of inventory?.attributions ?? []) if (a.kind === 'iam-user' && a.basis === 'cloudtrail') principals.set(`user/${a.id}`, `CloudTrail: ${a.reason}`);
  for (const r of attributedRoles(inventory)) {
    if (r.basis === 'cloudtrail' && (!inventory?.accountId || r.accountId === inventory.accountId)) principals.set(`role/${r.roleName}`, r.why);
  }
  return { accessKeys, principals };
}

/** Compute the evidence ties to the attacker: ID or group name → why. */
export interface AttackerCompute {
  readonly instances: ReadonlyMap<string, string>;
  readonly fleets: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, string>;
}

/**
 * Instances, fleets and Auto Scaling groups CloudTrail ties to the attacker (an attacker event
 * created them, or they were launched by a fleet or group that one created). Heuristic
 * attributions and instances only named with --instance are not: a false positive is released freely.
 */
export function attackerCompute(inventory: Inventory | undefined): AttackerCompute {
  const of = (kind: string) => new Map((inventory?.attributions ?? []).filter((a) => a.kind === kind && a.basis === 'cloudtrail').map((a) => [a.id, `CloudTrail: ${a.reason}`]));
  return { instances: of('instance'), fleets: of('fleet'), groups: of('auto-scaling-group') };
}

/** The compute tie of a containment record, if any: its instance, its fleet, or its Auto Scaling group. */
function computeTie(r: UndoRecord, compute: AttackerCompute): { readonly expected: string; readonly why: string; readonly kind: 'compute' } | undefined {
  const instance = undoInstance(r);
  const instanceWhy = instance ? compute.instances.get(instance) : undefined;
  if (instance && instanceWhy) return { expected: instance, why: `instance ${instance} (${instanceWhy})`, kind: 'compute' };
  if (r.kind === 'fleet-capacity') {
    const why = compute.fleets.get(r.fleetId);
    return why ? { expected: r.fleetId, why: `${r.fleetKind === 'spot-fleet' ? 'Spot Fleet' : 'EC2 Fleet'} ${r.fleetId} capacity ${r.targetCapacity} (${why})`, kind: 'compute' } : undefined;
  }
  if ('autoScalingGroupName' in r) {
    const why = compute.groups.get(r.autoScalingGroupName);
    return why ? { expected: r.autoScalingGroupName, why: `Auto Scaling group ${r.autoScalingGroupName} (${why})`, kind: 'compute' } : undefined;
  }
  return undefined;
}

/** What the responder must type to release this record, and why; undefined when it gives the attacker nothing back. */
export function attackerTie(
  r: UndoRecord,
  attacker: AttackerCredentials | undefined,
  compute?: AttackerCompute,
): { readonly expected: string; readonly why: string; readonly kind: 'credential' | 'compute' } | undefined {
  if (compute) {
    const tie = computeTie(r, compute);
    if (tie) return tie;
  }
  if (!attacker) return undefined;
  if (r.kind === 'access-key-activate') {
    const why = attacker.accessKeys.get(r.accessKeyId) ?? attacker.principals.get(`user/${r.userName}`);
    return why ? { expected: r.accessKeyId, why: `access key ${r.accessKeyId} of ${r.userName} (${why})`, kind: 'credential' } : undefined;
  }
  if (inlinePolicy(r)) {
    const why = attacker.principals.get(`${r.principal.kind}/${r.principal.name}`);
    return why ? { expected: r.principal.name, why: `${r.principal.kind} ${r.principal.name} (${why})`, kind: 'credential' } : undefined;
  }
  return undefined;
}

const CREDENTIAL_KINDS: ReadonlySet<UndoRecord['kind']> = new Set(['access-key-activate', 'delete-inline-policy', 'restore-inline-policy']);

/** An inline policy irctl attached (removed on release) or rewrote (put back on release). */
function inlinePolicy(r: UndoRecord): r is UndoOf<'delete-inline-policy'> | UndoOf<'restore-inline-policy'> {
  return r.kind === 'delete-inline-policy' || r.kind === 'restore-inline-policy';
}
/** `… deleted by eradicate at <time>: nothing to release` for a key or an inline policy whose key or user eradicate deleted. */
function credentialDeleted(r: UndoRecord, gone: ReadonlyMap<string, string>): string | undefined {
  if (r.kind === 'access-key-activate') {
    const at = gone.get(`user/${r.userName}/${r.accessKeyId}`) ?? gone.get(`user/${r.userName}`);
    return at && `access key ${r.accessKeyId} of ${r.userName}: deleted by eradicate at ${at}: nothing to release`;
  }
  if (inlinePolicy(r) && r.principal.kind === 'user') {
    const at = gone.get(`user/${r.principal.name}`);
    return at && `${r.policyName} on user ${r.principal.name}: the user was deleted by eradicate at ${at}: nothing to release`;
  }
  return undefined;
}

const RELEASED_MEMBER_STEPS = new Set(['release/asg-attach', 'release/asg-exit-standby']);

function wholeCase(s: ReleaseSelection): boolean {
  return !s.instanceIds?.length && !s.userNames?.length && !s.roleNames?.length && !s.accessKeyIds?.length;
}

/** Whether a record belongs to the selection (group-level Auto Scaling records are decided apart). */
function selected(r: UndoRecord, s: ReleaseSelection): boolean {
  if (wholeCase(s)) return true;
  const instance = undoInstance(r);
  if (instance) return !!s.instanceIds?.includes(instance);
  if (r.kind === 'access-key-activate') return !!s.accessKeyIds?.includes(r.accessKeyId) || !!s.userNames?.includes(r.userName);
  if (inlinePolicy(r)) return !!(r.principal.kind === 'user' ? s.userNames : s.roleNames)?.includes(r.principal.name);
  return false;
}

/** Work out, from the journal alone, what release must restore. */
export function planRelease(entries: readonly JournalEntry[], selection: ReleaseSelection = {}): ReleasePlan {
  // An intent with no outcome after it is a call a killed run may have made: undo it like an applied one.
  const interrupted = new Set(interruptedEntries(entries).map((e) => e.seq));
  const applied = entries.filter((e) => (e.outcome === 'applied' || interrupted.has(e.seq)) && !e.step.startsWith('release/'));
  // Removed by eradicate, by this case or before it (a removal found already done counts too).
  const removal = (e: JournalEntry) => e.step.startsWith('eradicate/') && e.outcome === 'skipped-already-done';
  // Target → when it was removed (the first removal recorded).
  const gone = new Map<string, string>();
  for (const e of [...applied, ...entries.filter(removal)].sort((a, b) => a.seq - b.seq)) {
    if (/^(ec2:TerminateInstances|iam:DeleteUser|iam:DeleteAccessKey|ec2:ReleaseAddress|ec2:CancelSpotFleetRequests|ec2:DeleteFleets|autoscaling:DeleteAutoScalingGroup)$/.test(e.action) && !gone.has(e.target)) gone.set(e.target, e.ts);
  }
  const first = new Map<string, { record: UndoRecord; entry: JournalEntry; lastSeq: number }>();
  for (const e of applied) {
    const record = e.undo as UndoRecord | undefined;
    if (!e.reversible || !record?.key) continue;
    const seen = first.get(record.key);
    if (seen) seen.lastSeq = e.seq;
    else first.set(record.key, { record, entry: e, lastSeq: e.seq });
  }
  const records = [...first.values()];
  // A group's processes resume only when none of its instances stays held: resuming earlier
  // would let it replace (terminate) the ones still isolated.
  const releasedMembers = new Set(entries.filter((e) => RELEASED_MEMBER_STEPS.has(e.step) && (e.outcome === 'applied' || e.outcome === 'skipped-already-done')).map((e) => e.target));
  const heldBy = (group: string) =>
    records.flatMap(({ record: r }) => ((r.kind === 'asg-attach' || r.kind === 'asg-exit-standby') && r.autoScalingGroupName === group && !releasedMembers.has(r.instanceId) ? [r.instanceId] : []));
  const manual: string[] = [];
  // eradicate --apply means the compromise was confirmed: giving the credentials back would hand them to the attacker.
  const confirmed = applied.some((e) => e.step.startsWith('eradicate/'));
  const undo = records
    .filter(({ record }) => {
      if (record.kind === 'asg-resume') {
        if (gone.has(record.autoScalingGroupName)) {
          manual.push(`asg-resume on ${record.autoScalingGroupName}: not restored, the group was deleted by eradicate`);
          return false;
        }
        return wholeCase(selection) || heldBy(record.autoScalingGroupName).every((id) => selection.instanceIds?.includes(id));
      }
      if (!selected(record, selection)) {
        // Only releasing one of its instances can leave a fleet held that the responder expects back; a credential release never touches one.
        const served = record.kind === 'fleet-capacity' && (selection.instanceIds ?? []).some((id) => record.instanceIds?.includes(id) ?? true);
        if (record.kind === 'fleet-capacity' && served) {
          manual.push(`${record.fleetKind === 'spot-fleet' ? 'Spot Fleet' : 'EC2 Fleet'} ${record.fleetId} stays held at capacity 0 (it serves every instance it launched, not only the ones released); to restore its capacity ${record.targetCapacity}, release the whole case: irctl release (no --instance, --user, --role or --access-key)`);
        }
        return false;
      }
      // A credential eradicate deleted has nothing left to release or to clean up by hand.
      const deleted = credentialDeleted(record, gone);
      if (deleted) {
        manual.push(deleted);
        return false;
      }
      if (confirmed && CREDENTIAL_KINDS.has(record.kind)) {
        manual.push(
          record.kind === 'access-key-activate'
            ? `access key ${record.accessKeyId} of ${record.userName} left inactive: eradication confirmed the compromise; issue the user a new key instead`
            : inlinePolicy(record)
              ? `${record.policyName} left on ${record.principal.kind} ${record.principal.name}: eradication confirmed the compromise; remove it by hand once its credentials are rotated`
              : '',
        );
        return false;
      }
      const owner =
        undoInstance(record) ?? (inlinePolicy(record) ? record.principal.name : record.kind === 'access-key-activate' ? record.userName : undefined);
      const ownerGone = (owner && (gone.has(owner) || gone.has(`user/${owner}`))) || (record.kind === 'eip-associate' && gone.has(record.allocationId)) || (record.kind === 'fleet-capacity' && gone.has(record.fleetId)) || ('autoScalingGroupName' in record && gone.has(record.autoScalingGroupName));
      const what = owner ?? ('autoScalingGroupName' in record ? record.autoScalingGroupName : record.kind === 'fleet-capacity' ? record.fleetId : record.key);
      if (ownerGone) manual.push(`${record.kind} on ${what}: not restored, the resource was removed by eradicate`);
      return !ownerGone;
    })
    // Newest first; the released tag last of all, since it says the release completed.
    .sort((a, b) => Number(a.record.kind === 'containment-tag') - Number(b.record.kind === 'containment-tag') || b.lastSeq - a.lastSeq)
    .map(({ record, entry }) => ({ record, entry }));
  if (wholeCase(selection)) {
    for (const e of applied.filter((x) => !x.reversible)) {
      if (e.action === 'ec2:ReleaseAddress') manual.push(`Elastic IP ${(e.request as { address?: { PublicIp?: string } }).address?.PublicIp ?? ''} (${e.target}) was released for good; allocate a new one if the workload needs it`);
      else if (e.action === 'ec2:CancelSpotInstanceRequests') manual.push(`Spot request ${e.target} was cancelled; request capacity again if the workload was legitimate`);
      else if (e.action === 'ec2:CancelSpotFleetRequests' || e.action === 'ec2:DeleteFleets') manual.push(`Fleet ${e.target} was cancelled by eradicate; create it again if the workload was legitimate`);
      else if (e.action === 'autoscaling:DeleteAutoScalingGroup') manual.push(`Auto Scaling group ${e.target} was deleted by eradicate; create it again if the workload was legitimate`);
      else if (e.action === 'ec2:CreateSnapshot') manual.push(`Case snapshot of ${e.target} kept as evidence (delete it when the case closes)`);
      else if (e.action === 'ec2:CreateSecurityGroup') manual.push(`Isolation group ${e.target} created by irctl kept (harmless; delete when unused)`);
    }
  }
  const known = records.map((r) => r.record);
  const unknown = [
    ...(selection.instanceIds ?? []).filter((id) => !known.some((r) => undoInstance(r) === id)),
    ...(selection.userNames ?? []).filter((u) => !known.some((r) => (r.kind === 'access-key-activate' && r.userName === u) || (inlinePolicy(r) && r.principal.kind === 'user' && r.principal.name === u))),
    ...(selection.roleNames ?? []).filter((n) => !known.some((r) => inlinePolicy(r) && r.principal.kind === 'role' && r.principal.name === n)),
    ...(selection.accessKeyIds ?? []).filter((k) => !known.some((r) => r.kind === 'access-key-activate' && r.accessKeyId === k)),
  ];
  return { undo, manual: [...new Set(manual)], unknown };
}

/** Restore what the selection's containment changed. Returns the manual leftovers. */
export async function releaseCase(
  env: PhaseEnv,
  selection: ReleaseSelection = {},
  options: { readonly attacker?: AttackerCredentials; readonly compute?: AttackerCompute } = {},
): Promise<readonly string[]> {
  const plan = planRelease(env.exec.options.journal.entries(), selection);
  for (const name of plan.unknown) {
    env.exec.fail('release/select', `the journal of case ${env.ctx.caseId} records no containment of ${name}, so there is nothing to release for it. Fix: check the ID (irctl report lists what was contained).`, { target: name });
  }
  if (plan.undo.length === 0) env.reporter.progress('release: the journal records no applied reversible containment step for this selection; nothing to undo.');
  const vanished = await vanishedInstances(env, plan.undo.map((u) => u.record));
  const manual = [...plan.manual];
  for (const [id, region] of vanished) {
    const n = plan.undo.filter((u) => undoInstance(u.record) === id).length;
    const line = `instance ${id} (${region}) no longer exists or is terminated: its ${n} contained setting(s) were not restored (nothing left to restore)`;
    env.reporter.progress(`[gone] ${line}`);
    manual.push(line);
  }
  // Sequential, newest first: the order matters (rejoin the group before lifting protection).
  const outcomes = new Map<string, ActionOutcome>();
  const heldBack = new Set<string>();
  for (const { record } of plan.undo) {
    const instance = undoInstance(record);
    if (instance && vanished.has(instance)) continue;
    const action = inverseOf(env, record);
    // Giving the attacker a credential or their compute back takes a typed confirmation, once per key, principal, instance, fleet or group.
    const tie = attackerTie(record, options.attacker, options.compute);
    if (!action) {
      env.exec.fail('release/unknown', `journal undo kind "${record.kind}" (${record.key}) is unknown to this irctl version; restore it by hand`, { target: record.key });
      continue;
    }
    const outcome = await env.exec.run(tie ? { ...action, typedConfirmation: tie, confirmGroup: `attacker-${tie.kind}/${tie.expected}` } : action);
    outcomes.set(record.key, outcome);
    if (tie?.kind === 'compute' && outcome === 'needs-confirmation' && !heldBack.has(tie.expected)) {
      heldBack.add(tie.expected);
      manual.push(`${tie.why} stays contained: the evidence ties it to the attacker and the release was not confirmed (type ${tie.expected} when asked, or pass ${ATTACKER_COMPUTE_FLAG} once the case is a false positive)`);
    }
  }
  // A key released alone stays useless while its owner keeps the deny-all: say so, only for a key this run re-activated (or will).
  for (const { record } of plan.undo) {
    if (record.kind !== 'access-key-activate' || selection.userNames?.includes(record.userName) || wholeCase(selection)) continue;
    const outcome = outcomes.get(record.key);
    if (outcome !== 'applied' && outcome !== 'skipped-already-done' && outcome !== 'planned' && outcome !== 'dry-run-ok') continue;
    const denyAll = env.exec.options.journal.entries().some((e) => {
      const u = e.undo as UndoRecord | undefined;
      return e.outcome === 'applied' && u?.kind === 'delete-inline-policy' && u.principal.kind === 'user' && u.principal.name === record.userName && u.policyName === CONTAINMENT_POLICIES.denyAll;
    });
    const state = env.exec.applying ? 'is active again' : 'would be active again';
    if (denyAll) manual.push(`${record.userName} keeps the inline ${CONTAINMENT_POLICIES.denyAll}: key ${record.accessKeyId} ${state} but denied everything until you run irctl release --user ${record.userName}`);
  }
  for (const m of manual) env.reporter.progress(`[manual] ${m}`);
  return [...new Set(manual)];
}

/** Instances of the plan that are gone (terminated, or not found) now, by ID → region. */
async function vanishedInstances(env: PhaseEnv, records: readonly UndoRecord[]): Promise<Map<string, string>> {
  const byRegion = new Map<string, Set<string>>();
  for (const r of records) {
    const id = undoInstance(r);
    if (id && 'region' in r) byRegion.set(r.region, (byRegion.get(r.region) ?? new Set()).add(id));
  }
  const gone = new Map<string, string>();
  await env.exec.each([...byRegion.keys()], env.concurrency.regions, 'release/locate', (region) => ({ region, action: 'ec2:DescribeInstances' }), async (region) => {
    const ids = [...byRegion.get(region)!];
    const found = new Set((await findInstances(env.read, region, ids)).map((i) => i.InstanceId));
    for (const id of ids) if (!found.has(id)) gone.set(id, region);
  });
  return gone;
}
