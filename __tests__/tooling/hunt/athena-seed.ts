/**
 * Rows for moto's Athena: moto does not run SQL, so tests queue the result sets the next
 * queries return through `/moto-api/static/athena/query-results` (taken in the order queries
 * start), header row first, as a real Athena answers a SELECT.
 */

/** One queued result set. */
export interface SeededResult {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | undefined>>;
}

/** Columns of the hunt's CloudTrail queries. */
export const CT_COLUMNS = ['eventtime', 'account', 'awsregion', 'eventsource', 'eventname', 'principal_arn', 'access_key_id', 'sourceipaddress', 'useragent', 'errorcode', 'eventid', 'requestparameters'];
/** Columns of the hunt's Flow Logs queries. */
export const FLOW_COLUMNS = ['flow_start', 'account', 'region', 'vpc_id', 'instance_id', 'interface_id', 'srcaddr', 'srcport', 'dstaddr', 'dstport', 'protocol', 'packets', 'bytes', 'action', 'flow_direction'];

/** Queue the rows the next queries in `region` return, each with its header row. */
export async function seedAthenaResults(endpoint: string, region: string, results: readonly SeededResult[]): Promise<void> {
  const cell = (v: string | undefined) => (v === undefined ? {} : { VarCharValue: v });
  const body = {
    region,
    results: results.map((r) => ({
      column_info: r.columns.map((c) => ({ Name: c, Label: c, Type: 'varchar' })),
      rows: [r.columns, ...r.rows].map((row) => ({ Data: row.map(cell) })),
    })),
  };
  const res = await fetch(`${endpoint}/moto-api/static/athena/query-results`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (res.status !== 201) throw new Error(`moto refused the seeded Athena results: HTTP ${res.status}`);
}
