/**
 * Which IAM users contain-credentials must account for: those the case's evidence ties to the
 * attacker, and those scope saw created or changed in the window. After the phase every one of
 * them is either contained by it or listed with the flag that contains it.
 */
import type { ActionResult } from '../case/executor';
import type { Inventory, StepFailure, Validation } from '../model';

/** A user the evidence ties to the attacker, and why. */
export interface TiedUser {
  readonly userName: string;
  readonly why: string;
}

const USER_ARN = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/;

/**
 * Users tied to the attacker: created or backdoored by an attacker event (CloudTrail
 * attribution), acted as by the attacker's events with a long-term key (AKIA…: an IAM user's),
 * or validated as a stolen key's owner. In inventory order, without duplicates.
 */
export function tiedUsers(inv: Inventory | undefined, validations: readonly Validation[]): TiedUser[] {
  const out = new Map<string, string>();
  const add = (userName: string, why: string) => {
    if (!out.has(userName)) out.set(userName, why);
  };
  for (const v of validations) {
    const name = v.principalArn?.match(USER_ARN)?.[1];
    if (name) add(name, `validated as the owner of ${v.accessKeyId ? `stolen access key ${v.accessKeyId}` : 'the validated principal'}`);
  }
  for (const e of inv?.events ?? []) {
    // Events another member account logged are about that account's users.
    if (e.accountId && e.accountId !== inv?.accountId) continue;
    if (e.username && e.accessKeyId?.startsWith('AKIA')) add(e.username, `the attacker's CloudTrail events act as it, with access key ${e.accessKeyId}`);
  }
  for (const a of inv?.attributions ?? []) if (a.kind === 'iam-user' && a.basis === 'cloudtrail') add(a.id, a.reason);
  return [...out].map(([userName, why]) => ({ userName, why })).sort((a, b) => a.userName.localeCompare(b.userName));
}

/** Users whose deny-all this run applied, planned or found in place: contained (or to be, on --apply). */
export function containedUsers(results: readonly ActionResult[]): Set<string> {
  const ok = new Set(['applied', 'dry-run-ok', 'planned', 'skipped-already-done']);
  return new Set(results.filter((r) => r.step === 'contain-credentials/deny-all' && ok.has(r.outcome) && r.target.startsWith('user/')).map((r) => r.target.slice('user/'.length)));
}

/**
 * The listing after the phase: each tied user the run did not contain (with why, and whether it
 * was attempted and failed), then each user created or changed in the window that nothing ties
 * to the attacker (a suspect to confirm). Each line ends with the command that contains it.
 */
export function uncontainedListing(input: {
  readonly inventory: Inventory | undefined;
  readonly validations: readonly Validation[];
  readonly contained: ReadonlySet<string>;
  /** Users the run tried and failed to contain. */
  readonly failed: ReadonlySet<string>;
}): string[] {
  const tied = tiedUsers(input.inventory, input.validations);
  const tiedNames = new Set(tied.map((t) => t.userName));
  const reasons = new Map((input.inventory?.attributions ?? []).filter((a) => a.kind === 'iam-user').map((a) => [a.id, a.reason]));
  const fix = (name: string) => `irctl contain-credentials --user ${name}`;
  return [
    ...tied
      .filter((t) => !input.contained.has(t.userName))
      .map(
        (t) =>
          `IAM user ${t.userName} is tied to the attacker (${t.why}) and was NOT contained by this run${input.failed.has(t.userName) ? ' (its containment failed: see the failures above)' : ''}. Fix: ${fix(t.userName)}`,
      ),
    ...(input.inventory?.iamUsers ?? [])
      .filter((u) => !tiedNames.has(u.userName) && !input.contained.has(u.userName))
      .map(
        (u) =>
          `suspect IAM user ${u.userName} (${reasons.get(u.userName) ?? 'created or changed in the window'}; no CloudTrail event ties it to the attacker): NOT contained. Confirm, then: ${fix(u.userName)}`,
      ),
  ];
}

/** Users the run tried and failed to contain (a failed step or a failed principal). */
export function failedUsers(results: readonly ActionResult[], failures: readonly StepFailure[]): Set<string> {
  const targets = [...results.filter((r) => r.outcome === 'failed').map((r) => r.target), ...failures.flatMap((f) => f.target ?? [])];
  return new Set(targets.flatMap((t) => t.match(/^user\/([^/]+)/)?.[1] ?? []));
}
