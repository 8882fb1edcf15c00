/**
 * `--json` carries the same facts as the text output, command by command: every line the text
 * output prints (progress, warnings, failures, closing sentences, errors) is in the JSON
 * document. Each command runs twice from the same case state (copied) against live moto with
 * the project's attack scenario: once as text, once as JSON.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failureLine, main } from '../../tooling/cli';
import type { StepFailure } from '../../tooling/model';
import { type AttackScenario, SCENARIO_REGIONS, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
let prepared: string;

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-JSON-1', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', SCENARIO_REGIONS.join(','), ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, out: io.out, err: io.err };
}

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  // A case with a validated key and an inventory (scope's CloudTrail lookups fail on moto: failures to print).
  prepared = mkdtempSync(join(tmpdir(), 'irctl-json-'));
  await irctl(prepared, ['validate', '--access-key', scenario.attackerKeyId]);
  await irctl(prepared, ['scope']);
  await irctl(prepared, ['--apply', 'contain-credentials', '--user', scenario.control.userName]);
}, 180_000);

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** ISO instants read from the clock: the two runs read it in an order concurrency decides, so compare lines without them. */
const instants = (line: string) => line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<instant>');

/** Text lines the JSON document does not carry (the outcome-count line is derived from `results`). */
function missing(command: string, text: { out: string; err: string }, jsonText: string, dirs: { text: string; json: string }): string[] {
  const json = JSON.parse(jsonText.split(dirs.json).join(dirs.text)) as { failures?: StepFailure[] };
  const known = new Set([...strings(json), ...(json.failures ?? []).map(failureLine)].map(instants));
  return `${text.out}\n${text.err}`
    .split('\n')
    .filter((l) => l.trim() && !new RegExp(`^${command}: (nothing changed in AWS|\\d+ [a-z-]+(, \\d+ [a-z-]+)*)$`).test(l))
    .map((l) => l.replace(/^warning: /, '').replace(/^irctl: /, ''))
    .filter((l) => !known.has(instants(l)));
}

const COMMANDS: ReadonlyArray<{ name: string; args: () => string[] }> = [
  { name: 'validate', args: () => ['validate', '--access-key', scenario.attackerKeyId] },
  { name: 'scope', args: () => ['scope'] },
  { name: 'contain-credentials', args: () => ['contain-credentials', '--user', scenario.control.userName] },
  { name: 'contain-instances', args: () => ['contain-instances', '--instance', scenario.minerInstances['eu-west-1']] },
  { name: 'eradicate', args: () => ['eradicate'] },
  { name: 'release', args: () => ['release'] },
  { name: 'report', args: () => ['report'] },
  { name: 'verify', args: () => ['verify'] },
  { name: 'hunt', args: () => ['hunt', '--pool-ip', '198.51.100.23'] },
  { name: 'an unknown instance', args: () => ['contain-instances', '--instance', 'i-0123456789abcdef0'] },
  { name: 'a malformed key', args: () => ['validate', '--access-key', 'nope'] },
];

test.each(COMMANDS)('$name: --json carries every line of the text output', async ({ args }) => {
  const textDir = mkdtempSync(join(tmpdir(), 'irctl-json-text-'));
  const jsonDir = mkdtempSync(join(tmpdir(), 'irctl-json-json-'));
  cpSync(prepared, textDir, { recursive: true });
  cpSync(prepared, jsonDir, { recursive: true });
  const text = await irctl(textDir, args());
  const json = await irctl(jsonDir, ['--json', ...args()]);
  expect(json.code).toBe(text.code);
  expect(() => JSON.parse(json.out)).not.toThrow();
  expect(missing(args()[0], text, json.out, { text: textDir, json: jsonDir })).toEqual([]);
  // No SDK internals in front of a responder (moto answers LookupEvents with an HTML page).
  expect(`${text.out}${text.err}`).not.toMatch(/Deserialization error|hidden field|\n\s+at /);
});
