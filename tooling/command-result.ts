/**
 * What an irctl command reports back to the CLI. Its own module: the command table and the
 * commands it hands off to (hunt) both use it, and neither may import the other.
 */
import type { ActionResult } from './case/executor';
import type { StepFailure } from './model';

/** What a command did. */
export interface CommandResult {
  readonly command: string;
  readonly results: readonly ActionResult[];
  readonly failures: readonly StepFailure[];
  readonly manual?: readonly string[];
  /** Facts the text output printed as progress (so --json carries them too). */
  readonly notes?: readonly string[];
  /** Files written (validation, inventory, report). */
  readonly files?: readonly string[];
  /** 0 done, 1 something failed, 3 irreversible steps wait for confirmation. */
  readonly exitCode: number;
}
