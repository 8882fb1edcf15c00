/**
 * A phase that writes to the case: run it under the case lock and journal, then turn what the
 * executor recorded into a CommandResult and the exit code the CLI documents (0 done, 1 a step
 * failed, 3 a step waits for confirmation).
 */
import type { CommandResult } from '../command-result';
import type { ActionResult } from './executor';
import { withWriteCase } from './open';
import type { Runtime } from './runtime';
import type { StepFailure } from '../model';

/** The exit code for what a phase did: 1 on any failure, 3 when a step waits for confirmation. */
function exitCode(results: readonly ActionResult[], failures: readonly StepFailure[]): number {
  if (failures.length || results.some((r) => r.outcome === 'failed')) return 1;
  return results.some((r) => r.outcome === 'needs-confirmation') ? 3 : 0;
}

/** Run `fn` as phase `command` under the case lock and journal; returns its results and exit code. */
export async function writePhase(rt: Runtime, command: string, fn: Parameters<typeof withWriteCase>[1], extra: { readonly confirmAttackerCredentials?: boolean; readonly confirmAttackerCompute?: boolean } = {}): Promise<CommandResult> {
  const { exec, value } = await withWriteCase(
    { ctx: rt.ctx, sessions: rt.sessions, reporter: rt.reporter, apply: rt.apply, yesIrreversible: rt.yesIrreversible, ask: rt.ask, clock: rt.clock, phase: command, anchor: rt.anchor, ...extra },
    fn,
  );
  const manual = Array.isArray(value) ? (value as string[]) : undefined;
  return { command, results: exec.results, failures: exec.failures, manual, exitCode: exitCode(exec.results, exec.failures) };
}
