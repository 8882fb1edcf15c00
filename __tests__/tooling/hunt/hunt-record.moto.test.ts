/**
 * What `hunt` leaves behind, through the command line against moto's Athena and S3: the --json
 * result carries each indicator class's outcome and the files written as data (not only as
 * progress text); every file of the run is journaled with its SHA-256 and the journal head is
 * anchored at the end of the hunt like any phase, so verify catches a changed or deleted hunt
 * file; a damaged journal stops the hunt before any query. Rows are seeded (moto runs no SQL).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ATHENA } from '../../../shared/names';
import { AwsClients } from '../../../tooling/aws/clients';
import { type CallRecord, recordCalls } from '../../../tooling/aws/record';
import { readLocalAnchors } from '../../../tooling/case/anchor';
import { journalPath, readJournal } from '../../../tooling/case/journal';
import { sha256Hex } from '../../../tooling/case/recorded-files';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../../support/moto';
import { runIrctl } from '../case-harness';
import { FLOW_COLUMNS, seedAthenaResults } from './athena-seed';

const REGION = 'us-east-1';
const BUCKET = 'ir-evidence-hunt-record-us-east-1';
const WINDOW = ['--since', '2026-11-01T00:00:00Z', '--until', '2026-12-01T00:00:00Z'];
const POOL_IP = '198.51.100.23';
const FLOW_ROW = ['2026-11-20 03:15:00.000', '666666666666', 'eu-west-1', 'vpc-0a1b2c3d4e5f60003', 'i-0def', 'eni-0def', '10.0.2.9', '40000', POOL_IP, '3333', '6', '10', '900', 'ACCEPT', 'egress'];
let moto: MotoServer;

beforeAll(async () => {
  moto = await workerMoto();
  const athena = new AthenaClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  // Another test file on this worker may have created it already.
  await athena.send(new CreateWorkGroupCommand({ Name: ATHENA.workgroup })).catch(() => undefined);
  await new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).s3(REGION).send(new CreateBucketCommand({ Bucket: BUCKET, ObjectLockEnabledForBucket: true }));
}, 60_000);

/** Each test has a case of its own: anchors of one case ID in the shared bucket would mix. */
function irctl(caseDir: string, args: string[], calls: CallRecord[] = []) {
  return runIrctl(moto.endpoint, ['--case', `IR-HUNT-${caseDir.slice(-6).toUpperCase().replace(/[^A-Z0-9]/g, 'X')}`, '--case-dir', caseDir, '--regions', REGION, '--anchor-bucket', BUCKET], args, { onClient: recordCalls(calls) });
}

