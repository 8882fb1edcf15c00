/**
 * release with precision, on moto: an Auto Scaling group held above its minimum (detached with a
 * decrement) and at its minimum (Standby) both come back; release order is newest-first; one
 * instance or one user can be released alone without re-enabling any credential; an instance
 * terminated since containment is reported, not an error.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client, ModifyInstanceAttributeCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { GetRolePolicyCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { CONTAINMENT_POLICIES, SECURITY_GROUPS } from '../../shared/names';
import { readJournal } from '../../tooling/case/journal';
import { Once } from '../../tooling/case/phase';
import { undoInstance } from '../../tooling/case/undo';
import { containCredentials } from '../../tooling/contain/credentials';
import { containInstances } from '../../tooling/contain/instances';
import { planRelease, releaseCase, type ReleaseSelection } from '../../tooling/release';
import type { CaseContext } from '../../tooling/model';
import { type AttackScenario, normalizeMotoGroups, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { newCase, runPhase } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
let wideAsgInstance: string;
const WIDE_ASG = 'web-asg';

const ec2 = (region = 'us-east-1') => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
const asg = () => new AutoScalingClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
const iam = () => new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
const byKind = (kind: string) => scenario.instances.find((i) => i.kind === kind)!;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  // A second group with room above its minimum (desired 2, min 1).
  const subnet = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [byKind('asg').instanceId] }))).Reservations![0].Instances![0].SubnetId!;
  await asg().send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: WIDE_ASG, LaunchTemplate: { LaunchTemplateName: 'miner-lt', Version: '$Latest' }, MinSize: 1, MaxSize: 3, DesiredCapacity: 2, VPCZoneIdentifier: subnet }));
  const members = (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [WIDE_ASG] }))).AutoScalingGroups![0].Instances!;
  wideAsgInstance = members[0].InstanceId!;
  await normalizeMotoGroups(ec2(), wideAsgInstance);
}, 120_000);

const group = async (name: string) => (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
const member = async (id: string) => (await asg().send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [id] }))).AutoScalingInstances?.[0];
const groupsOf = async (id: string, region = 'us-east-1') =>
  (await ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].NetworkInterfaces!.flatMap((n) => n.Groups!.map((g) => g.GroupName));

async function release(ctx: CaseContext, selection: ReleaseSelection = {}) {
  let manual: readonly string[] = [];
  const run = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, async (env) => {
    manual = await releaseCase(env, selection);
  });
  return { ...run, manual };
}

describe('a held Auto Scaling group', () => {
  let ctx: CaseContext;
  beforeAll(async () => {
    ctx = newCase('IR-ASG-1', ['us-east-1']);
    const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, (env) => containInstances(env, { instanceIds: [byKind('asg').instanceId, wideAsgInstance] }));
    expect(exec.failures).toEqual([]);
  });

  test('above its minimum the instance is detached with a decrement; at its minimum it is put in Standby without one', async () => {
    expect(await member(wideAsgInstance)).toBeUndefined();
    expect((await group(WIDE_ASG)).DesiredCapacity).toBe(1);
    expect(await member(byKind('asg').instanceId)).toMatchObject({ LifecycleState: 'Standby', ProtectedFromScaleIn: true });
    expect((await group(scenario.asgName)).DesiredCapacity).toBe(1);
    const steps = readJournal(ctx.caseDir).filter((e) => e.outcome === 'applied').map((e) => `${e.step} ${e.target}`);
    expect(steps).toContain(`contain-instances/asg-detach ${wideAsgInstance}`);
    expect(steps).toContain(`contain-instances/asg-standby ${byKind('asg').instanceId}`);
  });

  test('release order is newest first: the instance rejoins before its protection is lifted, and the group resumes last', () => {
    const journal = readJournal(ctx.caseDir);
    const plan = planRelease(journal);
    // Newest first, except the "released" tags, which come last: they say the release completed.
    const tags = plan.undo.filter((u) => u.record.kind === 'containment-tag');
    expect(plan.undo.slice(-tags.length)).toEqual(tags);
    // "Newest" is the last applied change of a setting (an ENI moves twice: transition, then isolation).
    const newest = (key: string) => Math.max(...journal.filter((e) => e.outcome === 'applied' && (e.undo as { key?: string } | undefined)?.key === key).map((e) => e.seq));
    const seqs = plan.undo.filter((u) => u.record.kind !== 'containment-tag').map((u) => newest(u.record.key));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const at = (kind: string, id?: string) => plan.undo.findIndex((u) => u.record.kind === kind && (id === undefined || undoInstance(u.record) === id));
    expect(at('asg-attach', wideAsgInstance)).toBeLessThan(at('asg-unprotect', wideAsgInstance));
    expect(at('asg-exit-standby', byKind('asg').instanceId)).toBeLessThan(at('asg-unprotect', byKind('asg').instanceId));
    expect(at('asg-unprotect', wideAsgInstance)).toBeLessThan(plan.undo.findIndex((u) => u.record.kind === 'asg-resume' && u.record.autoScalingGroupName === WIDE_ASG));
  });

  test('releasing one instance of a group keeps the group suspended while another stays held; the whole case brings both back', async () => {
    const one = await release(ctx, { instanceIds: [wideAsgInstance] });
    expect(one.exec.failures).toEqual([]);
    expect(await member(wideAsgInstance)).toMatchObject({ AutoScalingGroupName: WIDE_ASG });
    expect((await group(WIDE_ASG)).DesiredCapacity).toBe(2);
    expect((await group(WIDE_ASG)).SuspendedProcesses ?? []).toEqual([]);
    // The other group's instance is untouched.
    expect(await member(byKind('asg').instanceId)).toMatchObject({ LifecycleState: 'Standby' });
    expect((await group(scenario.asgName)).SuspendedProcesses!.length).toBeGreaterThan(0);

    const all = await release(ctx);
    expect(all.exec.failures).toEqual([]);
    expect(await member(byKind('asg').instanceId)).toMatchObject({ LifecycleState: 'InService', ProtectedFromScaleIn: false });
    expect((await group(scenario.asgName)).SuspendedProcesses ?? []).toEqual([]);
    expect(await groupsOf(byKind('asg').instanceId)).not.toContain(SECURITY_GROUPS.isolation);
  });
});

describe('partial release and changed state', () => {
  let ctx: CaseContext;
  beforeAll(async () => {
    ctx = newCase('IR-PART-1');
    const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, async (env) => {
      const once = new Once();
      await containCredentials(env, { accessKeyId: scenario.attackerKeyId, userNames: [scenario.backdoorUser] }, once);
      await containInstances(env, { instanceIds: [byKind('plain').instanceId, byKind('two-eni').instanceId] }, once);
    });
    expect(exec.failures).toEqual([]);
  }, 60_000);

  const keyStatus = async (user: string) => (await iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!.map((k) => k.Status);

  test('--instance releases that instance only, and never a credential (the role revocation and the keys stay)', async () => {
    const { exec } = await release(ctx, { instanceIds: [byKind('plain').instanceId] });
    expect(exec.failures).toEqual([]);
    expect(await groupsOf(byKind('plain').instanceId)).not.toContain(SECURITY_GROUPS.isolation);
    expect((await ec2().send(new DescribeInstancesCommand({ InstanceIds: [byKind('plain').instanceId] }))).Reservations![0].Instances![0].IamInstanceProfile?.Arn).toContain(scenario.instanceRole);
    expect(await groupsOf(byKind('two-eni').instanceId, 'eu-west-1')).toEqual([SECURITY_GROUPS.isolation, SECURITY_GROUPS.isolation]);
    await expect(iam().send(new GetRolePolicyCommand({ RoleName: scenario.instanceRole, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions }))).resolves.toBeDefined();
    expect(await keyStatus(scenario.attackerUser)).toEqual(['Inactive']);
    expect(await keyStatus(scenario.backdoorUser)).toEqual(['Inactive']);
    expect(exec.results.every((r) => r.step.startsWith('release/') && !/iam:/.test(r.action))).toBe(true);
  });

  test('--user releases that user only; the attacker stays contained', async () => {
    const { exec } = await release(ctx, { userNames: [scenario.backdoorUser] });
    expect(exec.failures).toEqual([]);
    expect(await keyStatus(scenario.backdoorUser)).toEqual(['Active']);
    await expect(iam().send(new GetUserPolicyCommand({ UserName: scenario.backdoorUser, PolicyName: CONTAINMENT_POLICIES.denyAll }))).rejects.toThrow();
    expect(await keyStatus(scenario.attackerUser)).toEqual(['Inactive']);
    await expect(iam().send(new GetUserPolicyCommand({ UserName: scenario.attackerUser, PolicyName: CONTAINMENT_POLICIES.denyAll }))).resolves.toBeDefined();
  });

  test('an instance terminated since containment is reported, not an error; a name the journal does not know is', async () => {
    const twoEni = byKind('two-eni');
    await ec2(twoEni.region).send(new ModifyInstanceAttributeCommand({ InstanceId: twoEni.instanceId, DisableApiTermination: { Value: false } }));
    await ec2(twoEni.region).send(new TerminateInstancesCommand({ InstanceIds: [twoEni.instanceId] }));
    const gone = await release(ctx, { instanceIds: [twoEni.instanceId] });
    expect(gone.exec.failures).toEqual([]);
    expect(gone.manual.join('\n')).toMatch(new RegExp(`instance ${twoEni.instanceId} \\(eu-west-1\\) no longer exists or is terminated`));
    expect(gone.exec.results).toEqual([]);

    const unknown = await release(ctx, { instanceIds: ['i-0123456789abcdef0'] });
    expect(unknown.exec.failures.map((f) => f.message)).toEqual([expect.stringMatching(/records no containment of i-0123456789abcdef0.*Fix:/)]);
  });
});
