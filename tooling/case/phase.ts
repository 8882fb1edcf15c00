/**
 * What every write phase receives: the case, the clients of both roles, the executor and the
 * clock. Phases are plain async functions over this.
 */
import type { AwsClients } from '../aws/clients';
import type { CaseContext } from '../model';
import type { Executor } from './executor';
import type { Clock } from '../clock';
import type { Reporter } from './output';

/** Concurrency bounds: regions at once, and resources at once within a region. */
export interface Concurrency {
  /** @default 5 */
  readonly regions: number;
  /** @default 5 */
  readonly resources: number;
}

/**
 * Default bounds: at most 5 regions x 5 instances in flight, each instance running its steps
 * in order — inside EC2's mutating-call burst, with adaptive retries for the rest. (On the
 * benchmark, 8 per region was slower than 5: the emulator, not the network, became the limit.)
 */
export const DEFAULT_CONCURRENCY: Concurrency = { regions: 5, resources: 5 };

/** Inputs shared by the write phases. */
export interface PhaseEnv {
  readonly ctx: CaseContext;
  /** SecurityAnalyst session: reads. */
  readonly read: AwsClients;
  /** SecurityBreakGlass session: writes and the checks right before them. */
  readonly write: AwsClients;
  /** Caller ARN of the read session (evidence manifests). */
  readonly readCaller: string;
  readonly exec: Executor;
  readonly reporter: Reporter;
  readonly clock: Clock;
  readonly concurrency: Concurrency;
}

/** Memoizes one promise per key, so a group-level step (an ASG, a VPC's groups, a role) runs once. */
export class Once {
  private readonly map = new Map<string, Promise<unknown>>();

  /** Run `fn` the first time `key` is seen; later callers share its promise. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.map.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.map.set(key, p);
    }
    return p;
  }
}
