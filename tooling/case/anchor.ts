/**
 * Anchoring the journal outside the case directory. A hash chain shows an edited line but not a
 * cut tail or a deleted file: whoever can write the case directory can drop the last entries
 * and the chain still checks. So at the end of every write phase irctl writes the chain head
 * (sequence number and hash of the last entry) to the forensics evidence bucket, whose Object
 * Lock keeps it for the retention period, and to `anchors.jsonl` beside the journal (for the
 * report). `verify` reads the newest anchor from the bucket and checks the journal still
 * reaches it, with the same hash at that position.
 *
 * The anchor's key carries the head (`<prefix>/<case>/<seq>-<hash>.json`), so verifying needs
 * only ListBucket, which the bucket policy grants the IR roles (they may add evidence, never
 * read or delete it).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paginateListObjectsV2, PutObjectCommand } from '@aws-sdk/client-s3';
import { FORENSICS } from '../../shared/names';
import type { AwsClients } from '../aws/clients';
import { errorCode, errorMessage } from '../aws/errors';
import type { JournalEntry } from '../model';

/** Key prefix of journal anchors in the evidence bucket. */
export const ANCHOR_PREFIX = FORENSICS.anchorPrefix;

/** The chain head at the end of one phase. */
export interface JournalAnchor {
  readonly caseId: string;
  /** Sequence number of the last entry. */
  readonly seq: number;
  /** `hash` of the last entry. */
  readonly head: string;
  /** The phase that ended (e.g. contain-instances). */
  readonly phase: string;
  /** ISO 8601 UTC. */
  readonly anchoredAt: string;
  /** Where it was written: `s3://bucket/key`, or absent when only the local copy exists. */
  readonly location?: string;
}

/** Where anchors go: the bucket (and its region) holding them. */
export interface AnchorTarget {
  readonly bucket: string;
  readonly region: string;
}

/** Object key of an anchor. */
export function anchorKey(caseId: string, seq: number, head: string): string {
  return `${ANCHOR_PREFIX}/${caseId}/${String(seq).padStart(8, '0')}-${head}.json`;
}

/** Local record of the anchors written for a case (read by the report). */
export function anchorsPath(caseDir: string): string {
  return join(caseDir, 'anchors.jsonl');
}

/** Every anchor recorded in the case directory, oldest first. */
export function readLocalAnchors(caseDir: string): JournalAnchor[] {
  const file = anchorsPath(caseDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalAnchor];
      } catch {
        return [];
      }
    });
}

/**
 * Write the head of `entries` to the bucket (when a target is given) and to anchors.jsonl.
 * Returns the anchor, or throws a sentence with the fix when the bucket refused it.
 */
export async function anchorJournal(
  clients: AwsClients,
  input: { readonly caseId: string; readonly caseDir: string; readonly phase: string; readonly entries: readonly JournalEntry[]; readonly at: Date; readonly target?: AnchorTarget },
): Promise<JournalAnchor | undefined> {
  const last = input.entries[input.entries.length - 1];
  if (!last) return undefined;
  const base = { caseId: input.caseId, seq: last.seq, head: last.hash, phase: input.phase, anchoredAt: input.at.toISOString() };
  let location: string | undefined;
  if (input.target) {
    const key = anchorKey(input.caseId, last.seq, last.hash);
    try {
      // The SDK sends a checksum with the put, which an Object Lock bucket requires.
      await clients.s3(input.target.region).send(new PutObjectCommand({ Bucket: input.target.bucket, Key: key, Body: JSON.stringify(base), ContentType: 'application/json' }));
    } catch (err) {
      appendFileSync(anchorsPath(input.caseDir), JSON.stringify(base) + '\n');
      throw new Error(
        `The journal head (entry ${last.seq}) could not be anchored in s3://${input.target.bucket} (${errorCode(err)}: ${errorMessage(err)}); ` +
          'without it a cut journal goes unnoticed. Fix: check --anchor-bucket and that the break-glass role may put objects there, then rerun the phase (a rerun anchors again).',
      );
    }
    location = `s3://${input.target.bucket}/${key}`;
  }
  const anchor: JournalAnchor = { ...base, location };
  appendFileSync(anchorsPath(input.caseDir), JSON.stringify(anchor) + '\n');
  return anchor;
}

/** The newest anchor of a case in the bucket (highest sequence number), if any. */
export async function latestAnchor(clients: AwsClients, target: AnchorTarget, caseId: string): Promise<{ seq: number; head: string; key: string } | undefined> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: clients.s3(target.region) }, { Bucket: target.bucket, Prefix: `${ANCHOR_PREFIX}/${caseId}/` })) {
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
  }
  const anchors = keys.flatMap((key) => {
    const m = /\/(\d{8})-([0-9a-f]{64})\.json$/.exec(key);
    return m ? [{ seq: Number(m[1]), head: m[2], key }] : [];
  });
  return anchors.sort((a, b) => b.seq - a.seq)[0];
}

/** Problems found comparing a journal with its anchor: truncated, deleted or rewritten. */
export function compareWithAnchor(entries: readonly JournalEntry[], anchor: { seq: number; head: string; key: string }, bucket: string): string[] {
  const where = `s3://${bucket}/${anchor.key}`;
  if (entries.length === 0) return [`anchor mismatch: the journal is missing or empty, but ${where} anchors ${anchor.seq} entries: it was deleted or emptied`];
  if (entries.length < anchor.seq) {
    return [`anchor mismatch: the journal has ${entries.length} entries, but ${where} anchors entry ${anchor.seq}: it was truncated (${anchor.seq - entries.length} entries missing)`];
  }
  const at = entries[anchor.seq - 1];
  if (at.hash !== anchor.head) return [`anchor mismatch: entry ${anchor.seq} hashes to ${at.hash}, but ${where} anchors ${anchor.head}: the journal was rewritten`];
  return [];
}
