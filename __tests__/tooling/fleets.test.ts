/**
 * Spot Fleets and EC2 Fleets that launched a miner: containment holds them at target capacity 0
 * (ModifySpotFleetRequest / ModifyFleet with no termination of excess capacity, both recorded
 * with their inverse, so release restores the capacity); cancelling them is eradication, behind
 * the confirmation of every irreversible step. On moto, except ModifyFleet (see below).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeFleetInstancesCommand,
  DescribeInstancesCommand,
  DescribeSpotFleetInstancesCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
  RequestSpotFleetCommand,
} from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { readJournal } from '../../tooling/case/journal';
import { Once } from '../../tooling/case/phase';
import { containCredentials } from '../../tooling/contain/credentials';
import { eradicate } from '../../tooling/eradicate';
import { releaseCase } from '../../tooling/release';
import { containInstances } from '../../tooling/contain/instances';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import type { CallRecord } from '../../tooling/aws/record';
import { runPhase } from './case-harness';
import { IRREVERSIBLE_CALLS } from './irreversible-calls';

let moto: MotoServer;
const region = 'us-west-2';
const ec2 = () => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });

beforeAll(async () => {
  moto = await workerMoto();
});

async function seedFleets(): Promise<{ spotFleetId: string; fleetId: string; instanceIds: string[] }> {
  const c = ec2();
  const vpcId = (await c.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24', AvailabilityZone: `${region}a` }))).Subnet!.SubnetId!;
  const spotFleetId = (
    await c.send(
      new RequestSpotFleetCommand({
        SpotFleetRequestConfig: {
          IamFleetRole: 'arn:aws:iam::123456789012:role/fleet',
          TargetCapacity: 1,
          Type: 'maintain',
          AllocationStrategy: 'lowestPrice',
          SpotPrice: '3.00',
          LaunchSpecifications: [{ ImageId: 'ami-12c6146b', InstanceType: 'p3.2xlarge', SubnetId: subnetId }],
        },
      }),
    )
  ).SpotFleetRequestId!;
  await c.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'fleet-lt', LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 'p3.2xlarge' } }));
  const fleetId = (
    await c.send(
      new CreateFleetCommand({
        Type: 'maintain',
        TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'on-demand' },
        LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: 'fleet-lt', Version: '$Latest' }, Overrides: [{ SubnetId: subnetId }] }],
      }),
    )
  ).FleetId!;
  const spotInstances = (await c.send(new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: spotFleetId }))).ActiveInstances ?? [];
  const fleetInstances = (await c.send(new DescribeFleetInstancesCommand({ FleetId: fleetId }))).ActiveInstances ?? [];
  const instanceIds = [...spotInstances, ...fleetInstances].map((i) => i.InstanceId!);
  expect(instanceIds).toHaveLength(2);
  for (const id of instanceIds) await normalizeMotoGroups(c, id);
  return { spotFleetId, fleetId, instanceIds };
}

const newCtx = () => ({ caseId: 'IR-FLEET-1', accountId: '123456789012', regions: [region], window: { start: new Date(0), end: new Date() }, caseDir: mkdtempSync(join(tmpdir(), 'irctl-fleet-')) });

/**
 * moto has no ModifyFleet: its answer is RECORDED ({ Return: true }, the shape of the EC2 API
 * reference) and fed by a client middleware for that one command, and DescribeFleets (from moto)
 * then shows the capacity last sent, as AWS would; every other call reaches moto unchanged.
 */
