/** The report's "Org-wide hunt" section, from hunt/summary.json. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeMarkdown as md, table, utc } from '../analysis/markdown';
import { checkFiles, type FileProblem, recordedFiles } from '../case/recorded-files';
import type { JournalEntry } from '../model';
import { HUNT_DIR, type HuntSummary } from './hunt';
import { INDICATOR_CLASSES } from './indicators';

/** Every hunt run saved in a case directory, oldest first (none when hunt has not run). */
export function readHuntSummaries(caseDir: string): HuntSummary[] {
  const root = join(caseDir, HUNT_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((run) => join(root, run, 'summary.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as HuntSummary);
}

/** Hunt files (SQL, CSV, summary.json) the journal records whose SHA-256 no longer matches, or that are gone. */
export function huntFileProblems(caseDir: string, journal: readonly JournalEntry[]): FileProblem[] {
  const files = recordedFiles(journal.filter((e) => e.action === 'irctl:RecordHunt')).filter((f) => f.path.startsWith(`${HUNT_DIR}/`));
  return checkFiles(caseDir, files);
}

/** One line per hunt file that fails its recorded hash: what the report quotes from it cannot be trusted. */
export function huntFileWarnings(problems: readonly FileProblem[]): string[] {
  return problems.map(
    (p) =>
      `${p.path} ${p.problem === 'missing' ? 'is gone' : 'does not match its recorded SHA-256'} (${p.source} records ${p.sha256.slice(0, 12)}…): what the report says of that hunt run may not be what hunt found; run irctl verify and keep the case directory as it is`,
  );
}

/** Markdown for the report: every run, oldest first; says so when hunt has not run, and first of all when its files fail their hashes. */
export function huntSection(summaries: readonly HuntSummary[], problems: readonly FileProblem[] = []): string {
  if (summaries.length === 0 && problems.length === 0) return '## Org-wide hunt\n\n_hunt has not run_';
  const warnings = huntFileWarnings(problems).map((w) => `**WARNING: ${md(w)}.**`);
  return ['## Org-wide hunt', ...warnings, ...summaries.map(huntRun)].join('\n\n');
}

function huntRun(summary: HuntSummary): string {
  const others = [...new Set(summary.results.flatMap((r) => r.accounts))].filter((a) => a !== summary.caseAccountId);
  const rows = summary.results.map((r) => [
    INDICATOR_CLASSES[r.cls].label,
    r.values.join(', '),
    r.table,
    r.error ? `FAILED: ${r.error}` : r.notSearched ? `not searched: ${r.notSearched}` : `${r.rows}${r.truncated ? ' (limit reached)' : ''}`,
    r.accounts.join(', '),
    r.csvFile,
    r.queryExecutionId,
  ]);
  return [
    `### Hunt of ${utc(summary.generatedAt)} (${md(summary.runDir)})`,
    `Athena workgroup ${md(summary.workgroup)} (${md(summary.athenaRegion)}), ${utc(summary.window.start)} to ${utc(summary.window.end)}. Every account and region of the organization trail, Flow Logs and Resolver query logs; the SQL of each search is saved beside its CSV.`,
    others.length ? `**Seen in other accounts: ${md(others.join(', '))}.** Open a case for each before containing there.` : 'No hits outside the case account.',
    table(['Indicators', 'Values', 'Table', 'Rows', 'Accounts with hits', 'CSV', 'Query execution'], rows),
  ].join('\n\n');
}

/** Follow-ups the hunts leave: accounts to open cases for, searches to redo or do by hand. */
export function huntManualSteps(summaries: readonly HuntSummary[], problems: readonly FileProblem[] = []): string[] {
  const out: string[] = huntFileWarnings(problems).map((w) => `Hunt file ${w}`);
  const latest = new Map(summaries.flatMap((s) => s.results.map((r) => [r.cls, { run: s, r }] as const)));
  const others = new Set(summaries.flatMap((s) => s.results.flatMap((r) => r.accounts.filter((a) => a !== s.caseAccountId))));
  for (const account of [...others].sort()) out.push(`Indicators of this case were seen in account ${account}: open a case for it (validate, scope) before containing there`);
  for (const { run, r } of latest.values()) {
    const what = `${INDICATOR_CLASSES[r.cls].label} (${r.values.join(', ')})`;
    if (r.error) out.push(`Hunt for ${what} failed in ${run.runDir}: ${r.error} Rerun hunt once fixed`);
    if (r.truncated) out.push(`Hunt for ${what} stopped at ${r.rows} rows: rerun with a narrower --since/--until or a higher --max-rows`);
    if (r.notSearched) out.push(`Not searched by hunt, ${what}: ${r.notSearched}`);
  }
  return out;
}
