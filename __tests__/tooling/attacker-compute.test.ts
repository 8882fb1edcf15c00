/**
 * The attacker's compute, end to end through irctl's command line against moto: a miner, a
 * maintain Spot Fleet and an Auto Scaling group (at its minimum) the attacker's key created in
 * us-west-2, and a colleague's web server in eu-central-1 whose key pair has the same name and
 * was created in the window. The organization trail's rows come through moto's Athena (moto
 * runs no SQL: the rows a real Athena would return are queued, as in the hunt tests).
 *
 * - contain-instances acts only on what CloudTrail ties to the attacker (the miner, and the
 *   fleet's and group's instances); the colleague's instance is a listed suspect, untouched.
 * - eradicate cancels the attacker's fleet and deletes their group (with the instances,
 *   after snapshots) as targets of their own.
 * - release does not put the attacker's compute back without a typed confirmation or
 *   --release-attacker-compute; a suspect released as a false positive needs neither.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSpotFleetInstancesCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
  RequestSpotFleetCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { ATHENA } from '../../shared/names';
import { main } from '../../tooling/cli';
import type { Inventory } from '../../tooling/model';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput } from './case-harness';

const WEST = 'us-west-2';
const EU = 'eu-central-1';
const ACCOUNT = '123456789012';
let moto: MotoServer;

const ec2 = (region: string) => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
const asg = () => new AutoScalingClient({ endpoint: moto.endpoint, region: WEST, credentials: MOTO_CREDENTIALS });

interface Seed {
  readonly key: string;
  readonly miner: string;
  readonly fleetId: string;
  readonly fleetInstances: string[];
  readonly groupInstance: string;
  readonly colleague: string;
}

async function ami(region: string): Promise<string> {
  return (await ec2(region).send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
}

async function seed(): Promise<Seed> {
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  await iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }))).AccessKey!.AccessKeyId!;
  const west = ec2(WEST);
  const image = await ami(WEST);
  await west.send(new CreateKeyPairCommand({ KeyName: 'deploy-key' }));
  const miner = (await west.send(new RunInstancesCommand({ ImageId: image, InstanceType: 'c5.4xlarge', KeyName: 'deploy-key', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
  const fleetId = (
    await west.send(
      new RequestSpotFleetCommand({
        SpotFleetRequestConfig: {
          IamFleetRole: `arn:aws:iam::${ACCOUNT}:role/fleet`,
          TargetCapacity: 1,
          Type: 'maintain',
          AllocationStrategy: 'lowestPrice',
          LaunchSpecifications: [{ ImageId: image, InstanceType: 'c5.large', KeyName: 'deploy-key' }],
        },
      }),
    )
  ).SpotFleetRequestId!;
  const fleetInstances = ((await west.send(new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: fleetId }))).ActiveInstances ?? []).map((i) => i.InstanceId!);
  await west.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-miner', LaunchTemplateData: { ImageId: image, InstanceType: 'c5.xlarge', KeyName: 'deploy-key' } }));
  await asg().send(
    new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'asg-miner', LaunchTemplate: { LaunchTemplateName: 'lt-miner', Version: '$Latest' }, MinSize: 1, MaxSize: 2, DesiredCapacity: 1, AvailabilityZones: [`${WEST}a`] }),
  );
  const groupInstance = (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['asg-miner'] }))).AutoScalingGroups![0].Instances![0].InstanceId!;
  // A colleague's server: same key pair name, created in the window, in another region. No attacker event touches it.
  const eu = ec2(EU);
  await eu.send(new CreateKeyPairCommand({ KeyName: 'deploy-key' }));
  const colleague = (await eu.send(new RunInstancesCommand({ ImageId: await ami(EU), InstanceType: 't3.micro', KeyName: 'deploy-key', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
  for (const id of [miner, ...fleetInstances, groupInstance]) await normalizeMotoGroups(west, id);
  await normalizeMotoGroups(eu, colleague);
  expect(fleetInstances).toHaveLength(1);
  return { key, miner, fleetId, fleetInstances, groupInstance, colleague };
}

const COLUMNS = ['eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'username', 'access_key_id', 'principal_arn', 'sourceipaddress', 'useragent', 'errorcode', 'requestparameters', 'responseelements'];

/** The attacker's events as the organization trail holds them, queued for the next Athena query. */
async function queueTrail(s: Seed): Promise<void> {
  const at = new Date(Date.now() - 3600_000).toISOString();
  const row = (id: string, source: string, name: string, request: unknown, response: unknown) => [
    id, at, source, name, WEST, ACCOUNT, 'ci-deployer', s.key, `arn:aws:iam::${ACCOUNT}:user/ci-deployer`, '198.18.7.7', 'aws-cli/2.15.0', undefined, JSON.stringify(request), JSON.stringify(response),
  ];
  const rows = [
    row('ac-1', 'ec2.amazonaws.com', 'CreateKeyPair', { keyName: 'deploy-key' }, { keyName: 'deploy-key' }),
    row('ac-2', 'ec2.amazonaws.com', 'RunInstances', { instancesSet: { items: [{ keyName: 'deploy-key' }] } }, { instancesSet: { items: [{ instanceId: s.miner }] } }),
    row('ac-3', 'ec2.amazonaws.com', 'RequestSpotFleet', { spotFleetRequestConfig: { targetCapacity: 1, type: 'maintain' } }, { spotFleetRequestId: s.fleetId }),
    row('ac-4', 'autoscaling.amazonaws.com', 'CreateAutoScalingGroup', { autoScalingGroupName: 'asg-miner', minSize: 1, maxSize: 2 }, null),
  ];
  const cell = (v: string | undefined) => (v === undefined ? {} : { VarCharValue: v });
  const body = {
    region: 'us-east-1',
    results: [{ column_info: COLUMNS.map((c) => ({ Name: c, Label: c, Type: 'varchar' })), rows: [COLUMNS, ...rows].map((r) => ({ Data: r.map(cell) })) }],
  };
  const res = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(201);
}

