/**
 * handoff: give the clean room the case's disks. Every case snapshot (tagged with the case)
 * is copied into the forensics home region re-encrypted with the forensics key — a snapshot
 * under the default aws/ebs key cannot be shared at all, and the copy does not depend on the
 * source account's key — then shared with the forensics account only (never publicly). The
 * copy is tagged with its source, so a rerun finds it instead of copying again. The report
 * then says how to attach each copy to a workstation in the clean room. A snapshot of an
 * instance the case released (the responder judged it not the attacker's) is not handed off:
 * the clean room is for the attacker's disks, not a colleague's.
 */
import {
  CopySnapshotCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  ModifySnapshotAttributeCommand,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import type { OrgConfig } from '../config';
import { cleanRoom } from '../shared/addresses';
import { TAGS } from '../shared/names';
import { describeFate, journalState } from './analysis/journal-state';
import type { Action } from './case/executor';
import type { PhaseEnv } from './case/phase';

/** Tag a hand-off copy carries: the snapshot it was copied from. */
export const HANDOFF_SOURCE_TAG = 'ir:handoff-of';

/** Where the copies go. */
export interface HandoffTarget {
  readonly forensicsAccountId: string;
  /** The forensics home region (where the clean room and its key are). */
  readonly region: string;
  /** The forensics key (alias ARN accepted by CopySnapshot across accounts). */
  readonly kmsKeyId: string;
}

/** The clean room the org config names; throws the fix when the forensics account has no ID yet. */
export function handoffTarget(config: OrgConfig): HandoffTarget {
  const id = config.accounts.forensics.id;
  if (!id) throw new Error('The org config has no forensics account ID, so there is no clean room to hand off to. Fix: set accounts.forensics.id in the config (--config) once the account exists.');
  const room = cleanRoom(config, id);
  return { forensicsAccountId: room.accountId, region: room.region, kmsKeyId: room.keyAliasArn };
}

/** How long to wait for copies to complete before sharing them. */
export interface CopyWait {
  /** @default 30 minutes */
  readonly timeoutMs?: number;
  /** @default 15 s */
  readonly pollMs?: number;
}

/** Copy and share every case snapshot of the case's regions. */
export async function handOff(env: PhaseEnv, target: HandoffTarget, wait: CopyWait = {}): Promise<void> {
  const sources: Array<{ region: string; snapshot: Snapshot }> = [];
  await env.exec.each(env.ctx.regions, env.concurrency.regions, 'handoff/find-snapshots', (region) => ({ region, action: 'ec2:DescribeSnapshots' }), async (region) => {
    const out = await env.read.ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAGS.caseId}`, Values: [env.ctx.caseId] }] }));
    for (const s of out.Snapshots ?? []) if (!s.Tags?.some((t) => t.Key === HANDOFF_SOURCE_TAG)) sources.push({ region, snapshot: s });
  });
  if (sources.length === 0) env.reporter.progress(`handoff: no snapshot tagged ${TAGS.caseId}=${env.ctx.caseId} in ${env.ctx.regions.join(', ')}; run contain-instances --apply first.`);
  const released = journalState(env.exec.options.journal.entries()).released;
  const kept = sources.filter(({ region, snapshot }) => {
    const instance = snapshot.Tags?.find((t) => t.Key === TAGS.sourceInstance)?.Value;
    const fate = instance ? released.get(instance) : undefined;
    if (fate) env.reporter.progress(`handoff: ${snapshot.SnapshotId} (${region}) of ${instance} not handed off: the case released that instance (${describeFate(fate)}); irctl report says how to revoke a copy shared before.`);
    return !fate;
  });
  await env.exec.each(kept, env.concurrency.resources, 'handoff/snapshot', (s) => ({ region: s.region, target: s.snapshot.SnapshotId }), (s) => handOffSnapshot(env, target, s.region, s.snapshot, wait));
}

async function findCopy(env: PhaseEnv, target: HandoffTarget, sourceId: string): Promise<Snapshot | undefined> {
  const out = await env.read.ec2(target.region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${HANDOFF_SOURCE_TAG}`, Values: [sourceId] }] }));
  return (out.Snapshots ?? []).find((s) => s.State !== 'error');
}

