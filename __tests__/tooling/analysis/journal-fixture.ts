/**
 * A real journal for report tests: entries written by the project's own journal writer (so the
 * hash chain is genuine) in a temporary directory, each stamped with the time the test gives it,
 * and read back as the report command reads them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, readJournal, type JournalInput } from '../../../tooling/case/journal';
import type { JournalEntry } from '../../../tooling/model';

/** Write the entries through the journal writer and return them as read back. */
export function writeJournal(caseId: string, entries: ReadonlyArray<{ ts: string } & JournalInput>): JournalEntry[] {
  const dir = mkdtempSync(join(tmpdir(), 'ir-report-'));
  let next = 0;
  const journal = Journal.open(dir, {
    caseId,
    caller: `arn:aws:sts::123456789012:assumed-role/SecurityBreakGlass/${caseId}`,
    clock: { now: () => Date.parse(entries[next++].ts), sleep: async () => undefined },
  });
  for (const entry of entries) {
    const input: Partial<typeof entry> = { ...entry };
    delete input.ts; // the journal stamps its own time, from the clock above
    journal.append(input as JournalInput);
  }
  const written = readJournal(dir);
  rmSync(dir, { recursive: true, force: true });
  return written;
}
