/**
 * Successive `validate` runs in one case add their subject to validation.json (another key or
 * instance of the same incident) instead of replacing the first; validating a subject again
 * refreshes its own entry. scope then starts from every validated key and principal, and the
 * UserData pool endpoint (host:port) validate found is kept for hunt. Through irctl's command
 * line against moto; moto lacks CloudTrail LookupEvents, so it is stubbed with an empty RECORDED
 * answer and the test reads which lookups scope asked for.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../tooling/cli';
import { caseIndicators } from '../../tooling/hunt/indicators';
import type { CaseValidation } from '../../tooling/model';
import { type AttackScenario, MINER_USER_DATA, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

const trail = mockClient(CloudTrailClient);
const lookups: LookupEventsCommandInput[] = [];
let moto: MotoServer;
let scenario: AttackScenario;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  trail.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => {
    lookups.push(input);
    return { Events: [] };
  });
}, 120_000);
afterAll(() => trail.restore());

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-VAL-2', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', 'us-east-1', ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, out: io.out, err: io.err };
}

const read = (caseDir: string) => JSON.parse(readFileSync(join(caseDir, 'validation.json'), 'utf8')) as CaseValidation;

test('a second and third validate add their subjects; the same subject again replaces its own entry; scope looks up every validated key', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-val-'));
  const miner = scenario.instances.find((i) => i.kind === 'plain')!;
  expect((await irctl(caseDir, ['validate', '--access-key', scenario.attackerKeyId])).code).toBe(0);
  const second = await irctl(caseDir, ['validate', '--access-key', scenario.backdoorKeyId]);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/validation\.json now holds 2 subjects/);
  expect((await irctl(caseDir, ['validate', '--instance', miner.instanceId, '--region', miner.region])).code).toBe(0);
  expect((await irctl(caseDir, ['validate', '--access-key', scenario.attackerKeyId])).code).toBe(0);

  const v = read(caseDir);
  expect(v.subjects.map((s) => s.subject)).toEqual([
    { kind: 'access-key', accessKeyId: scenario.attackerKeyId },
    { kind: 'access-key', accessKeyId: scenario.backdoorKeyId },
    { kind: 'instance', instanceId: miner.instanceId, region: miner.region },
  ]);

  lookups.length = 0;
  await irctl(caseDir, ['scope']);
  const keys = lookups.flatMap((l) => l.LookupAttributes ?? []).filter((a) => a.AttributeKey === 'AccessKeyId').map((a) => a.AttributeValue);
  expect(new Set(keys)).toEqual(new Set([scenario.attackerKeyId, scenario.backdoorKeyId]));
});

test('the mining-pool host:port in the UserData is kept in validation.json and feeds hunt', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-val-pool-'));
  const miner = scenario.instances.find((i) => i.kind === 'plain')!;
  expect((await irctl(caseDir, ['validate', '--instance', miner.instanceId, '--region', miner.region])).code).toBe(0);
  const [instance] = read(caseDir).subjects;
  // The scenario's UserData runs the miner with "-o stratum+tcp://pool.supportxmr.com:3333" (and downloads it from 203.0.113.7).
  expect(MINER_USER_DATA).toContain('stratum+tcp://pool.supportxmr.com:3333');
  expect(instance.poolEndpoints).toEqual(['pool.supportxmr.com:3333']);
  expect(caseIndicators(read(caseDir).subjects, undefined)['pool-domain']).toEqual(['pool.supportxmr.com']);
});

test('an instance validated without --region is recorded in the region it was found in', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-val-region-'));
  const miner = scenario.instances.find((i) => i.region !== 'us-east-1')!;
  // Searched in us-east-1 first (the default), then in the case's other regions.
  expect((await irctl(caseDir, ['--regions', 'us-east-1,eu-west-1,ap-southeast-2', 'validate', '--instance', miner.instanceId])).code).toBe(0);
  expect(read(caseDir).subjects[0].subject).toEqual({ kind: 'instance', instanceId: miner.instanceId, region: miner.region });
});