async function irctl(caseDir: string, args: string[], ask?: (q: string) => Promise<string>) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-COMPUTE-1', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', `${WEST},${EU}`, ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, ask },
  });
  return { code, out: io.out, err: io.err };
}

const fleetCapacity = async (s: Seed) => (await ec2(WEST).send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [s.fleetId] }))).SpotFleetRequestConfigs![0];
const groupsOf = async (region: string, instanceId: string) =>
  (await ec2(region).send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }))).NetworkInterfaces!.flatMap((n) => n.Groups!.map((g) => g.GroupName));
const stateOf = async (region: string, id: string) => (await ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].State!.Name;

let s: Seed;
let caseDir: string;

beforeAll(async () => {
  moto = await workerMoto();
  await moto.reset();
  await new AthenaClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).send(new CreateWorkGroupCommand({ Name: ATHENA.workgroup }));
  s = await seed();
  await queueTrail(s);
  caseDir = mkdtempSync(join(tmpdir(), 'irctl-compute-'));
  const scoped = await irctl(caseDir, ['scope', '--source', 'athena', '--access-key', s.key]);
  expect(scoped.err).not.toMatch(/FAILED|scope\/cloudtrail/);
}, 180_000);

test('scope ties the key pair by its own region only, and the fleet, group and their instances by CloudTrail', () => {
  const inv = JSON.parse(readFileSync(join(caseDir, 'inventory.json'), 'utf8')) as Inventory;
  const basis = (kind: string, id: string) => inv.attributions?.find((a) => a.kind === kind && a.id === id)?.basis;
  expect(basis('instance', s.miner)).toBe('cloudtrail');
  expect(basis('fleet', s.fleetId)).toBe('cloudtrail');
  expect(basis('auto-scaling-group', 'asg-miner')).toBe('cloudtrail');
  expect(basis('instance', s.fleetInstances[0])).toBe('cloudtrail');
  expect(basis('instance', s.groupInstance)).toBe('cloudtrail');
  const colleague = inv.attributions?.find((a) => a.id === s.colleague);
  expect(colleague).toMatchObject({ basis: 'heuristic', reason: expect.stringContaining('no CloudTrail event of the attacker created it') });
  expect(colleague?.reason).not.toMatch(/attacker key pair/);
  const euKeyPair = inv.keyPairs.find((k) => k.region === EU)!;
  expect(basis('key-pair', euKeyPair.id)).toBe('heuristic');
});

test('contain-instances plans only the evidence-tied instances; the heuristic one is a listed suspect, untouched', async () => {
  const plan = await irctl(caseDir, ['contain-instances']);
  expect(plan.code).toBe(0);
  for (const id of [s.miner, s.fleetInstances[0], s.groupInstance]) expect(plan.out).toMatch(new RegExp(`\\[target\\] instance ${id} \\(${WEST}\\) — evidence \\(CloudTrail\\)`));
  expect(plan.err).toMatch(new RegExp(`suspect instance ${s.colleague} \\(${EU}\\), heuristic only .*NOT contained.*--instance ${s.colleague} \\(or --include-heuristic`));
  expect(plan.out).not.toMatch(new RegExp(`${s.colleague}.*(CreateSnapshot|ModifyNetworkInterfaceAttribute|evidence\\])`));
  const applied = await irctl(caseDir, ['--apply', 'contain-instances']);
  expect(applied.code).toBe(0);
  expect(await groupsOf(EU, s.colleague)).not.toContain('ir-isolation');
  expect(await groupsOf(WEST, s.miner)).toEqual(['ir-isolation']);
  expect((await fleetCapacity(s)).SpotFleetRequestConfig!.TargetCapacity).toBe(0);
  // The suspect, named after checking, is contained like any other.
  expect((await irctl(caseDir, ['--apply', 'contain-instances', '--instance', s.colleague])).code).toBe(0);
  expect(await groupsOf(EU, s.colleague)).toEqual(['ir-isolation']);
}, 180_000);

