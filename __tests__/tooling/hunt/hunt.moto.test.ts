/**
 * The Athena query flow of `hunt` and `scope --source athena` against moto's Athena:
 * StartQueryExecution in the investigation workgroup, GetQueryExecution polled with backoff
 * (moto's state manager holds a query QUEUED/RUNNING for a set number of polls), StopQueryExecution
 * at the deadline, GetQueryResults. moto does not run SQL: tests seed the rows each query returns
 * through moto's `/moto-api/static/athena/query-results` endpoint (a queue, taken in the order
 * queries start), as a real Athena would answer them, header row first.
 *
 * moto cannot produce a FAILED query with Athena's reason, nor split results into pages: those two
 * cases are fed RECORDED responses (shapes from the Athena API reference) with aws-sdk-client-mock,
 * and their test names say so.
 */
import { captureOutput } from '../case-harness';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionStatus,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { ATHENA } from '../../../shared/names';
import { AwsClients } from '../../../tooling/aws/clients';
import { type CallRecord, recordCalls } from '../../../tooling/aws/record';
import { main } from '../../../tooling/cli';
import { runAthenaQuery } from '../../../tooling/hunt/athena';
import { hunt, type HuntSummary } from '../../../tooling/hunt/hunt';
import { huntQuery } from '../../../tooling/hunt/sql';
import type { Inventory } from '../../../tooling/model';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../../support/moto';
import { FakeClock } from '../../support/clocks';
import { CT_COLUMNS, FLOW_COLUMNS, seedAthenaResults, type SeededResult } from './athena-seed';

const REGION = 'us-east-1';
const TARGET = { workgroup: ATHENA.workgroup, database: ATHENA.database };
const window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };
let moto: MotoServer;

const seedResults = (results: readonly SeededResult[]) => seedAthenaResults(moto.endpoint, REGION, results);

/** Hold each query `polls` GetQueryExecution calls in QUEUED, then as many in RUNNING. */
async function holdQueries(polls: number | 'immediate'): Promise<void> {
  const transition = polls === 'immediate' ? { progression: 'immediate' } : { progression: 'manual', times: polls };
  await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, { method: 'POST', body: JSON.stringify({ model_name: 'athena::execution', transition }) });
}

function athenaClients(calls: CallRecord[], ids: string[] = []): AwsClients {
  return new AwsClients({
    endpoint: moto.endpoint,
    credentials: MOTO_CREDENTIALS,
    maxAttempts: 1,
    onClient: (client) => {
      recordCalls(calls)(client);
      // The execution IDs moto hands out, so a test can stop a running query.
      (client.middlewareStack as { add: (mw: unknown, o: { step: string }) => void }).add(
        (next: (a: unknown) => Promise<{ output: { QueryExecutionId?: string } }>) => async (args: unknown) => {
          const out = await next(args);
          if (out.output?.QueryExecutionId && !ids.includes(out.output.QueryExecutionId)) ids.push(out.output.QueryExecutionId);
          return out;
        },
        { step: 'initialize' },
      );
    },
  });
}

beforeAll(async () => {
  moto = await workerMoto();
  const athena = new AthenaClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  await athena.send(new CreateWorkGroupCommand({ Name: ATHENA.workgroup, Description: 'investigation workgroup (as the security-athena stack creates it)' }));
}, 60_000);
afterEach(async () => holdQueries('immediate'));

