/**
 * A containment killed mid-move (defect: kill -9 after the first transition-group move) on moto:
 * the journal holds an intent with the ENI's true groups, a rerun keeps that as the original,
 * and release restores the workload's groups, never irctl's allow-all transition group. A journal
 * that names irctl's own group as an original (written before intents existed) is refused.
 */
import { mkdirSync } from 'node:fs';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { SECURITY_GROUPS } from '../../shared/names';
import { Journal, readJournal } from '../../tooling/case/journal';
import { Once } from '../../tooling/case/phase';
import { containInstances } from '../../tooling/contain/instances';
import { releaseCase } from '../../tooling/release';
import type { CaseContext } from '../../tooling/model';
import { type AttackScenario, normalizeMotoGroups, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { newCase, runPhase } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
const ec2 = () => new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
}, 120_000);

/** A fresh workload instance shaped like the scenario's plain miner (same subnet and groups). */
async function launchWorkload(): Promise<{ id: string; groups: string[] }> {
  const plain = scenario.instances.find((i) => i.kind === 'plain')!.instanceId;
  const like = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [plain] }))).Reservations![0].Instances![0];
  const out = await ec2().send(
    new RunInstancesCommand({ ImageId: like.ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: like.SubnetId, SecurityGroupIds: like.SecurityGroups!.map((g) => g.GroupId!) }),
  );
  const id = out.Instances![0].InstanceId!;
  await normalizeMotoGroups(ec2(), id);
  return { id, groups: await groupNames(id) };
}

const groupNames = async (id: string) =>
  (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].NetworkInterfaces!.flatMap((n) => n.Groups!.map((g) => g.GroupName!)).sort();

const contain = (ctx: CaseContext, id: string) => runPhase({ endpoint: moto.endpoint, ctx, apply: true }, (env) => containInstances(env, { instanceIds: [id] }, new Once()));
const release = (ctx: CaseContext) => runPhase({ endpoint: moto.endpoint, ctx, apply: true }, async (env) => void (await releaseCase(env, {})));

/** Simulate kill -9: once the transition move has been sent, the process writes nothing more. */
function dieAfterTransitionMove(): jest.SpyInstance {
  const original = Journal.prototype.append;
  let dead = false;
  return jest.spyOn(Journal.prototype, 'append').mockImplementation(function (this: Journal, input) {
    if (dead || (input.step === 'contain-instances/isolate-eni-transition' && input.outcome === 'applied')) {
      dead = true;
      throw new Error('killed');
    }
    return original.call(this, input);
  });
}

test('a run killed after the transition move leaves an intent; the rerun and release restore the true original groups', async () => {
  const ctx = newCase('IR-KILL-1', ['us-east-1']);
  const workload = await launchWorkload();
  const kill = dieAfterTransitionMove();
  await expect(contain(ctx, workload.id)).rejects.toThrow('killed');
  kill.mockRestore();
  expect(await groupNames(workload.id)).toEqual([SECURITY_GROUPS.transition]);
  const intent = readJournal(ctx.caseDir).find((e) => e.step === 'contain-instances/isolate-eni-transition');
  expect(intent?.outcome).toBe('started');

  const rerun = await contain(ctx, workload.id);
  expect(rerun.exec.failures).toEqual([]);
  expect(await groupNames(workload.id)).toEqual([SECURITY_GROUPS.isolation]);
  const ownIds = new Set(
    ((await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: Object.values(SECURITY_GROUPS) }] }))).SecurityGroups ?? []).map((g) => g.GroupId!),
  );
  const recorded = readJournal(ctx.caseDir).filter((e) => (e.undo as { kind?: string } | undefined)?.kind === 'eni-groups');
  expect(recorded.length).toBeGreaterThan(0);
  for (const e of recorded) expect((e.undo as { groups: string[] }).groups.filter((g) => ownIds.has(g))).toEqual([]);

  const back = await release(ctx);
  expect(back.exec.failures).toEqual([]);
  expect(await groupNames(workload.id)).toEqual(workload.groups);
}, 90_000);

test('release refuses to restore an ENI into an irctl-owned group and says what to do', async () => {
  const ctx = newCase('IR-KILL-2', ['us-east-1']);
  const workload = await launchWorkload();
  expect((await contain(ctx, workload.id)).exec.failures).toEqual([]);
  const eni = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [workload.id] }))).Reservations![0].Instances![0].NetworkInterfaces![0].NetworkInterfaceId!;
  const transition = (await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [SECURITY_GROUPS.transition] }] }))).SecurityGroups![0].GroupId!;
  // What an older irctl wrote after an interrupted run: the transition group recorded as the original.
  const caseDir = ctx.caseDir;
  const old = readJournal(caseDir).filter((e) => (e.undo as { kind?: string } | undefined)?.kind === 'eni-groups');
  const rewritten = `${caseDir}-old`;
  mkdirSync(rewritten);
  const journal = Journal.open(rewritten, { caseId: ctx.caseId, caller: 'test' });
  const { step, action, region, target, request, reversible } = old[0];
  journal.append({ step, action, region, target, request, reversible, outcome: 'applied', undo: { ...(old[0].undo as object), groups: [transition] } });

  const refused = await release({ ...ctx, caseDir: rewritten });
  expect(refused.exec.failures.map((f) => f.message)).toEqual([expect.stringMatching(new RegExp(`irctl's own group ${transition}.*${eni}.*Fix: attach the workload's real security groups`))]);
  expect(await groupNames(workload.id)).toEqual([SECURITY_GROUPS.isolation]);
}, 90_000);
