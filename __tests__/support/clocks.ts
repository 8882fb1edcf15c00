/** Test clocks: time the tests control, so they assert timestamps and schedules, never wall time. */
import type { Clock } from '../../tooling/clock';

/** A clock whose sleeps advance time at once and are recorded, so tests assert schedules. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
  /** Move time forward without a sleep (idle time between bursts). */
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A fixed UTC clock advancing one second per reading; sleeps return at once and advance it. */
export function steppingClock(start = Date.parse('2026-11-23T03:00:00Z')): Clock {
  let t = start;
  return {
    now: () => (t += 1000),
    sleep: async (ms) => {
      t += ms;
    },
  };
}
