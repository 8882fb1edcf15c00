/**
 * The commands that read a case's record rather than open a phase on it first: release (from the
 * journal's undo records), report, verify and handoff. Each refuses, before any AWS call, a case
 * directory that holds no record.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SECURITY_GROUPS, TAGS } from '../shared/names';
import { renderReport } from './analysis';
import type { CommandResult } from './command-result';
import { type AnchoredHead, diagnoseAnchor, type JournalAnchor, latestAnchor, readLocalAnchors } from './case/anchor';
import { ATTACKER_COMPUTE_FLAG, ATTACKER_CREDENTIALS_FLAG } from './case/executor';
import { interruptedEntries, journalPath, readJournal, scanJournal, verifyJournal } from './case/journal';
import { checkFiles, type FileProblem, fileProblemMessage, recordedFiles } from './case/recorded-files';
import { readCaseFile, readValidations, type Runtime, writeCaseFile } from './case/runtime';
import { noCaseDirectory, UsageError } from './case/usage';
import { writePhase } from './case/write-phase';
import type { TargetFlags } from './target-flags';
import { verifyEvidence } from './evidence/collect';
import { handOff, handoffTarget } from './handoff';
import { unrecordedHuntRuns } from './hunt/record';
import { huntFileProblems, huntFileWarnings, readHuntSummaries } from './hunt/report';
import type { CaseContext, Inventory, StepFailure } from './model';
import { attackerCompute, attackerCredentials, attackerTie, planRelease, releaseCase, type ReleasePlan, type ReleaseSelection } from './release';

/**
 * A command that reads a case's record must find it: a mistyped --case or --case-dir would
 * otherwise verify an empty journal as intact, or release nothing and exit 0. Creates nothing.
 */
export function requireRecord(rt: { readonly ctx: Pick<CaseContext, 'caseDir' | 'caseId'> }, command: string, needs: 'journal' | 'any'): void {
  const { caseDir, caseId } = rt.ctx;
  const fix = `Fix: pass --case-dir with the case's directory (default cases/<case ID>) or the --case it was opened with`;
  if (!existsSync(caseDir)) throw noCaseDirectory(command, { caseId, caseDir });
  // A journal anchors.jsonl proves was written is tampering: verify diagnoses it against the anchor, the others refuse.
  const deleted = deletedJournal(caseDir);
  if (deleted && command === 'verify') return;
  if (deleted) throw new Error(`${command}: ${deleted.said}. ${(DELETED_FIX[command] ?? DELETED_FIX.default).replace('<case>', caseId)}`);
  const hasJournal = existsSync(journalPath(caseDir));
  if (needs === 'journal' && !hasJournal) throw new Error(`${command}: ${journalPath(caseDir)} does not exist: no phase of case ${caseId} has run in ${caseDir}. ${fix}.`);
  // A case scoped or hunted before it had a journal (hunts before the journal recorded them) is a record too.
  const any = hasJournal || ['validation.json', 'inventory.json', 'hunt'].some((f) => existsSync(join(caseDir, f)));
  if (!any) throw new Error(`${command}: ${caseDir} holds no journal, validation.json, inventory.json or hunt results of case ${caseId}. ${fix}, or run validate/scope/hunt first.`);
}

/** What each command does when the journal is gone but anchors.jsonl proves it held entries. */
const DELETED_FIX: Record<string, string> = {
  report: 'No report was written: a report without the journal would show an empty case. Run irctl verify on this case directory, keep it exactly as it is, and find out who or what deleted the journal',
  release:
    'There is nothing to undo from, but the containment irctl applied is still in place. Run irctl verify on this case directory and keep it as it is; ' +
    `find what irctl left by hand (docs/runbook.md, "When the journal is gone"): instances tagged ${TAGS.containment}=contained and ${TAGS.caseId}=<case>, ` +
    `network interfaces in ${SECURITY_GROUPS.isolation} or ${SECURITY_GROUPS.transition}, inline policies ir-deny-all and ir-revoke-older-sessions on users and roles, inactive access keys, ` +
    'Auto Scaling groups with suspended processes, Spot Fleets and EC2 Fleets held at 0',
  default: 'Run irctl verify on this case directory, keep it exactly as it is, and find out who or what deleted the journal; run no further phase of this case',
};

/**
 * The journal is absent or empty but anchors.jsonl, written beside it at the end of every phase,
 * records a head: the journal was deleted or emptied, not a wrong --case-dir.
 */
export function deletedJournal(caseDir: string): { seq: number; phase: string; said: string } | undefined {
  const newest = readLocalAnchors(caseDir).reduce<JournalAnchor | undefined>((a, b) => (a && a.seq >= b.seq ? a : b), undefined);
  if (!newest || newest.seq < 1) return undefined;
  const scan = scanJournal(caseDir);
  if (scan.exists && scan.lines.length > 0) return undefined;
  const state = scan.exists ? `is empty (${scan.bytes} bytes)` : 'does not exist';
  return {
    seq: newest.seq,
    phase: newest.phase,
    said: `journal deleted: ${journalPath(caseDir)} ${state}, but anchors.jsonl records that phase ${newest.phase} ended at entry ${newest.seq} (${newest.anchoredAt}): ${newest.seq} anchored ${newest.seq === 1 ? 'entry' : 'entries'} missing`,
  };
}

