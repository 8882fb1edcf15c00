/**
 * Session revocation and the instance profile: the box keeps refreshing its role
 * credentials until the profile is disassociated, so a revocation dated earlier (by
 * contain-credentials) must be re-dated when contain-instances disassociates the profile.
 * Also: a region whose state cannot be fully read still gets its instances isolated.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSubnetCommand, CreateVpcCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CONTAINMENT_POLICIES, SECURITY_GROUPS } from '../../shared/names';
import { type CallRecord, isMutating } from '../../tooling/aws/record';
import { Once } from '../../tooling/case/phase';
import { containCredentials } from '../../tooling/contain/credentials';
import { containInstances } from '../../tooling/contain/instances';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { runPhase, steppingClock } from './case-harness';

let moto: MotoServer;
const region = 'us-west-2';
const role = 'web-node';

beforeAll(async () => {
  moto = await workerMoto();
});

async function seed(): Promise<string> {
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: role }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: role, RoleName: role }));
  const ec2 = new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.50.1.0/24' }))).Subnet!.SubnetId!;
  const id = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId, IamInstanceProfile: { Name: role } }))).Instances![0].InstanceId!;
  await normalizeMotoGroups(ec2, id);
  return id;
}

test('disassociating the profile re-dates an earlier revocation of its role; a rerun changes nothing', async () => {
  const instanceId = await seed();
  const ctx = { caseId: 'IR-REVOKE-1', accountId: '123456789012', regions: [region], window: { start: new Date(0), end: new Date() }, caseDir: mkdtempSync(join(tmpdir(), 'irctl-revoke-')) };
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  const issuedBefore = async () => /"aws:TokenIssueTime":"([^"]+)"/.exec(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions }))).PolicyDocument!))![1];

  // 03:00: the stolen role session is revoked (validate named the assumed role).
  await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, (env) => containCredentials(env, { principalArn: `arn:aws:sts::123456789012:assumed-role/${role}/i-0abc` }, new Once()));
  expect(await issuedBefore()).toMatch(/^2026-11-23T03:00/);

  // 05:00: the instance is contained; credentials it fetched between 03:00 and now must stop working too.
  const late = steppingClock(Date.parse('2026-11-23T05:00:00Z'));
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, clock: late }, (env) => containInstances(env, { instanceIds: [instanceId] }));
  expect(exec.failures).toEqual([]);
  expect(await issuedBefore()).toMatch(/^2026-11-23T05:00/);

  const calls: CallRecord[] = [];
  await runPhase({ endpoint: moto.endpoint, ctx, apply: true, calls, clock: steppingClock(Date.parse('2026-11-23T06:00:00Z')) }, (env) => containInstances(env, { instanceIds: [instanceId] }));
  expect(calls.filter(isMutating)).toEqual([]);
  expect(await issuedBefore()).toMatch(/^2026-11-23T05:00/);
});

test('a region whose load balancers cannot be read still has its instances isolated; the failure is reported', async () => {
  const ec2 = new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.70.1.0/24' }))).Subnet!.SubnetId!;
  const instanceId = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0].InstanceId!;
  await normalizeMotoGroups(ec2, instanceId);
  const denyElbReads = (client: { middlewareStack: unknown }) =>
    (client.middlewareStack as { add: (mw: unknown, o: { step: string; name: string }) => void }).add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        if (context.commandName === 'DescribeTargetGroupsCommand') throw Object.assign(new Error('not authorized'), { name: 'AccessDenied', $fault: 'client', $metadata: {} });
        return next(args);
      },
      { step: 'initialize', name: 'denyElbReads' },
    );
  const ctx = { caseId: 'IR-ELB-1', accountId: '123456789012', regions: [region], window: { start: new Date(0), end: new Date() }, caseDir: mkdtempSync(join(tmpdir(), 'irctl-elb-')) };
  const { exec } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true, onClient: denyElbReads }, (env) => containInstances(env, { instanceIds: [instanceId] }));
  const inst = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
  expect(inst.NetworkInterfaces!.flatMap((n) => n.Groups!.map((g) => g.GroupName))).toEqual([SECURITY_GROUPS.isolation]);
  expect(exec.failures.map((f) => f.step)).toEqual(['contain-instances/read-state']);
  expect(exec.failures[0].message).toMatch(/reading the containment state .* in us-west-2 was denied.*not authorized.*Only network isolation was done/);
  expect(exec.incomplete).toBe(true);
});
