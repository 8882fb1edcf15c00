/**
 * eradicate --fleet / --auto-scaling-group on moto: the responder names a launcher scope did not
 * attribute (here there is no scope at all), or just one of several. A malformed value is refused
 * before any AWS call; a name that is not there is an error with the fix and costs the other
 * targets nothing; the plan only reads; each removal waits for its confirmation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSpotFleetInstancesCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
  RequestSpotFleetCommand,
} from '@aws-sdk/client-ec2';
import { type CallRecord, recordCalls } from '../../tooling/aws/record';
import { main } from '../../tooling/cli';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput } from './case-harness';
import { IRREVERSIBLE_CALLS } from './irreversible-calls';

const WEST = 'us-west-2';
let moto: MotoServer;
let fleetId: string;
let fleetInstance: string;
let groupInstance: string;
const caseDir = mkdtempSync(join(tmpdir(), 'irctl-targets-'));
const ec2 = () => new EC2Client({ endpoint: moto.endpoint, region: WEST, credentials: MOTO_CREDENTIALS });
const asg = () => new AutoScalingClient({ endpoint: moto.endpoint, region: WEST, credentials: MOTO_CREDENTIALS });
const fleetState = async () => (await ec2().send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [fleetId] }))).SpotFleetRequestConfigs![0].SpotFleetRequestState;
const groups = async () => (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['asg-miner'] }))).AutoScalingGroups!;
const stateOf = async (id: string) => (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].State!.Name;

async function irctl(args: string[], calls: CallRecord[] = []) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-TARGETS-1', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', WEST, ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, onClient: recordCalls(calls) },
  });
  return { code, out: io.out, err: io.err };
}

beforeAll(async () => {
  moto = await workerMoto();
  const image = (await ec2().send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
  fleetId = (
    await ec2().send(
      new RequestSpotFleetCommand({
        SpotFleetRequestConfig: {
          IamFleetRole: 'arn:aws:iam::123456789012:role/fleet',
          TargetCapacity: 1,
          Type: 'maintain',
          AllocationStrategy: 'lowestPrice',
          LaunchSpecifications: [{ ImageId: image, InstanceType: 'c5.large' }],
        },
      }),
    )
  ).SpotFleetRequestId!;
  fleetInstance = (await ec2().send(new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: fleetId }))).ActiveInstances![0].InstanceId!;
  await ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-miner', LaunchTemplateData: { ImageId: image, InstanceType: 'c5.xlarge' } }));
  // Room below the desired capacity: the instance is detached with a decrement, so nothing replaces it.
  await asg().send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-miner', LaunchTemplate: { LaunchTemplateName: 'lt-miner', Version: '$Latest' }, MinSize: 0, MaxSize: 2, DesiredCapacity: 1, AvailabilityZones: [`${WEST}a`] }));
  groupInstance = (await groups())[0].Instances![0].InstanceId!;
  for (const id of [fleetInstance, groupInstance]) await normalizeMotoGroups(ec2(), id);
}, 60_000);

test('help names both flags', async () => {
  // Help wraps at the terminal width: compared with the wrapping undone.
  const help = (await irctl(['eradicate', '--help'])).out.replace(/\s+/g, ' ');
  expect(help).toContain('--fleet <region:id> Spot Fleet (sfr-…) or EC2 Fleet (fleet-…) to cancel');
  expect(help).toContain('--auto-scaling-group <region:name> Auto Scaling group to delete');
});

test.each([
  { value: ['--fleet', `${WEST}:sfr-not-a-fleet`], message: `--fleet "${WEST}:sfr-not-a-fleet" is not <region>:<fleet-id>. Fix: e.g. --fleet us-east-1:sfr-0123abcd-4567-89ab-cdef-0123456789ab.` },
  { value: ['--fleet', 'sfr-0123abcd-4567-89ab-cdef-0123456789ab'], message: '--fleet "sfr-0123abcd-4567-89ab-cdef-0123456789ab" is not <region>:<fleet-id>.' },
  { value: ['--fleet', 'us-nowhere-9:sfr-0123abcd-4567-89ab-cdef-0123456789ab'], message: '"us-nowhere-9" is not an AWS region.' },
  { value: ['--auto-scaling-group', `${WEST}:bad:name`], message: `--auto-scaling-group "${WEST}:bad:name" is not <region>:<group-name>. Fix: e.g. --auto-scaling-group us-east-1:miner-asg.` },
  { value: ['--auto-scaling-group', `${WEST}:has space`], message: 'is not <region>:<group-name>' },
])('$value is refused by format before any AWS call, in one line', async ({ value, message }) => {
  const calls: CallRecord[] = [];
  const r = await irctl(['eradicate', ...value], calls);
  expect(r.code).toBe(2);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toContain(message);
  expect(calls).toEqual([]);
});

test('the plan names both removals and only reads: the fleet stays active, the group stays', async () => {
  const calls: CallRecord[] = [];
  const plan = await irctl(['eradicate', '--fleet', `${WEST}:${fleetId}`, '--auto-scaling-group', `${WEST}:asg-miner`], calls);
  expect(plan.err).toBe('');
  expect(plan.code).toBe(0);
  expect(plan.out).toMatch(new RegExp(`\\[planned\\] ec2:CancelSpotFleetRequests ${fleetId} \\(${WEST}\\)`));
  expect(plan.out).toMatch(/\[planned\] autoscaling:DeleteAutoScalingGroup asg-miner/);
  for (const id of [fleetInstance, groupInstance]) expect(plan.out).toMatch(new RegExp(`\\[planned\\] ec2:TerminateInstances ${id}`));
  expect(plan.out).toMatch(/This was a plan: nothing changed/);
  expect(calls.map((c) => c.action).filter((a) => IRREVERSIBLE_CALLS.includes(a))).toEqual([]);
  expect(await fleetState()).toBe('active');
  expect(await groups()).toHaveLength(1);
});

test('a named fleet that is not there is an error with the fix; the other target is still planned', async () => {
  const missing = 'sfr-0123abcd-4567-89ab-cdef-0123456789ab';
  const plan = await irctl(['eradicate', '--fleet', `${WEST}:${missing}`, '--auto-scaling-group', `${WEST}:asg-miner`]);
  expect(plan.code).toBe(1);
  expect(plan.err).toContain(`Spot Fleet ${missing} was not found in ${WEST}; nothing was done for it. Fix: check the name and region (aws ec2 describe-spot-fleet-requests --region ${WEST}), then rerun with the right one.`);
  expect(plan.out).toMatch(/\[planned\] autoscaling:DeleteAutoScalingGroup asg-miner/);
  const group = await irctl(['eradicate', '--auto-scaling-group', `${WEST}:no-such-group`]);
  expect(group.code).toBe(1);
  expect(group.err).toContain(`Auto Scaling group no-such-group was not found in ${WEST}; nothing was done for it. Fix: check the name and region (aws autoscaling describe-auto-scaling-groups --region ${WEST})`);
});

test('applied, each removal waits for its confirmation; --fleet alone removes just the fleet, then the group goes', async () => {
  const unconfirmed = await irctl(['--apply', 'eradicate', '--fleet', `${WEST}:${fleetId}`]);
  expect(unconfirmed.code).toBe(3);
  expect(unconfirmed.out).toMatch(new RegExp(`\\[needs-confirmation\\] ec2:CancelSpotFleetRequests ${fleetId}`));
  expect(await fleetState()).toBe('active');
  expect(await stateOf(fleetInstance)).toBe('running');

  const fleet = await irctl(['--apply', '--yes-irreversible', 'eradicate', '--fleet', `${WEST}:${fleetId}`]);
  expect(fleet.code).toBe(0);
  expect(fleet.out).toMatch(new RegExp(`\\[applied\\] ec2:CancelSpotFleetRequests ${fleetId}`));
  expect(await fleetState()).toMatch(/^cancelled/);
  expect(await stateOf(fleetInstance)).toBe('terminated');
  // Only the fleet was named: the group and its instance are untouched.
  expect(await groups()).toHaveLength(1);
  expect(await stateOf(groupInstance)).toBe('running');

  const group = await irctl(['--apply', '--yes-irreversible', 'eradicate', '--auto-scaling-group', `${WEST}:asg-miner`]);
  expect(group.err).toBe('');
  expect(group.code).toBe(0);
  expect(await groups()).toEqual([]);
  expect(await stateOf(groupInstance)).toBe('terminated');
  // A rerun finds both gone and says they were removed by an earlier run.
  const rerun = await irctl(['--apply', '--yes-irreversible', 'eradicate', '--fleet', `${WEST}:${fleetId}`, '--auto-scaling-group', `${WEST}:asg-miner`]);
  expect(rerun.code).toBe(0);
  expect(rerun.out).toMatch(/Auto Scaling group asg-miner \(us-west-2\) — not found: removed by an earlier run/);
}, 120_000);
