/**
 * Every saved IR query parses as Trino SQL (Athena engine v3), reads a table we define, prunes
 * partitions by date, and is published as a named query. The parser runs on known-bad SQL too,
 * so a harness that stopped parsing would fail here rather than pass everything.
 */
import { CLOUDTRAIL_COLUMNS, PARTITION_KEYS } from '../../stacks/detection/athena-tables';
import { DNS_QUERY_LOG_COLUMNS, DNS_QUERY_LOG_PARTITION_KEYS } from '../../stacks/detection/dns-query-logs';
import { FLOW_LOG_FIELDS } from '../../stacks/plumbing/flow-log-format';
import { DETECTION } from '../../shared/addresses';
import { loadSavedQueries } from '../../stacks/detection/queries';
import { exampleConfig, resourcesOf, stackOf, synthDetection } from './support/detection';
import { validateTrino } from './support/trino';

const queries = loadSavedQueries();

/** Known-invalid statements, each in a way the public course versions got wrong. */
const INVALID = [
  { name: 'bad:dangling-and', sql: "SELECT eventname FROM cloudtrail WHERE eventname = 'RunInstances' AND" },
  { name: 'bad:missing-comma', sql: 'SELECT eventname awsregion useragent FROM cloudtrail' },
  { name: 'bad:group-by-missing', sql: 'SELECT eventname, count(*) FROM cloudtrail GROUP eventname' },
  { name: 'bad:double-quoted-string-in-in', sql: 'SELECT * FROM cloudtrail WHERE eventname IN (\'A\',, \'B\')' },
];

let errors: Record<string, string[]>;
beforeAll(() => {
  errors = validateTrino([...queries.map((q) => ({ name: q.name, sql: q.sql })), ...INVALID]);
});

test('at least 12 saved queries, one per indicator', () => {
  expect(queries.length).toBeGreaterThanOrEqual(12);
  expect(new Set(queries.map((q) => q.name)).size).toBe(queries.length);
});

test.each(queries.map((q) => [q.name, q] as const))('%s parses as Trino SQL', (name) => {
  expect(errors[name]).toEqual([]);
});

test.each(INVALID.map((q) => [q.name] as const))('the parser rejects %s', (name) => {
  expect(errors[name]!.length).toBeGreaterThan(0);
});

const TABLE_COLUMNS: Record<string, Set<string>> = {
  [DETECTION.cloudtrailTable]: new Set([...CLOUDTRAIL_COLUMNS, ...PARTITION_KEYS].map((c) => c.name)),
  [DETECTION.flowLogsTable]: new Set([...FLOW_LOG_FIELDS.map((f) => f.column), ...PARTITION_KEYS.map((k) => k.name)]),
  [DETECTION.dnsQueryLogsTable]: new Set([...DNS_QUERY_LOG_COLUMNS, ...DNS_QUERY_LOG_PARTITION_KEYS].map((c) => c.name)),
};

test.each(queries.map((q) => [q.name, q] as const))('%s reads our tables and prunes by log_date', (_, q) => {
  const code = q.sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
  const ctes = new Set([...code.matchAll(/\b(\w+)\s+AS\s*\(/gi)].map((m) => m[1]!));
  const tables = [...code.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)].map((m) => m[1]!).filter((t) => !ctes.has(t) && t.toUpperCase() !== 'UNNEST');
  expect(tables.length).toBeGreaterThan(0);
  for (const table of tables) expect(Object.keys(TABLE_COLUMNS)).toContain(table);
  expect(q.sql).toMatch(/\blog_date\s*>=/);
  // Struct heads (`x.y`) must be a column of a table the query reads, or an alias it declares
  // (a table alias, an UNNEST element, a lambda parameter).
  const aliases = [
    ...[...code.matchAll(/\b(?:FROM|JOIN)\s+\w+\s+(?:AS\s+)?([a-z]\w*)\b/gi)].map((m) => m[1]!),
    ...[...code.matchAll(/\bAS\s+\w+\s*\((\w+)\)/gi)].map((m) => m[1]!),
    ...[...code.matchAll(/\b(\w+)\s*->/g)].map((m) => m[1]!),
  ];
  const known = new Set([...tables.flatMap((t) => [...TABLE_COLUMNS[t]!]), ...aliases]);
  const structHeads = [...code.matchAll(/(?<![.\w])([a-z_]+)\.[a-z]/g)].map((m) => m[1]!);
  for (const head of structHeads) expect(known).toContain(head);
});

test('every query is a named query in the workgroup and database, its SQL escaped for Terraform', () => {
  const athena = stackOf(synthDetection(exampleConfig()).stacks, 'security-athena');
  const named = new Map(resourcesOf(athena, 'aws_athena_named_query').map(([, q]) => [q.name as string, q]));
  expect([...named.keys()].sort()).toEqual(queries.map((q) => q.name).sort());
  for (const q of queries) {
    const published = named.get(q.name);
    expect(published.workgroup).toMatch(/aws_athena_workgroup\.workgroup\.name/);
    expect(published.database).toMatch(/aws_glue_catalog_database\.database\.name/);
    expect(published.description).toBe(q.sql.split('\n')[0]!.slice(3));
    // Terraform un-escapes `$${` / `%%{`; what Athena receives must be the file's text.
    expect((published.query as string).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(q.sql);
  }
});
