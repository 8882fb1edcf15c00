/**
 * Containment reads every Auto Scaling group its instances belong to: DescribeAutoScalingGroups
 * takes at most 50 names per call and pages its answer (NextToken), so 120 groups take three
 * calls and every page of each. Against moto, which pages at 50 groups like AWS (it does not
 * refuse more than 50 names, so the chunking is asserted on the requests themselves).
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsClients } from '../../tooling/aws/clients';
import { readAutoScalingGroups } from '../../tooling/aws/ec2-state';
import { readRegionState } from '../../tooling/contain/state';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';

let moto: MotoServer;
const region = 'us-east-1';
const GROUPS = 120;
const name = (i: number) => `fleet-${String(i).padStart(3, '0')}`;
const names = Array.from({ length: GROUPS }, (_, i) => name(i));

/** An Auto Scaling client that records the names each DescribeAutoScalingGroups call asked for. */
function recordingClient(requests: Array<{ names: number; nextToken?: string }>): AutoScalingClient {
  const client = new AutoScalingClient({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'DescribeAutoScalingGroupsCommand') {
        const input = args.input as { AutoScalingGroupNames?: string[]; NextToken?: string };
        requests.push({ names: input.AutoScalingGroupNames?.length ?? 0, nextToken: input.NextToken });
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}

beforeAll(async () => {
  moto = await workerMoto();
  const asg = new AutoScalingClient({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
  await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'miner-lc', ImageId: 'ami-12c6146b', InstanceType: 't3.micro' }));
  // The first 60 run one instance each (containment finds them through their instances); the rest are empty.
  for (let i = 0; i < GROUPS; i++) {
    const size = i < 60 ? 1 : 0;
    await asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: name(i), LaunchConfigurationName: 'miner-lc', MinSize: size, MaxSize: 1, DesiredCapacity: size, AvailabilityZones: [`${region}a`] }));
  }
}, 120_000);

it('reads 120 named groups in calls of at most 50 names, following every page', async () => {
  const requests: Array<{ names: number; nextToken?: string }> = [];
  const groups = await readAutoScalingGroups(recordingClient(requests), names);
  expect(groups.map((g) => g.AutoScalingGroupName).sort()).toEqual(names);
  expect(requests.every((r) => r.names <= 50)).toBe(true);
  expect(requests.filter((r) => r.nextToken === undefined).map((r) => r.names)).toEqual([50, 50, 20]);
});

it('follows NextToken when a page holds fewer groups than the call named', async () => {
  const requests: Array<{ names: number; nextToken?: string }> = [];
  const groups = await readAutoScalingGroups(recordingClient(requests), names.slice(0, 50), { pageSize: 20 });
  expect(groups).toHaveLength(50);
  expect(requests.map((r) => r.nextToken === undefined)).toEqual([true, false, false]);
});

it('asks nothing for no names, and leaves out a group that does not exist', async () => {
  const requests: Array<{ names: number; nextToken?: string }> = [];
  expect(await readAutoScalingGroups(recordingClient(requests), [])).toEqual([]);
  expect(requests).toEqual([]);
  expect((await readAutoScalingGroups(recordingClient(requests), ['no-such-group', name(0)])).map((g) => g.AutoScalingGroupName)).toEqual([name(0)]);
});

it('gives containment every group of 60 instances in 60 groups', async () => {
  const ec2 = new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
  const instances = (await ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
  expect(instances).toHaveLength(60);
  const state = await readRegionState(new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), region, instances, 'IR-ASG-PAGES');
  expect(state.asgInstances.size).toBe(60);
  expect([...state.asgGroups.keys()].sort()).toEqual(names.slice(0, 60));
});