test('one query per kind in the workgroup, polled with backoff until done; rows, SQL and summary land in the case', async () => {
  await holdQueries(2);
  await seedResults([
    {
      columns: CT_COLUMNS,
      rows: [
        ['2026-11-20T03:12:09Z', '555555555555', 'us-east-1', 'ec2.amazonaws.com', 'RunInstances', 'arn:aws:iam::555555555555:user/svc-build', 'AKIAEXAMPLE000000001', '203.0.113.7', 'aws-cli/2.15.0', undefined, 'e1', '{"instancesSet":{"items":[{"imageId":"ami-0123456789abcdef0"}]}}'],
        ['2026-11-20T03:40:00Z', '666666666666', 'eu-west-1', 'ec2.amazonaws.com', 'RunInstances', 'arn:aws:iam::666666666666:user/ci', 'AKIAEXAMPLE000000001', '203.0.113.7', 'aws-cli/2.15.0, "quoted"', 'Client.UnauthorizedOperation', 'e2', '{}'],
      ],
    },
    { columns: FLOW_COLUMNS, rows: [['2026-11-20 03:15:00.000', '555555555555', 'us-east-1', 'vpc-0a1b2c3d4e5f60001', 'i-0abc', 'eni-0abc', '10.0.1.5', '43512', '198.51.100.23', '3333', '6', '120', '64000', 'ACCEPT', 'egress']] },
  ]);
  const calls: CallRecord[] = [];
  const clock = new FakeClock(Date.parse('2026-12-01T00:05:00Z'));
  const pauses = clock.sleeps;
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-'));
  const summary = await hunt({
    caseId: 'IR-HUNT-1',
    caseAccountId: '555555555555',
    caseDir,
    indicators: { 'access-key': ['AKIAEXAMPLE000000001'], 'pool-ip': ['198.51.100.23'], 'user-data-sha256': ['a'.repeat(64)] },
    window,
    athena: athenaClients(calls).athena(REGION),
    athenaRegion: REGION,
    target: TARGET,
    concurrency: 1,
    clock,
  });

  const starts = calls.filter((c) => c.action === 'athena:StartQueryExecution').map((c) => c.input);
  expect(starts).toEqual([
    { QueryString: huntQuery('access-key', ['AKIAEXAMPLE000000001'], window, 10_000)!.sql, WorkGroup: 'ir-investigations', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'ir_logs' } },
    { QueryString: huntQuery('pool-ip', ['198.51.100.23'], window, 10_000)!.sql, WorkGroup: 'ir-investigations', QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'ir_logs' } },
  ]);
  // QUEUED for 2 polls, RUNNING for 2: three pauses per query, each 1.5 times the last.
  expect(pauses).toEqual([500, 750, 1125, 500, 750, 1125]);
  expect(calls.filter((c) => c.action === 'athena:GetQueryExecution')).toHaveLength(8);

  expect(summary.runDir).toBe('hunt/20261201T000500.000Z');
  const run = join(caseDir, summary.runDir);
  const csv = readFileSync(join(run, 'access-key.csv'), 'utf8').split('\r\n');
  expect(csv[0]).toBe(CT_COLUMNS.join(','));
  expect(csv).toHaveLength(4); // header, two rows, final line break: the header row Athena returns is not repeated
  expect(csv[2]).toContain('"aws-cli/2.15.0, ""quoted"""');
  expect(readFileSync(join(run, 'access-key.sql'), 'utf8')).toContain("useridentity.accesskeyid IN ('AKIAEXAMPLE000000001')");

  const saved = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as HuntSummary;
  expect(saved).toEqual(summary);
  const byClass = Object.fromEntries(summary.results.map((r) => [r.cls, r]));
  expect(byClass['access-key']).toMatchObject({ rows: 2, accounts: ['555555555555', '666666666666'], table: 'cloudtrail', csvFile: 'hunt/20261201T000500.000Z/access-key.csv', truncated: false });
  expect(byClass['pool-ip']).toMatchObject({ rows: 1, accounts: ['555555555555'], table: 'vpc_flow_logs' });
  expect(byClass['user-data-sha256']).toMatchObject({ rows: 0, notSearched: expect.stringMatching(/sensitiveDataRemoved/) });
});

