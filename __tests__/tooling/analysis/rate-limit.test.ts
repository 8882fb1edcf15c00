import { RateLimiters, TokenBucket, LOOKUP_EVENTS_RATE } from '../../../tooling/analysis/rate-limit';
import { FakeClock } from '../../support/clocks';

/** At most `limit` grants in any half-open window of `windowMs`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe('TokenBucket (injected clock: schedules are asserted, nothing waits)', () => {
  test.each([
    { name: 'LookupEvents default: 2/s, burst 1', rate: 2, burst: 1, calls: 5, expected: [0, 500, 1000, 1500, 2000] },
    { name: 'burst 2 lets two through, then 2/s', rate: 2, burst: 2, calls: 5, expected: [0, 0, 500, 1000, 1500] },
    { name: '1/s', rate: 1, burst: 1, calls: 3, expected: [0, 1000, 2000] },
  ])('$name', async ({ rate, burst, calls, expected }) => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: rate, burst, clock });
    // Issued concurrently, as scope's region tasks do.
    const granted = await Promise.all(Array.from({ length: calls }, () => bucket.acquire()));
    expect(granted).toEqual(expected);
  });

  test('the LookupEvents setting never allows more than 2 calls in any second', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ...LOOKUP_EVENTS_RATE, clock });
    const granted = await Promise.all(Array.from({ length: 20 }, () => bucket.acquire()));
    expect(maxInWindow(granted, 1000)).toBe(2);
    expect(granted[19]).toBe(9500);
  });

  test('tokens refill during idle time, up to the burst only', async () => {
    const clock = new FakeClock(1_000_000);
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, clock });
    await Promise.all([bucket.acquire(), bucket.acquire()]);
    clock.advance(10_000); // long idle: bucket full again, but no more than 2
    const granted = await Promise.all([bucket.acquire(), bucket.acquire(), bucket.acquire()]);
    expect(granted).toEqual([1_010_000, 1_010_000, 1_010_500]);
  });

  test('grants are FIFO in call order', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 4, clock });
    const order: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((id) => bucket.acquire().then(() => order.push(id))));
    expect(order).toEqual(['a', 'b', 'c']);
    expect(clock.sleeps).toEqual([250, 250]);
  });

  test('a clock that wakes early does not let a call through early', async () => {
    let t = 0;
    const early = { now: () => t, sleep: async (ms: number) => void (t += ms / 2) };
    const bucket = new TokenBucket({ ratePerSecond: 2, clock: early });
    const granted = await Promise.all([bucket.acquire(), bucket.acquire()]);
    expect(granted[1]).toBeGreaterThanOrEqual(500);
  });

  test('rejects a non-positive rate with a message', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(/ratePerSecond must be > 0/);
  });
});

describe('RateLimiters', () => {
  test('one bucket per account and region: regions do not slow each other', async () => {
    const clock = new FakeClock();
    const limiters = new RateLimiters({ ...LOOKUP_EVENTS_RATE, clock });
    expect(limiters.forRegion('111111111111', 'us-east-1')).toBe(limiters.forRegion('111111111111', 'us-east-1'));
    expect(limiters.forRegion('111111111111', 'us-east-1')).not.toBe(limiters.forRegion('111111111111', 'eu-west-1'));
    expect(limiters.forRegion('111111111111', 'us-east-1')).not.toBe(limiters.forRegion('222222222222', 'us-east-1'));
  });
});
