/**
 * What a responder still has to do after irctl ran, derived from the inventory and the
 * journal: failed steps to retry, keys left inactive for hunting, case snapshots to copy to
 * the forensics account, planned steps never applied, attributions to confirm.
 */
import { FORENSICS } from '../../shared/names';
import type { Attribution, Inventory, JournalEntry, StepFailure } from '../model';

const DONE = new Set(['applied', 'skipped-already-done']);

/** Manual follow-ups derived from what the tooling recorded. */
export function derivedManualSteps(input: { readonly inventory?: Inventory; readonly journal: readonly JournalEntry[] }): string[] {
  const { inventory, journal } = input;
  const out: string[] = [];

  for (const f of inventory?.failures ?? []) out.push(`Retry or check by hand: ${describeFailure(f)}`);
  for (const e of journal.filter((j) => j.outcome === 'failed')) {
    out.push(`Retry: ${e.step} ${e.action} on ${e.target}${e.region ? ` in ${e.region}` : ''} failed${e.error ? `: ${e.error}` : ''}`);
  }

  const done = journal.filter((j) => DONE.has(j.outcome));
  const doneKeys = new Set(done.map((j) => `${j.action}|${j.target}`));
  const planned = journal.filter((j) => (j.outcome === 'planned' || j.outcome === 'dry-run-ok') && !doneKeys.has(`${j.action}|${j.target}`));
  const plannedSeen = new Set<string>();
  for (const e of planned) {
    const key = `${e.action}|${e.target}`;
    if (plannedSeen.has(key)) continue;
    plannedSeen.add(key);
    out.push(`Planned, not applied: ${e.action} on ${e.target}${e.region ? ` in ${e.region}` : ''} (${e.reversible ? 'reversible' : 'irreversible'}; rerun with --apply)`);
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

  const shared = done.filter((j) => j.step === 'handoff/share');
  const handedOff = new Set(shared.map((j) => stringField(j.request, 'sourceSnapshotId')));
  for (const e of done.filter((j) => j.action === 'ec2:CreateSnapshot')) {
    const snapshotId = stringField(e.response, 'SnapshotId') ?? `the snapshot of ${e.target}`;
    if (handedOff.has(snapshotId)) continue;
    out.push(`Hand ${snapshotId}${e.region ? ` (${e.region})` : ''} to the clean room: irctl handoff --apply copies it re-encrypted with the forensics key and shares it with the forensics account`);
  }
  for (const e of shared) out.push(attachInCleanRoom(e));

  // Targets are IDs, ARNs or paths such as user/<name>/<key>: match any segment.
  const touched = new Set(done.flatMap((j) => [j.target, ...j.target.split(/[/:]/)]));
  for (const a of inventory?.attributions ?? []) {
    if (a.basis === 'heuristic') out.push(`Confirm the heuristic attribution of ${label(a)}: ${a.reason}`);
    if (!touched.has(a.id)) {
      out.push(`No action recorded yet on attacker ${label(a)}: contain or eradicate it, or record why not`);
    }
  }
  // A fleet or group held at capacity 0 counts as touched above, yet it still exists and can relaunch: say so until eradicate removed it.
  const removed = new Set(done.filter((j) => /^(ec2:CancelSpotFleetRequests|ec2:DeleteFleets|autoscaling:DeleteAutoScalingGroup)$/.test(j.action)).map((j) => j.target));
  for (const a of (inventory?.attributions ?? []).filter((x) => (x.kind === 'fleet' || x.kind === 'auto-scaling-group') && !removed.has(x.id))) {
    const fix = a.basis === 'cloudtrail' ? 'irctl --apply eradicate cancels/deletes it (confirmed)' : 'if it is theirs, irctl --apply eradicate --include-heuristic';
    out.push(`Attacker ${label(a)} still exists (${a.basis}: ${a.reason}); containment at most held it at capacity 0 or suspended it: ${fix}`);
  }
  // One line per fact: a step journaled on two runs (applied, then skipped-already-done) is one hand-off.
  return [...new Set(out)];
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