async function handOffSnapshot(env: PhaseEnv, target: HandoffTarget, region: string, source: Snapshot, wait: CopyWait): Promise<void> {
  const sourceId = source.SnapshotId!;
  if (source.State !== 'completed') {
    env.exec.fail('handoff/copy', `snapshot ${sourceId} is ${source.State ?? 'not ready'}; only a completed snapshot can be copied. Fix: rerun irctl handoff once it completes (finished copies are skipped).`, { region, target: sourceId, action: 'ec2:CopySnapshot' });
    return;
  }
  const ec2 = env.write.ec2(target.region);
  let copyId = (await findCopy(env, target, sourceId))?.SnapshotId;
  const request = {
    SourceRegion: region,
    SourceSnapshotId: sourceId,
    Encrypted: true,
    KmsKeyId: target.kmsKeyId,
    Description: `irctl ${env.ctx.caseId}: clean-room copy of ${sourceId} (${region}) ${source.Description ?? ''}`.trim().slice(0, 255),
    TagSpecifications: [
      {
        ResourceType: 'snapshot' as const,
        Tags: [
          { Key: TAGS.caseId, Value: env.ctx.caseId },
          { Key: HANDOFF_SOURCE_TAG, Value: sourceId },
          ...(source.Tags ?? []).filter((t) => t.Key === TAGS.sourceInstance || t.Key === 'ir:source-device'),
        ],
      },
    ],
  };
  const copy: Action = {
    step: 'handoff/copy',
    action: 'ec2:CopySnapshot',
    region: target.region,
    target: sourceId,
    summary: `copy ${sourceId} (${region}) to ${target.region}, re-encrypted with the forensics key`,
    reversible: false,
    request,
    isDone: async () => !!copyId,
    dryRun: () => ec2.send(new CopySnapshotCommand({ ...request, DryRun: true })),
    apply: async () => {
      const out = await ec2.send(new CopySnapshotCommand(request));
      copyId = out.SnapshotId;
      return out;
    },
  };
  const outcome = await env.exec.run(copy);
  if (!copyId || outcome === 'failed') return;
  const id = copyId;
  if (env.exec.applying && !(await copyCompleted(env, target, id, sourceId, wait))) return;
  const share = { SnapshotId: id, Attribute: 'createVolumePermission' as const, OperationType: 'add' as const, UserIds: [target.forensicsAccountId] };
  await env.exec.run({
    step: 'handoff/share',
    action: 'ec2:ModifySnapshotAttribute',
    region: target.region,
    target: id,
    summary: `share ${id} (copy of ${sourceId}) with the forensics account ${target.forensicsAccountId} only`,
    reversible: false,
    request: { ...share, sourceSnapshotId: sourceId, sourceRegion: region, instanceId: source.Tags?.find((t) => t.Key === TAGS.sourceInstance)?.Value },
    isDone: async () =>
      ((await env.read.ec2(target.region).send(new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }))).CreateVolumePermissions ?? []).some(
        (p) => p.UserId === target.forensicsAccountId,
      ),
    dryRun: () => ec2.send(new ModifySnapshotAttributeCommand({ ...share, DryRun: true })),
    apply: () => ec2.send(new ModifySnapshotAttributeCommand(share)),
  });
}

async function copyCompleted(env: PhaseEnv, target: HandoffTarget, copyId: string, sourceId: string, wait: CopyWait): Promise<boolean> {
  const deadline = env.clock.now() + (wait.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const state = (await env.read.ec2(target.region).send(new DescribeSnapshotsCommand({ SnapshotIds: [copyId] }))).Snapshots?.[0]?.State;
    if (state === 'completed') return true;
    if (state === 'error' || env.clock.now() > deadline) {
      env.exec.fail('handoff/wait-copy', `copy ${copyId} of ${sourceId} is ${state ?? 'missing'}; not shared. Fix: rerun irctl handoff --apply${state === 'error' ? ' after deleting the failed copy' : ' later'} (it resumes).`, { region: target.region, target: copyId });
      return false;
    }
    env.reporter.progress(`[waiting] copy ${copyId} of ${sourceId}: ${state}`);
    await env.clock.sleep(wait.pollMs ?? 15_000);
  }
}
