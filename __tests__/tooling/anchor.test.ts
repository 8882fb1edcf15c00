/**
 * Journal anchoring and bad case paths, through the command line against moto (S3 included):
 * each phase anchors the chain head in an Object Lock bucket; verify catches a cut, deleted or
 * rewritten journal by comparing with it; verify, report and release on a case that does not
 * exist fail with the fix and create nothing.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AwsClients } from '../../tooling/aws/clients';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { anchorKey } from '../../tooling/case/anchor';
import { canonicalJson, GENESIS_HASH, journalPath, readJournal } from '../../tooling/case/journal';
import { main } from '../../tooling/cli';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
const BUCKET = 'ir-evidence-444444444444-us-east-1';

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  const s3 = new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).s3('us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
}, 120_000);

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const { stdout, stderr } = io;
  const code = await main(['node', 'irctl', '--case', 'IR-ANCHOR-1', '--no-assume', '--endpoint', moto.endpoint, '--regions', 'us-east-1', '--case-dir', caseDir, ...args], {
    stdout,
    stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, out: io.out, err: io.err };
}

const plain = () => scenario.instances.find((i) => i.kind === 'plain')!.instanceId;

test('every phase anchors the journal head in the bucket; verify matches it', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-anchor-'));
  const planned = await irctl(caseDir, ['--anchor-bucket', BUCKET, 'contain-instances', '--instance', plain()]);
  expect(planned.code).toBe(0);
  const entries = readJournal(caseDir);
  const last = entries[entries.length - 1];
  const keys = (await new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).s3('us-east-1').send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'irctl-anchors/IR-ANCHOR-1/' }))).Contents?.map((o) => o.Key);
  expect(keys).toContain(anchorKey('IR-ANCHOR-1', last.seq, last.hash, 'contain-instances'));
  expect(planned.out).toMatch(new RegExp(`journal head \\(entry ${last.seq}\\) anchored at s3://${BUCKET}/`));
  const ok = await irctl(caseDir, ['--anchor-bucket', BUCKET, 'verify']);
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(new RegExp(`anchor at entry ${last.seq} matched`));

  // Releasing something the journal never contained (a typo) is refused before anything is journaled.
  const typo = await irctl(caseDir, ['--anchor-bucket', BUCKET, '--apply', 'release', '--instance', 'i-0123456789abcdef0']);
  expect(typo.code).toBe(2);
  expect(typo.err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^irctl: release: the journal of case IR-ANCHOR-1 records no containment of i-0123456789abcdef0\. Fix:/)]);
  expect(readJournal(caseDir)).toHaveLength(entries.length);
});

/** Re-hash every line from the first: what someone who knows the format does to hide an edit from the chain check. */
function rehashed(lines: readonly string[], edit: (entry: Record<string, unknown>, n: number) => void): string[] {
  let prev = GENESIS_HASH;
  return lines.map((line, i) => {
    const rest = JSON.parse(line) as Record<string, unknown>;
    delete rest.hash;
    edit(rest, i + 1);
    const body = { ...rest, prevHash: prev };
    const out = canonicalJson({ ...body, hash: createHash('sha256').update(canonicalJson(body)).digest('hex') });
    prev = createHash('sha256').update(out).digest('hex');
    return out;
  });
}

