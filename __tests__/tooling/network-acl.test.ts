/**
 * The optional network-ACL cut on moto: a subnet holding only suspect instances is cut with a
 * deny-all ACL (and restored by release); a subnet shared with another instance is left alone
 * with the reason; planning leaves every subnet on its ACL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSubnetCommand, CreateVpcCommand, DescribeNetworkAclsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { TAGS } from '../../shared/names';
import { type CallRecord, isMutating } from '../../tooling/aws/record';
import { containInstances } from '../../tooling/contain/instances';
import { NETWORK_ACL_ROLE } from '../../tooling/contain/network-acl';
import { releaseCase } from '../../tooling/release';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { runPhase } from './case-harness';

let moto: MotoServer;
const region = 'us-west-2';
const ec2 = () => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
let alone: { subnetId: string; instanceId: string };
let shared: { subnetId: string; instanceId: string; bystander: string };
const ctx = { caseId: 'IR-NACL-1', accountId: '123456789012', regions: [region], window: { start: new Date(0), end: new Date() }, caseDir: mkdtempSync(join(tmpdir(), 'irctl-nacl-')) };

async function launch(subnetId: string): Promise<string> {
  const id = (await ec2().send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0].InstanceId!;
  await normalizeMotoGroups(ec2(), id);
  return id;
}

const aclOf = async (subnetId: string) => (await ec2().send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }))).NetworkAcls![0];

beforeAll(async () => {
  moto = await workerMoto();
  const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string) => (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
  const a = await subnet('10.60.1.0/24');
  const b = await subnet('10.60.2.0/24');
  alone = { subnetId: a, instanceId: await launch(a) };
  shared = { subnetId: b, instanceId: await launch(b), bystander: await launch(b) };
}, 60_000);

const contain = (apply: boolean, calls?: CallRecord[]) =>
  runPhase({ endpoint: moto.endpoint, ctx, apply, calls }, (env) => containInstances(env, { instanceIds: [alone.instanceId, shared.instanceId], networkAclCut: true }));

// moto ignores DryRun on CreateNetworkAcl (AWS honours it): the plan must report that as a
// failure to inspect, never as planned, and the subnet must keep its ACL.
test('plan: the cut is planned and the subnet keeps its ACL; an API ignoring DryRun is reported', async () => {
  const before = (await aclOf(alone.subnetId)).NetworkAclId;
  const calls: CallRecord[] = [];
  const { exec } = await contain(false, calls);
  expect(calls.filter(isMutating)).toEqual([]);
  expect(exec.results.filter((r) => r.step.startsWith('contain-instances/network-acl')).map((r) => [r.action, r.outcome])).toEqual([
    ['ec2:CreateNetworkAcl', 'failed'],
    ['ec2:ReplaceNetworkAclAssociation', 'planned'],
  ]);
  expect(exec.results.find((r) => r.action === 'ec2:CreateNetworkAcl')?.error).toMatch(/ignored DryRun and may have made the change/);
  expect((await aclOf(alone.subnetId)).NetworkAclId).toBe(before);
});

test('apply: a subnet of suspects only is cut by a deny-all ACL; a shared subnet is left, with the reason', async () => {
  const original = (await aclOf(alone.subnetId)).NetworkAclId;
  const sharedAcl = (await aclOf(shared.subnetId)).NetworkAclId;
  const { exec, warnings } = await contain(true);
  expect(exec.failures).toEqual([]);
  const cut = await aclOf(alone.subnetId);
  expect(cut.NetworkAclId).not.toBe(original);
  expect(Object.fromEntries(cut.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({ [TAGS.isolationRole]: NETWORK_ACL_ROLE, [TAGS.caseId]: ctx.caseId });
  expect(cut.Entries!.filter((e) => e.RuleAction === 'allow')).toEqual([]);
  expect((await aclOf(shared.subnetId)).NetworkAclId).toBe(sharedAcl);
  expect(warnings.join('\n')).toMatch(new RegExp(`network ACL cut skipped: subnet ${shared.subnetId} also holds instance ${shared.bystander}`));

  const calls: CallRecord[] = [];
  await contain(true, calls);
  expect(calls.filter(isMutating)).toEqual([]);

  const { exec: released } = await runPhase({ endpoint: moto.endpoint, ctx, apply: true }, async (env) => void (await releaseCase(env, { instanceIds: [alone.instanceId] })));
  expect(released.failures).toEqual([]);
  expect((await aclOf(alone.subnetId)).NetworkAclId).toBe(original);
});
