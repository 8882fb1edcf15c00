/**
 * What a responder still has to do after irctl ran, derived from the inventory and the
 * journal: failed steps to retry, keys left inactive for hunting, case snapshots to copy to
 * the forensics account (never a released instance's; a share made before the release is to
 * be revoked), Elastic IPs left allocated, planned steps never applied, suspects to confirm.
 */
import { FORENSICS, TAGS } from '../../shared/names';
import { attributedRoles } from '../contain/suspects';
import type { Attribution, Inventory, JournalEntry, StepFailure } from '../model';
import { attributionKeys, containmentPolicies, describeFate, elasticIps, type Fate, isDone, journalState, type JournalState, regionalKeys, overtaken, resolvedBy } from './journal-state';

/** Manual follow-ups derived from what the tooling recorded. */
export function derivedManualSteps(input: { readonly inventory?: Inventory; readonly journal: readonly JournalEntry[] }): string[] {
  const { inventory, journal } = input;
  const out: string[] = [];

  for (const f of inventory?.failures ?? []) out.push(`Retry or check by hand: ${describeFailure(f)}`);
  // A failure a later run made good (the same call on the same target, done) is history, not a step to retry.
  for (const e of journal.filter((j) => j.outcome === 'failed' && !resolvedBy(journal, j))) {
    out.push(`${failedPrefix(e.error)}${e.step} ${e.action} on ${e.target}${e.region ? ` in ${e.region}` : ''} failed${e.error ? `: ${e.error}` : ''}`);
  }

  const done = journal.filter(isDone);
  const state = journalState(journal);
  const { pending, previews } = pendingPlans(journal, state);
  for (const e of pending) out.push(`Planned, not applied: ${e.action} on ${e.target}${e.region ? ` in ${e.region}` : ''} (${e.reversible ? 'reversible' : 'irreversible'}; rerun with --apply)`);
  // Undoing containment gives the attacker back what it took away: a preview of it is a fact, never a to-do.
  if (previews.length) {
    const targets = [...new Set(previews.map((e) => e.target))];
    const shown = targets.length > 5 ? `${targets.slice(0, 5).join(', ')} and ${targets.length - 5} more` : targets.join(', ');
    out.push(`Release previewed, not applied: ${previews.length} undo step${previews.length > 1 ? 's' : ''} (on ${shown}); a preview, not work left to do: containment stays in place`);
  }

  // A key stays inactive unless a later entry (release) re-activated it.
  const keyStatus = new Map<string, string>();
  for (const j of done.filter((e) => e.action === 'iam:UpdateAccessKey' || e.action === 'iam:DeleteAccessKey')) {
    const keyId = stringField(j.request, 'AccessKeyId') ?? j.target.split('/').pop() ?? j.target;
    keyStatus.set(keyId, j.action === 'iam:DeleteAccessKey' ? 'Deleted' : (stringField(j.request, 'Status') ?? 'unknown'));
  }
  for (const [keyId, status] of keyStatus) {
    if (status === 'Inactive') out.push(`Access key ${keyId} is inactive, not deleted: keep it for hunting, delete it when the investigation closes`);
  }

  out.push(...cleanRoomSteps(done, state));
  out.push(...policiesLeft(journal));
  out.push(...elasticIpSteps(journal, state));

  for (const a of inventory?.attributions ?? []) {
    const keys = attributionKeys(a, inventory);
    const fate = state.fateOf(keys);
    if (a.basis === 'heuristic') {
      // A suspect the responder released was judged not the attacker's: nothing left to confirm.
      if (fate?.state === 'released') continue;
      out.push(`Confirm suspect ${label(a)} (heuristic, no CloudTrail event: ${a.reason}): ${state.touched(keys) ? `acted on${fate ? `, ${describeFate(fate)}` : ''}` : 'no action recorded yet'}`);
    } else if (!state.touched(keys)) {
      out.push(untouchedAttacker(a, inventory));
    }
  }
  // A fleet or group held at capacity 0 counts as touched above, yet it still exists and can relaunch: say so until eradicate removed it.
  for (const a of (inventory?.attributions ?? []).filter((x) => x.kind === 'fleet' || x.kind === 'auto-scaling-group')) {
    const fate = state.fateOf(attributionKeys(a, inventory));
    if (fate && /^(cancelled|deleted)$/.test(fate.state)) continue;
    const fix = a.basis === 'cloudtrail' ? 'irctl --apply eradicate cancels/deletes it (confirmed)' : 'if it is theirs, irctl --apply eradicate --include-heuristic';
    out.push(`${a.basis === 'cloudtrail' ? 'Attacker' : 'Suspect'} ${label(a)} still exists (${a.basis}: ${a.reason}); containment at most held it at capacity 0 or suspended it: ${fix}`);
  }
  // One line per fact: a step journaled on two runs (applied, then skipped-already-done) is one hand-off.
  return [...new Set(out)];
}

