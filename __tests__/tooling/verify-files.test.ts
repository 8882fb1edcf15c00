/**
 * `irctl verify` on the files a case records with their SHA-256 (evidence sets; hunt runs are
 * covered in hunt/hunt-record.moto.test.ts): a deleted file is reported as missing, with what to
 * do, distinct from a changed one; a removed manifest does not hide either, because the
 * journal's hash-chained entry records the same hashes. The evidence is real: contain-instances
 * (plan) against live moto with the project's attack scenario.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { type MotoServer, workerMoto } from '../support/moto';
import { runIrctl } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
let original: string;
let instanceId: string;

const irctl = (caseDir: string, args: string[]) => runIrctl(moto.endpoint, ['--case', 'IR-FILES-1', '--regions', 'us-east-1', '--case-dir', caseDir], args);

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  instanceId = scenario.instances.find((i) => i.kind === 'plain')!.instanceId;
  original = mkdtempSync(join(tmpdir(), 'irctl-files-'));
  expect((await irctl(original, ['contain-instances', '--instance', instanceId])).code).toBe(0);
}, 120_000);

const sha = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { files: Array<{ name: string; sha256: string }> }).files;
const WHAT_TO_DO_MISSING = /What to do: restore it from a copy of the case directory .*it must hash to [0-9a-f]{64}.*find out who deleted it/;

test.each([
  {
    name: 'a deleted evidence file: missing, not modified',
    tamper: (set: string) => rmSync(join(set, 'instance-profile.json')),
    expected: (id: string) => [new RegExp(`^FAILED verify/evidence evidence/${id}/plan/instance-profile\\.json: missing: evidence/${id}/plan/instance-profile\\.json: the file is gone, but journal entry \\d+ \\(contain-instances/evidence\\) records it with SHA-256 [0-9a-f]{12}…\\. ${WHAT_TO_DO_MISSING.source}`)],
  },
  {
    name: 'a changed evidence file: modified, with both hashes',
    tamper: (set: string) => writeFileSync(join(set, 'console-output.txt'), 'nothing to see\n'),
    expected: (id: string) => [new RegExp(`^FAILED verify/evidence evidence/${id}/plan/console-output\\.txt: modified: evidence/${id}/plan/console-output\\.txt: its SHA-256 is [0-9a-f]{12}…, but journal entry \\d+ \\(contain-instances/evidence\\) records [0-9a-f]{12}…: the file was changed after irctl wrote it\\. What to do: `)],
  },
  {
    name: 'a deleted file whose manifests were removed too: the journal still knows it',
    tamper: (set: string) => {
      rmSync(join(set, 'tags.json'));
      rmSync(join(set, 'manifest.json'));
      rmSync(join(set, '..', 'manifest.json'));
    },
    expected: (id: string) => [new RegExp(`^FAILED verify/evidence evidence/${id}/plan/tags\\.json: missing: evidence/${id}/plan/tags\\.json: the file is gone`)],
  },
])('$name', async ({ tamper, expected }) => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-files-case-'));
  cpSync(original, caseDir, { recursive: true });
  const set = join(caseDir, 'evidence', instanceId, 'plan');
  expect(sha(join(set, 'manifest.json')).length).toBeGreaterThan(3);
  tamper(set);
  const { code, err } = await irctl(caseDir, ['verify']);
  expect(code).toBe(1);
  const failed = err.split('\n').filter((l) => l.startsWith('FAILED'));
  const patterns = expected(instanceId);
  expect(failed).toHaveLength(patterns.length);
  patterns.forEach((p, i) => expect(failed[i]).toMatch(p));
});

test('the untouched case verifies', async () => {
  const { code, out } = await irctl(original, ['verify']);
  expect(code).toBe(0);
  expect(out).toMatch(/evidence: 1 instance\(s\) checked; \d+ file\(s\) recorded in the journal re-hashed/);
});