/** What verify's anchor check must say for each way a journal can differ from its anchored head. */
const ANCHOR_CASES: ReadonlyArray<{
  name: string;
  /** The new journal text from the original lines; null deletes the file. */
  tamper: (lines: readonly string[]) => string | null;
  /** `FAILED verify/journal ...` lines, in order (N is the anchored entry count). */
  journal: (n: number) => RegExp[];
  /** The `FAILED verify/anchor` line; null when the anchored head is intact. */
  anchor: ((n: number, head: string) => RegExp) | null;
}> = [
  {
    name: 'absent',
    tamper: () => null,
    journal: () => [],
    anchor: (n, h) => new RegExp(`anchor mismatch: journal\\.jsonl does not exist, but ${OF_PHASE} records ${n} entries with head ${h}…: the journal was deleted \\(all ${n} entries missing\\)\\. What to do: `),
  },
  {
    name: 'empty',
    tamper: () => '',
    journal: () => [],
    anchor: (n, h) => new RegExp(`anchor mismatch: journal\\.jsonl is empty \\(0 bytes\\), but ${OF_PHASE} records ${n} entries with head ${h}…: the journal was emptied \\(all ${n} entries missing\\)\\. What to do: `),
  },
  {
    name: 'truncated',
    tamper: (lines) => lines.slice(0, -2).join('\n') + '\n',
    journal: () => [],
    anchor: (n, h) => new RegExp(`anchor mismatch: the journal has ${n - 2} entries, chain intact, head [0-9a-f]{12}…, but ${OF_PHASE} records ${n} entries with head ${h}…: the journal was truncated, 2 entries missing \\(entries ${n - 1} to ${n}\\)\\. What to do: `),
  },
  {
    name: 'edited',
    tamper: (lines) => lines.map((l, i) => (i === 1 ? l.replace(/"outcome":"[a-z-]+"/, '"outcome":"failed"') : l)).join('\n') + '\n',
    journal: () => [/^FAILED verify\/journal entry 2: entry hash mismatch/, /^FAILED verify\/journal entry 3: chain link broken/],
    anchor: (n, h) => new RegExp(`anchor mismatch: the chain is intact through entry 1 only: entry 2 was edited \\(its hash does not match its content; chain broken at line 2\\), so ${OF_PHASE} \\(${n} entries, head ${h}…\\) is not reached by an intact chain; line ${n} still records the anchored hash\\. What to do: `),
  },
  {
    name: 'rewritten and re-hashed',
    tamper: (lines) => rehashed(lines, (e, n) => n === 2 && (e.outcome = 'failed')).join('\n') + '\n',
    journal: () => [],
    anchor: (n, h) => new RegExp(`anchor mismatch: the chain recomputes intact through entry ${n}, but entry ${n} hashes to [0-9a-f]{12}… where ${OF_PHASE} records ${h}…: the journal was rewritten and re-hashed at or before entry ${n}\\. What to do: `),
  },
  {
    name: 'last line half-written',
    tamper: (lines) => (lines.join('\n') + '\n').slice(0, -31),
    journal: (n) => [new RegExp(`^FAILED verify/journal entry ${n}: half-written: the last line is cut off after \\d+ bytes \\(not valid JSON\\): irctl was killed while writing it, or the file was cut mid-line\\. What to do: `)],
    anchor: (n, h) => new RegExp(`anchor mismatch: the chain is intact through entry ${n - 1}; entry ${n}, the last line, is half-written, but ${OF_PHASE} records ${n} entries with head ${h}…: entry ${n} was complete when that phase ended, so the journal was cut mid-line \\(entry ${n} lost\\)\\. What to do: `),
  },
  {
    name: 'replaced with garbage',
    tamper: () => 'not json\nat all\n',
    journal: () => [/^FAILED verify\/journal entry 1: not a journal entry: the line holds "not json" \(not a JSON object\): something other than irctl wrote into the journal\. What to do: /, /^FAILED verify\/journal entry 2: not a journal entry: the line holds "at all"/],
    anchor: (n, h) => new RegExp(`anchor mismatch: journal\\.jsonl holds no journal entry \\(line 1 is "not json"\\), but ${OF_PHASE} records ${n} entries with head ${h}…: the journal was replaced \\(all ${n} entries missing\\)\\. What to do: `),
  },
  {
    name: 'garbage appended after the anchored head',
    tamper: (lines) => [...lines, 'not json'].join('\n') + '\n',
    journal: (n) => [new RegExp(`^FAILED verify/journal entry ${n + 1}: not a journal entry: the line holds "not json"`)],
    anchor: null,
  },
];
const OF_PHASE = `the anchor of phase contain-instances at s3://${BUCKET}/irctl-anchors/IR-ANCHOR-2/\\d{8}-[0-9a-f]{64}-contain-instances\\.json`;