test('a query cancelled while it runs is reported with its state and the fix; the other kinds still run', async () => {
  await holdQueries(3);
  const ids: string[] = [];
  const calls: CallRecord[] = [];
  const clients = athenaClients(calls, ids);
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-'));
  let stopped = false;
  const summary = await hunt({
    caseId: 'IR-HUNT-2',
    caseAccountId: '555555555555',
    caseDir,
    indicators: { 'source-ip': ['203.0.113.7'], 'pool-domain': ['pool.example.com'] },
    window,
    athena: clients.athena(REGION),
    athenaRegion: REGION,
    target: TARGET,
    concurrency: 1,
    clock: {
      now: () => Date.parse('2026-12-01T00:05:00Z'),
      sleep: async () => {
        // Someone stops the first query in the console while irctl waits for it.
        if (!stopped) await clients.athena(REGION).send(new StopQueryExecutionCommand({ QueryExecutionId: ids[0] }));
        stopped = true;
      },
    },
  });
  const [ip, domain] = summary.results;
  expect(ip).toMatchObject({ cls: 'source-ip', rows: 0, queryExecutionId: ids[0] });
  expect(ip.error).toBe(`Athena query ${ids[0]} CANCELLED: Athena gave no reason. Fix: someone or something stopped it: rerun the command.`);
  expect(domain).toMatchObject({ cls: 'pool-domain', table: 'resolver_query_logs', rows: 0, csvFile: `${summary.runDir}/pool-domain.csv` });
  expect(domain.error).toBeUndefined();
});

test('a query still running at the deadline is stopped, and the error says how to narrow it', async () => {
  await holdQueries(1000);
  const calls: CallRecord[] = [];
  const run = runAthenaQuery(athenaClients(calls).athena(REGION), 'SELECT 1', TARGET, { timeoutMs: 10_000, clock: new FakeClock() });
  await expect(run).rejects.toThrow(/was still (QUEUED|RUNNING) at the deadline and was stopped\. Fix: narrow --since\/--until, or allow longer with --query-timeout <minutes>\./);
  const stop = calls.find((c) => c.action === 'athena:StopQueryExecution');
  expect(stop).toBeDefined();
  const state = await new AthenaClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).send(new GetQueryExecutionCommand({ QueryExecutionId: stop!.input.QueryExecutionId as string }));
  expect(state.QueryExecution?.Status?.State).toBe('CANCELLED');
});

describe('RECORDED Athena responses (aws-sdk-client-mock: moto cannot fail a query or page results)', () => {
  // Mocked only inside this block: mockClient patches every AthenaClient until restored.
  let athena: ReturnType<typeof mockClient>;
  beforeAll(() => {
    athena = mockClient(AthenaClient);
  });
  afterEach(() => athena.reset());
  afterAll(() => athena.restore());

  test.each<{ name: string; status: QueryExecutionStatus; message: RegExp }>([
    {
      name: 'table missing (FAILED, user error)',
      status: { State: 'FAILED', StateChangeReason: "TABLE_NOT_FOUND: line 12:6: Table 'awsdatacatalog.ir_logs.resolver_query_logs' does not exist", AthenaError: { ErrorCategory: 2, ErrorType: 1301, Retryable: false } },
      message: /FAILED \(user error\): TABLE_NOT_FOUND.*does not exist\. Fix: the table or database is missing: deploy the security-athena stack/,
    },
    {
      name: 'bytes-scanned cutoff (CANCELLED)',
      status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled! -- Bytes scanned limit was exceeded' },
      message: /CANCELLED: Query cancelled! -- Bytes scanned limit was exceeded\. Fix: the workgroup's bytes-scanned cutoff stopped it: narrow --since\/--until/,
    },
  ])('RECORDED $name: Athena\'s reason and the fix', async ({ status, message }) => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: status } });
    await expect(runAthenaQuery(new AthenaClient({ region: REGION }), 'SELECT 1', TARGET)).rejects.toThrow(message);
  });

  test('RECORDED pages: every GetQueryResults page is read; only the first page\'s header row is dropped', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-2', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1234 } } });
    const row = (...v: string[]) => ({ Data: v.map((x) => ({ VarCharValue: x })) });
    const meta = { ColumnInfo: [{ Name: 'account', Label: 'account', Type: 'varchar' }, { Name: 'n', Label: 'n', Type: 'varchar' }] };
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-2', NextToken: undefined })
      .resolves({ ResultSet: { ResultSetMetadata: meta, Rows: [row('account', 'n'), row('1', 'a')] }, NextToken: 't1' })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-2', NextToken: 't1' })
      // A data row that happens to read like the header is data: kept.
      .resolves({ ResultSet: { ResultSetMetadata: meta, Rows: [row('account', 'n'), row('2', 'b')] }, NextToken: 't2' })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-2', NextToken: 't2' })
      .resolves({ ResultSet: { ResultSetMetadata: meta, Rows: [row('3', 'c')] } });
    const out = await runAthenaQuery(new AthenaClient({ region: REGION }), 'SELECT 1', TARGET);
    expect(out).toMatchObject({ columns: ['account', 'n'], rows: [['1', 'a'], ['account', 'n'], ['2', 'b'], ['3', 'c']], scannedBytes: 1234 });
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.MaxResults)).toEqual([1000, 1000, 1000]);
  });
});

