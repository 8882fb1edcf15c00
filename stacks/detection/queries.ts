/**
 * The saved IR queries: one `.sql` file per indicator in `queries/`, published as Athena named
 * queries. The first line of each file is a `-- ` comment that becomes the description.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Directory holding the `.sql` files. */
export const QUERIES_DIR = join(__dirname, 'queries');

/** One saved query. */
export interface SavedQuery {
  /** File name without `.sql`; also the named query's name. */
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** Every `.sql` file in `dir`, sorted by name; throws when a file lacks its description line. */
export function loadSavedQueries(dir: string = QUERIES_DIR): SavedQuery[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8').trim();
      const first = sql.split('\n', 1)[0] ?? '';
      if (!first.startsWith('-- ')) throw new Error(`${file}: the first line must be a "-- description" comment`);
      // Athena caps a named query's description at 1024 characters.
      return { name: basename(file, '.sql'), description: first.slice(3).trim().slice(0, 1024), sql };
    });
}