test('release never puts the attacker\'s compute back without a typed confirmation or --release-attacker-compute; a suspect is released freely', async () => {
  const refused = await irctl(caseDir, ['--apply', 'release']);
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(new RegExp(`Spot Fleet ${s.fleetId} .*tied to the attacker.*Fix: .*--release-attacker-compute`));
  expect((await fleetCapacity(s)).SpotFleetRequestConfig!.TargetCapacity).toBe(0);
  // "yes" is not the fleet ID: nothing of the attacker's comes back.
  const yes = await irctl(caseDir, ['--apply', 'release', '--instance', s.miner], async () => 'yes');
  expect(yes.code).toBe(3);
  expect(yes.out).toMatch(new RegExp(`\\[manual\\] instance ${s.miner} .* stays contained`));
  expect(await groupsOf(WEST, s.miner)).toEqual(['ir-isolation']);
  // The colleague, released as a false positive, needs no confirmation.
  const colleague = await irctl(caseDir, ['--apply', 'release', '--instance', s.colleague]);
  expect(colleague.code).toBe(0);
  expect(await groupsOf(EU, s.colleague)).not.toContain('ir-isolation');
}, 180_000);

test('eradicate --fleet spares a fleet instance the responder released as a false positive', async () => {
  const released = await irctl(caseDir, ['--apply', 'release', '--instance', s.fleetInstances[0], '--release-attacker-compute']);
  expect(released.code).toBe(0);
  const plan = await irctl(caseDir, ['eradicate', '--fleet', `${WEST}:${s.fleetId}`]);
  expect(plan.err).toMatch(new RegExp(`instance ${s.fleetInstances[0]} was released as a false positive .*not terminating it.*--instance ${s.fleetInstances[0]}`));
  expect(plan.out).not.toMatch(new RegExp(`\\[planned\\] ec2:TerminateInstances ${s.fleetInstances[0]}`));
}, 180_000);

test('eradicate cancels the attacker fleet and deletes their group as targets of their own; release then restores nothing of theirs', async () => {
  // A plan sends no irreversible call, not even with DryRun (moto's CancelSpotFleetRequests ignores DryRun and
  // would cancel the fleet): the maintain fleet stays active, nothing fails, and the plan truly changed nothing.
  const full = await irctl(caseDir, ['eradicate']);
  expect((await fleetCapacity(s)).SpotFleetRequestState).toBe('active');
  expect(full.out).toMatch(new RegExp(`\\[planned\\] ec2:CancelSpotFleetRequests ${s.fleetId} `));
  expect(`${full.out}${full.err}`).not.toMatch(/\[failed\]|FAILED/);
  expect(full.out).toMatch(/This was a plan: nothing changed/);
  expect(full.code).toBe(0);
  const plan = await irctl(caseDir, ['eradicate', '--instance', s.miner]);
  expect(plan.err).toMatch(new RegExp(`Fleet ${s.fleetId} \\(${WEST}\\) is the attacker's .*not part of this targeted run`));
  const done = await irctl(caseDir, ['--apply', '--yes-irreversible', 'eradicate']);
  expect(done.code).toBe(0);
  expect(done.out).toMatch(new RegExp(`\\[applied\\] ec2:CancelSpotFleetRequests ${s.fleetId}`));
  expect(done.out).toMatch(/\[applied\] autoscaling:UpdateAutoScalingGroup asg-miner .*\n(.*\n)*\[applied\] autoscaling:DeleteAutoScalingGroup asg-miner/);
  // Only the heuristic leftovers are named (the colleague's instance and key pair, the victim user); the group was deleted.
  expect(done.err).toMatch(new RegExp(`heuristics only and are NOT eradicated: .*instance ${s.colleague}`));
  expect(done.err).not.toMatch(/not deleted/);
  expect((await fleetCapacity(s)).SpotFleetRequestState).toMatch(/^cancelled/);
  expect((await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['asg-miner'] }))).AutoScalingGroups).toEqual([]);
  expect(await stateOf(WEST, s.miner)).toBe('terminated');
  expect(await stateOf(WEST, s.fleetInstances[0])).toBe('running');
  // Every instance the group launched (moto tags them with it), replacements launched during eradicate
  // included, was snapshotted by the case and terminated: the resize to 0 scaled none in without evidence.
  const byGroup = (await ec2(WEST).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: ['asg-miner'] }] }))).Reservations!.flatMap((r) => r.Instances!);
  expect(byGroup.map((i) => i.InstanceId)).toContain(s.groupInstance);
  for (const i of byGroup) {
    expect(i.State!.Name).toBe('terminated');
    expect(done.out).toMatch(new RegExp(`\\[(applied|skipped-already-done)\\] ec2:CreateSnapshot .* of ${i.InstanceId}, tagged with the case`));
  }
  // The fleet instance released earlier is the attacker's by the evidence: releasing the whole case asks for the flag.
  const release = await irctl(caseDir, ['--apply', 'release', '--release-attacker-compute']);
  expect(release.err).toBe('');
  expect(release.code).toBe(0);
  expect(release.out).not.toMatch(/ec2:ModifySpotFleetRequest|autoscaling:ResumeProcesses/);
}, 300_000);

