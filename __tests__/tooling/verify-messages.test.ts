/**
 * `irctl verify` failures a responder can act on: each names the journal entry, which check
 * failed (the entry's own hash, the chain link to the entry before, or the anchor), the hashes
 * involved, and what to do. The journal is a real one: contain-credentials --apply against live
 * moto with the project's attack scenario, then tampered with.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { AwsClients } from '../../tooling/aws/clients';
import { main } from '../../tooling/cli';
import { Journal, journalPath } from '../../tooling/case/journal';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
}, 120_000);

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-VERIFY-1', '--no-assume', '--endpoint', moto.endpoint, '--regions', 'us-east-1', '--case-dir', caseDir, ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, out: io.out, err: io.err };
}

/** A case whose journal has a few entries (containing `user`, a fresh one per test), and its lines. */
async function journaled(user: string): Promise<{ caseDir: string; lines: string[] }> {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-verify-'));
  expect((await irctl(caseDir, ['--apply', 'contain-credentials', '--user', user])).code).toBe(0);
  const lines = readFileSync(journalPath(caseDir), 'utf8').trimEnd().split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(4);
  return { caseDir, lines };
}

const short = (h: string) => h.slice(0, 12);
const WHAT_TO_DO = /What to do: keep the case directory exactly as it is .*irctl refuses to append to it.*docs\/journal\.md/;

test('an edited entry: its entry hash, then the next entry\'s chain link, each named with the hashes and what to do', async () => {
  const { caseDir, lines } = await journaled(scenario.backdoorUser);
  const second = JSON.parse(lines[1]) as { hash: string };
  const edited = lines.map((l, i) => (i === 1 ? l.replace(/"outcome":"[a-z-]+"/, '"outcome":"failed"') : l));
  writeFileSync(journalPath(caseDir), edited.join('\n') + '\n');
  const { code, err } = await irctl(caseDir, ['verify']);
  expect(code).toBe(1);
  const failed = err.split('\n').filter((l) => l.startsWith('FAILED'));
  expect(failed).toHaveLength(3);
  expect(failed[0]).toMatch(new RegExp(`^FAILED verify/journal entry 2: entry hash mismatch: the entry records ${short(second.hash)}… but its content hashes to [0-9a-f]{12}…: entry 2 was edited after it was written\\. `));
  expect(failed[1]).toMatch(/^FAILED verify\/journal entry 3: chain link broken: its prevHash [0-9a-f]{12}… is not the SHA-256 of entry 2 as written \([0-9a-f]{12}…\): entry 2 was changed, or entries before entry 3 were removed, inserted or reordered\. /);
  // anchors.jsonl still says where the intact chain should reach, and the anchor check says why it does not.
  expect(failed[2]).toMatch(new RegExp(`^FAILED verify/anchor: anchor mismatch: the chain is intact through entry 1 only: entry 2 was edited \\(its hash does not match its content; chain broken at line 2\\), so the anchor of phase contain-credentials in anchors\\.jsonl \\(${lines.length} entries, head [0-9a-f]{12}…\\) is not reached by an intact chain; line ${lines.length} still records the anchored hash\\. `));
  for (const line of failed) expect(line).toMatch(WHAT_TO_DO);
});

test('a removed entry and a cut line: the entry numbers and what each means', async () => {
  const { caseDir, lines } = await journaled(scenario.attackerUser);
  writeFileSync(journalPath(caseDir), [lines[0], ...lines.slice(2), lines.at(-1)!.slice(0, 40)].join('\n') + '\n');
  const { code, err } = await irctl(caseDir, ['verify']);
  expect(code).toBe(1);
  expect(err).toMatch(/FAILED verify\/journal entry 2: sequence number 3 where 2 was expected: an entry was removed or inserted before it\. What to do: /);
  expect(err).toMatch(new RegExp(`FAILED verify/journal entry ${lines.length}: half-written: the last line is cut off after 40 bytes \\(not valid JSON\\): irctl was killed while writing it, or the file was cut mid-line\\. What to do: `));
  expect(err).toMatch(new RegExp(`FAILED verify/anchor: anchor mismatch: the chain is intact through entry 1 only: entry 2 carries sequence number 3 \\(entries were removed or inserted before it\\), .* line ${lines.length} is half-written\\. What to do: `));
});

