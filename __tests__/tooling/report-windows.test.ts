/**
 * The report states the windows scope actually covered (every run merged into inventory.json,
 * with its source and regions), not the window of the report command itself, which scoped
 * nothing. Live moto with the project's attack scenario, through irctl's command line.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../tooling/cli';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let endpoint: string;
let scenario: AttackScenario;

beforeAll(async () => {
  endpoint = (await workerMoto()).endpoint;
  scenario = await seedAttack(endpoint);
}, 120_000);

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-WIN-1', '--no-assume', '--endpoint', endpoint, '--case-dir', caseDir, ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, out: io.out, err: io.err };
}

test('the report lists each scope run with its window, source and regions; the report command\'s own window is not presented as scope\'s', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-windows-'));
  // Windows past LookupEvents' horizon: the inventory is written without CloudTrail calls.
  await irctl(caseDir, ['--regions', 'us-east-1,eu-west-1', '--since', '2026-01-05T00:00:00Z', '--until', '2026-02-01T00:00:00Z', 'scope', '--access-key', scenario.attackerKeyId]);
  await irctl(caseDir, ['--regions', 'ap-southeast-2', '--since', '2026-03-01T00:00:00Z', '--until', '2026-03-08T00:00:00Z', 'scope', '--access-key', scenario.attackerKeyId]);
  expect((await irctl(caseDir, ['--regions', 'us-east-1', 'report'])).code).toBe(0);
  const report = readFileSync(join(caseDir, 'report.md'), 'utf8');
  const summary = report.slice(report.indexOf('## Summary'), report.indexOf('\n## ', report.indexOf('## Summary') + 1));
  expect(summary).toMatch(/\| Scope runs \(UTC\) \| 2026-01-05 00:00:00Z to 2026-02-01 00:00:00Z \(cloudtrail; us-east-1, eu-west-1; run at 2026-11-23 03:00:\d\dZ\); 2026-03-01 00:00:00Z to 2026-03-08 00:00:00Z \(cloudtrail; ap-southeast-2; run at 2026-11-23 03:00:\d\dZ\) \|/);
  // The report command's default window (the last 90 days) scoped nothing and is not shown as if it had.
  expect(summary).not.toMatch(/\| Window \(UTC\) \|/);
});

test('before any scope run the report says so instead of showing a window', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-windows-'));
  await irctl(caseDir, ['validate', '--access-key', scenario.attackerKeyId]);
  expect((await irctl(caseDir, ['report'])).code).toBe(0);
  expect(readFileSync(join(caseDir, 'report.md'), 'utf8')).toContain('| Scope runs (UTC) | none yet: run irctl scope |');
});