test('after eradicate, handoff and the report agree with the journal: what was deleted, cancelled and released reads so, suspects are not the attacker', async () => {
  const handoff = await irctl(caseDir, ['--apply', 'handoff']);
  expect(handoff.code).toBe(0);
  expect(handoff.out).toMatch(new RegExp(`handoff: snap-\\w+ \\(${EU}\\) of ${s.colleague} not handed off: the case released that instance`));
  expect((await irctl(caseDir, ['report'])).code).toBe(0);
  const report = readFileSync(join(caseDir, 'report.md'), 'utf8');
  const inv = JSON.parse(readFileSync(join(caseDir, 'inventory.json'), 'utf8')) as Inventory;
  // The row of a resource table whose ID column (after Region) holds the ID.
  const line = (id: string) => report.split('\n').find((l) => l.startsWith('| ') && l.split(' | ')[1] === id) ?? '';
  const manual = report.slice(report.indexOf('## What remains manual'), report.indexOf('## Integrity'));
  const westKey = inv.keyPairs.find((k) => k.region === WEST)!.id;
  const euKey = inv.keyPairs.find((k) => k.region === EU)!.id;

  // a: eradicate deleted the key pair by name; the report matches it to the inventory's key pair ID, in its region only.
  expect(line(westKey)).toMatch(/deleted by eradicate at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
  expect(manual).not.toContain(`attacker key-pair ${westKey}`);
  expect(line(euKey)).not.toContain('deleted');
  // b: the colleague's key pair and instance are suspects, counted apart.
  expect(report).toMatch(/\| Attributed to the attacker \(CloudTrail\) \| 3 instances, 1 key pairs, .*1 fleets, 1 Auto Scaling groups/);
  expect(report).toMatch(/\| Suspects to confirm \(heuristic, no CloudTrail event\) \| 1 instances, 1 key pairs/);
  expect(line(euKey)).toContain('suspect, to confirm (heuristic)');
  // f: the fleet and the group read as eradicate left them, as do the instances.
  expect(line(s.fleetId)).toMatch(/at scope; cancelled by eradicate at /);
  expect(line('asg-miner')).toMatch(/at scope; deleted by eradicate at /);
  expect(line(s.miner)).toMatch(/running at scope; terminated by eradicate at /);
  expect(manual).not.toMatch(/still exists/);
  // d: the released colleague stays out of the clean room; c: every case snapshot is named once, by its ID.
  expect(line(s.colleague)).toMatch(/released by release at /);
  expect(manual).toMatch(new RegExp(`Case snapshot snap-\\w+ \\(${EU}\\) of ${s.colleague} stays out of the clean room`));
  expect(manual).not.toMatch(new RegExp(`Clean room: .*of ${s.colleague}`));
  expect(manual).not.toMatch(/the snapshot of vol-|Hand snap-/);
  const shared = [...manual.matchAll(/Clean room: (snap-\w+) .*copy of (snap-\w+) of (i-\w+)/g)];
  // Every contained attacker instance's disk (and a group replacement's, snapshotted by eradicate), the colleague's not.
  // The fleet instance was released as a false positive before eradicate: it is no longer the case's to hand off.
  expect(shared.map((m) => m[3])).toEqual(expect.arrayContaining([s.miner, s.groupInstance]));
  expect(shared.map((m) => m[3])).not.toContain(s.colleague);
  expect(new Set(shared.map((m) => m[2])).size).toBe(shared.length);
}, 120_000);