function recordedModifyFleet(sent: Array<{ FleetId: string; TargetCapacitySpecification: { TotalTargetCapacity: number } }>) {
  type Output = { Fleets?: Array<{ FleetId?: string; TargetCapacitySpecification?: { TotalTargetCapacity?: number } }> };
  return (client: { middlewareStack: unknown }) =>
    (client.middlewareStack as { add: (mw: unknown, o: { step: string; name: string }) => void }).add(
      (next: (a: { input: unknown }) => Promise<{ output: Output }>, context: { commandName?: string }) => async (args: { input: (typeof sent)[number] }) => {
        if (context.commandName === 'ModifyFleetCommand') {
          sent.push(args.input);
          return { output: { $metadata: {}, Return: true }, response: {} };
        }
        const out = await next(args);
        if (context.commandName === 'DescribeFleetsCommand') {
          for (const f of out.output.Fleets ?? []) {
            const last = sent.filter((m) => m.FleetId === f.FleetId).at(-1);
            if (last && f.TargetCapacitySpecification) f.TargetCapacitySpecification.TotalTargetCapacity = last.TargetCapacitySpecification.TotalTargetCapacity;
          }
        }
        return out;
      },
      { step: 'initialize', name: 'recordedModifyFleet' },
    );
}

test('containment holds both fleets at capacity 0, reversibly, instances kept and nothing cancelled; release restores the capacity', async () => {
  await moto.reset();
  const { spotFleetId, fleetId, instanceIds } = await seedFleets();
  const ctx = newCtx();
  const sent: Parameters<typeof recordedModifyFleet>[0] = [];
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, onClient: recordedModifyFleet(sent) }, (env) => containInstances(env, { instanceIds }));
  expect(exec.failures).toEqual([]);
  expect(exec.results.map((r) => r.action)).not.toEqual(expect.arrayContaining(['ec2:CancelSpotFleetRequests']));
  expect(exec.results.map((r) => r.action)).not.toContain('ec2:DeleteFleets');
  const spot = (await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0];
  expect(spot.SpotFleetRequestState).toBe('active');
  expect(spot.SpotFleetRequestConfig!.TargetCapacity).toBe(0);
  expect(sent).toEqual([{ FleetId: fleetId, TargetCapacitySpecification: { TotalTargetCapacity: 0 }, ExcessCapacityTerminationPolicy: 'no-termination' }]);
  const states = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: instanceIds }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.State!.Name));
  expect(states).toEqual(['running', 'running']);
  const held = readJournal(ctx.caseDir).filter((e) => e.outcome === 'applied' && (e.undo as { kind?: string } | undefined)?.kind === 'fleet-capacity');
  expect(held.map((e) => e.reversible)).toEqual([true, true]);

  const { exec: released } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, onClient: recordedModifyFleet(sent) }, async (env) => void (await releaseCase(env)));
  expect(released.failures).toEqual([]);
  expect((await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0].SpotFleetRequestConfig!.TargetCapacity).toBe(1);
  expect(sent.at(-1)).toEqual({ FleetId: fleetId, TargetCapacitySpecification: { TotalTargetCapacity: 1 } });
});

test('a release that leaves a fleet held says so with the exact command only when it released instances; a key or user release says nothing of fleets', async () => {
  await moto.reset();
  const { spotFleetId, instanceIds } = await seedFleets();
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  await iam.send(new CreateUserCommand({ UserName: 'key-holder' }));
  const keyId = (await iam.send(new CreateAccessKeyCommand({ UserName: 'key-holder' }))).AccessKey!.AccessKeyId!;
  const ctx = newCtx();
  const sent: Parameters<typeof recordedModifyFleet>[0] = [];
  const contained = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, onClient: recordedModifyFleet(sent) }, async (env) => {
    const once = new Once();
    await containCredentials(env, { accessKeyId: keyId }, once);
    await containInstances(env, { instanceIds }, once);
  });
  expect(contained.exec.failures).toEqual([]);
  const plan = (selection: Parameters<typeof releaseCase>[1]) =>
    runPhase({ endpoint: moto.endpoint, ctx, apply: false, onClient: recordedModifyFleet(sent) }, (env) => releaseCase(env, selection)).then((r) => r.lines.filter((l) => l.startsWith('[manual]')));
  expect((await plan({ accessKeyIds: [keyId] })).filter((l) => /Fleet|whole case/.test(l))).toEqual([]);
  expect((await plan({ userNames: ['key-holder'] })).filter((l) => /Fleet|whole case/.test(l))).toEqual([]);
  // The Spot Fleet's instance: that fleet (not the EC2 Fleet) stays held, and the line says how to restore it.
  const spotInstance = (await ec2().send(new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: spotFleetId }))).ActiveInstances![0].InstanceId!;
  const held = await plan({ instanceIds: [spotInstance] });
  expect(held.filter((l) => /stays held/.test(l))).toEqual([
    `[manual] Spot Fleet ${spotFleetId} stays held at capacity 0 (it serves every instance it launched, not only the ones released); to restore its capacity 1, release the whole case: irctl release (no --instance, --user, --role or --access-key)`,
  ]);
});

