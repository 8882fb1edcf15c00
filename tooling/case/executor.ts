/**
 * The action model every write goes through. An action knows how to check whether it is
 * already done (check-then-act), how to dry-run (EC2 `DryRun: true`), how to apply and how
 * to confirm the write is visible (IAM is eventually consistent). The executor plans by
 * default, applies only when told to, asks before anything irreversible, journals every
 * outcome and records failures without stopping the other regions and resources.
 *
 * A plan never sends an irreversible call, not even with DryRun: an API (or an emulator)
 * that ignores DryRun would act for good. Irreversible steps are planned by reading their
 * target instead (`check`); DryRun stays for reversible EC2 steps, where it proves the
 * permission, and a DryRun call that may have acted is flagged so the plan never claims
 * that nothing changed.
 */
import pLimit from 'p-limit';
import type { JournalOutcome, StepFailure } from '../model';
import { explainAwsError, errorMessage, isDryRunOk, unreachableCode } from '../aws/errors';
import { systemClock, type Clock } from '../clock';
import type { Journal } from './journal';
import type { Reporter } from './output';

import type { UndoRecord } from './undo';

export type { UndoRecord } from './undo';

/** One intended change. */
export interface Action {
  /** Phase and step, e.g. `contain-instances/isolate-eni`. */
  readonly step: string;
  /** IAM action of the write, e.g. `ec2:ModifyNetworkInterfaceAttribute`. */
  readonly action: string;
  readonly region?: string;
  /** Resource acted on (ID or ARN). */
  readonly target: string;
  /** What it does, in a few words (printed in the plan). */
  readonly summary: string;
  /** Whether `release` can undo it. */
  readonly reversible: boolean;
  /** Destroys or gives up something for good (terminate, delete, release): needs a second confirmation. */
  readonly irreversible?: boolean;
  /**
   * Gives an attacker something back (re-enabling a credential the evidence ties to them): applied
   * only after the responder types `expected` (a plain "yes" is not enough) or passed the
   * dedicated flag; --yes-irreversible does not cover it.
   */
  readonly typedConfirmation?: { readonly expected: string; readonly why: string; readonly kind?: 'credential' | 'compute' };
  /** Actions sharing a group are confirmed once (all the deletions that make up removing one user). */
  readonly confirmGroup?: string;
  /** The request as sent (journaled). */
  readonly request: unknown;
  readonly undo?: UndoRecord;
  /** Reads current state; true when there is nothing left to do. */
  readonly isDone: () => Promise<boolean>;
  /** The same EC2 call with `DryRun: true`; absent for APIs without dry run (IAM, Auto Scaling, ELB). Never sent for an irreversible step. */
  readonly dryRun?: () => Promise<unknown>;
  /**
   * How a plan validates an irreversible step without sending it: read-only calls on the target
   * (describe it, check its state). Resolves to a sentence naming the problem (with its fix) when
   * the step would fail, else undefined.
   */
  readonly check?: () => Promise<string | undefined>;
  readonly apply: () => Promise<unknown>;
  /** Re-reads after applying; resolves true once the change is visible. */
  readonly verify?: () => Promise<boolean>;
}

/** What happened to one action. `needs-confirmation`: apply was asked but the irreversible step was not confirmed. */
export type ActionOutcome = JournalOutcome | 'needs-confirmation';

/** Executor settings. */
export interface ExecutorOptions {
  readonly journal: Journal;
  /** False (the default in the CLI): plan only. */
  readonly apply: boolean;
  /** Asked once per irreversible (or typed-confirmation) action when applying; resolve true (answered) or the flag that confirmed it to go ahead. */
  readonly confirmIrreversible: (action: Action) => Promise<boolean | string>;
  readonly reporter: Reporter;
  /** Who makes the calls (for error sentences). */
  readonly role?: string;
  /** Re-read attempts after an IAM write before reporting it as not yet visible. @default 8 */
  readonly verifyAttempts?: number;
  /** Waits between re-reads (500 ms, doubling, at most 8 s) on this clock. @default systemClock */
  readonly clock?: Clock;
}

/** Outcome of one action as reported at the end of a phase. */
export interface ActionResult {
  readonly step: string;
  readonly action: string;
  readonly region?: string;
  readonly target: string;
  readonly summary: string;
  readonly reversible: boolean;
  readonly outcome: ActionOutcome;
  readonly error?: string;
  /** A plan's DryRun call that AWS accepted, or that failed in a way that does not exclude it acted: the plan may have changed this. */
  readonly mayHaveChanged?: boolean;
}