/** What release would undo for the flags; throws (before any AWS call) for a case without a journal or a name it never contained. */
export function releasePlan(ctx: Pick<CaseContext, 'caseDir' | 'caseId'>, flags: TargetFlags): { selection: ReleaseSelection; plan: ReleasePlan } {
  requireRecord({ ctx }, 'release', 'journal');
  const selection = { instanceIds: flags.instance, userNames: flags.user, roleNames: flags.role, accessKeyIds: flags.accessKey ? [flags.accessKey] : undefined };
  // A name the journal never contained is a typo or another case: refuse before journaling anything.
  const plan = planRelease(readJournal(ctx.caseDir), selection);
  if (plan.unknown.length) {
    throw new UsageError(`release: the journal of case ${ctx.caseId} records no containment of ${plan.unknown.join(', ')}. Fix: check the ID and --case/--case-dir (irctl report lists what was contained).`);
  }
  return { selection, plan };
}

/** release: undo the case's containment from its journal (all of it, or only the named instances, users, keys). */
export async function releaseCommand(rt: Runtime, flags: TargetFlags = {}): Promise<CommandResult> {
  const { selection, plan } = releasePlan(rt.ctx, flags);
  const inventory = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  const attacker = attackerCredentials(readValidations(rt.ctx), inventory);
  const compute = attackerCompute(inventory);
  const ties = plan.undo.flatMap((u) => attackerTie(u.record, attacker, compute) ?? []);
  const pending = [
    { kind: 'credential', flag: ATTACKER_CREDENTIALS_FLAG, given: !!flags.releaseAttackerCredentials, typed: 'key ID, user or role name' },
    { kind: 'compute', flag: ATTACKER_COMPUTE_FLAG, given: !!flags.releaseAttackerCompute, typed: 'instance ID, fleet ID or group name' },
  ].flatMap((k) => {
    const why = [...new Set(ties.filter((t) => t.kind === k.kind).map((t) => t.why))];
    return why.length && !k.given ? [{ ...k, why }] : [];
  });
  if (pending.length) {
    const what = pending.map((p) => p.why.join('; ')).join('; ');
    const count = pending.reduce((n, p) => n + p.why.length, 0);
    const flagsNeeded = pending.map((p) => p.flag).join(' / ');
    const typed = pending.map((p) => p.typed).join(', or ');
    const said = `${what} ${count > 1 ? 'are' : 'is'} tied to the attacker by the case's evidence, and releasing gives ${count > 1 ? 'them' : 'it'} back`;
    if (rt.apply && !rt.ask) {
      throw new UsageError(`release: ${said}; there is no terminal to confirm on, so nothing was released. Fix: rerun on a terminal and type each ${typed} when asked, or pass ${flagsNeeded} if the case is a false positive, or release only the rest (--instance, --user, --role).`);
    }
    if (!rt.apply) rt.reporter.warn(`release: ${said}. --apply will ask you to type each ${typed} (${flagsNeeded} in automation).`);
  }
  return writePhase(rt, 'release', (env) => releaseCase(env, selection, { attacker, compute }), {
    confirmAttackerCredentials: !!flags.releaseAttackerCredentials,
    confirmAttackerCompute: !!flags.releaseAttackerCompute,
  });
}

/** report: the case as Markdown (timeline, inventory, actions, what remains manual). */
export async function reportCommand(rt: Runtime, manual: readonly string[] = []): Promise<CommandResult> {
  requireRecord(rt, 'report', 'any');
  const journal = readJournal(rt.ctx.caseDir);
  const huntProblems = huntFileProblems(rt.ctx.caseDir, journal);
  for (const w of huntFileWarnings(huntProblems)) rt.reporter.warn(`report: ${w}`);
  const markdown = renderReport({
    ctx: rt.ctx,
    validations: readValidations(rt.ctx),
    inventory: readCaseFile<Inventory>(rt.ctx, 'inventory.json'),
    journal,
    manual,
    hunts: readHuntSummaries(rt.ctx.caseDir),
    huntFileProblems: huntProblems,
    anchors: readLocalAnchors(rt.ctx.caseDir),
  });
  const file = writeCaseFile(rt.ctx, 'report.md', markdown);
  rt.reporter.progress(`report written to ${file}`);
  return { command: 'report', results: [], failures: [], files: [file], exitCode: 0 };
}

/** What a responder does when the record does not verify. */
const TAMPERED =
  'What to do: keep the case directory exactly as it is (copy it read-only for the investigation); run no further phase of this case (irctl refuses to append to it); ' +
  'check the hashes by hand as docs/journal.md shows, against the anchored head; and find out who or what changed it';

