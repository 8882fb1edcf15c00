/**
 * Opening a case for a write phase: lock the case directory (two responders running irctl on
 * one case would race each other), take the break-glass and analyst sessions, open the
 * journal as the break-glass caller and build the executor with the confirmation rule.
 */
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsClients } from '../aws/clients';
import type { SessionSource } from '../aws/session';
import { anchorJournal, type AnchorTarget } from './anchor';
import type { CaseContext, StepFailure } from '../model';
import { type Action, ATTACKER_COMPUTE_FLAG, ATTACKER_CREDENTIALS_FLAG, Executor } from './executor';
import { currentDate, systemClock, type Clock } from '../clock';
import { Journal } from './journal';
import type { Reporter } from './output';
import { type Concurrency, DEFAULT_CONCURRENCY, type PhaseEnv } from './phase';

/** Everything needed to run write phases on a case. */
export interface WriteCaseOptions {
  readonly ctx: CaseContext;
  readonly sessions: SessionSource;
  readonly reporter: Reporter;
  /** Act; otherwise plan (DryRun for EC2). */
  readonly apply: boolean;
  /** Confirms every irreversible step up front (automation). */
  readonly yesIrreversible: boolean;
  /** Confirms every step that gives the attacker's credentials back (release --release-attacker-credentials). @default false */
  readonly confirmAttackerCredentials?: boolean;
  /** Confirms every step that puts compute the evidence ties to the attacker back (release --release-attacker-compute). @default false */
  readonly confirmAttackerCompute?: boolean;
  /** Interactive yes/no question; absent when stdin is not a terminal. */
  readonly ask?: (question: string) => Promise<string>;
  /** Time of the journal and the phases, and the delay between IAM re-reads (tests pass one that does not wait). @default systemClock */
  readonly clock?: Clock;
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: Concurrency;
  /** Phase name written with the journal anchor. @default 'phase' */
  readonly phase?: string;
  /** Where the journal head is anchored at the end of the phase (absent: the case directory only). */
  readonly anchor?: AnchorTarget;
}

/** Run `fn` with a locked case, a journal and an executor; the lock is released afterwards. */
export async function withWriteCase<T>(options: WriteCaseOptions, fn: (env: PhaseEnv) => Promise<T>): Promise<{ value: T; exec: Executor }> {
  const { ctx } = options;
  mkdirSync(ctx.caseDir, { recursive: true });
  const unlock = lockCase(ctx.caseDir);
  try {
    const [write, read] = await Promise.all([options.sessions.session('breakGlass'), options.sessions.session('analyst')]);
    const clock = options.clock ?? systemClock;
    const journal = Journal.open(ctx.caseDir, { caseId: ctx.caseId, caller: write.caller, clock });
    const exec = new Executor({
      journal,
      apply: options.apply,
      reporter: options.reporter,
      role: write.roleArn ?? write.caller,
      clock,
      confirmIrreversible: confirmer(options),
    });
    const env: PhaseEnv = {
      ctx,
      read: read.clients,
      write: write.clients,
      readCaller: read.caller,
      exec,
      reporter: options.reporter,
      clock,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    };
    options.reporter.progress(
      `${options.apply ? 'APPLYING' : 'PLAN ONLY (no change; add --apply to act)'} — case ${ctx.caseId}, account ${ctx.accountId}, regions ${ctx.regions.join(', ')}, as ${write.caller}`,
    );
    const value = await fn(env);
    await anchorPhase(options, write.clients, journal, exec, clock);
    return { value, exec };
  } finally {
    unlock();
  }
}

// The chain head leaves the case directory at the end of every phase, so a cut tail shows.
async function anchorPhase(options: WriteCaseOptions, clients: AwsClients, journal: Journal, exec: Executor, clock: Clock): Promise<void> {
  const failure = await anchorPhaseEnd({ ctx: options.ctx, phase: options.phase ?? 'phase', anchor: options.anchor, reporter: options.reporter }, clients, journal, clock);
  if (failure) exec.failures.push(failure);
}

/** Anchor the journal head at the end of a phase and say where; a refused anchor is warned and returned as the phase's failure. */
export async function anchorPhaseEnd(
  input: { readonly ctx: CaseContext; readonly phase: string; readonly anchor?: AnchorTarget; readonly reporter: Reporter },
  clients: AwsClients,
  journal: Journal,
  clock: Clock,
): Promise<StepFailure | undefined> {
  try {
    const anchor = await anchorJournal(clients, { caseId: input.ctx.caseId, caseDir: input.ctx.caseDir, phase: input.phase, entries: journal.entries(), at: currentDate(clock), target: input.anchor });
    if (!anchor) return undefined;
    input.reporter.progress(
      anchor.location
        ? `journal head (entry ${anchor.seq}) anchored at ${anchor.location}`
        : `journal head (entry ${anchor.seq}) recorded in the case directory only (anchors.jsonl): verify detects a cut tail, but not the journal and anchors.jsonl cut or deleted together. Pass --anchor-bucket <evidence bucket> to anchor it outside.`,
    );
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    input.reporter.warn(message);
    return { step: 'anchor-journal', message };
  }
}

// One question at a time, even when several regions reach an irreversible step together.
function confirmer(options: WriteCaseOptions): (a: Action) => Promise<boolean | string> {
  let queue: Promise<unknown> = Promise.resolve();
  return (a) => {
    const typed = a.typedConfirmation;
    // --yes-irreversible is about destroying things; giving the attacker a credential back has its own flag.
    const byFlag = typed ? (typed.kind === 'compute' ? options.confirmAttackerCompute : options.confirmAttackerCredentials) : options.yesIrreversible;
    if (byFlag) return Promise.resolve(typed ? (typed.kind === 'compute' ? ATTACKER_COMPUTE_FLAG : ATTACKER_CREDENTIALS_FLAG) : '--yes-irreversible');
    const ask = options.ask;
    if (!ask) return Promise.resolve(false);
    const where = `[${a.action} ${a.target}${a.region ? ` in ${a.region}` : ''}]`;
    const question = typed
      ? `ATTACKER ${typed.kind === 'compute' ? 'COMPUTE' : 'CREDENTIAL'}: ${a.summary} ${where}. The evidence ties ${typed.why} to the attacker; this gives it back. Type ${typed.expected} to proceed: `
      : `IRREVERSIBLE: ${a.summary} ${where}. Type "yes" to proceed: `;
    const answer = queue.then(() => ask(question));
    queue = answer.catch(() => undefined);
    return answer.then((text) => (typed ? text.trim() === typed.expected : text.trim().toLowerCase() === 'yes'));
  };
}

/** Take `<caseDir>/.lock`; a lock left by a dead process is taken over. Returns the release function. */
export function lockCase(caseDir: string): () => void {
  const file = join(caseDir, '.lock');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new Error(`Case directory ${caseDir} is in use by irctl process ${pid}. Fix: wait for it to finish (two runs on one case would race), or stop it.`);
    }
    unlinkSync(file);
  }
  writeFileSync(file, String(process.pid), { flag: 'wx' });
  return () => {
    if (existsSync(file)) unlinkSync(file);
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
