/**
 * Which IAM users and roles contain-credentials must account for: those the case's evidence ties
 * to the attacker (for roles: the attacker's AssumeRole, the role pivot), and those scope saw
 * created or changed in the window or suspects by heuristics. After the phase every one of them
 * is either contained by it or listed with the flag that contains it (or why irctl never will).
 */
import type { ActionResult } from '../case/executor';
import { UsageError } from '../case/usage';
import type { Inventory, StepFailure, Validation } from '../model';
import { protectedRole } from './credentials';

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

/** A role scope attributed to the attacker (`iam-role`, by its ARN), and why. */
export interface AttributedRole {
  readonly roleName: string;
  readonly accountId: string;
  readonly basis: 'cloudtrail' | 'heuristic';
  /** `CloudTrail event <id>: <reason>`, or the heuristic's reason. */
  readonly why: string;
  /** Why irctl never revokes it (an IR or service-linked role), with the fix. */
  readonly refusal?: string;
  /** When the attributing event happened (the attacker's session began): a revocation must be later. */
  readonly tiedAt?: Date;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role(\/(?:.*\/)?)([^/]+)$/;

/** The roles scope attributed, CloudTrail ones first, without duplicates (a role with both bases counts as CloudTrail's). */
export function attributedRoles(inv: Inventory | undefined): AttributedRole[] {
  const out = new Map<string, AttributedRole>();
  const all = (inv?.attributions ?? []).filter((a) => a.kind === 'iam-role');
  for (const a of [...all.filter((x) => x.basis === 'cloudtrail'), ...all.filter((x) => x.basis !== 'cloudtrail')]) {
    const m = ROLE_ARN.exec(a.id);
    if (!m || out.has(a.id)) continue;
    const [, accountId, path, roleName] = m;
    const why = a.basis === 'cloudtrail' ? `CloudTrail${a.eventId ? ` event ${a.eventId}` : ''}: ${a.reason}` : a.reason;
    const at = inv?.events.find((e) => a.eventId && e.eventId === a.eventId)?.eventTime ?? / at (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(a.reason)?.[1];
    const tiedAt = a.basis === 'cloudtrail' && at && !Number.isNaN(Date.parse(at)) ? new Date(at) : undefined;
    out.set(a.id, { roleName, accountId, basis: a.basis, why, refusal: protectedRole(roleName, path), ...(tiedAt ? { tiedAt } : {}) });
  }
  return [...out.values()];
}

/** Roles of this account the evidence ties to the attacker and irctl may revoke: contain-credentials' default role targets. */
export function tiedRoles(inv: Inventory | undefined, accountId: string): AttributedRole[] {
  return attributedRoles(inv).filter((r) => r.basis === 'cloudtrail' && r.accountId === accountId && !r.refusal);
}

/**
 * The roles contain-credentials acts on, with what ties each and when the attacker's session
 * began: those named with --role (an IR role is refused here, before any AWS call), else, unless
 * --user names the users to contain, those CloudTrail ties to the attacker.
 */
export function roleTargets(inv: Inventory | undefined, accountId: string, named: { readonly user?: readonly string[]; readonly role?: readonly string[] }): Array<{ name: string; why: string; notBefore?: Date }> {
  for (const name of named.role ?? []) {
    const refusal = protectedRole(name);
    if (refusal) throw new UsageError(`contain-credentials: refusing to revoke the sessions of IAM role ${name}: ${refusal}.`);
  }
  const tied = tiedRoles(inv, accountId);
  const chosen = named.role ? named.role.map((name) => ({ name, tie: tied.find((t) => t.roleName === name) })) : (named.user ? [] : tied).map((t) => ({ name: t.roleName, tie: t }));
  return chosen.map((r) => ({ name: r.name, why: r.tie ? `tied to the attacker by ${r.tie.why}` : 'named with --role', ...(r.tie?.tiedAt ? { notBefore: r.tie.tiedAt } : {}) }));
}

/**
 * Roles of this account CloudTrail ties to the attacker that irctl must not revoke (an IR or
 * service-linked role): work left undone, so failures of a run that would have revoked them
 * (none when --user or --role name the targets: they stay listed).
 */
export function refusedRoles(inv: Inventory | undefined, accountId: string, namedTargets: boolean): StepFailure[] {
  if (namedTargets) return [];
  return attributedRoles(inv)
    .filter((r) => r.basis === 'cloudtrail' && r.accountId === accountId && r.refusal)
    .map((r) => ({ step: 'contain-credentials/refused-role', target: `role/${r.roleName}`, message: refusalLine(r, accountId) }));
}

/** The sentence for a role irctl will not revoke: the same in the listing and as a failure, so it is printed once. */
function refusalLine(r: AttributedRole, accountId: string): string {
  const name = `IAM role ${r.roleName}${r.accountId !== accountId ? ` in account ${r.accountId}` : ''}`;
  return `${name} is ${r.basis === 'cloudtrail' ? 'tied to the attacker' : 'a suspect'} (${r.why}) but NOT revoked: ${r.refusal}`;
}

const OK_OUTCOMES = new Set(['applied', 'dry-run-ok', 'planned', 'skipped-already-done']);

/** Users whose deny-all this run applied, planned or found in place: contained (or to be, on --apply). */
export function containedUsers(results: readonly ActionResult[]): Set<string> {
  return new Set(results.filter((r) => r.step === 'contain-credentials/deny-all' && OK_OUTCOMES.has(r.outcome) && r.target.startsWith('user/')).map((r) => r.target.slice('user/'.length)));
}

/** Roles whose session revocation this run applied, planned or found in place. */
export function containedRoles(results: readonly ActionResult[]): Set<string> {
  return new Set(results.filter((r) => r.step === 'contain-credentials/revoke-sessions' && OK_OUTCOMES.has(r.outcome) && r.target.startsWith('role/')).map((r) => r.target.slice('role/'.length)));
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
  /** The case's account, and the roles the run revoked and tried and failed to (absent: roles are not listed). */
  readonly roles?: { readonly accountId: string; readonly contained: ReadonlySet<string>; readonly failed: ReadonlySet<string> };
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
    ...(input.roles ? roleListing(input.inventory, input.roles) : []),
  ];
}

/** The role half of the listing: tied roles not revoked (elsewhere, refused, left out or failed), then heuristic suspects. */
function roleListing(inv: Inventory | undefined, run: NonNullable<Parameters<typeof uncontainedListing>[0]['roles']>): string[] {
  const roles = attributedRoles(inv);
  const tied = new Set(roles.filter((r) => r.basis === 'cloudtrail').map((r) => `${r.accountId}/${r.roleName}`));
  return roles.flatMap((r) => {
    const elsewhere = r.accountId !== run.accountId;
    const name = `IAM role ${r.roleName}${elsewhere ? ` in account ${r.accountId}` : ''}`;
    const fix = `irctl ${elsewhere ? `--account ${r.accountId} --case <a case for that account> ` : ''}contain-credentials --role ${r.roleName}`;
    if (r.refusal) return [refusalLine(r, run.accountId)];
    if (r.basis === 'cloudtrail') {
      if (elsewhere) return [`${name} is tied to the attacker (${r.why}), but this case is account ${run.accountId}: NOT revoked here. Fix: ${fix}`];
      if (run.contained.has(r.roleName)) return [];
      return [`${name} is tied to the attacker (${r.why}) and was NOT contained by this run${run.failed.has(r.roleName) ? ' (its containment failed: see the failures above)' : ''}. Fix: ${fix}`];
    }
    if (tied.has(`${r.accountId}/${r.roleName}`) || (!elsewhere && run.contained.has(r.roleName))) return [];
    return [`suspect ${name} (${r.why}; no CloudTrail event ties it to the attacker): NOT contained. Confirm, then: ${fix}`];
  });
}

/** Users (or roles) the run tried and failed to contain (a failed step or a failed principal). */
export function failedUsers(results: readonly ActionResult[], failures: readonly StepFailure[], kind: 'user' | 'role' = 'user'): Set<string> {
  const targets = [...results.filter((r) => r.outcome === 'failed').map((r) => r.target), ...failures.flatMap((f) => f.target ?? [])];
  return new Set(targets.flatMap((t) => (t.startsWith(`${kind}/`) ? (t.slice(kind.length + 1).split('/')[0] ?? []) : [])));
}
