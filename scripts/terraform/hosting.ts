/**
 * Which stacks the moto apply hosts, and why the others cannot be: measured against moto 5.2.5
 * with provider 6.34.0. A stack's concern is its ID after the account name (`<account>-<concern>`).
 * README.md's "Proving the Terraform" section repeats these lists for users.
 */
import type { ToleratedDiff } from './apply';

/** Concerns applied, re-planned and destroyed on moto in CI. */
export const HOSTED_CONCERNS = [
  'detection', 'isolation', 'flow-logs', 'alerts', 'clean-room', 'breakglass-alarm', 'scps',
  'ir-roles', 'athena', 'config-recorders', 'config-rules', 'delegation', 'trail', 'guardduty', 'guardduty-org', 'dns-query-logs',
] as const;

/** Concerns moto cannot host, each with the emulator gap that stops it (they are still validated). */
export const NOT_HOSTED: ReadonlyArray<{ readonly concern: string; readonly reason: string }> = [
  { concern: 'billing', reason: 'moto lacks Cost Anomaly Detection monitors, budget subscribers and the PutMetricAlarm protocol the provider uses' },
];

/** Planned changes after apply that moto causes, not the stack. */
export const TOLERATED_DIFFS: readonly ToleratedDiff[] = [];

/** The concern of a stack ID, given the account names of the config. */
export function concernOf(stackId: string, accountNames: readonly string[]): string {
  const account = [...accountNames].sort((a, b) => b.length - a.length).find((name) => stackId.startsWith(`${name}-`));
  if (!account) throw new Error(`stack ${stackId} does not start with a configured account name`);
  return stackId.slice(account.length + 1);
}
