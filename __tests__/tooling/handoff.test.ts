/**
 * Clean-room hand-off on moto: each case snapshot is copied into the forensics home region,
 * re-encrypted with the forensics key, shared with the forensics account only, journaled; the
 * report says how to attach it. The plan changes nothing and a rerun makes no mutating call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSnapshotCommand, CreateVolumeCommand, DescribeSnapshotAttributeCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { TAGS } from '../../shared/names';
import { derivedManualSteps } from '../../tooling/analysis/report-manual';
import { type CallRecord, isMutating } from '../../tooling/aws/record';
import { Journal, readJournal } from '../../tooling/case/journal';
import { HANDOFF_SOURCE_TAG, handOff, handoffTarget } from '../../tooling/handoff';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { runPhase } from './case-harness';

let moto: MotoServer;
let sourceId: string;
const SOURCE_REGION = 'eu-west-1';
const config = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const target = handoffTarget(config);
const ctx = { caseId: 'IR-HAND-1', accountId: '123456789012', regions: [SOURCE_REGION], window: { start: new Date(0), end: new Date() }, caseDir: mkdtempSync(join(tmpdir(), 'irctl-handoff-')) };
const ec2 = (region: string) => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
const copies = async () => (await ec2(target.region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${HANDOFF_SOURCE_TAG}`, Values: [sourceId] }] }))).Snapshots ?? [];

beforeAll(async () => {
  moto = await workerMoto();
  const volumeId = (await ec2(SOURCE_REGION).send(new CreateVolumeCommand({ AvailabilityZone: `${SOURCE_REGION}a`, Size: 8 }))).VolumeId!;
  sourceId = (
    await ec2(SOURCE_REGION).send(
      new CreateSnapshotCommand({ VolumeId: volumeId, TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: TAGS.caseId, Value: ctx.caseId }, { Key: 'ir:source-instance', Value: 'i-0123456789abcdef0' }] }] }),
    )
  ).SnapshotId!;
}, 60_000);

test('the forensics target comes from the config: its account, home region and key', () => {
  expect(target).toEqual({ forensicsAccountId: '444444444444', region: 'us-east-1', kmsKeyId: 'arn:aws:kms:us-east-1:444444444444:alias/ir-forensic-evidence' });
  const noForensicsId = { ...config, accounts: { ...config.accounts, forensics: { ...config.accounts.forensics, id: undefined } } };
  expect(() => handoffTarget(noForensicsId)).toThrow(/no forensics account ID.*Fix: set accounts\.forensics\.id/);
});

test('plan: dry-runs the copy, changes nothing', async () => {
  const calls: CallRecord[] = [];
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: false, calls }, (env) => handOff(env, target));
  expect(calls.filter(isMutating)).toEqual([]);
  expect(exec.results.map((r) => [r.action, r.outcome])).toEqual([['ec2:CopySnapshot', 'dry-run-ok']]);
  expect(await copies()).toEqual([]);
});

test('apply: copied re-encrypted into the forensics region, shared with the forensics account only, journaled; a rerun changes nothing', async () => {
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, (env) => handOff(env, target));
  expect(exec.failures).toEqual([]);
  const [copy] = await copies();
  expect(copy).toMatchObject({ Encrypted: true, KmsKeyId: target.kmsKeyId });
  expect(Object.fromEntries(copy.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({ [TAGS.caseId]: ctx.caseId, [HANDOFF_SOURCE_TAG]: sourceId, 'ir:source-instance': 'i-0123456789abcdef0' });
  const perms = (await ec2(target.region).send(new DescribeSnapshotAttributeCommand({ SnapshotId: copy.SnapshotId, Attribute: 'createVolumePermission' }))).CreateVolumePermissions;
  expect(perms).toEqual([{ UserId: '444444444444' }]);
  const journal = readJournal(ctx.caseDir).filter((e) => e.outcome === 'applied');
  expect(journal.map((e) => e.step)).toEqual(['handoff/copy', 'handoff/share']);
  const manual = derivedManualSteps({ journal: readJournal(ctx.caseDir) }).join('\n');
  expect(manual).toContain(`Clean room: ${copy.SnapshotId} (us-east-1; copy of ${sourceId} of i-0123456789abcdef0) is shared with 444444444444`);
  expect(manual).toMatch(/aws ec2 attach-volume .*mount -o ro,noload/);

  const calls: CallRecord[] = [];
  await runPhase({ endpoint: moto.endpoint, ctx, apply: true, calls }, (env) => handOff(env, target));
  expect(calls.filter(isMutating)).toEqual([]);
  expect(await copies()).toHaveLength(1);
});

test('a case snapshot of an instance the case released is not handed off: release judged it not the attacker\'s', async () => {
  const released = { ...ctx, caseId: 'IR-HAND-2', caseDir: mkdtempSync(join(tmpdir(), 'irctl-handoff-rel-')) };
  const volumeId = (await ec2(SOURCE_REGION).send(new CreateVolumeCommand({ AvailabilityZone: `${SOURCE_REGION}a`, Size: 8 }))).VolumeId!;
  const tags = (instance: string) => [{ ResourceType: 'snapshot' as const, Tags: [{ Key: TAGS.caseId, Value: released.caseId }, { Key: 'ir:source-instance', Value: instance }] }];
  const innocent = (await ec2(SOURCE_REGION).send(new CreateSnapshotCommand({ VolumeId: volumeId, TagSpecifications: tags('i-0aaaaaaaaaaaaaaa1') }))).SnapshotId!;
  const miner = (await ec2(SOURCE_REGION).send(new CreateSnapshotCommand({ VolumeId: volumeId, TagSpecifications: tags('i-0bbbbbbbbbbbbbbb2') }))).SnapshotId!;
  const journal = Journal.open(released.caseDir, { caseId: released.caseId, caller: 'arn:aws:sts::123456789012:user/moto' });
  for (const [instance, value] of [['i-0aaaaaaaaaaaaaaa1', 'contained'], ['i-0bbbbbbbbbbbbbbb2', 'contained'], ['i-0aaaaaaaaaaaaaaa1', 'released']]) {
    journal.append({ step: value === 'released' ? 'release/tag' : 'contain-instances/tag', action: 'ec2:CreateTags', region: SOURCE_REGION, target: instance, request: { Resources: [instance], Tags: [{ Key: TAGS.containment, Value: value }] }, outcome: 'applied', reversible: true });
  }
  const { exec, lines } = await runPhase({ endpoint: moto.endpoint, ctx: released, apply: true }, (env) => handOff(env, target));
  expect(exec.failures).toEqual([]);
  const copiedFrom = exec.results.filter((r) => r.action === 'ec2:CopySnapshot').map((r) => r.target);
  expect(copiedFrom).toEqual([miner]);
  expect(lines.join('\n')).toContain(`handoff: ${innocent} (${SOURCE_REGION}) of i-0aaaaaaaaaaaaaaa1 not handed off: the case released that instance`);
});