/** verify: the journal's hash chain, its anchor outside the case directory, every file the journal records (evidence, hunt runs) and every evidence manifest. */
export async function verifyCommand(rt: Runtime): Promise<CommandResult> {
  const { caseDir, caseId } = rt.ctx;
  const anchor = rt.anchor ? await latestAnchor((await rt.sessions.session('analyst')).clients, rt.anchor, caseId) : undefined;
  // A deleted journal with an anchor (bucket or anchors.jsonl) is tampering to report; without one, most likely a wrong --case-dir.
  if (!anchor) requireRecord(rt, 'verify', 'journal');
  const scan = scanJournal(caseDir);
  const journal = verifyJournal(caseDir, scan);
  const failures: StepFailure[] = journal.problems.map((p) => {
    const m = /^(entry \d+): (.*)$/.exec(p);
    return { step: 'verify/journal', ...(m ? { target: m[1] } : {}), message: `${m ? m[2] : p}. ${TAMPERED}` };
  });
  // The bucket's anchor is outside the case directory; anchors.jsonl is the fallback (cut as easily as the journal).
  const local = readLocalAnchors(caseDir);
  const newestLocal = local.at(-1);
  const head: AnchoredHead | undefined =
    anchor
      ? { seq: anchor.seq, head: anchor.head, phase: anchor.phase ?? local.find((a) => a.seq === anchor.seq && a.head === anchor.head)?.phase, where: `at ${anchor.location}` }
      : newestLocal && { seq: newestLocal.seq, head: newestLocal.head, phase: newestLocal.phase, where: 'in anchors.jsonl' };
  const mismatch = head && diagnoseAnchor(scan, head);
  if (mismatch) failures.push({ step: 'verify/anchor', message: `${mismatch}. ${TAMPERED}` });
  if (!anchor) {
    rt.reporter.progress(
      rt.anchor
        ? `no anchor of case ${caseId} in s3://${rt.anchor.bucket}: nothing outside the case directory to compare with`
        : 'no anchor bucket (--anchor-bucket): a cut tail can only be checked against anchors.jsonl in the same directory',
    );
  }
  // A step killed mid-call leaves an intent without outcome: the chain is intact, but the state is unknown.
  const entries = scan.lines.flatMap((l) => (l.entry ? [l.entry] : []));
  for (const e of interruptedEntries(entries)) {
    rt.reporter.warn(
      `entry ${e.seq}: ${e.action} on ${e.target}${e.region ? ` in ${e.region}` : ''} started at ${e.ts} has no outcome: the call may or may not have reached AWS; rerun ${e.step.split('/')[0]} (it re-checks the state) or check by hand`,
    );
  }
  // Files the journal records (evidence sets, hunt runs) first: its hashes are chained, a manifest's are not.
  const recorded = recordedFiles(entries);
  const problems = new Map<string, FileProblem>(checkFiles(caseDir, recorded).map((p) => [p.path, p]));
  const instances = existsSync(join(caseDir, 'evidence')) ? readdirSync(join(caseDir, 'evidence')) : [];
  for (const id of instances) for (const p of verifyEvidence(caseDir, id)) if (!problems.has(p.path)) problems.set(p.path, p);
  for (const p of problems.values()) failures.push({ step: p.path.startsWith('hunt/') ? 'verify/hunt' : 'verify/evidence', target: p.path, message: fileProblemMessage(p) });
  for (const run of unrecordedHuntRuns(caseDir, recorded.map((r) => r.path))) {
    rt.reporter.warn(`${run} is not recorded in the journal: no entry holds the hashes of its files, so verify cannot vouch for them (a run of an irctl that did not journal hunts, or files put there by hand). Treat its rows as unverified.`);
  }
  const anchored = head ? `, ${anchor ? 'anchor' : 'anchors.jsonl head'} at entry ${head.seq} ${mismatch ? 'NOT MATCHED' : 'matched'}` : '';
  const chain = !scan.exists ? 'journal.jsonl ABSENT' : scan.lines.length === 0 ? 'journal.jsonl EMPTY' : `${journal.entries} entries, ${journal.ok ? 'chain intact' : 'CHAIN BROKEN'}`;
  rt.reporter.progress(`journal: ${chain}${anchored}; evidence: ${instances.length} instance(s) checked; ${recorded.length} file(s) recorded in the journal re-hashed`);
  return { command: 'verify', results: [], failures, exitCode: failures.length ? 1 : 0 };
}

/** handoff: copy the case snapshots, re-encrypted with the forensics key, and share them with the forensics account. */
export async function handoffCommand(rt: Runtime): Promise<CommandResult> {
  requireRecord(rt, 'handoff', 'journal');
  const target = handoffTarget(rt.config());
  return writePhase(rt, 'handoff', (env) => handOff(env, target));
}
