/**
 * Token bucket for APIs with a hard request rate, above all CloudTrail LookupEvents
 * (2 requests per second per account and region; throttled calls cost a retry each and
 * adaptive retry alone would still overshoot at the start of every region's lookups).
 */
import { systemClock, type Clock } from '../clock';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket size: calls allowed back to back after an idle period. @default 1 */
  readonly burst?: number;
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * LookupEvents: 2 per second per account and region. A burst of 1 spaces calls 500 ms
 * apart, so no 1-second window ever holds more than 2.
 */
export const LOOKUP_EVENTS_RATE: TokenBucketOptions = { ratePerSecond: 2, burst: 1 };

/** A FIFO token bucket: `acquire()` resolves when the caller may send one request. */
export class TokenBucket {
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;
  // Callers queue on one promise chain so grants are FIFO and never computed concurrently.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new Error(`ratePerSecond must be > 0, got ${options.ratePerSecond}`);
    this.rate = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? 1);
    this.clock = options.clock ?? systemClock;
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  /** Wait for a token; resolves with the clock time at which it was granted. */
  acquire(): Promise<number> {
    const grant = this.queue.then(() => this.take());
    this.queue = grant.catch(() => undefined);
    return grant;
  }

  private async take(): Promise<number> {
    this.refill();
    // Loop rather than trust one sleep: timers may fire early, and a call must never go early.
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      this.refill();
    }
    this.tokens -= 1;
    return this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

/** One bucket per key (account/region), created on first use. */
export class RateLimiters {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly options: TokenBucketOptions) {}

  /** The bucket for `accountId` in `region`. */
  forRegion(accountId: string, region: string): TokenBucket {
    const key = `${accountId}/${region}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.options);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
