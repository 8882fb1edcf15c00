/**
 * Validate SQL with the Trino grammar in a child process (validate-trino.mts): one parse per
 * statement, errors by name. Shared by the saved-query tests and irctl's generated SQL tests.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Parse errors per statement name (empty list: it parses). */
export function validateTrino(items: ReadonlyArray<{ name: string; sql: string }>): Record<string, string[]> {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'validate-trino.mts')], {
    input: JSON.stringify(items),
    encoding: 'utf8',
    cwd: join(__dirname, '..', '..', '..'),
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`Trino validator failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string[]>;
}
