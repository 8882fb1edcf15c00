/**
 * The scenario on a live moto server: plan changes nothing, contain --apply holds
 * every instance reversibly, a rerun makes no mutating call, release restores from the journal, and
 * eradicate removes what the attacker left — each phase rerun as a no-op.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSpotInstanceRequestsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetRolePolicyCommand, GetUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { CONTAINMENT_POLICIES, SECURITY_GROUPS, TAGS } from '../../shared/names';
import { type CallRecord, isMutating } from '../../tooling/aws/record';
import { Once } from '../../tooling/case/phase';
import { readJournal, verifyJournal } from '../../tooling/case/journal';
import { containCredentials } from '../../tooling/contain/credentials';
import { containInstances } from '../../tooling/contain/instances';
import { verifyEvidence } from '../../tooling/evidence/collect';
import { eradicate } from '../../tooling/eradicate';
import { releaseCase } from '../../tooling/release';
import type { CaseContext } from '../../tooling/model';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { describeAll, newCase, runPhase } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
let ctx: CaseContext;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  ctx = newCase();
}, 120_000);

const ec2 = (region: string) => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
const iam = () => new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
const byKind = (kind: string) => scenario.instances.find((i) => i.kind === kind)!;

async function contain(apply: boolean, calls: CallRecord[], yesIrreversible = true) {
  return runPhase({ endpoint: moto.endpoint, ctx, apply, yesIrreversible, calls }, async (env) => {
    const once = new Once();
    await containCredentials(env, { accessKeyId: scenario.attackerKeyId, userNames: [scenario.backdoorUser] }, once);
    await containInstances(env, { instanceIds: scenario.instances.map((i) => i.instanceId) }, once);
  });
}

test('plan (the default) makes no change at all, and dry-runs every EC2 write', async () => {
  const before = await describeAll(moto.endpoint, scenario);
  const calls: CallRecord[] = [];
  const { exec } = await contain(false, calls);
  expect(calls.filter(isMutating)).toEqual([]);
  expect(await describeAll(moto.endpoint, scenario)).toEqual(before);
  const outcomes = exec.results.map((r) => r.outcome);
  expect(outcomes.filter((o) => o === 'applied' || o === 'failed' || o === 'needs-confirmation')).toEqual([]);
  expect(outcomes).toContain('dry-run-ok');
  expect(outcomes).toContain('planned');
  expect(exec.failures).toEqual([]);
  // EC2 writes went out with DryRun and were answered DryRunOperation.
  const dry = calls.filter((c) => c.input.DryRun === true);
  expect(dry.length).toBeGreaterThan(10);
  expect(dry.every((c) => c.error === 'DryRunOperation')).toBe(true);
  // Evidence is saved even while planning (it only reads), marked as the plan's.
  for (const i of scenario.instances) {
    expect(verifyEvidence(ctx.caseDir, i.instanceId)).toEqual([]);
    expect(JSON.parse(readFileSync(join(ctx.caseDir, 'evidence', i.instanceId, 'plan', 'manifest.json'), 'utf8')).purpose).toBe('plan');
  }
});

test('contain --apply holds every instance and the credentials, reversibly', async () => {
  const calls: CallRecord[] = [];
  const { exec } = await contain(true, calls);
  expect(exec.failures).toEqual([]);
  expect(exec.incomplete).toBe(false);

  for (const { region, instanceId, kind } of scenario.instances) {
    const inst = (await ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
    const isolation = (await ec2(region).send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [inst.VpcId!] }, { Name: 'group-name', Values: [SECURITY_GROUPS.isolation] }] }))).SecurityGroups!;
    expect(isolation).toHaveLength(1);
    expect(isolation[0].IpPermissionsEgress ?? []).toEqual([]);
    expect(inst.NetworkInterfaces!.length).toBe(kind === 'two-eni' ? 2 : 1);
    for (const eni of inst.NetworkInterfaces!) expect(eni.Groups!.map((g) => g.GroupId)).toEqual([isolation[0].GroupId]);
    const tags = Object.fromEntries(inst.Tags!.map((t) => [t.Key, t.Value]));
    expect(tags[TAGS.caseId]).toBe(ctx.caseId);
    expect(tags[TAGS.containment]).toBe('contained');
    const attr = async (Attribute: 'disableApiTermination' | 'instanceInitiatedShutdownBehavior') => ec2(region).send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute }));
    expect(String((await attr('disableApiTermination')).DisableApiTermination?.Value)).toBe(kind === 'spot' ? 'false' : 'true');
    expect((await attr('instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior?.Value).toBe('stop');
    expect(inst.BlockDeviceMappings!.every((b) => b.Ebs!.DeleteOnTermination === false)).toBe(true);
    const snaps = (await ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAGS.caseId}`, Values: [ctx.caseId] }] }))).Snapshots!;
    for (const b of inst.BlockDeviceMappings!) expect(snaps.map((s) => s.VolumeId)).toContain(b.Ebs!.VolumeId);
  }
  // Auto Scaling: the group sits at its minimum (desired 1 = min 1), so the instance is held in
  // Standby, protected from scale-in, with the group suspended so nothing replaces it.
  const asg = new AutoScalingClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  const asgInstances = (await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [byKind('asg').instanceId] }))).AutoScalingInstances ?? [];
  expect(asgInstances.map((a) => [a.LifecycleState, a.ProtectedFromScaleIn])).toEqual([['Standby', true]]);
  const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [scenario.asgName] }))).AutoScalingGroups![0];
  expect(group.SuspendedProcesses!.map((p) => p.ProcessName).sort()).toEqual(['AZRebalance', 'HealthCheck', 'Launch', 'ReplaceUnhealthy']);
  // Load balancer, EIP, profile, Spot request.
  const health = await new ElasticLoadBalancingV2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS }).send(new DescribeTargetHealthCommand({ TargetGroupArn: scenario.targetGroupArn }));
  expect((health.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State !== 'draining').map((d) => d.Target?.Id)).not.toContain(byKind('plain').instanceId);
  // The Elastic IP is disassociated (the public path is cut) but stays allocated: releasing it is eradication's.
  const eip = (await ec2('us-east-1').send(new DescribeAddressesCommand({ AllocationIds: [scenario.allocationId] }))).Addresses![0];
  expect(eip.AssociationId).toBeUndefined();
  const plain = (await ec2('us-east-1').send(new DescribeInstancesCommand({ InstanceIds: [byKind('plain').instanceId] }))).Reservations![0].Instances![0];
  expect(plain.IamInstanceProfile).toBeUndefined();
  // Containment is reversible: the Spot request stays open (eradicate cancels it), no irreversible call was made.
  const spot = (await ec2(byKind('spot').region).send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests ?? [];
  expect(spot.map((r) => r.SpotInstanceRequestId)).toContain(scenario.spotRequestId);
  expect(calls.filter(isMutating).map((c) => c.action)).not.toEqual(expect.arrayContaining(['ec2:ReleaseAddress']));
  expect(calls.filter(isMutating).map((c) => c.action)).not.toEqual(expect.arrayContaining(['ec2:CancelSpotInstanceRequests']));
  // Credentials: keys inactive (kept), deny-all and session revocation in place.
  for (const user of [scenario.attackerUser, scenario.backdoorUser]) {
    const keys = (await iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!;
    expect(keys.map((k) => k.Status)).toEqual(['Inactive']);
    await expect(iam().send(new GetUserPolicyCommand({ UserName: user, PolicyName: CONTAINMENT_POLICIES.denyAll }))).resolves.toBeDefined();
  }
  const revoke = await iam().send(new GetRolePolicyCommand({ RoleName: scenario.instanceRole, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions }));
  expect(decodeURIComponent(revoke.PolicyDocument!)).toContain('"aws:TokenIssueTime":"2026-11-23T03:');
  // Journal: chained, UTC, every write applied once.
  expect(verifyJournal(ctx.caseDir).ok).toBe(true);
  const applied = readJournal(ctx.caseDir).filter((e) => e.outcome === 'applied');
  expect(applied.every((e) => e.ts.endsWith('Z'))).toBe(true);
  expect(applied.filter((e) => e.action !== 'irctl:CollectEvidence').length).toBe(calls.filter(isMutating).length);
  // Evidence was collected while planning and again at containment: both sets kept, their
  // hashes in the index manifest and in the chained journal.
  const evidence = readJournal(ctx.caseDir).filter((e) => e.action === 'irctl:CollectEvidence' && e.outcome === 'applied');
  const sets = (purpose: string) => evidence.filter((e) => (e.request as { purpose: string }).purpose === purpose).map((e) => e.target).sort();
  expect(sets('plan')).toEqual(scenario.instances.map((i) => i.instanceId).sort());
  expect(sets('containment')).toEqual(scenario.instances.map((i) => i.instanceId).sort());
  for (const i of scenario.instances) {
    const index = JSON.parse(readFileSync(join(ctx.caseDir, 'evidence', i.instanceId, 'manifest.json'), 'utf8')) as { sets: Array<{ purpose: string; sha256: string }> };
    expect(index.sets.map((s) => s.purpose)).toEqual(['plan', 'containment']);
    expect(index.sets.every((s) => /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
    expect(verifyEvidence(ctx.caseDir, i.instanceId)).toEqual([]);
  }
});

test('a rerun resumes: no mutating call, every step skipped as already done', async () => {
  const calls: CallRecord[] = [];
  const before = readJournal(ctx.caseDir).length;
  const { exec } = await contain(true, calls);
  expect(calls.filter(isMutating)).toEqual([]);
  expect(exec.failures).toEqual([]);
  const added = readJournal(ctx.caseDir).slice(before);
  expect(added.length).toBeGreaterThan(0);
  expect(new Set(added.map((e) => e.outcome))).toEqual(new Set(['skipped-already-done']));
  expect(existsSync(join(ctx.caseDir, 'evidence', byKind('plain').instanceId, 'manifest.json'))).toBe(true);
  expect(readFileSync(join(ctx.caseDir, 'evidence', byKind('plain').instanceId, 'containment', 'userdata.txt'), 'utf8')).toContain('xmrig');
});

test('release restores every reversible change from the journal; a second release changes nothing', async () => {
  const journalBefore = readJournal(ctx.caseDir);
  const originalGroups = new Map(
    journalBefore.filter((e) => e.step === 'contain-instances/isolate-eni-transition' && e.outcome === 'applied').map((e) => [e.target, (e.undo as { groups: string[] }).groups]),
  );
  expect(originalGroups.size).toBe(6); // plain, asg, spot, stopped: 1 ENI each; two-eni: 2
  let manual: readonly string[] = [];
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, async (env) => {
    manual = await releaseCase(env);
  });
  expect(exec.failures).toEqual([]);
  for (const { region, instanceId, kind } of scenario.instances) {
    const inst = (await ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
    for (const eni of inst.NetworkInterfaces!) expect(eni.Groups!.map((g) => g.GroupId).sort()).toEqual([...originalGroups.get(eni.NetworkInterfaceId!)!].sort());
    expect(Object.fromEntries(inst.Tags!.map((t) => [t.Key, t.Value]))[TAGS.containment]).toBe('released');
    const term = await ec2(region).send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'disableApiTermination' }));
    expect(String(term.DisableApiTermination?.Value)).toBe('false');
    if (kind === 'plain') expect(inst.IamInstanceProfile?.Arn).toContain(scenario.instanceRole);
  }
  for (const user of [scenario.attackerUser, scenario.backdoorUser]) {
    expect((await iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!.map((k) => k.Status)).toEqual(['Active']);
  }
  await expect(iam().send(new GetRolePolicyCommand({ RoleName: scenario.instanceRole, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions }))).rejects.toThrow();
  const asg = new AutoScalingClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  expect((await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [byKind('asg').instanceId] }))).AutoScalingInstances!.map((a) => [a.AutoScalingGroupName, a.LifecycleState])).toEqual([[scenario.asgName, 'InService']]);
  expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [scenario.asgName] }))).AutoScalingGroups![0].SuspendedProcesses ?? []).toEqual([]);
  const health = await new ElasticLoadBalancingV2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS }).send(new DescribeTargetHealthCommand({ TargetGroupArn: scenario.targetGroupArn }));
  expect(health.TargetHealthDescriptions!.map((d) => d.Target?.Id)).toContain(byKind('plain').instanceId);
  // The Elastic IP is back on its instance; snapshots are kept and named.
  const eniOfPlain = (await ec2('us-east-1').send(new DescribeInstancesCommand({ InstanceIds: [byKind('plain').instanceId] }))).Reservations![0].Instances![0].NetworkInterfaces![0].NetworkInterfaceId;
  expect((await ec2('us-east-1').send(new DescribeAddressesCommand({ AllocationIds: [scenario.allocationId] }))).Addresses![0].NetworkInterfaceId).toBe(eniOfPlain);
  expect(manual.join('\n')).toMatch(/Case snapshot of .* kept as evidence/);

  const calls: CallRecord[] = [];
  const again = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, calls }, async (env) => void (await releaseCase(env)));
  expect(calls.filter(isMutating)).toEqual([]);
  expect(again.exec.results.every((r) => r.outcome === 'skipped-already-done')).toBe(true);
});

const targets = () => ({
  instanceIds: scenario.instances.map((i) => i.instanceId),
  keyPairs: scenario.keyPairs,
  images: scenario.images,
  userNames: [scenario.backdoorUser],
});

test('eradicate plans without change, refuses irreversible steps unconfirmed, then removes everything when confirmed', async () => {
  const before = await describeAll(moto.endpoint, scenario);
  const planCalls: CallRecord[] = [];
  await runPhase({ endpoint: moto.endpoint, ctx, apply: false, calls: planCalls }, (env) => eradicate(env, targets()));
  expect(planCalls.filter(isMutating)).toEqual([]);
  expect(await describeAll(moto.endpoint, scenario)).toEqual(before);

  // --apply without --yes-irreversible and no terminal: nothing irreversible happens.
  const unconfirmed: CallRecord[] = [];
  const refused = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, calls: unconfirmed }, (env) => eradicate(env, targets()));
  expect(unconfirmed.filter(isMutating).map((c) => c.action)).not.toEqual(expect.arrayContaining(['ec2:TerminateInstances']));
  expect(unconfirmed.filter(isMutating).some((c) => /Delete|Deregister|Terminate/.test(c.action))).toBe(false);
  expect(refused.exec.results.some((r) => r.outcome === 'needs-confirmation')).toBe(true);
  expect(refused.exec.incomplete).toBe(true);

  const calls: CallRecord[] = [];
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, yesIrreversible: true, calls }, (env) => eradicate(env, targets()));
  expect(exec.failures).toEqual([]);
  // The Spot request was cancelled before anything was terminated.
  const journal = readJournal(ctx.caseDir).filter((e) => e.outcome === 'applied');
  const cancelled = journal.find((e) => e.action === 'ec2:CancelSpotInstanceRequests')!.seq;
  expect(journal.filter((e) => e.action === 'ec2:TerminateInstances').every((e) => e.seq > cancelled)).toBe(true);
  expect(journal.filter((e) => e.action === 'ec2:TerminateInstances')).toHaveLength(scenario.instances.length);
  // The Elastic IP containment disassociated is released only after its instance is terminated.
  const released = journal.find((e) => e.action === 'ec2:ReleaseAddress' && e.target === scenario.allocationId)!;
  expect(released.seq).toBeGreaterThan(journal.find((e) => e.action === 'ec2:TerminateInstances' && e.target === byKind('plain').instanceId)!.seq);
  expect((await ec2('us-east-1').send(new DescribeAddressesCommand({}))).Addresses!.map((a) => a.AllocationId)).not.toContain(scenario.allocationId);
  for (const { region, instanceId } of scenario.instances) {
    const inst = (await ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
    expect(['shutting-down', 'terminated']).toContain(inst.State!.Name);
    const snaps = (await ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAGS.caseId}`, Values: [ctx.caseId] }] }))).Snapshots!;
    for (const b of inst.BlockDeviceMappings ?? []) expect(snaps.map((s) => s.VolumeId)).toContain(b.Ebs!.VolumeId);
  }
  for (const k of scenario.keyPairs) {
    const { DescribeKeyPairsCommand } = await import('@aws-sdk/client-ec2');
    expect((await ec2(k.region).send(new DescribeKeyPairsCommand({}))).KeyPairs!.map((p) => p.KeyName)).not.toContain(k.name);
  }
  await expect(iam().send(new GetUserCommand({ UserName: scenario.backdoorUser }))).rejects.toThrow(/cannot be found|NoSuchEntity/);
  expect(verifyJournal(ctx.caseDir).ok).toBe(true);

  const rerun: CallRecord[] = [];
  const again = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, yesIrreversible: true, calls: rerun }, (env) => eradicate(env, targets()));
  expect(rerun.filter(isMutating)).toEqual([]);
  expect(again.exec.failures).toEqual([]);
});