// A case snapshot the journal recorded, by ID where any entry gave it.
interface CaseSnapshot {
  readonly id?: string;
  readonly region?: string;
  readonly volumeId: string;
  readonly instanceId?: string;
}

// Every case snapshot once. A rerun that finds the snapshot already taken journals the volume
// without a response: it is the snapshot another entry of the same volume named.
function caseSnapshots(journal: readonly JournalEntry[]): CaseSnapshot[] {
  const made = journal.filter((j) => isDone(j) && j.action === 'ec2:CreateSnapshot');
  const volumeKey = (j: JournalEntry) => `${j.region ?? ''}|${j.target}`;
  const known = new Map(made.flatMap((j) => (stringField(j.response, 'SnapshotId') ? [[volumeKey(j), stringField(j.response, 'SnapshotId')!] as const] : [])));
  const out = new Map<string, CaseSnapshot>();
  for (const j of made) {
    const id = stringField(j.response, 'SnapshotId') ?? known.get(volumeKey(j));
    const key = id ?? volumeKey(j);
    if (!out.has(key)) out.set(key, { id, region: j.region, volumeId: j.target, instanceId: sourceInstance(j.request) });
  }
  return [...out.values()];
}

// The snapshot's ir:source-instance tag, as the step asked for it.
function sourceInstance(request: unknown): string | undefined {
  const specs = (request as { TagSpecifications?: Array<{ Tags?: Array<{ Key?: string; Value?: string }> }> } | undefined)?.TagSpecifications ?? [];
  return specs.flatMap((s) => s.Tags ?? []).find((t) => t.Key === TAGS.sourceInstance)?.Value;
}

// What to hand to the clean room, what was handed, and what was handed but belongs to a released (innocent) instance.
function cleanRoomSteps(done: readonly JournalEntry[], state: JournalState): string[] {
  const out: string[] = [];
  const shared = done.filter((j) => j.step === 'handoff/share');
  const handedOff = new Set(shared.map((j) => stringField(j.request, 'sourceSnapshotId')));
  for (const s of caseSnapshots(done)) {
    const what = `${s.id ?? `the case snapshot of ${s.volumeId}`}${s.region ? ` (${s.region})` : ''}`;
    const released = s.instanceId ? state.released.get(s.instanceId) : undefined;
    if (released) {
      out.push(`Case snapshot ${what} of ${s.instanceId} stays out of the clean room: the instance was ${describeFate(released)} (judged not the attacker's); delete the snapshot when the case closes`);
      continue;
    }
    if (s.id && handedOff.has(s.id)) continue;
    out.push(`Hand ${what} to the clean room: irctl handoff --apply copies it re-encrypted with the forensics key and shares it with the forensics account`);
  }
  for (const e of shared) {
    const instance = stringField(e.request, 'instanceId');
    const released = instance ? state.released.get(instance) : undefined;
    out.push(released ? revokeShare(e, instance!, released) : attachInCleanRoom(e));
  }
  return out;
}

// A copy already shared before its instance was released: the forensics account can still read it until the share is removed.
function revokeShare(e: JournalEntry, instance: string, released: Fate): string {
  const copy = stringField(e.request, 'SnapshotId') ?? e.target;
  const account = (e.request as { UserIds?: string[] }).UserIds?.[0] ?? '<forensics account>';
  return (
    `Revoke the clean-room share of ${copy} (${e.region}; copy of ${stringField(e.request, 'sourceSnapshotId') ?? 'a case snapshot'} of ${instance}, ${describeFate(released)}): ` +
    `aws ec2 modify-snapshot-attribute --region ${e.region} --snapshot-id ${copy} --attribute createVolumePermission --operation-type remove --user-ids ${account}; ` +
    `then aws ec2 delete-snapshot --region ${e.region} --snapshot-id ${copy}, and ask the forensics team to delete any copy they made of it`
  );
}

// An address containment disassociated stays allocated (billed, still the account's) until eradicate releases it or release re-associates it.
function elasticIpSteps(journal: readonly JournalEntry[], state: JournalState): string[] {
  return elasticIps(journal)
    .filter((a) => state.fateOf(regionalKeys(a.region, a.allocationId))?.state === 'disassociated (still allocated)')
    .map(
      (a) =>
        `Elastic IP ${a.publicIp ? `${a.publicIp} ` : ''}(${a.allocationId}, ${a.region}) of ${a.instanceId ?? 'a contained instance'} is disassociated but still allocated to the account: irctl --apply eradicate releases it (confirmed), or irctl release re-associates it if the instance is innocent`,
    );
}

