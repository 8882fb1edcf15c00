/**
 * Anchoring the journal outside the case directory. A hash chain shows an edited line but not a
 * cut tail or a deleted file: whoever can write the case directory can drop the last entries
 * and the chain still checks. So at the end of every write phase irctl writes the chain head
 * (sequence number and hash of the last entry) to the forensics evidence bucket, whose Object
 * Lock keeps it for the retention period, and to `anchors.jsonl` beside the journal (for the
 * report). `verify` reads the newest anchor from the bucket and checks the journal still
 * reaches it, with the same hash at that position.
 *
 * The anchor's key carries the head and the phase (`<prefix>/<case>/<seq>-<hash>-<phase>.json`),
 * so verifying needs only ListBucket, which the bucket policy grants the IR roles (they may add
 * evidence, never read or delete it).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paginateListObjectsV2, PutObjectCommand } from '@aws-sdk/client-s3';
import { FORENSICS } from '../../shared/names';
import type { AwsClients } from '../aws/clients';
import { errorCode, errorMessage } from '../aws/errors';
import type { JournalEntry } from '../model';
import { intactPrefix, type JournalScan } from './journal';

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

/** Object key of an anchor; the phase (letters, digits, dashes) is part of it so a listing alone says which phase proves the head. */
export function anchorKey(caseId: string, seq: number, head: string, phase?: string): string {
  const tag = phase ? `-${phase.toLowerCase().replace(/[^a-z0-9-]/g, '-')}` : '';
  return `${ANCHOR_PREFIX}/${caseId}/${String(seq).padStart(8, '0')}-${head}${tag}.json`;
}

/** `s3://bucket/key` of an anchor object. */
export function anchorLocation(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
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
    const key = anchorKey(input.caseId, last.seq, last.hash, input.phase);
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
    location = anchorLocation(input.target.bucket, key);
  }
  const anchor: JournalAnchor = { ...base, location };
  appendFileSync(anchorsPath(input.caseDir), JSON.stringify(anchor) + '\n');
  return anchor;
}

/** The newest anchor of a case in the bucket (highest sequence number), if any, with its `s3://` location; keys written before the phase was part of them have none. */
export async function latestAnchor(clients: AwsClients, target: AnchorTarget, caseId: string): Promise<{ seq: number; head: string; key: string; location: string; phase?: string } | undefined> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: clients.s3(target.region) }, { Bucket: target.bucket, Prefix: `${ANCHOR_PREFIX}/${caseId}/` })) {
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
  }
  const anchors = keys.flatMap((key) => {
    const m = /\/(\d{8})-([0-9a-f]{64})(?:-([a-z0-9-]+))?\.json$/.exec(key);
    return m ? [{ seq: Number(m[1]), head: m[2], key, location: anchorLocation(target.bucket, key), ...(m[3] ? { phase: m[3] } : {}) }] : [];
  });
  return anchors.sort((a, b) => b.seq - a.seq)[0];
}

/** An anchored head to check a journal against, and how to name it in a message. */
export interface AnchoredHead {
  readonly seq: number;
  readonly head: string;
  /** The phase whose end it records, when known. */
  readonly phase?: string;
  /** Where it is kept, as a phrase: `at s3://bucket/key`, or `in anchors.jsonl`. */
  readonly where: string;
}

/**
 * Compare the anchored head (entry count and hash of the last entry) with the chain recomputed
 * from the journal, and say exactly what differs; undefined when the chain reaches the anchored
 * head intact. Damage after the anchored head is the chain check's to report, not this one's.
 */
export function diagnoseAnchor(scan: JournalScan, anchor: AnchoredHead): string | undefined {
  const n = anchor.seq;
  const h = `${anchor.head.slice(0, 12)}…`;
  const of = `the anchor ${anchor.phase ? `of phase ${anchor.phase} ` : ''}${anchor.where}`;
  const records = `${of} records ${n} entries with head ${h}`;
  const lines = scan.lines;
  if (!scan.exists) return `anchor mismatch: journal.jsonl does not exist, but ${records}: the journal was deleted (all ${n} entries missing)`;
  if (lines.length === 0) return `anchor mismatch: journal.jsonl is empty (${scan.bytes} bytes), but ${records}: the journal was emptied (all ${n} entries missing)`;
  if (!lines.some((l) => l.entry)) return `anchor mismatch: journal.jsonl holds no journal entry (line 1 is ${lines[0].preview}), but ${records}: the journal was replaced (all ${n} entries missing)`;
  const intact = intactPrefix(scan);
  if (intact >= n) {
    const at = lines[n - 1].entry!.hash;
    if (at === anchor.head) return undefined;
    return `anchor mismatch: the chain recomputes intact through entry ${n}, but entry ${n} hashes to ${at.slice(0, 12)}… where ${of} records ${h}: the journal was rewritten and re-hashed at or before entry ${n}`;
  }
  if (intact === lines.length) {
    const last = lines[intact - 1].entry!.hash;
    return `anchor mismatch: the journal has ${intact} entries, chain intact, head ${last.slice(0, 12)}…, but ${records}: the journal was truncated, ${n - intact} ${n - intact === 1 ? 'entry' : 'entries'} missing (${n - intact === 1 ? `entry ${n}` : `entries ${intact + 1} to ${n}`})`;
  }
  const b = intact + 1;
  const broken = lines[intact];
  const kind = broken.damage[0].kind;
  if (kind === 'half-written') {
    const lost = n - b + 1;
    return `anchor mismatch: the chain is intact through entry ${intact}; entry ${b}, the last line, is half-written, but ${records}: entry ${b} was complete when that phase ended, so the journal was cut mid-line (${lost === 1 ? `entry ${b}` : `entries ${b} to ${n}, ${lost} entries,`} lost)`;
  }
  const why: Record<typeof kind, string> = {
    'not-json': `line ${b} is not valid JSON (it was edited)`,
    garbage: `line ${b} is not a journal entry (${broken.preview})`,
    renumbered: `entry ${b} carries sequence number ${broken.entry?.seq} (entries were removed or inserted before it)`,
    relinked: `entry ${b}'s prevHash is not the SHA-256 of entry ${intact} (entries were removed, inserted or reordered, or entry ${intact} was changed)`,
    edited: `entry ${b} was edited (its hash does not match its content; chain broken at line ${b})`,
  };
  const atN = lines[n - 1];
  const there = !atN
    ? `the journal ends at line ${lines.length}, ${n - lines.length} short of entry ${n}`
    : !atN.entry
      ? `line ${n} is ${atN.damage[0]?.kind === 'half-written' ? 'half-written' : 'not a journal entry'}`
      : atN.entry.hash === anchor.head
        ? `line ${n} still records the anchored hash`
        : `line ${n} records ${atN.entry.hash.slice(0, 12)}…, not the anchored hash`;
  const reach = intact ? `the chain is intact through entry ${intact} only` : 'the chain is broken from line 1';
  return `anchor mismatch: ${reach}: ${why[kind]}, so ${of} (${n} entries, head ${h}) is not reached by an intact chain; ${there}`;
}
