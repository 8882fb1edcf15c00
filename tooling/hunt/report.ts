/** The report's "Org-wide hunt" section, from hunt/summary.json. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeMarkdown as md, table, utc } from '../analysis/markdown';
import { HUNT_DIR, type HuntSummary } from './hunt';
import { INDICATOR_CLASSES } from './indicators';

/** The hunt summary saved in a case directory, if hunt has run. */
export function readHuntSummary(caseDir: string): HuntSummary | undefined {
  const file = join(caseDir, HUNT_DIR, 'summary.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HuntSummary) : undefined;
}

/** Markdown for the report; says so when hunt has not run. */
export function huntSection(summary: HuntSummary | undefined): string {
  if (!summary) return '## Org-wide hunt\n\n_hunt has not run_';
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
    '## Org-wide hunt',
    `Athena workgroup ${md(summary.workgroup)} (${md(summary.athenaRegion)}), ${utc(summary.window.start)} to ${utc(summary.window.end)}, run ${utc(summary.generatedAt)}. Every account and region of the organization trail, Flow Logs and Resolver query logs; the SQL of each search is saved beside its CSV.`,
    others.length ? `**Seen in other accounts: ${md(others.join(', '))}.** Open a case for each before containing there.` : 'No hits outside the case account.',
    table(['Indicators', 'Values', 'Table', 'Rows', 'Accounts with hits', 'CSV', 'Query execution'], rows),
  ].join('\n\n');
}
