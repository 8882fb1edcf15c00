/**
 * Spot Fleets and EC2 Fleets that launched a miner are cancelled (instances kept as evidence)
 * before anything is terminated, on moto. moto ignores DryRun on CancelSpotFleetRequests and
 * DeleteFleets (AWS honours it): the plan test shows the executor catching exactly that.
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
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeSpotFleetInstancesCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
  RequestSpotFleetCommand,
} from '@aws-sdk/client-ec2';
import { type CallRecord, isMutating } from '../../tooling/aws/record';
import { containInstances } from '../../tooling/contain/instances';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { runPhase } from './case-harness';

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

test('plan: an API that ignores DryRun (moto, for fleets) is reported as a failure, never as planned', async () => {
  await moto.reset();
  const { instanceIds } = await seedFleets();
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx: newCtx(), apply: false }, (env) => containInstances(env, { instanceIds }));
  const fleetResults = exec.results.filter((r) => r.action === 'ec2:CancelSpotFleetRequests' || r.action === 'ec2:DeleteFleets');
  expect(fleetResults).toHaveLength(2);
  for (const r of fleetResults) {
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/ignored DryRun and may have made the change/);
  }
  expect(exec.incomplete).toBe(true);
});

test('apply: both fleets are cancelled with their instances kept, and a rerun changes nothing', async () => {
  await moto.reset();
  const { spotFleetId, fleetId, instanceIds } = await seedFleets();
  const ctx = newCtx();
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, (env) => containInstances(env, { instanceIds }));
  expect(exec.failures).toEqual([]);
  const spot = (await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [spotFleetId] }))).SpotFleetRequestConfigs![0];
  expect(spot.SpotFleetRequestState).toBe('cancelled_running');
  const fleet = (await ec2().send(new DescribeFleetsCommand({ FleetIds: [fleetId] }))).Fleets ?? [];
  expect(fleet.filter((f) => ['submitted', 'active', 'modifying'].includes(f.FleetState!))).toEqual([]);
  const states = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: instanceIds }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.State!.Name));
  expect(states).toEqual(['running', 'running']);

  const calls: CallRecord[] = [];
  await runPhase({ endpoint: moto.endpoint, ctx, apply: true, calls }, (env) => containInstances(env, { instanceIds }));
  expect(calls.filter(isMutating)).toEqual([]);
});