async function irctl(args: string[], caseDir: string) {
  const io = captureOutput();
  const { stdout, stderr } = io;
  const calls: CallRecord[] = [];
  const code = await main(['node', 'irctl', '--case', 'IR-HUNT-CLI', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', REGION, ...args], {
    stdout,
    stderr,
    hooks: { credentials: MOTO_CREDENTIALS, onClient: recordCalls(calls) },
  });
  return { code, out: io.out, err: io.err, calls };
}

describe('through the command line', () => {
  test('hunt writes the CSV and the summary; the report shows hits outside the case account', async () => {
    await seedResults([{ columns: FLOW_COLUMNS, rows: [['2026-11-20 03:15:00.000', '666666666666', 'eu-west-1', 'vpc-0a1b2c3d4e5f60003', 'i-0def', 'eni-0def', '10.0.2.9', '40000', '198.51.100.23', '3333', '6', '10', '900', 'ACCEPT', 'egress']] }]);
    const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-cli-'));
    const run = await irctl(['--since', '2026-11-01T00:00:00Z', '--until', '2026-12-01T00:00:00Z', 'hunt', '--no-case-indicators', '--pool-ip', '198.51.100.23', '--user-data-sha256', 'B'.repeat(64)], caseDir);
    expect(run.err).toMatch(/user-data-sha256 .* not searched: CloudTrail records UserData as <sensitiveDataRemoved>/);
    expect(run.err).toMatch(/indicators seen in other accounts: 666666666666/);
    expect(run.code).toBe(0);
    expect(run.calls.map((c) => c.action)).toEqual(expect.arrayContaining(['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults']));
    const [runDir] = readdirSync(join(caseDir, 'hunt'));
    expect(readFileSync(join(caseDir, 'hunt', runDir!, 'pool-ip.csv'), 'utf8')).toContain('666666666666,eu-west-1,vpc-0a1b2c3d4e5f60003,i-0def');
    // A second hunt keeps the first one's files: both runs are in the report.
    const again = await irctl(['hunt', '--no-case-indicators', '--source-ip', '203.0.113.7'], caseDir);
    expect(again.code).toBe(0);
    expect(readdirSync(join(caseDir, 'hunt'))).toHaveLength(2);
    const report = await irctl(['report'], caseDir);
    expect(report.code).toBe(0);
    const md = readFileSync(join(caseDir, 'report.md'), 'utf8');
    expect(md).toContain('## Org-wide hunt');
    expect(md).toContain('**Seen in other accounts: 666666666666.**');
    expect(md).toMatch(/\| mining-pool IPs \| 198\.51\.100\.23 \| vpc\\_flow\\_logs \| 1 \| 666666666666 \| hunt/);
    expect(md.match(/^### Hunt of /gm)).toHaveLength(2);
    // The follow-ups are in "What remains manual".
    const manual = md.slice(md.indexOf('## What remains manual'));
    expect(manual).toContain('- Indicators of this case were seen in account 666666666666: open a case for it (validate, scope) before containing there');
    expect(manual).toMatch(/- Not searched by hunt, UserData SHA-256 hashes \(b{64}\): CloudTrail records UserData as/);
  });

  test.each([
    { name: 'a malformed indicator', args: ['hunt', '--ami', 'ami-xyz', '--pool-ip', '1.2.3'], message: /^irctl: --ami "ami-xyz" is not an AMI ID.*; --pool-ip "1\.2\.3" is not an IPv4 or IPv6 address.*Fix: correct or drop these values; nothing was queried\.\n$/ },
    { name: 'nothing to hunt', args: ['hunt', '--no-case-indicators'], message: /^irctl: Nothing to hunt for\. Fix: pass indicators \(--access-key/ },
    { name: 'a bad --max-rows', args: ['hunt', '--pool-ip', '1.2.3.4', '--max-rows', '0'], message: /^irctl: --max-rows "0" is not a whole number from 1 to 1000000\. Fix: e\.g\. --max-rows 10000\.\n$/ },
  ])('$name: one error line with the fix, exit 2 (bad command line), no Athena call, nothing written', async ({ args, message }) => {
    const caseDir = join(mkdtempSync(join(tmpdir(), 'irctl-hunt-bad-')), 'case');
    const run = await irctl(args, caseDir);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.calls.filter((c) => c.action.startsWith('athena:'))).toEqual([]);
    expect(() => readdirSync(join(caseDir, 'hunt'))).toThrow();
  });

  test('no workgroup where the hunt looks: the error names the region, the account the query really ran in (the caller with --no-assume) and the fix', async () => {
    const caseDir = mkdtempSync(join(tmpdir(), 'irctl-hunt-wg-'));
    const run = await irctl(['hunt', '--pool-ip', '1.2.3.4', '--athena-region', 'eu-west-1'], caseDir);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^irctl: Athena workgroup ir-investigations does not exist in eu-west-1 of account 123456789012\. Fix: deploy the security-athena stack, or pass --athena-region/);
    expect(run.calls.filter((c) => c.action === 'athena:StartQueryExecution')).toEqual([]);
  });

  test('scope --source athena --principal <role ARN>: the role\'s sessions are matched by their issuer; an AssumeRole target is recorded as attacker-tied', async () => {
    const columns = ['eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'username', 'access_key_id', 'principal_arn', 'sourceipaddress', 'useragent', 'errorcode', 'requestparameters', 'responseelements'];
    const role = 'arn:aws:iam::123456789012:role/ops-automation';
    const session = 'arn:aws:sts::123456789012:assumed-role/ops-automation/nightly-sync';
    await seedResults([
      {
        columns,
        rows: [
          ['rs-1', '2026-06-02T10:00:00Z', 'ec2.amazonaws.com', 'DescribeInstances', 'us-east-1', '123456789012', undefined, 'ASIAEXAMPLE000000009', session, '203.0.113.7', 'aws-cli/2.15.0', undefined, '{}', undefined],
          ['rs-2', '2026-06-02T10:01:00Z', 'sts.amazonaws.com', 'AssumeRole', 'us-east-1', '123456789012', undefined, 'ASIAEXAMPLE000000009', session, '203.0.113.7', 'aws-cli/2.15.0', undefined, '{"roleArn":"arn:aws:iam::123456789012:role/db-admin","roleSessionName":"x"}', '{}'],
        ],
      },
    ]);
    const caseDir = mkdtempSync(join(tmpdir(), 'irctl-scope-role-'));
    const run = await irctl(['--since', '2026-05-01T00:00:00Z', '--until', '2026-12-01T00:00:00Z', 'scope', '--source', 'athena', '--principal', role], caseDir);
    const [first] = run.calls.filter((c) => c.action === 'athena:StartQueryExecution').map((c) => c.input.QueryString as string);
    expect(first).toContain(`useridentity.sessioncontext.sessionissuer.arn IN ('${role}')`);
    const inventory = JSON.parse(readFileSync(join(caseDir, 'inventory.json'), 'utf8')) as Inventory;
    expect(inventory.events.map((e) => e.eventId)).toEqual(['rs-1', 'rs-2']);
    expect(inventory.attributions?.filter((a) => a.kind === 'iam-role')).toEqual([
      expect.objectContaining({ id: 'arn:aws:iam::123456789012:role/db-admin', basis: 'cloudtrail', eventId: 'rs-2', reason: expect.stringContaining('AssumeRole') }),
    ]);
  });

  test('scope --source athena: the attacker events come from the organization trail, other accounts included', async () => {
    const columns = ['eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'username', 'access_key_id', 'principal_arn', 'sourceipaddress', 'useragent', 'errorcode', 'requestparameters', 'responseelements'];
    await seedResults([
      {
        columns,
        rows: [
          ['ev-1', '2026-06-02T10:00:00Z', 'iam.amazonaws.com', 'CreateUser', 'us-east-1', '123456789012', 'svc-build', 'AKIAEXAMPLE000000001', 'arn:aws:iam::123456789012:user/svc-build', '203.0.113.7', 'aws-cli/2.15.0', undefined, '{"userName":"backdoor-admin"}', '{"user":{"userName":"backdoor-admin"}}'],
          ['ev-2', '2026-06-02T10:05:00Z', 's3.amazonaws.com', 'GetObject', 'eu-west-1', '666666666666', 'svc-build', 'AKIAEXAMPLE000000001', 'arn:aws:iam::123456789012:user/svc-build', '203.0.113.7', 'aws-cli/2.15.0', 'AccessDenied', '{"bucketName":"payroll"}', undefined],
        ],
      },
    ]);
    const caseDir = mkdtempSync(join(tmpdir(), 'irctl-scope-athena-'));
    // Six months back: past LookupEvents' 90 days, which Athena does not have.
    const run = await irctl(['--since', '2026-05-01T00:00:00Z', '--until', '2026-12-01T00:00:00Z', 'scope', '--source', 'athena', '--access-key', 'AKIAEXAMPLE000000001'], caseDir);
    expect(run.calls.filter((c) => c.action === 'cloudtrail:LookupEvents')).toEqual([]);
    const start = run.calls.filter((c) => c.action === 'athena:StartQueryExecution');
    // One query for the key, then one for the backdoor user it created (moto returns no rows for that one).
    expect(start.map((c) => c.input.QueryString as string)).toEqual([expect.stringContaining("useridentity.accesskeyid IN ('AKIAEXAMPLE000000001')"), expect.stringContaining("useridentity.username IN ('backdoor-admin')")]);
    const inventory = JSON.parse(readFileSync(join(caseDir, 'inventory.json'), 'utf8')) as Inventory;
    expect(inventory.events.map((e) => [e.eventId, e.accountId, e.region, e.eventName])).toEqual([
      ['ev-1', '123456789012', 'us-east-1', 'CreateUser'],
      ['ev-2', '666666666666', 'eu-west-1', 'GetObject'],
    ]);
    expect(inventory.failures.filter((f) => /horizon/.test(f.message))).toEqual([]);
    // The report's timeline names the other account.
    expect((await irctl(['report'], caseDir)).code).toBe(0);
    expect(readFileSync(join(caseDir, 'report.md'), 'utf8')).toMatch(/\| CloudTrail, account 666666666666 \| eu-west-1 \| GetObject \(s3\.amazonaws\.com\)/);
  });
});
