/**
 * One Athena query from start to rows: StartQueryExecution in the investigation workgroup,
 * GetQueryExecution until it ends (backing off), then every GetQueryResults page. A query that
 * fails, is cancelled or outruns its deadline becomes an error carrying Athena's reason and the
 * fix a responder can apply.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { errorMessage } from '../aws/errors';
import { systemClock, type Clock } from '../clock';

/** Where queries run. */
export interface AthenaTarget {
  readonly workgroup: string;
  readonly database: string;
  /** @default AwsDataCatalog */
  readonly catalog?: string;
}

/** Polling and paging settings; tests pass a clock whose sleeps return at once. */
export interface QueryOptions {
  /** Deadline and poll pauses. @default systemClock */
  readonly clock?: Clock;
  /** Give up (and stop the query) after this long. @default 15 minutes */
  readonly timeoutMs?: number;
  /** First pause between polls; each next one is 1.5 times longer. @default 500 */
  readonly firstPollMs?: number;
  /** @default 5000 */
  readonly maxPollMs?: number;
  /** Rows per GetQueryResults page (Athena allows up to 1000). @default 1000 */
  readonly pageSize?: number;
}

/** A finished query's rows, all values as Athena returns them (strings; NULL as undefined). */
export interface QueryRows {
  readonly queryExecutionId: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | undefined>>;
  readonly scannedBytes?: number;
  /** Where the workgroup wrote the full result CSV. */
  readonly outputLocation?: string;
}

/** A query Athena did not finish. */
export class AthenaQueryError extends Error {
  constructor(
    message: string,
    readonly queryExecutionId?: string,
    readonly state?: string,
  ) {
    super(message);
    this.name = 'AthenaQueryError';
  }
}

const FIXES: ReadonlyArray<{ readonly pattern: RegExp; readonly fix: string }> = [
  { pattern: /bytes scanned|BytesScannedCutoff|cutoff/i, fix: 'the workgroup\'s bytes-scanned cutoff stopped it: narrow --since/--until, or raise athena.bytesScannedCutoff in the org config and redeploy' },
  { pattern: /TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|does not exist|not found/i, fix: 'the table or database is missing: deploy the security-athena stack (it creates the ir_logs tables), and point --athena-region at the home region' },
  { pattern: /Access ?Denied|not authori[sz]ed|Forbidden|KMS/i, fix: 'access was refused: run as SecurityAnalyst of the security account, and check that the log-archive bucket and key policies let the security account read' },
  { pattern: /HIVE_BAD_DATA|HIVE_CURSOR_ERROR|JSON/i, fix: 'a log object could not be read: rerun; if it repeats, exclude the day with --since/--until and report the object key Athena names' },
  { pattern: /SYNTAX_ERROR|mismatched input|COLUMN_NOT_FOUND/i, fix: 'the table does not have the columns irctl expects: redeploy the security-athena stack from this version of the project' },
  { pattern: /cancel/i, fix: 'someone or something stopped it: rerun the command' },
];

/** The responder's fix for an Athena failure reason. */
export function athenaFix(reason: string): string {
  return FIXES.find((f) => f.pattern.test(reason))?.fix ?? 'open the execution in the Athena console for details, then rerun';
}

function failure(execution: QueryExecution): AthenaQueryError {
  const status = execution.Status;
  const state = status?.State ?? 'UNKNOWN';
  const error = status?.AthenaError;
  const reason = status?.StateChangeReason ?? error?.ErrorMessage ?? 'Athena gave no reason';
  const category = error?.ErrorCategory === 1 ? 'system error' : error?.ErrorCategory === 2 ? 'user error' : error?.ErrorCategory === 3 ? 'other error' : undefined;
  return new AthenaQueryError(
    `Athena query ${execution.QueryExecutionId} ${state}${category ? ` (${category}${error?.Retryable ? ', retryable' : ''})` : ''}: ${reason}. Fix: ${athenaFix(`${reason} ${state}`)}.`,
    execution.QueryExecutionId,
    state,
  );
}

/** Run `sql` to completion and return every row. */
export async function runAthenaQuery(client: AthenaClient, sql: string, target: AthenaTarget, opts: QueryOptions = {}): Promise<QueryRows> {
  const clock = opts.clock ?? systemClock;
  let started;
  try {
    started = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: target.workgroup,
        QueryExecutionContext: { Catalog: target.catalog ?? 'AwsDataCatalog', Database: target.database },
      }),
    );
  } catch (error) {
    const message = errorMessage(error);
    throw new AthenaQueryError(`Athena refused to start the query in workgroup ${target.workgroup}: ${message}. Fix: ${athenaFix(message)}.`);
  }
  const id = started.QueryExecutionId;
  if (!id) throw new AthenaQueryError('Athena StartQueryExecution returned no execution ID');

  const deadline = clock.now() + (opts.timeoutMs ?? 15 * 60_000);
  let pause = opts.firstPollMs ?? 500;
  let execution: QueryExecution | undefined;
  for (;;) {
    execution = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
    const state = execution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') throw failure(execution ?? { QueryExecutionId: id });
    if (clock.now() + pause > deadline) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
      throw new AthenaQueryError(
        `Athena query ${id} was still ${state ?? 'running'} at the deadline and was stopped. Fix: narrow --since/--until, or allow longer with --query-timeout <minutes>.`,
        id,
        state,
      );
    }
    await clock.sleep(pause);
    pause = Math.min(pause * 1.5, opts.maxPollMs ?? 5000);
  }

  const rows: Array<Array<string | undefined>> = [];
  let columns: string[] = [];
  let NextToken: string | undefined;
  let first = true;
  do {
    const page = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: opts.pageSize ?? 1000, NextToken }));
    if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name ?? '');
    const values = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue));
    // A SELECT's first row is the header (the column labels); skip it, and only it.
    if (first && values.length && columns.length && values[0].length === columns.length && values[0].every((v, i) => v === columns[i])) values.shift();
    rows.push(...values);
    NextToken = page.NextToken;
    first = false;
  } while (NextToken);
  return {
    queryExecutionId: id,
    columns,
    rows,
    scannedBytes: execution?.Statistics?.DataScannedInBytes,
    outputLocation: execution?.ResultConfiguration?.OutputLocation,
  };
}
