/**
 * A validation whose lookups failed is not a clean one: `validate --instance` whose CloudTrail
 * lookup is denied or throttled records the subject, marked "incomplete" with each failure,
 * prints a FAILED line naming the call and the fix, and exits 1. Through irctl's command line
 * against moto; moto lacks CloudTrail LookupEvents, so its answers are RECORDED errors fed with
 * aws-sdk-client-mock (the error names AWS returns for a denied and a throttled call).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import type { CaseValidation } from '../../tooling/model';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { type MotoServer, workerMoto } from '../support/moto';
import { runIrctl } from './case-harness';

const trail = mockClient(CloudTrailClient);
let moto: MotoServer;
let scenario: AttackScenario;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
}, 120_000);
afterEach(() => trail.reset());
afterAll(() => trail.restore());

const irctl = (caseDir: string, args: string[]) => runIrctl(moto.endpoint, ['--case', 'IR-VAL-P', '--case-dir', caseDir, '--regions', 'us-east-1'], args);

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

test.each([
  { name: 'denied', error: awsError('AccessDeniedException', 'User is not authorized to perform: cloudtrail:LookupEvents'), fix: /was denied .*Fix: run as the IR role that grants it/ },
  { name: 'throttled', error: awsError('ThrottlingException', 'Rate exceeded'), fix: /was throttled by AWS \(ThrottlingException\).*Fix: wait a minute, then rerun the same command/ },
])('validate --instance with CloudTrail $name: the subject is recorded as partial, the failure is named with its fix, exit 1', async ({ error, fix }) => {
  trail.on(LookupEventsCommand).rejects(error);
  const miner = scenario.instances.find((i) => i.kind === 'plain')!;
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-val-partial-'));
  const { code, err } = await irctl(caseDir, ['validate', '--instance', miner.instanceId, '--region', miner.region]);
  expect(code).toBe(1);
  const failed = err.split('\n').filter((l) => l.startsWith('FAILED'));
  expect(failed).toEqual([expect.stringMatching(new RegExp(`^FAILED validate/cloudtrail \\(${miner.region}\\) ${miner.instanceId}: the launching principal and key \\(RunInstances event\\) unknown \\(validation incomplete\\): cloudtrail:LookupEvents`))]);
  expect(failed[0]).toMatch(fix);
  expect(err).toMatch(new RegExp(`validation of instance ${miner.instanceId} is partial .*rerun the same validate command`));
  const [recorded] = (JSON.parse(readFileSync(join(caseDir, 'validation.json'), 'utf8')) as CaseValidation).subjects;
  expect(recorded.subject).toMatchObject({ kind: 'instance', instanceId: miner.instanceId });
  expect(recorded.incomplete).toEqual([expect.objectContaining({ step: 'validate/cloudtrail', region: miner.region, target: miner.instanceId })]);
  // What was learned is still there (the rest of the facts), and the unknown is said.
  expect(recorded.facts).toContainEqual(expect.stringMatching(new RegExp(`^instance ${miner.instanceId} in ${miner.region}: `)));
  expect(recorded.facts.some((f) => /launching principal unknown/.test(f))).toBe(true);
});

test('the same validate with CloudTrail answering: complete, exit 0, no "incomplete" in validation.json', async () => {
  trail.on(LookupEventsCommand).resolves({ Events: [] });
  const miner = scenario.instances.find((i) => i.kind === 'plain')!;
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-val-complete-'));
  const { code, err } = await irctl(caseDir, ['validate', '--instance', miner.instanceId, '--region', miner.region]);
  expect(err).toBe('');
  expect(code).toBe(0);
  const [recorded] = (JSON.parse(readFileSync(join(caseDir, 'validation.json'), 'utf8')) as CaseValidation).subjects;
  expect(recorded.incomplete).toBeUndefined();
});