/** Flag that confirms every typed-confirmation step (re-enabling the attacker's credentials) without a prompt. */
export const ATTACKER_CREDENTIALS_FLAG = '--release-attacker-credentials';
/** Flag that confirms putting compute the evidence ties to the attacker (instances, fleets, Auto Scaling groups) back without a prompt. */
export const ATTACKER_COMPUTE_FLAG = '--release-attacker-compute';

function notConfirmed(a: Action): string {
  return a.typedConfirmation
    ? `gives ${a.typedConfirmation.why} back: not confirmed (type ${a.typedConfirmation.expected} at the prompt, or pass ${a.typedConfirmation.kind === 'compute' ? ATTACKER_COMPUTE_FLAG : ATTACKER_CREDENTIALS_FLAG})`
    : 'irreversible: not confirmed (--yes-irreversible or answer the prompt)';
}

/** Runs actions under the plan/apply/confirm rules and journals each outcome. */
export class Executor {
  readonly results: ActionResult[] = [];
  readonly failures: StepFailure[] = [];
  private readonly confirmations = new Map<string, Promise<boolean | string>>();
  /** The flag that confirmed an action, when no answer was typed. */
  private readonly confirmedByFlag = new Map<Action, string>();

  constructor(readonly options: ExecutorOptions) {}

  get applying(): boolean {
    return this.options.apply;
  }

  /** Check, then plan / dry-run / apply one action; never throws for AWS errors (they are recorded). */
  async run(a: Action): Promise<ActionOutcome> {
    let outcome: ActionOutcome;
    let response: unknown;
    let error: string | undefined;
    let accepted = false;
    let mayHaveChanged = false;
    try {
      if (await a.isDone()) {
        outcome = 'skipped-already-done';
      } else if (!this.options.apply) {
        ({ outcome, response, error, mayHaveChanged = false } = await this.plan(a));
      } else if ((a.irreversible || a.typedConfirmation) && !(await this.confirmed(a))) {
        outcome = 'needs-confirmation';
      } else {
        // Intent first: if the process dies during the call, the journal still shows the step and its before-state.
        this.options.journal.append({ step: a.step, action: a.action, region: a.region, target: a.target, outcome: 'started', request: a.request, reversible: a.reversible, undo: a.undo });
        response = await a.apply();
        outcome = 'applied';
        accepted = true;
        if (a.verify && !(await this.waitVisible(a))) {
          error = `${a.action} on ${a.target} was accepted but is not visible yet after re-reading; rerun to confirm`;
          outcome = 'failed';
        }
      }
    } catch (err) {
      outcome = 'failed';
      error = explainAwsError(err, { action: a.action, role: this.options.role, region: a.region, target: a.target });
    }
    // AWS accepted the write: the journal says applied (with the error), so release can undo it.
    const journaled = accepted ? 'applied' : outcome === 'needs-confirmation' ? 'planned' : outcome;
    this.options.journal.append({
      step: a.step,
      action: a.action,
      region: a.region,
      target: a.target,
      // needs-confirmation is not a journal outcome: it was planned and is still pending.
      outcome: journaled,
      request: a.request,
      response,
      error: error ?? (outcome === 'needs-confirmation' ? notConfirmed(a) : undefined),
      reversible: a.reversible,
      undo: a.undo,
    });
    this.record(a, outcome, error, mayHaveChanged);
    return outcome;
  }

  /** Run actions one after another, stopping at the first that did not complete (later ones depend on it). */
  async sequence(actions: readonly Action[]): Promise<boolean> {
    for (const a of actions) {
      const outcome = await this.run(a);
      if (outcome === 'failed' || outcome === 'needs-confirmation') return false;
    }
    return true;
  }

  /** Record a failure outside an action (a read in one region, a missing prerequisite). */
  fail(step: string, err: unknown, where: { region?: string; target?: string; action?: string } = {}): void {
    const message = typeof err === 'string' ? err : explainAwsError(err, { ...where, role: this.options.role });
    this.failures.push({ step, region: where.region, target: where.target, message });
    this.options.journal.append({
      step,
      action: where.action ?? 'irctl:step',
      region: where.region,
      target: where.target ?? '-',
      outcome: 'failed',
      request: {},
      error: message,
      reversible: false,
    });
    this.options.reporter.warn(`${step}: ${message}`);
  }

  /** Run `fn` over items with at most `limit` at once; a rejection is recorded as a failure, the rest go on. */
  async each<T>(items: readonly T[], limit: number, step: string, describe: (item: T) => { region?: string; target?: string }, fn: (item: T) => Promise<void>): Promise<void> {
    const gate = pLimit(Math.max(1, limit));
    await Promise.all(
      items.map((item) =>
        gate(async () => {
          try {
            await fn(item);
          } catch (err) {
            this.fail(step, err, describe(item));
          }
        }),
      ),
    );
  }

