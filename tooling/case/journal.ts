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

/** How one line of a journal fails its checks. */
export type LineDamage =
  /** The last line does not parse and starts like an entry: cut off mid-write. */
  | 'half-written'
  /** A line before the last starts like an entry but does not parse: edited. */
  | 'not-json'
  /** Not a JSON object at all: something else was written into the journal. */
  | 'garbage'
  /** `seq` is not the line's position: entries removed or inserted before it. */
  | 'renumbered'
  /** `prevHash` is not the SHA-256 of the line before: that line changed, or lines were removed, inserted or reordered. */
  | 'relinked'
  /** `hash` does not match the entry's content: the entry was edited. */
  | 'edited';

/** One line of a journal as read back and checked. */
export interface JournalLine {
  /** Line number, from 1 (an entry's expected `seq`). */
  readonly n: number;
  /** The entry, when the line is a JSON object. */
  readonly entry?: JournalEntry;
  /** What is wrong with the line (first problem first); empty when it checks. */
  readonly damage: ReadonlyArray<{ readonly kind: LineDamage; readonly message: string }>;
  /** How the line starts, for messages about lines that are not entries. */
  readonly preview: string;
}

/** A journal file read back with the chain recomputed line by line. */
export interface JournalScan {
  readonly exists: boolean;
  readonly bytes: number;
  readonly lines: readonly JournalLine[];
}

/** The line's first characters, quoted as JSON so control characters stay visible. */
function preview(line: string): string {
  return JSON.stringify(line.slice(0, 24)) + (line.length > 24 ? '…' : '');
}

/** Read a journal and recompute its chain: valid JSON, consecutive seq, prevHash = SHA-256 of the previous line, hash matches. */
export function scanJournal(caseDir: string): JournalScan {
  const file = journalPath(caseDir);
  if (!existsSync(file)) return { exists: false, bytes: 0, lines: [] };
  const text = readFileSync(file, 'utf8');
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const short = (h: string | undefined) => `${(h ?? '(none)').slice(0, 12)}…`;
  let prevLineHash = GENESIS_HASH;
  let offset = 0;
  const lines = raw.map((line, i): JournalLine => {
    const n = i + 1;
    const damage: Array<JournalLine['damage'][number]> = [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const entry = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JournalEntry) : undefined;
    if (!entry) {
      if (parsed === undefined && line.startsWith('{') && n === raw.length) {
        damage.push({ kind: 'half-written', message: `half-written: the last line is cut off after ${Buffer.byteLength(line)} bytes (not valid JSON): irctl was killed while writing it, or the file was cut mid-line` });
      } else if (parsed === undefined && line.startsWith('{')) {
        damage.push({ kind: 'not-json', message: `not valid JSON: entry ${n} was edited into something that does not parse (only the last line can be cut off by an interrupted write)` });
      } else {
        damage.push({ kind: 'garbage', message: `not a journal entry: the line holds ${preview(line)} (not a JSON object): something other than irctl wrote into the journal` });
      }
      prevLineHash = sha256(line);
      return { n, damage, preview: preview(line) };
    }
    // One removed or inserted entry shifts every later number: report where the shift starts.
    if (entry.seq !== n + offset) {
      damage.push({ kind: 'renumbered', message: `sequence number ${entry.seq} where ${n} was expected: an entry was removed or inserted before it` });
      offset = entry.seq - n;
    }
    if (entry.prevHash !== prevLineHash) {
      damage.push({
        kind: 'relinked',
        message:
          n === 1
            ? `chain link broken: its prevHash ${short(entry.prevHash)} is not the chain start (64 zeros): entries before it were removed`
            : `chain link broken: its prevHash ${short(entry.prevHash)} is not the SHA-256 of entry ${n - 1} as written (${short(prevLineHash)}): entry ${n - 1} was changed, or entries before entry ${n} were removed, inserted or reordered`,
      });
    }
    const { hash, ...rest } = entry;
    const actual = entryHash(rest);
    if (hash !== actual) damage.push({ kind: 'edited', message: `entry hash mismatch: the entry records ${short(hash)} but its content hashes to ${short(actual)}: entry ${n} was edited after it was written` });
    prevLineHash = sha256(line);
    return { n, entry, damage, preview: preview(line) };
  });
  return { exists: true, bytes: Buffer.byteLength(text), lines };
}

/** How many lines from the first check completely (the intact part of the chain). */
export function intactPrefix(scan: JournalScan): number {
  const broken = scan.lines.findIndex((l) => l.damage.length > 0);
  return broken < 0 ? scan.lines.length : broken;
}

/**
 * Entries written as `started` with no outcome for the same step, action and target after them:
 * a call a killed run may or may not have made (a rerun's outcome for it settles it).
 */
export function interruptedEntries(entries: readonly JournalEntry[]): JournalEntry[] {
  const key = (e: JournalEntry) => `${e.step}\n${e.action}\n${e.target}`;
  const settled = new Map<string, number>();
  for (const e of entries) if (e.outcome !== 'started') settled.set(key(e), e.seq);
  return entries.filter((e) => e.outcome === 'started' && (settled.get(key(e)) ?? 0) < e.seq);
}

/** Result of verifying a journal's hash chain. */
export interface JournalVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** One sentence per broken link, naming the line. */
  readonly problems: readonly string[];
}

/** Check every line of a journal (a missing file is an empty journal); `scan` when already read. */
export function verifyJournal(caseDir: string, scan: JournalScan = scanJournal(caseDir)): JournalVerification {
  const problems = scan.lines.flatMap((l) => l.damage.map((d) => `entry ${l.n}: ${d.message}`));
  return { ok: problems.length === 0, entries: scan.lines.length, problems };
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
