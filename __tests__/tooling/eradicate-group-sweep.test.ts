/**
 * An attacker's Auto Scaling group that launches a new instance while eradicate is under way
 * (a scaling policy, a health replacement) on moto. eradicate reads the group's members first;
 * here the group gains members after that read: the replacement the group launches when its
 * instance enters Standby (moto ignores suspended processes), and one more the test adds by
 * raising the desired capacity at the first confirmation prompt, i.e. after the read and before
 * the group is sized to 0. Every one of them is an attacker instance: snapshotted, then
 * terminated by eradicate (never scaled in unsnapshotted), and the group is deleted after them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeSnapshotsCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { TAGS } from '../../shared/names';
import { main } from '../../tooling/cli';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput } from './case-harness';

const WEST = 'us-west-2';
const CASE = 'IR-SWEEP-1';
let moto: MotoServer;
const ec2 = () => new EC2Client({ endpoint: moto.endpoint, region: WEST, credentials: MOTO_CREDENTIALS });
const asg = () => new AutoScalingClient({ endpoint: moto.endpoint, region: WEST, credentials: MOTO_CREDENTIALS });
const group = async (name = 'asg-sweep') => (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
const instance = async (id: string) => (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
const volumes = (i: Instance) => (i.BlockDeviceMappings ?? []).flatMap((b) => b.Ebs?.VolumeId ?? []);

/** irctl --apply eradicate --auto-scaling-group on the group, every prompt answered by `ask`. */
async function eradicate(name: string, ask: (question: string) => Promise<string>) {
  const io = captureOutput();
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-sweep-'));
  const code = await main(['node', 'irctl', '--case', CASE, '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', WEST, '--apply', 'eradicate', '--auto-scaling-group', `${WEST}:${name}`], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, ask },
  });
  return { code, io };
}

beforeAll(async () => {
  moto = await workerMoto();
  await moto.reset();
  const image = (await ec2().send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
  await ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-sweep', LaunchTemplateData: { ImageId: image, InstanceType: 'c5.xlarge' } }));
  // At its minimum: the instance is held in Standby, and the group may still grow to 3.
  await asg().send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-sweep', LaunchTemplate: { LaunchTemplateName: 'lt-sweep', Version: '$Latest' }, MinSize: 1, MaxSize: 3, DesiredCapacity: 1, AvailabilityZones: [`${WEST}a`] }));
  await normalizeMotoGroups(ec2(), (await group())!.Instances![0].InstanceId!);
  // Above its minimum: its instance is detached with a decrement.
  await asg().send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-relaunch', LaunchTemplate: { LaunchTemplateName: 'lt-sweep', Version: '$Latest' }, MinSize: 0, MaxSize: 3, DesiredCapacity: 1, AvailabilityZones: [`${WEST}a`] }));
  await normalizeMotoGroups(ec2(), (await group('asg-relaunch'))!.Instances![0].InstanceId!);
}, 60_000);

test('members that join the group after eradicate read it are snapshotted and terminated by eradicate before the group is deleted', async () => {
  const before = await Promise.all((await group())!.Instances!.map((i) => instance(i.InstanceId!)));
  const first = before.map((i) => i.InstanceId!);
  let joined: Instance[] = [];
  const questions: string[] = [];
  const ask = async (question: string) => {
    if (!questions.length) {
      // The first prompt comes after eradicate read the group and before anything irreversible (the drain included).
      await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg-sweep', DesiredCapacity: (await group())!.DesiredCapacity! + 1 }));
      const now = (await group())!.Instances!.map((i) => i.InstanceId!).filter((id) => !first.includes(id));
      joined = await Promise.all(now.map(instance));
    }
    questions.push(question);
    return 'yes';
  };
  const { code, io } = await eradicate('asg-sweep', ask);
  // Two joined: the Standby replacement and the one the raised capacity launched.
  expect(joined).toHaveLength(2);
  expect(io.err).toBe('');
  expect(code).toBe(0);
  const snapshots = (await ec2().send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAGS.caseId}`, Values: [CASE] }] }))).Snapshots ?? [];
  for (const member of [...before, ...joined]) {
    const id = member.InstanceId!;
    expect((await instance(id)).State!.Name).toBe('terminated');
    // Terminated by eradicate itself, after a case snapshot of every volume: not scaled in by the drain.
    expect(io.out).toMatch(new RegExp(`\\[applied\\] ec2:CreateSnapshot .*${id}[^]*\\[applied\\] ec2:TerminateInstances ${id}`));
    expect(volumes(member)).not.toHaveLength(0);
    for (const v of volumes(member)) expect(snapshots.map((s) => s.VolumeId)).toContain(v);
  }
  expect(io.out).toMatch(/\[applied\] autoscaling:DeleteAutoScalingGroup asg-sweep/);
  expect(await group()).toBeUndefined();
}, 120_000);

test('a group that keeps launching is swept a bounded number of times, then left with a failure naming what joined and how to stop it', async () => {
  const seen = new Set((await group('asg-relaunch'))!.Instances!.map((i) => i.InstanceId!));
  // Someone still holding access grows the group again at every prompt, past the drain.
  const ask = async () => {
    await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-relaunch', MaxSize: 3, DesiredCapacity: 1 }));
    for (const i of (await group('asg-relaunch'))!.Instances!) seen.add(i.InstanceId!);
    return 'yes';
  };
  const { code, io } = await eradicate('asg-relaunch', ask);
  expect(code).toBe(1);
  const sweeps = [...io.out.matchAll(/\[sweep (\d)\/3\] instance\(s\) (i-\w+) joined/g)];
  expect(sweeps.map((m) => m[1])).toEqual(['1', '2', '3']);
  const left = (await group('asg-relaunch'))!.Instances!.map((i) => i.InstanceId!);
  expect(left).toHaveLength(1);
  expect(sweeps.map((m) => m[2])).not.toContain(left[0]);
  expect(io.err).toContain(`Auto Scaling group asg-relaunch (${WEST}) not deleted: instance(s) ${left[0]} joined it after eradicate's last re-read of its members`);
  expect(io.err).toContain('Fix: find and stop what launches them (aws autoscaling describe-policies');
  // Nothing died unsnapshotted: every instance but the last is terminated by eradicate after its snapshot; the last still runs.
  expect(io.out).not.toMatch(/DeleteAutoScalingGroup/);
  expect(await (await instance(left[0])).State!.Name).toBe('running');
  for (const id of [...seen].filter((x) => x !== left[0])) {
    expect((await instance(id)).State!.Name).toBe('terminated');
    expect(io.out).toMatch(new RegExp(`\\[applied\\] ec2:CreateSnapshot .*${id}[^]*\\[applied\\] ec2:TerminateInstances ${id}`));
  }
}, 120_000);
