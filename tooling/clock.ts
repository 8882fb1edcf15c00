/**
 * Time as irctl sees it: one injectable source of the current time and of delays, for the
 * journal, evidence timestamps, session revocation, snapshot waits, IAM re-reads and the
 * analysis rate limits. Tests pass a clock that steps or jumps, never racing the wall clock.
 */

/** Source of the current time and of delays. */
export interface Clock {
  /** Milliseconds since the epoch (UTC). */
  now(): number;
  /** Resolve after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** The clock's current time as a Date. */
export function currentDate(clock: Clock): Date {
  return new Date(clock.now());
}
