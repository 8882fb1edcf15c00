/** The report's "Org-wide hunt" section, from hunt/summary.json. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeMarkdown as md, table, utc } from '../analysis/markdown';
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

/** Markdown for the report: every run, oldest first; says so when hunt has not run. */
export function huntSection(summaries: readonly HuntSummary[]): string {
  if (summaries.length === 0) return '## Org-wide hunt\n\n_hunt has not run_';
  return ['## Org-wide hunt', ...summaries.map(huntRun)].join('\n\n');
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
export function huntManualSteps(summaries: readonly HuntSummary[]): string[] {
  const out: string[] = [];
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
