/**
 * Files a case records with their SHA-256 in the hash-chained journal: every evidence set
 * (`irctl:CollectEvidence`) and every hunt run (`irctl:RecordHunt`) journals `request.dir` and
 * `response.files` (name, sha256, bytes). Re-hashing them against the journal catches a file
 * changed or deleted even when its manifest was changed or deleted with it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { JournalEntry } from '../model';

/** One file as journaled: its name inside the entry's directory, its SHA-256 and size. */
export interface FileHash {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** A file the journal records, with the first entry that recorded it (the original). */
export interface RecordedFile {
  /** Case-relative, `/`-separated. */
  readonly path: string;
  readonly sha256: string;
  /** Who vouches for the hash, for messages: `journal entry 12 (contain-instances/evidence)`. */
  readonly source: string;
}

/** What is wrong with a recorded file. */
export interface FileProblem extends RecordedFile {
  readonly problem: 'missing' | 'modified';
  /** SHA-256 of the file as it is now (modified only). */
  readonly actual?: string;
}

/** SHA-256 (hex) of bytes. */
export function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Hash the named files of a case-relative directory, for a journal entry's `response.files`. */
export function hashFiles(caseDir: string, dir: string, names: readonly string[]): FileHash[] {
  return names.map((name) => {
    const body = readFileSync(join(caseDir, dir, name));
    return { name, sha256: sha256Hex(body), bytes: body.length };
  });
}

/** Every file the entries record (request.dir + response.files), each once, as first recorded. */
export function recordedFiles(entries: readonly JournalEntry[]): RecordedFile[] {
  const out = new Map<string, RecordedFile>();
  for (const e of entries) {
    const dir = (e.request as { dir?: unknown } | undefined)?.dir;
    const files = (e.response as { files?: unknown } | undefined)?.files;
    if (typeof dir !== 'string' || !Array.isArray(files)) continue;
    for (const f of files as Array<Partial<FileHash>>) {
      if (typeof f?.name !== 'string' || typeof f.sha256 !== 'string') continue;
      const path = posix.join(dir, f.name);
      if (!out.has(path)) out.set(path, { path, sha256: f.sha256, source: `journal entry ${e.seq} (${e.step})` });
    }
  }
  return [...out.values()];
}

/** Re-hash recorded files; returns the missing and the modified ones. */
export function checkFiles(caseDir: string, files: readonly RecordedFile[]): FileProblem[] {
  return files.flatMap((f): FileProblem[] => {
    const file = join(caseDir, f.path);
    if (!existsSync(file) || !statSync(file).isFile()) return [{ ...f, problem: 'missing' }];
    const actual = sha256Hex(readFileSync(file));
    return actual === f.sha256 ? [] : [{ ...f, problem: 'modified', actual }];
  });
}

/** The responder's sentence for a file problem: missing and modified are told apart, each with what to do. */
export function fileProblemMessage(p: FileProblem): string {
  if (p.problem === 'missing') {
    return (
      `missing: ${p.path}: the file is gone, but ${p.source} records it with SHA-256 ${p.sha256.slice(0, 12)}…. ` +
      `What to do: restore it from a copy of the case directory (a backup, the clean-room copy) — it must hash to ${p.sha256}; ` +
      'if no copy has it, write the loss into the case record; keep the rest of the case directory as it is and find out who deleted it'
    );
  }
  return (
    `modified: ${p.path}: its SHA-256 is ${p.actual!.slice(0, 12)}…, but ${p.source} records ${p.sha256.slice(0, 12)}…: the file was changed after irctl wrote it. ` +
    `What to do: keep the case directory exactly as it is (copy it read-only for the investigation), take the original from a copy of the case directory (it must hash to ${p.sha256}), and find out who changed it`
  );
}