/** Report text with Markdown escapes removed, to match plain sentences. */
const escapeless = (text: string): string => text.replace(/\\([\\`*_{}[\]()<>#+\-.!|])/g, '$1');

const HUNT = ['hunt', '--no-case-indicators', '--pool-ip', POOL_IP, '--user-data-sha256', 'b'.repeat(64)];

test('--json hunt: each indicator class\'s outcome and the files written are data in the result', async () => {
  await seedAthenaResults(moto.endpoint, REGION, [{ columns: FLOW_COLUMNS, rows: [FLOW_ROW] }]);
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-json-'));
  const run = await irctl(caseDir, ['--json', ...WINDOW, ...HUNT]);
  expect(run.code).toBe(0);
  const json = JSON.parse(run.out) as { files: string[]; hunt: { runDir: string; classes: Array<{ class: string }>; journalEntry: number } };
  const [runName] = readdirSync(join(caseDir, 'hunt'));
  const runDir = join(caseDir, 'hunt', runName!);
  expect(json.hunt).toEqual({
    runDir,
    window: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    athenaRegion: REGION,
    workgroup: ATHENA.workgroup,
    accountsOutsideCase: ['666666666666'],
    journalEntry: readJournal(caseDir).at(-1)!.seq,
    classes: [
      {
        class: 'pool-ip',
        label: 'mining-pool IPs',
        values: [POOL_IP],
        status: 'searched',
        table: 'vpc_flow_logs',
        rows: 1,
        truncated: false,
        accounts: ['666666666666'],
        queryExecutionId: expect.any(String),
        scannedBytes: expect.any(Number),
        csvFile: join(runDir, 'pool-ip.csv'),
        sqlFile: join(runDir, 'pool-ip.sql'),
      },
      { class: 'user-data-sha256', label: 'UserData SHA-256 hashes', values: ['b'.repeat(64)], status: 'not-searched', rows: 0, truncated: false, accounts: [], notSearched: expect.stringMatching(/sensitiveDataRemoved/) },
    ].sort((a, b) => json.hunt.classes.findIndex((c) => c.class === a.class) - json.hunt.classes.findIndex((c) => c.class === b.class)),
  });
  expect(json.files.sort()).toEqual([join(runDir, 'pool-ip.csv'), join(runDir, 'pool-ip.sql'), join(runDir, 'summary.json')]);
});

test('every file a hunt writes is journaled with its SHA-256 and the head anchored; verify catches a changed or a deleted hunt file', async () => {
  await seedAthenaResults(moto.endpoint, REGION, [{ columns: FLOW_COLUMNS, rows: [FLOW_ROW] }]);
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-rec-'));
  const run = await irctl(caseDir, [...WINDOW, ...HUNT]);
  expect(run.code).toBe(0);
  const [runName] = readdirSync(join(caseDir, 'hunt'));
  const rel = `hunt/${runName}`;
  const entry = readJournal(caseDir).at(-1)!;
  expect(entry).toMatchObject({ step: 'hunt/results', action: 'irctl:RecordHunt', target: rel, outcome: 'applied', reversible: false, request: { dir: rel } });
  const files = (entry.response as { files: Array<{ name: string; sha256: string; bytes: number }> }).files;
  expect(files.map((f) => f.name).sort()).toEqual(['pool-ip.csv', 'pool-ip.sql', 'summary.json']);
  for (const f of files) {
    const body = readFileSync(join(caseDir, rel, f.name));
    expect(f).toEqual({ name: f.name, sha256: sha256Hex(body), bytes: body.length });
  }
  const anchor = readLocalAnchors(caseDir).at(-1)!;
  expect(anchor).toMatchObject({ phase: 'hunt', seq: entry.seq, head: entry.hash, location: expect.stringMatching(new RegExp(`^s3://${BUCKET}/irctl-anchors/IR-HUNT-[A-Z0-9]{6}/\\d{8}-${entry.hash}-hunt\\.json$`)) });
  expect(run.out).toMatch(new RegExp(`journal head \\(entry ${entry.seq}\\) anchored at s3://${BUCKET}/`));

  const ok = await irctl(caseDir, ['verify']);
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(new RegExp(`anchor at entry ${entry.seq} matched; evidence: 0 instance\\(s\\) checked; 3 file\\(s\\) recorded in the journal re-hashed`));

  // A run folder no journal entry records (planted, or from an irctl that did not journal hunts) is pointed out.
  mkdirSync(join(caseDir, 'hunt', '20261130T000000.000Z'));
  writeFileSync(join(caseDir, 'hunt', '20261130T000000.000Z', 'pool-ip.csv'), 'account\r\n');
  const planted = await irctl(caseDir, ['verify']);
  expect(planted.code).toBe(0);
  expect(planted.err).toMatch(/^warning: hunt\/20261130T000000\.000Z is not recorded in the journal: no entry holds the hashes of its files, so verify cannot vouch for them \(a run of an irctl that did not journal hunts, or files put there by hand\)\. Treat its rows as unverified\.$/m);
  rmSync(join(caseDir, 'hunt', '20261130T000000.000Z'), { recursive: true });

  writeFileSync(join(caseDir, rel, 'pool-ip.csv'), 'flow_start\r\n');
  rmSync(join(caseDir, rel, 'summary.json'));
  const bad = await irctl(caseDir, ['verify']);
  expect(bad.code).toBe(1);
  const failed = bad.err.split('\n').filter((l) => l.startsWith('FAILED')).sort();
  expect(failed).toEqual([
    expect.stringMatching(new RegExp(`^FAILED verify/hunt ${rel}/pool-ip\\.csv: modified: ${rel}/pool-ip\\.csv: its SHA-256 is [0-9a-f]{12}…, but journal entry ${entry.seq} \\(hunt/results\\) records [0-9a-f]{12}…`)),
    expect.stringMatching(new RegExp(`^FAILED verify/hunt ${rel}/summary\\.json: missing: ${rel}/summary\\.json: the file is gone, but journal entry ${entry.seq} \\(hunt/results\\) records it .*What to do: restore it`)),
  ]);
});

test('report warns, on stderr and in the report, when a hunt file it quotes fails its recorded SHA-256', async () => {
  await seedAthenaResults(moto.endpoint, REGION, [{ columns: FLOW_COLUMNS, rows: [FLOW_ROW] }]);
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-rep-'));
  expect((await irctl(caseDir, [...WINDOW, ...HUNT])).code).toBe(0);
  const [runName] = readdirSync(join(caseDir, 'hunt'));
  const rel = `hunt/${runName}`;
  const clean = await irctl(caseDir, ['report']);
  expect(clean.code).toBe(0);
  expect(clean.err).not.toMatch(/SHA-256/);
  expect(readFileSync(join(caseDir, 'report.md'), 'utf8')).toContain('Seen in other accounts: 666666666666');

  // Hide the other account: the report must not quietly say there were no hits elsewhere.
  const summaryFile = join(caseDir, rel, 'summary.json');
  writeFileSync(summaryFile, readFileSync(summaryFile, 'utf8').replaceAll('666666666666', readJournal(caseDir)[0]!.caller.split(':')[4]!));
  const run = await irctl(caseDir, ['report']);
  expect(run.code).toBe(0);
  const entry = readJournal(caseDir).find((e) => e.action === 'irctl:RecordHunt')!;
  const warning = new RegExp(`${rel}/summary\\.json does not match its recorded SHA-256 \\(journal entry ${entry.seq} \\(hunt/results\\) records [0-9a-f]{12}…\\).*run irctl verify`);
  expect(run.err).toMatch(new RegExp(`^warning: report: ${warning.source}`, 'm'));
  const report = readFileSync(join(caseDir, 'report.md'), 'utf8');
  const hunt = report.split(/\n(?=## )/).find((s) => s.startsWith('## Org-wide hunt'))!;
  expect(hunt.split('\n\n')[1]).toMatch(/^\*\*WARNING: /);
  expect(escapeless(hunt)).toMatch(warning);
  expect(escapeless(report.split(/\n(?=## )/).find((s) => s.startsWith('## What remains manual'))!)).toMatch(new RegExp(`Hunt file ${warning.source}`));
});

test('a damaged journal stops the hunt before any query runs', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-damaged-'));
  mkdirSync(caseDir, { recursive: true });
  writeFileSync(journalPath(caseDir), 'not json\n');
  const calls: CallRecord[] = [];
  const run = await irctl(caseDir, [...WINDOW, ...HUNT], calls);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/journal\.jsonl fails verification \(entry 1: not a journal entry.*refusing to append/);
  expect(calls.filter((c) => c.action === 'athena:StartQueryExecution')).toEqual([]);
  expect(() => readdirSync(join(caseDir, 'hunt'))).toThrow();
});
