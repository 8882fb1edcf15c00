/** A clock whose sleeps advance time at once and are recorded, so tests assert schedules, not wall time. */
import type { Clock } from '../../../tooling/analysis/clock';

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