// What the forensics team runs, in the forensics account, to examine a shared copy.
function attachInCleanRoom(e: JournalEntry): string {
  const copy = stringField(e.request, 'SnapshotId') ?? e.target;
  const account = (e.request as { UserIds?: string[] }).UserIds?.[0] ?? 'the forensics account';
  const source = stringField(e.request, 'sourceSnapshotId');
  const instance = stringField(e.request, 'instanceId');
  return (
    `Clean room: ${copy} (${e.region}; copy of ${source ?? 'a case snapshot'}${instance ? ` of ${instance}` : ''}) is shared with ${account}. In that account: ` +
    `aws ec2 copy-snapshot --region ${e.region} --source-region ${e.region} --source-snapshot-id ${copy} --encrypted --kms-key-id ${FORENSICS.evidenceKeyAlias} (your own copy, independent of the source account); ` +
    'aws ec2 create-volume --snapshot-id <your copy> --availability-zone <the workstation\'s AZ>; aws ec2 attach-volume --volume-id <volume> --instance-id <workstation> --device /dev/sdf; ' +
    'on the workstation mount it read-only (mount -o ro,noload <device> /mnt/evidence) and hash it before looking'
  );
}

// Once eradicate acted the compromise is confirmed and release keeps containment policies on (release.ts): someone must take them off.
function policiesLeft(journal: readonly JournalEntry[]): string[] {
  if (!journal.some((j) => j.outcome === 'applied' && j.step.startsWith('eradicate/'))) return [];
  return containmentPolicies(journal)
    .filter((p) => p.inPlace)
    .map((p) =>
      p.kind === 'role'
        ? `${p.policyName} left on role ${p.name}: remove it when every session issued before it has expired (a role session lasts at most 12 hours) and the role's users are confirmed clean: aws iam delete-role-policy --role-name ${p.name} --policy-name ${p.policyName}`
        : `${p.policyName} left on user ${p.name}: remove it once the user's credentials are rotated, or delete the user: aws iam delete-user-policy --user-name ${p.name} --policy-name ${p.policyName}`,
    );
}

// An AWS answer no retry changes: a name that does not exist, an ID of nothing, irctl's own refusal.
const PERMANENT = /does not exist|not found|NoSuchEntity|NotFound|InvalidID|Malformed/i;

function failedPrefix(error: string | undefined): string {
  if (error && /Refusing to /.test(error)) return 'Refused by irctl (not retryable): ';
  return error && PERMANENT.test(error) ? 'Failed, retrying will not help (fix as the error says): ' : 'Retry: ';
}

/**
 * Planned steps still to apply, once each (region counts: deleting key pair deploy-key in one
 * region is not deleting its namesake in another), and release steps only previewed. A plan is
 * overtaken when the same call was made since, the resource is gone, or a later release undid
 * the containment it followed up (deleting a key that release then re-activated).
 */
function pendingPlans(journal: readonly JournalEntry[], state: JournalState): { pending: JournalEntry[]; previews: JournalEntry[] } {
  const stepKey = (j: JournalEntry) => `${j.action}|${j.region ?? ''}|${j.target}`;
  const doneKeys = new Set(journal.filter(isDone).map(stepKey));
  const seen = new Set<string>();
  const pending: JournalEntry[] = [];
  const previews: JournalEntry[] = [];
  for (const e of journal.filter((j) => (j.outcome === 'planned' || j.outcome === 'dry-run-ok') && !doneKeys.has(stepKey(j)))) {
    if (seen.has(stepKey(e))) continue;
    seen.add(stepKey(e));
    if (e.step.startsWith('release/')) {
      previews.push(e);
      continue;
    }
    if (!overtaken(e, state)) pending.push(e);
  }
  return { pending, previews };
}

// A tied resource nothing acted on; for a role, why irctl would not (IR, service-linked) or where it must be done (another account).
function untouchedAttacker(a: Attribution, inventory: Inventory | undefined): string {
  const role = a.kind === 'iam-role' ? attributedRoles(inventory).find((r) => a.id.endsWith(`/${r.roleName}`) && a.id.includes(`:${r.accountId}:`)) : undefined;
  const caseAccount = inventory?.accountId;
  if (role && caseAccount && role.accountId !== caseAccount) {
    return `IAM role ${role.roleName} in account ${role.accountId} is tied to the attacker (${a.reason}), but this case is account ${caseAccount}: not revoked here. Fix: irctl --account ${role.accountId} --case <a case for that account> contain-credentials --role ${role.roleName}`;
  }
  if (role?.refusal) {
    const [why, fix] = role.refusal.split('. Fix: ');
    return `IAM role ${role.roleName} is tied to the attacker (${a.reason}); refused: ${why}${fix ? `; manual: ${fix}` : ''}`;
  }
  return `No action recorded yet on attacker ${label(a)}: contain or eradicate it, or record why not`;
}

function label(a: Attribution): string {
  return `${a.kind} ${a.id}${a.region ? ` (${a.region})` : ''}`;
}

/** One-line description of a failed step. */
export function describeFailure(f: StepFailure): string {
  return `${f.step}${f.region ? ` in ${f.region}` : ''}${f.target ? ` on ${f.target}` : ''}: ${f.message}`;
}

function stringField(value: unknown, field: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = (value as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : undefined;
}
