/**
 * What an irctl command reports back to the CLI. Its own module: the command table and the
 * commands it hands off to (hunt) both use it, and neither may import the other.
 */
import type { ActionResult } from './case/executor';
import type { IndicatorClass, StepFailure } from './model';

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
  /** hunt: what each indicator class found, as data (--json carries it). */
  readonly hunt?: HuntOutcome;
  /** 0 done, 1 something failed, 3 irreversible steps wait for confirmation. */
  readonly exitCode: number;
}

/** One indicator class of a hunt run: searched (with its rows), failed, or not searchable in the logs. */
export interface HuntClassOutcome {
  readonly class: IndicatorClass;
  /** As printed, e.g. `mining-pool IPs`. */
  readonly label: string;
  readonly values: readonly string[];
  readonly status: 'searched' | 'failed' | 'not-searched';
  readonly table?: string;
  readonly rows: number;
  /** The --max-rows limit was reached: there may be more. */
  readonly truncated: boolean;
  /** Accounts with at least one hit. */
  readonly accounts: readonly string[];
  readonly queryExecutionId?: string;
  readonly scannedBytes?: number;
  /** Absolute paths. */
  readonly csvFile?: string;
  readonly sqlFile?: string;
  readonly error?: string;
  readonly notSearched?: string;
}

/** The result of one hunt run. */
export interface HuntOutcome {
  /** Absolute path of the run's folder (CSV, SQL, summary.json). */
  readonly runDir: string;
  readonly window: { readonly start: string; readonly end: string };
  readonly athenaRegion: string;
  readonly workgroup: string;
  /** Accounts other than the case's with hits: each needs a case of its own. */
  readonly accountsOutsideCase: readonly string[];
  /** `seq` of the journal entry recording the run's files and their SHA-256. */
  readonly journalEntry: number;
  readonly classes: readonly HuntClassOutcome[];
}
