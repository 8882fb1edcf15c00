/**
 * The case journal: one JSON object per line in `<caseDir>/journal.jsonl`, append-only and
 * hash-chained, so an investigation can show that the record of what irctl did was not edited.
 * It also carries the data `release` needs to undo a containment, and lets a rerun resume.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { currentDate, systemClock, type Clock } from '../clock';
import type { JournalEntry } from '../model';

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller supplies per entry; the journal adds sequence, time, case, caller and hashes. */
export type JournalInput = Omit<JournalEntry, 'seq' | 'ts' | 'caseId' | 'caller' | 'prevHash' | 'hash'>;

/** Path of a case's journal file. */
export function journalPath(caseDir: string): string {
  return join(caseDir, 'journal.jsonl');
}

/** JSON with object keys sorted, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function entryHash(entry: Omit<JournalEntry, 'hash'>): string {
  return sha256(canonicalJson(entry));
}

/** Parse every line of a journal file (no verification). Missing file: empty journal. */
export function readJournal(caseDir: string): JournalEntry[] {
  const file = journalPath(caseDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as JournalEntry;
      } catch {
        throw new Error(`${file}: line ${i + 1} is not valid JSON; the journal is damaged (run "irctl verify" for details)`);
      }
    });
}

/** Result of verifying a journal's hash chain. */
export interface JournalVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** One sentence per broken link, naming the line. */
  readonly problems: readonly string[];
}

/** Check every line: valid JSON, consecutive seq, prevHash = SHA-256 of the previous line, hash matches. */
export function verifyJournal(caseDir: string): JournalVerification {
  const file = journalPath(caseDir);
  if (!existsSync(file)) return { ok: true, entries: 0, problems: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const problems: string[] = [];
  const short = (h: string | undefined) => `${(h ?? '(none)').slice(0, 12)}…`;
  let prevLineHash = GENESIS_HASH;
  let offset = 0;
  lines.forEach((line, i) => {
    const n = i + 1;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      problems.push(`entry ${n}: not valid JSON: the line was edited, or cut off while being written (irctl killed mid-write)`);
      prevLineHash = sha256(line);
      return;
    }
    // One removed or inserted entry shifts every later number: report where the shift starts.
    if (entry.seq !== n + offset) {
      problems.push(`entry ${n}: sequence number ${entry.seq} where ${n} was expected: an entry was removed or inserted before it`);
      offset = entry.seq - n;
    }
    if (entry.prevHash !== prevLineHash) {
      problems.push(
        n === 1
          ? `entry 1: chain link broken: its prevHash ${short(entry.prevHash)} is not the chain start (64 zeros): entries before it were removed`
          : `entry ${n}: chain link broken: its prevHash ${short(entry.prevHash)} is not the SHA-256 of entry ${n - 1} as written (${short(prevLineHash)}): entry ${n - 1} was changed, or entries before entry ${n} were removed, inserted or reordered`,
      );
    }
    const { hash, ...rest } = entry;
    const actual = entryHash(rest);
    if (hash !== actual) problems.push(`entry ${n}: entry hash mismatch: the entry records ${short(hash)} but its content hashes to ${short(actual)}: entry ${n} was edited after it was written`);
    prevLineHash = sha256(line);
  });
  return { ok: problems.length === 0, entries: lines.length, problems };
}

/** Options for opening a journal. */
export interface JournalOptions {
  readonly caseId: string;
  /** STS caller identity ARN recorded on each entry. */
  readonly caller: string;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** An open journal; `append` is synchronous so concurrent steps never interleave lines. */
export class Journal {
  private seq: number;
  private prevLineHash: string;
  private readonly loaded: JournalEntry[];

  private constructor(
    readonly caseDir: string,
    private readonly options: JournalOptions,
  ) {
    mkdirSync(caseDir, { recursive: true });
    const check = verifyJournal(caseDir);
    if (!check.ok) {
      throw new Error(
        `${journalPath(caseDir)} fails verification (${check.problems[0]}); refusing to append to a tampered or damaged journal. ` +
          'Preserve it as evidence and start a new case directory with --case-dir.',
      );
    }
    this.loaded = readJournal(caseDir);
    this.seq = this.loaded.length;
    const file = journalPath(caseDir);
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
    this.prevLineHash = lines.length ? sha256(lines[lines.length - 1]) : GENESIS_HASH;
  }

  /** Open (creating if needed) the journal of a case after verifying its chain. */
  static open(caseDir: string, options: JournalOptions): Journal {
    return new Journal(caseDir, options);
  }

  /** The caller identity entries are stamped with. */
  get caller(): string {
    return this.options.caller;
  }

  /** Entries on disk when opened plus those appended since. */
  entries(): readonly JournalEntry[] {
    return this.loaded;
  }

  /** Append one entry, fsync it, and return it as written. */
  append(input: JournalInput): JournalEntry {
    const clock = this.options.clock ?? systemClock;
    const base = {
      seq: this.seq + 1,
      ts: currentDate(clock).toISOString(),
      caseId: this.options.caseId,
      caller: this.options.caller,
      ...jsonSafe(input),
      prevHash: this.prevLineHash,
    } as Omit<JournalEntry, 'hash'>;
    const entry: JournalEntry = { ...base, hash: entryHash(base) };
    const line = canonicalJson(entry);
    const fd = openSync(journalPath(this.caseDir), 'a');
    try {
      writeSync(fd, line + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.seq += 1;
    this.prevLineHash = sha256(line);
    this.loaded.push(entry);
    return entry;
  }
}

// Round-trip through JSON so the hashed object equals what a reader parses back
// (undefined fields dropped, Dates as ISO strings).
function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
