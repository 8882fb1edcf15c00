/**
 * Time as the analysis phases see it. Injected so tests can assert when calls are
 * scheduled without waiting for, or racing against, the wall clock.
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