describe('verify against the anchored head: one precise diagnosis per way the journal differs', () => {
  let original: { caseDir: string; lines: string[] };
  beforeAll(async () => {
    const caseDir = mkdtempSync(join(tmpdir(), 'irctl-anchor-'));
    expect((await irctl(caseDir, ['--anchor-bucket', BUCKET, '--case', 'IR-ANCHOR-2', 'contain-instances', '--instance', plain()])).code).toBe(0);
    original = { caseDir, lines: readFileSync(journalPath(caseDir), 'utf8').trimEnd().split('\n') };
  }, 60_000);

  test.each(ANCHOR_CASES)('$name', async ({ tamper, journal, anchor }) => {
    const caseDir = mkdtempSync(join(tmpdir(), 'irctl-anchor-case-'));
    cpSync(original.caseDir, caseDir, { recursive: true });
    const text = tamper(original.lines);
    if (text === null) rmSync(journalPath(caseDir));
    else writeFileSync(journalPath(caseDir), text);
    const n = original.lines.length;
    const head = (JSON.parse(original.lines[n - 1]) as { hash: string }).hash.slice(0, 12);
    const { code, err, out } = await irctl(caseDir, ['--anchor-bucket', BUCKET, '--case', 'IR-ANCHOR-2', 'verify']);
    expect(code).toBe(1);
    const failed = err.split('\n').filter((l) => l.startsWith('FAILED'));
    const expected = [...journal(n), ...(anchor ? [new RegExp(`^FAILED verify/anchor: ${anchor(n, head).source}`)] : [])];
    expect(failed).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(failed[i]).toMatch(pattern));
    expect(out).toMatch(new RegExp(`anchor at entry ${n} ${anchor ? 'NOT MATCHED' : 'matched'}`));
  });

  test('the untouched journal matches its anchor', async () => {
    const ok = await irctl(original.caseDir, ['--anchor-bucket', BUCKET, '--case', 'IR-ANCHOR-2', 'verify']);
    expect(ok.code).toBe(0);
  });
});

test.each(['verify', 'report', 'release'])('%s on a case directory that does not exist: one error line naming the fix, exit 2 (a wrong --case or --case-dir), nothing created', async (command) => {
  const caseDir = join(mkdtempSync(join(tmpdir(), 'irctl-none-')), 'no-such-case');
  const { code, err, out } = await irctl(caseDir, [command]);
  expect(code).toBe(2);
  expect(err.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^irctl: ${command}: no case directory at .*no-such-case .*Fix: pass --case-dir`))]);
  expect(out).toBe('');
  expect(existsSync(caseDir)).toBe(false);
});

test('release on a directory without a journal: refused, nothing created', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-empty-'));
  const { code, err } = await irctl(caseDir, ['release']);
  expect(code).toBe(1);
  expect(err).toMatch(/release: .*journal.jsonl does not exist: no phase of case IR-ANCHOR-1 has run/);
  expect(existsSync(journalPath(caseDir))).toBe(false);
  expect(existsSync(join(caseDir, 'anchors.jsonl'))).toBe(false);
});

test.each([
  { args: ['contain-instances', '--instance', 'i-123'], message: /^irctl: --instance "i-123" is not an EC2 instance ID\. Fix: pass e\.g\. --instance i-0123456789abcdef0\.$/ },
  { args: ['contain-credentials', '--access-key', 'AKIA123'], message: /^irctl: --access-key "AKIA123" is not an access key ID\. Fix:/ },
  { args: ['validate', '--finding', 'not-a-finding', '--region', 'us-east-1'], message: /^irctl: --finding "not-a-finding" is not a GuardDuty finding ID\. Fix:/ },
  { args: ['validate', '--finding', '12c9f3a6e5b14d2f8a7b6c5d4e3f2a1b', '--region', 'mars-1'], message: /^irctl: --region "mars-1" is not an AWS region\. Fix:/ },
  { args: ['--account', '12345', 'verify'], message: /^irctl: --account "12345" is not a 12-digit AWS account ID\. Fix:/ },
])('a malformed ID ($args) is refused by format before any AWS call, in one line, exit 2', async ({ args, message }) => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-bad-'));
  let calls = 0;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'irctl', '--case', 'IR-BAD-1', '--no-assume', '--endpoint', moto.endpoint, '--regions', 'us-east-1', '--case-dir', caseDir, ...args], {
    stdout,
    stderr,
    hooks: { credentials: MOTO_CREDENTIALS, onClient: () => void calls++ },
  });
  expect(code).toBe(2);
  expect(err.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  expect(calls).toBe(0);
});
