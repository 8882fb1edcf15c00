/**
 * Validate SQL with dt-sql-parser's Trino grammar (derived from Trino's own ANTLR grammar,
 * the engine behind Athena v3). Run as a child process because the package ships ESM with
 * directory imports, which Jest's CommonJS runtime cannot load.
 *
 * stdin: JSON array of `{ name, sql }`; stdout: JSON object `name -> error messages`.
 */
import { TrinoSQL } from 'dt-sql-parser';

const input = await new Promise<string>((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
});
const parser = new TrinoSQL();
const result: Record<string, string[]> = {};
for (const { name, sql } of JSON.parse(input) as Array<{ name: string; sql: string }>) {
  result[name] = parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}
process.stdout.write(JSON.stringify(result));
