/**
 * A hunt run in the case record: one journal entry lists every file the run wrote (SQL, CSV,
 * summary.json) with its SHA-256, as evidence sets do, so the chain and its anchor cover the
 * hunt's results and `verify` catches a changed or deleted one; and the run as data for --json.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Journal } from '../case/journal';
import { hashFiles } from '../case/recorded-files';
import type { HuntOutcome } from '../command-result';
import type { JournalEntry } from '../model';
import { HUNT_DIR, type HuntSummary } from './hunt';
import { INDICATOR_CLASSES } from './indicators';

/** Case-relative paths of every file the run wrote, summary.json last (it is written last). */
export function huntFiles(summary: HuntSummary): string[] {
  return [...summary.results.flatMap((r) => [r.sqlFile, r.csvFile].filter((f): f is string => !!f)), `${summary.runDir}/summary.json`];
}

/** Journal the run: its window, workgroup and queries, and each file's name, SHA-256 and size. */
export function recordHunt(journal: Journal, caseDir: string, summary: HuntSummary): JournalEntry {
  const dir = summary.runDir;
  const names = huntFiles(summary).map((f) => f.slice(dir.length + 1));
  return journal.append({
    step: 'hunt/results',
    action: 'irctl:RecordHunt',
    region: summary.athenaRegion,
    target: dir,
    request: {
      dir,
      window: summary.window,
      workgroup: summary.workgroup,
      indicators: Object.fromEntries(summary.results.map((r) => [r.cls, r.values])),
    },
    outcome: 'applied',
    response: {
      files: hashFiles(caseDir, dir, names),
      queries: summary.results.map((r) => ({ class: r.cls, table: r.table, queryExecutionId: r.queryExecutionId, rows: r.rows, error: r.error, notSearched: r.notSearched })),
    },
    reversible: false,
  });
}

/** The run as --json data: per indicator class what was searched and found, with absolute file paths. */
export function huntOutcome(caseDir: string, summary: HuntSummary, journalEntry: number): HuntOutcome {
  const abs = (f: string | undefined) => (f ? join(caseDir, f) : undefined);
  return {
    runDir: join(caseDir, summary.runDir),
    window: summary.window,
    athenaRegion: summary.athenaRegion,
    workgroup: summary.workgroup,
    accountsOutsideCase: [...new Set(summary.results.flatMap((r) => r.accounts))].filter((a) => a !== summary.caseAccountId).sort(),
    journalEntry,
    classes: summary.results.map((r) =>
      JSON.parse(
        JSON.stringify({
          class: r.cls,
          label: INDICATOR_CLASSES[r.cls].label,
          values: r.values,
          status: r.error ? 'failed' : r.notSearched ? 'not-searched' : 'searched',
          table: r.table,
          rows: r.rows,
          truncated: r.truncated,
          accounts: r.accounts,
          queryExecutionId: r.queryExecutionId,
          scannedBytes: r.scannedBytes,
          csvFile: abs(r.csvFile),
          sqlFile: abs(r.sqlFile),
          error: r.error,
          notSearched: r.notSearched,
        }),
      ),
    ),
  };
}

/** Run folders under hunt/ that no journal entry records a file of (given the recorded case-relative paths). */
export function unrecordedHuntRuns(caseDir: string, recorded: readonly string[]): string[] {
  const root = join(caseDir, HUNT_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((run) => `${HUNT_DIR}/${run}`)
    .filter((run) => !recorded.some((p) => p.startsWith(`${run}/`)));
}
