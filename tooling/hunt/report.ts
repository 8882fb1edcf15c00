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
