/**
 * The runbook's drill (scripts/drill.ts) builds the project's one attack scenario on a moto
 * server, detects it when run again, and queues organization-trail and Flow Logs rows derived
 * from what the server holds; scope --source athena then finds the whole attack. The script runs
 * as a responder runs it (tsx, its own process) against this worker's moto server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { main } from '../../tooling/cli';
import type { Inventory } from '../../tooling/model';
import { SCENARIO_NAMES, SCENARIO_REGIONS } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput } from './case-harness';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
let moto: MotoServer;

beforeAll(async () => {
  moto = await workerMoto();
});

/** The environment of a responder's shell: no test-runner settings that would hide the SDK's notices. */
function responderEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'us-east-1' };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return env;
}

async function drill(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'drill.ts'), ...args], { cwd: root, env: responderEnv() });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

async function instanceCount(): Promise<number> {
  let n = 0;
  for (const region of SCENARIO_REGIONS) {
    const out = await new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS }).send(new DescribeInstancesCommand({}));
    n += (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
  }
  return n;
}

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'DRILL-T', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', SCENARIO_REGIONS.join(','), ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS },
  });
  return { code, out: io.out, err: io.err };
}

test('drill: seed builds the attack scenario once, scope --source athena over the queued trail finds all of it, hunt finds the pool', async () => {
  const first = await drill('seed', moto.endpoint);
  expect(first.err).toBe('');
  expect(first.code).toBe(0);
  const key = /stolen access key: (AKIA\w+)/.exec(first.out)?.[1];
  const since = /--since (\S+)/.exec(first.out)?.[1];
  expect(key).toBeDefined();
  expect(since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(first.out).toContain(`backdoor user: ${SCENARIO_NAMES.backdoorUser}`);
  const instances = await instanceCount();

  // A second seed finds the scenario in place: same key, nothing launched twice.
  const again = await drill('seed', moto.endpoint);
  expect(again.code).toBe(0);
  expect(again.out).toContain('already holds the attack scenario');
  expect(again.out).toContain(`stolen access key: ${key}`);
  expect(again.out).toContain(`--since ${since}`);
  expect(await instanceCount()).toBe(instances);

  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-drill-'));
  expect((await irctl(caseDir, ['validate', '--access-key', key!])).code).toBe(0);
  const queued = await drill('queue-scope', moto.endpoint);
  expect(queued.code).toBe(0);
  const scoped = await irctl(caseDir, ['--since', since!, 'scope', '--source', 'athena']);
  expect(scoped.err).toBe('');
  expect(scoped.code).toBe(0);
  const inv = JSON.parse(readFileSync(join(caseDir, 'inventory.json'), 'utf8')) as Inventory;
  const tie = (kind: string, id: string) => inv.attributions?.find((a) => a.kind === kind && a.id === id)?.basis;
  const miners = inv.instances.filter((i) => i.keyName === SCENARIO_NAMES.minerKey);
  // Miners in three regions, the Auto Scaling group's, the Spot request's and the stopped one.
  expect(new Set(miners.map((i) => i.region))).toEqual(new Set(SCENARIO_REGIONS));
  expect(miners.every((i) => i.instanceType === SCENARIO_NAMES.minerType)).toBe(true);
  expect(miners.some((i) => i.autoScalingGroup === SCENARIO_NAMES.asgName)).toBe(true);
  expect(miners.some((i) => i.state === 'stopped' && i.region === 'ap-southeast-2')).toBe(true);
  for (const m of miners) expect(tie('instance', m.instanceId)).toBeDefined();
  for (const m of miners.filter((i) => !i.autoScalingGroup && !i.spotInstanceRequestId)) expect(tie('instance', m.instanceId)).toBe('cloudtrail');
  expect(inv.spotRequests.map((s) => tie('spot-request', s.id))).toEqual(['cloudtrail']);
  // Launched by AWS for the Spot request, not by a RunInstances of the key: no trail event may claim it.
  const spotMiner = inv.spotRequests[0].details?.instanceId;
  expect(spotMiner).toMatch(/^i-/);
  expect(tie('instance', spotMiner!)).toBe('heuristic');
  expect(first.out).toContain(`${spotMiner} (eu-west-1, ${SCENARIO_NAMES.minerType}, running, Spot request ${inv.spotRequests[0].id})`);
  expect(tie('iam-user', SCENARIO_NAMES.backdoorUser)).toBe('cloudtrail');
  // The trail reads in order with the resources: each RunInstances at its instance's launch time
  // (the group's and the Spot request's miners are launched by AWS, with no RunInstances of the key).
  for (const m of miners.filter((i) => !i.autoScalingGroup && !i.spotInstanceRequestId && tie('instance', i.instanceId) === 'cloudtrail')) {
    expect(inv.events.find((e) => e.eventName === 'RunInstances' && e.resources.includes(m.instanceId))?.eventTime).toBe(new Date(m.launchTime!).toISOString());
  }
  // The platform team's work is in the inventory, never tied to the attacker.
  expect(inv.instances.filter((i) => i.keyName === 'ops-deploy').map((i) => tie('instance', i.instanceId))).toEqual([undefined]);
  expect(tie('iam-user', SCENARIO_NAMES.controlUser)).toBeUndefined();
  expect(inv.events.some((e) => e.accountId === '666666666666')).toBe(true);

  expect((await drill('queue-hunt', moto.endpoint)).code).toBe(0);
  const hunted = await irctl(caseDir, ['--since', since!, '--json', 'hunt', '--no-case-indicators', '--pool-ip', '198.51.100.23']);
  expect(hunted.code).toBe(0);
  const result = JSON.parse(hunted.out) as { files: string[]; warnings: string[] };
  expect(result.warnings).toEqual([expect.stringContaining('indicators seen in other accounts: 666666666666')]);
  const csv = readFileSync(result.files.find((f) => f.endsWith('pool-ip.csv'))!, 'utf8');
  // The hand-launched running miners reached the pool: us-east-1's and eu-west-1's.
  for (const m of miners.filter((i) => i.state === 'running' && !i.autoScalingGroup && !i.spotInstanceRequestId)) expect(csv).toContain(m.instanceId);
}, 180_000);

test('drill refuses an endpoint that is not on this machine, before any call', async () => {
  const refused = await drill('seed', 'http://10.0.0.5:5000');
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(/^drill: http:\/\/10\.0\.0\.5:5000 is not a local endpoint\. Fix: /);
});

test('drill seed refuses a server holding only part of the scenario, and says how to start clean', async () => {
  await moto.reset();
  const { IAMClient, CreateUserCommand } = await import('@aws-sdk/client-iam');
  await new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS }).send(new CreateUserCommand({ UserName: SCENARIO_NAMES.attackerUser }));
  const refused = await drill('seed', moto.endpoint);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/^drill: the server holds user svc-build but not the rest of the attack scenario .*Fix: restart moto/);
  expect(await instanceCount()).toBe(0);
});
