/**
 * A plan never sends what cannot be undone, and never claims "nothing changed" when a call it
 * sent may have acted. The executor rules with recorded errors (the SDK's own error shapes),
 * then the CLI's closing line on moto, whose CreateNetworkAcl ignores DryRun (AWS honours it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSubnetCommand, CreateVpcCommand, DescribeNetworkAclsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { type Action, Executor, refusedUnacted } from '../../tooling/case/executor';
import { Journal } from '../../tooling/case/journal';
import { memoryReporter } from '../../tooling/case/output';
import { main } from '../../tooling/cli';
import { normalizeMotoGroups } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

/** Errors as the SDK throws them: a 4xx refusal, a 5xx, a connection refused before sending, a reset mid-call. */
const awsError = (name: string, fault: 'client' | 'server', status: number) => Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });
const denied = awsError('UnauthorizedOperation', 'client', 403);
const notFound = awsError('InvalidInstanceID.NotFound', 'client', 400);
const serverError = awsError('InternalError', 'server', 500);
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const dryRunOk = awsError('DryRunOperation', 'client', 412);

function planner() {
  const journal = Journal.open(mkdtempSync(join(tmpdir(), 'irctl-plan-')), { caseId: 'IR-PLAN-1', caller: 'tester', clock: steppingClock() });
  return new Executor({ journal, apply: false, reporter: memoryReporter(), confirmIrreversible: async () => true });
}

function action(over: Partial<Action>, sent: string[]): Action {
  return {
    step: 'test/step',
    action: 'ec2:TerminateInstances',
    region: 'us-west-2',
    target: 'i-0123456789abcdef0',
    summary: 'terminate it',
    reversible: false,
    request: {},
    isDone: async () => false,
    dryRun: async () => void sent.push('dryRun'),
    apply: async () => void sent.push('apply'),
    ...over,
  };
}

test.each([
  { name: 'irreversible, no check', over: { irreversible: true }, outcome: 'planned', sent: [] },
  { name: 'irreversible, check passes', over: { irreversible: true, check: async () => undefined }, outcome: 'planned', sent: [] },
  { name: 'irreversible, check finds a problem', over: { irreversible: true, check: async () => 'Instance is gone. Fix: check the ID.' }, outcome: 'failed', sent: [], error: 'Instance is gone. Fix: check the ID.' },
  { name: 'irreversible, check read denied', over: { irreversible: true, check: async () => Promise.reject(denied) }, outcome: 'failed', sent: [], error: /was denied/ },
  { name: 'reversible, DryRunOperation', over: { dryRun: async () => Promise.reject(dryRunOk) }, outcome: 'dry-run-ok', sent: [] },
  { name: 'reversible, DryRun ignored', over: {}, outcome: 'failed', sent: ['dryRun'], changed: true, error: /ignored DryRun/ },
  { name: 'reversible, DryRun denied (4xx)', over: { dryRun: async () => Promise.reject(denied) }, outcome: 'failed', sent: [], error: /was denied/ },
  { name: 'reversible, DryRun on a missing target (4xx)', over: { dryRun: async () => Promise.reject(notFound) }, outcome: 'failed', sent: [] },
  { name: 'reversible, DryRun answered 5xx', over: { dryRun: async () => Promise.reject(serverError) }, outcome: 'failed', sent: [], changed: true },
  { name: 'reversible, DryRun connection reset mid-call', over: { dryRun: async () => Promise.reject(reset) }, outcome: 'failed', sent: [], changed: true },
  { name: 'reversible, endpoint refused the connection', over: { dryRun: async () => Promise.reject(refused) }, outcome: 'failed', sent: [] },
])('plan: $name → $outcome', async ({ over, outcome, sent, changed, error }: { over: Partial<Action>; outcome: string; sent: string[]; changed?: boolean; error?: string | RegExp }) => {
  const exec = planner();
  const calls: string[] = [];
  expect(await exec.run(action(over, calls))).toBe(outcome);
  expect(calls).toEqual(sent);
  expect(exec.results[0].mayHaveChanged ?? false).toBe(changed ?? false);
  if (error) expect(exec.results[0].error).toMatch(error);
});

test('refusedUnacted: only a 4xx answer or a connection never made rules out that the call acted', () => {
  expect([denied, notFound, dryRunOk, refused].map(refusedUnacted)).toEqual([true, true, true, true]);
  expect([serverError, reset, new Error('unknown')].map(refusedUnacted)).toEqual([false, false, false]);
});

describe('the closing line on moto', () => {
  let moto: MotoServer;
  const region = 'us-west-2';
  const ec2 = () => new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
  let instanceId: string;
  let subnetId: string;

  beforeAll(async () => {
    moto = await workerMoto();
    const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.61.0.0/16' }))).Vpc!.VpcId!;
    subnetId = (await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.61.1.0/24' }))).Subnet!.SubnetId!;
    instanceId = (await ec2().send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0].InstanceId!;
    await normalizeMotoGroups(ec2(), instanceId);
  }, 60_000);

  const irctl = async (args: string[]) => {
    const io = captureOutput();
    const code = await main(['node', 'irctl', '--case', 'IR-PLAN-2', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', mkdtempSync(join(tmpdir(), 'irctl-plan-')), '--regions', region, ...args], {
      stdout: io.stdout,
      stderr: io.stderr,
      hooks: { credentials: MOTO_CREDENTIALS },
    });
    return { code, out: io.out, err: io.err };
  };

  test('a plan whose DryRun calls were all refused as asked says nothing changed', async () => {
    const plan = await irctl(['contain-instances', '--instance', instanceId]);
    expect(plan.code).toBe(0);
    expect(plan.out).toMatch(/This was a plan: nothing changed/);
  });

  test('a plan in which an API ignored DryRun says so, and never that nothing changed', async () => {
    const acls = async () => (await ec2().send(new DescribeNetworkAclsCommand({}))).NetworkAcls!.length;
    const before = await acls();
    const plan = await irctl(['contain-instances', '--instance', instanceId, '--network-acl-cut']);
    // moto created the ACL despite DryRun: the output must say the plan may have changed it.
    expect(await acls()).toBe(before + 1);
    expect(plan.code).toBe(1);
    expect(`${plan.out}${plan.err}`).not.toMatch(/nothing changed/);
    expect(plan.err).toMatch(/This was a plan, but 1 call\(s\) sent with DryRun may have changed AWS: ec2:CreateNetworkAcl vpc-\w+ \(us-west-2\)\. Fix: inspect/);
  });
});
