/**
 * Journal anchoring and bad case paths, through the command line against moto (S3 included):
 * each phase anchors the chain head in an Object Lock bucket; verify catches a cut, deleted or
 * rewritten journal by comparing with it; verify, report and release on a case that does not
 * exist fail with the fix and create nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AwsClients } from '../../tooling/aws/clients';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { anchorKey } from '../../tooling/case/anchor';
import { journalPath, readJournal } from '../../tooling/case/journal';
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
  expect(keys).toContain(anchorKey('IR-ANCHOR-1', last.seq, last.hash));
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

test('verify detects a truncated, a rewritten and a deleted journal against the anchor', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-anchor-'));
  expect((await irctl(caseDir, ['--anchor-bucket', BUCKET, '--case', 'IR-ANCHOR-2', 'contain-instances', '--instance', plain()])).code).toBe(0);
  const verify = () => irctl(caseDir, ['--anchor-bucket', BUCKET, '--case', 'IR-ANCHOR-2', 'verify']);
  const original = readFileSync(journalPath(caseDir), 'utf8');
  const lines = original.trimEnd().split('\n');

  // Cut the tail: the chain of what is left still checks, only the anchor shows the loss.
  writeFileSync(journalPath(caseDir), lines.slice(0, -2).join('\n') + '\n');
  const cut = await verify();
  expect(cut.code).toBe(1);
  expect(cut.err).toMatch(new RegExp(`the journal has ${lines.length - 2} entries, but s3://${BUCKET}/irctl-anchors/IR-ANCHOR-2/.* anchors entry ${lines.length}: it was truncated \\(2 entries missing\\)`));

  rmSync(journalPath(caseDir));
  const deleted = await verify();
  expect(deleted.code).toBe(1);
  expect(deleted.err).toMatch(/the journal is missing or empty, but .* anchors \d+ entries: it was deleted or emptied/);

  writeFileSync(journalPath(caseDir), original);
  expect((await verify()).code).toBe(0);
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