  /** True when any action failed or still waits for confirmation. */
  get incomplete(): boolean {
    return this.failures.length > 0 || this.results.some((r) => r.outcome === 'failed' || r.outcome === 'needs-confirmation');
  }

  private async confirmed(a: Action): Promise<boolean> {
    const answer = await this.confirm(a);
    if (typeof answer === 'string') this.confirmedByFlag.set(a, answer);
    return !!answer;
  }

  private confirm(a: Action): Promise<boolean | string> {
    if (!a.confirmGroup) return this.options.confirmIrreversible(a);
    let answer = this.confirmations.get(a.confirmGroup);
    if (!answer) {
      answer = this.options.confirmIrreversible(a);
      this.confirmations.set(a.confirmGroup, answer);
    }
    return answer;
  }

  private async plan(a: Action): Promise<{ outcome: ActionOutcome; response?: unknown; error?: string; mayHaveChanged?: boolean }> {
    if (a.irreversible) {
      // Read, never send: what cannot be undone is validated by looking at its target.
      const problem = a.check ? await a.check() : undefined;
      return problem ? { outcome: 'failed', error: problem } : { outcome: 'planned' };
    }
    if (!a.dryRun) return { outcome: 'planned' };
    try {
      const response = await a.dryRun();
      // The API accepted the call although DryRun was set: it may have acted. Say so loudly.
      return { outcome: 'failed', response, error: `${a.action} ignored DryRun and may have made the change on ${a.target}; inspect it`, mayHaveChanged: true };
    } catch (err) {
      if (isDryRunOk(err)) return { outcome: 'dry-run-ok' };
      const error = explainAwsError(err, { action: a.action, role: this.options.role, region: a.region, target: a.target });
      return { outcome: 'failed', error, mayHaveChanged: !refusedUnacted(err) };
    }
  }

  private async waitVisible(a: Action): Promise<boolean> {
    const clock = this.options.clock ?? systemClock;
    const attempts = this.options.verifyAttempts ?? 8;
    for (let i = 0; i < attempts; i++) {
      if (await a.verify!()) return true;
      await clock.sleep(Math.min(8000, 500 * 2 ** i));
    }
    return false;
  }

  /** Whether a typed-confirmation action was typed, confirmed by its flag, or still needs either. */
  private howConfirmed(a: Action, outcome: ActionOutcome): string {
    const byFlag = this.confirmedByFlag.get(a);
    if (byFlag) return `confirmed by ${byFlag}`;
    if (outcome === 'skipped-already-done') return 'already done, nothing to confirm';
    if (this.options.apply && outcome !== 'needs-confirmation') return 'typed confirmation';
    return `needs typed confirmation or ${a.typedConfirmation?.kind === 'compute' ? ATTACKER_COMPUTE_FLAG : ATTACKER_CREDENTIALS_FLAG}`;
  }

  private record(a: Action, outcome: ActionOutcome, error?: string, mayHaveChanged = false): void {
    const result: ActionResult = { step: a.step, action: a.action, region: a.region, target: a.target, summary: a.summary, reversible: a.reversible, outcome, error, ...(mayHaveChanged ? { mayHaveChanged } : {}) };
    this.results.push(result);
    if (outcome === 'failed') this.failures.push({ step: a.step, region: a.region, target: a.target, message: error ?? 'failed' });
    const where = a.region ? ` (${a.region})` : '';
    const flag = a.irreversible ? 'IRREVERSIBLE' : a.typedConfirmation ? `ATTACKER ${a.typedConfirmation.kind === 'compute' ? 'COMPUTE' : 'CREDENTIAL'}: ${this.howConfirmed(a, outcome)}` : `reversible: ${a.reversible ? 'yes' : 'no'}`;
    this.options.reporter.progress(`[${outcome}] ${a.action} ${a.target}${where} — ${a.summary} [${flag}]${error ? `: ${error}` : ''}`);
  }
}

/** Network errors raised before a request left the machine: nothing reached AWS. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * True when a failed call certainly did not act: AWS refused it (a 4xx answer: denied,
 * malformed, not found) or it never reached AWS. A server error or a cut connection leaves
 * open whether the request was carried out.
 */
export function refusedUnacted(err: unknown): boolean {
  const e = err as { $fault?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (e?.$fault === 'client' || (status !== undefined && status >= 400 && status < 500)) return true;
  const code = unreachableCode(err);
  return code !== undefined && NOT_SENT.has(code);
}

/** Message of a thrown value (re-exported for phases that build their own sentences). */
export { errorMessage };