test('a cut tail against anchors.jsonl: the anchor check is named, with the entries missing and what to do', async () => {
  const { caseDir, lines } = await journaled(scenario.control.userName);
  writeFileSync(journalPath(caseDir), lines.slice(0, -2).join('\n') + '\n');
  const { code, err } = await irctl(caseDir, ['verify']);
  expect(code).toBe(1);
  expect(err).toMatch(new RegExp(`FAILED verify/anchor: anchor mismatch: the journal has ${lines.length - 2} entries, chain intact, head [0-9a-f]{12}…, but the anchor of phase contain-credentials in anchors\\.jsonl records ${lines.length} entries with head [0-9a-f]{12}…: the journal was truncated, 2 entries missing \\(entries ${lines.length - 1} to ${lines.length}\\)\\. What to do: `));
});

test('a deleted journal without an anchor bucket: verify, report and release read anchors.jsonl and say the journal was deleted', async () => {
  await new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).iam().send(new CreateUserCommand({ UserName: 'verify-deleted' }));
  const { caseDir, lines } = await journaled('verify-deleted');
  const n = lines.length;
  rmSync(journalPath(caseDir));
  const verify = await irctl(caseDir, ['verify']);
  expect(verify.code).toBe(1);
  expect(verify.err).not.toMatch(/no phase of case/);
  expect(verify.err).toMatch(new RegExp(`FAILED verify/anchor: anchor mismatch: journal\\.jsonl does not exist, but the anchor of phase contain-credentials in anchors\\.jsonl records ${n} entries with head [0-9a-f]{12}…: the journal was deleted \\(all ${n} entries missing\\)\\. What to do: `));

  const report = await irctl(caseDir, ['report']);
  expect(report.code).toBe(1);
  expect(report.err).toMatch(new RegExp(`report: journal deleted: .*journal\\.jsonl does not exist, but anchors\\.jsonl records that phase contain-credentials ended at entry ${n} \\(.*\\): ${n} anchored entries missing\\. No report was written`));
  expect(existsSync(join(caseDir, 'report.md'))).toBe(false);

  // Emptied rather than deleted: the same, and release says where the containment still in place can be found.
  writeFileSync(journalPath(caseDir), '');
  const release = await irctl(caseDir, ['--apply', 'release']);
  expect(release.code).toBe(1);
  expect(release.err).toMatch(new RegExp(`release: journal deleted: .*journal\\.jsonl is empty \\(0 bytes\\), but anchors\\.jsonl records .*: ${n} anchored entries missing\\. There is nothing to undo from, but the containment irctl applied is still in place\\..*ir-deny-all and ir-revoke-older-sessions`));
  expect(readFileSync(journalPath(caseDir), 'utf8')).toBe('');
});

test('an interrupted step (started, no outcome after it) is a warning naming the entry and what to do; the chain still verifies', async () => {
  await new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).iam().send(new CreateUserCommand({ UserName: 'verify-interrupted' }));
  const { caseDir, lines } = await journaled('verify-interrupted');
  // What a run killed mid-call leaves: the intent, written just before the call, and nothing after it.
  const journal = Journal.open(caseDir, { caseId: 'IR-VERIFY-1', caller: 'arn:aws:iam::123456789012:user/responder', clock: steppingClock() });
  const started = journal.append({ step: 'contain-credentials/deny-all', action: 'iam:PutUserPolicy', target: 'verify-interrupted', outcome: 'started', request: {}, reversible: true });
  const { code, err } = await irctl(caseDir, ['verify']);
  expect(code).toBe(0);
  const warnings = err.split('\n').filter((l) => l.startsWith('warning:') && /has no outcome/.test(l));
  expect(warnings).toEqual([
    `warning: entry ${lines.length + 1}: iam:PutUserPolicy on verify-interrupted started at ${started.ts} has no outcome: the call may or may not have reached AWS; rerun contain-credentials (it re-checks the state) or check by hand`,
  ]);
});
