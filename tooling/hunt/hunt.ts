/**
 * The org-wide hunt: the indicators found in one account, searched in every account and region
 * of the organization's logs through Athena, one query per kind of indicator. Each kind's rows
 * land in the case as CSV beside the exact SQL that produced them; a summary (hunt/summary.json)
 * feeds the report. A kind that fails is recorded with its reason; the others still run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AthenaClient } from '@aws-sdk/client-athena';
import pLimit from 'p-limit';
import type { IndicatorClass } from '../model';
import { currentDate, systemClock, type Clock } from '../clock';
import { type AthenaTarget, type QueryOptions, runAthenaQuery } from './athena';
import { INDICATOR_CLASSES, type IndicatorSet } from './indicators';
import { huntQuery, UNSEARCHABLE, type Window } from './sql';

/** Sub-directory of the case directory holding the hunts, one folder per run (UTC time it started). */
export const HUNT_DIR = 'hunt';

/** `hunt/<yyyyMMddTHHmmss.SSSZ>`: a later hunt never overwrites an earlier one's evidence. */
export function huntRunDir(at: Date): string {
  return `${HUNT_DIR}/${at.toISOString().replace(/[-:]/g, '')}`;
}

/** What one kind of indicator found. */
export interface HuntClassResult {
  readonly cls: IndicatorClass;
  readonly values: readonly string[];
  readonly table?: string;
  readonly queryExecutionId?: string;
  readonly rows: number;
  /** True when the row limit was reached: there may be more. */
  readonly truncated: boolean;
  /** Accounts with at least one hit (from the `account` partition). */
  readonly accounts: readonly string[];
  readonly scannedBytes?: number;
  /** Case-relative paths (inside the run's folder). */
  readonly csvFile?: string;
  readonly sqlFile?: string;
  /** Why the kind has no rows to show: a failed query, or logs that cannot hold it. */
  readonly error?: string;
  readonly notSearched?: string;
}

/** hunt/<run>/summary.json. */
export interface HuntSummary {
  readonly caseId: string;
  /** Case-relative folder of this run. */
  readonly runDir: string;
  readonly generatedAt: string;
  readonly window: { readonly start: string; readonly end: string };
  readonly workgroup: string;
  readonly athenaRegion: string;
  /** The account the case is about: hits elsewhere are the news. */
  readonly caseAccountId: string;
  readonly results: readonly HuntClassResult[];
}

export interface HuntInput {
  readonly caseId: string;
  readonly caseAccountId: string;
  readonly caseDir: string;
  readonly indicators: IndicatorSet;
  readonly window: Window;
  readonly athena: AthenaClient;
  readonly athenaRegion: string;
  readonly target: AthenaTarget;
  /** Rows kept per kind. @default 10000 */
  readonly maxRows?: number;
  /** Queries in flight at once. @default 3 */
  readonly concurrency?: number;
  readonly query?: Omit<QueryOptions, 'clock'>;
  readonly onProgress?: (message: string) => void;
  /** The run's start time (its folder name) and the queries' deadlines and poll pauses. @default systemClock */
  readonly clock?: Clock;
}

// A cell a spreadsheet would run as a formula (OWASP CSV injection): attacker user agents and names land here.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a formula-like cell is prefixed with ' and quoted (OWASP). */
function csvField(value: string | undefined): string {
  if (value === undefined) return '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text !== value || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header line. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | undefined>>): string {
  return [columns, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Search the organization's logs for every kind of indicator in the set. */
export async function hunt(input: HuntInput): Promise<HuntSummary> {
  const maxRows = input.maxRows ?? 10_000;
  const progress = input.onProgress ?? (() => undefined);
  const clock = input.clock ?? systemClock;
  const startedAt = currentDate(clock);
  const runDir = huntRunDir(startedAt);
  const dir = join(input.caseDir, runDir);
  mkdirSync(dir, { recursive: true });
  const limit = pLimit(Math.max(1, input.concurrency ?? 3));
  const kinds = (Object.keys(INDICATOR_CLASSES) as IndicatorClass[]).filter((cls) => (input.indicators[cls]?.length ?? 0) > 0);

  const results = await Promise.all(
    kinds.map((cls) =>
      limit(async (): Promise<HuntClassResult> => {
        const values = input.indicators[cls] ?? [];
        const base = { cls, values, rows: 0, truncated: false, accounts: [] as string[] };
        const query = huntQuery(cls, values, input.window, maxRows);
        if (!query) return { ...base, notSearched: UNSEARCHABLE[cls] ?? 'no table holds this kind of indicator' };
        const sqlFile = `${runDir}/${cls}.sql`;
        writeFileSync(join(input.caseDir, sqlFile), `${query.sql}\n`);
        try {
          const out = await runAthenaQuery(input.athena, query.sql, input.target, { ...input.query, clock });
          const csvFile = `${runDir}/${cls}.csv`;
          writeFileSync(join(input.caseDir, csvFile), toCsv(out.columns, out.rows));
          const accountColumn = out.columns.indexOf('account');
          const accounts = accountColumn < 0 ? [] : [...new Set(out.rows.map((r) => r[accountColumn]).filter((a): a is string => !!a))].sort();
          progress(`${INDICATOR_CLASSES[cls].label}: ${out.rows.length} rows in ${query.table}${accounts.length ? ` (accounts ${accounts.join(', ')})` : ''}`);
          return { ...base, table: query.table, queryExecutionId: out.queryExecutionId, rows: out.rows.length, truncated: out.rows.length >= maxRows, accounts, scannedBytes: out.scannedBytes, csvFile, sqlFile };
        } catch (error) {
          const message = (error as Error).message;
          progress(`${INDICATOR_CLASSES[cls].label}: FAILED: ${message}`);
          return { ...base, table: query.table, sqlFile, queryExecutionId: (error as { queryExecutionId?: string }).queryExecutionId, error: message };
        }
      }),
    ),
  );

  const summary: HuntSummary = {
    caseId: input.caseId,
    runDir,
    generatedAt: startedAt.toISOString(),
    window: { start: input.window.start.toISOString(), end: input.window.end.toISOString() },
    workgroup: input.target.workgroup,
    athenaRegion: input.athenaRegion,
    caseAccountId: input.caseAccountId,
    results,
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}