test('eradicate cancels the fleets only with the confirmation every irreversible step gets', async () => {
  await moto.reset();
  const { spotFleetId, instanceIds } = await seedFleets();
  const ctx = newCtx();
  const unconfirmed = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, (env) => eradicate(env, { instanceIds }, { timeoutMs: 0 }));
  const cancel = unconfirmed.exec.results.filter((r) => r.action === 'ec2:CancelSpotFleetRequests' || r.action === 'ec2:DeleteFleets');
  expect(cancel.map((r) => r.outcome)).toEqual(['needs-confirmation', 'needs-confirmation']);
  expect((await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0].SpotFleetRequestState).toBe('active');

  const confirmed = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, yesIrreversible: true }, (env) => eradicate(env, { instanceIds }, { timeoutMs: 0 }));
  expect(confirmed.exec.results.filter((r) => r.action === 'ec2:CancelSpotFleetRequests').map((r) => r.outcome)).toEqual(['applied']);
  expect((await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0].SpotFleetRequestState).toMatch(/^cancelled/);
});

test('an attacker fleet is an eradication target of its own: cancelled, and its instances terminated after their snapshots, though none was named', async () => {
  await moto.reset();
  const { spotFleetId, instanceIds } = await seedFleets();
  const spotInstance = instanceIds[0];
  const ctx = newCtx();
  // The plan reads the fleet and its instances and sends none of the irreversible calls, not even with DryRun
  // (moto's CancelSpotFleetRequests ignores DryRun: a DryRun cancel would cancel the fleet for good).
  const calls: CallRecord[] = [];
  const plan = await runPhase({ endpoint: moto.endpoint, ctx, apply: false, calls }, (env) => eradicate(env, { fleets: [{ region, id: spotFleetId }] }));
  expect(plan.exec.failures).toEqual([]);
  expect(plan.exec.results.filter((r) => r.action === 'ec2:CancelSpotFleetRequests').map((r) => [r.target, r.outcome])).toEqual([[spotFleetId, 'planned']]);
  expect(plan.exec.results.filter((r) => r.action === 'ec2:TerminateInstances').map((r) => [r.target, r.outcome])).toEqual([[spotInstance, 'planned']]);
  expect(calls.map((c) => c.action).filter((a) => IRREVERSIBLE_CALLS.includes(a))).toEqual([]);
  expect(calls.map((c) => c.action)).toEqual(expect.arrayContaining(['ec2:DescribeSpotFleetRequests', 'ec2:DescribeInstances']));
  expect((await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0].SpotFleetRequestState).toBe('active');
  const done = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, yesIrreversible: true }, (env) => eradicate(env, { fleets: [{ region, id: spotFleetId }] }, { timeoutMs: 60_000, pollMs: 1 }));
  expect(done.exec.failures).toEqual([]);
  expect(done.exec.results.filter((r) => r.action === 'ec2:CancelSpotFleetRequests').map((r) => [r.target, r.outcome])).toEqual([[spotFleetId, 'applied']]);
  expect((await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0].SpotFleetRequestState).toMatch(/^cancelled/);
  expect((await ec2().send(new DescribeInstancesCommand({ InstanceIds: [spotInstance] }))).Reservations![0].Instances![0].State!.Name).toBe('terminated');
});
