/**
 * Synth-time guards: limits AWS enforces only at apply time (or that Terraform never checks),
 * turned into errors before any output is written.
 */

/** A guardrail limit was exceeded; the message names the limit, the value and the fix. */
export class GuardrailError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} guardrail limit problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nNothing was written.`);
    this.name = 'GuardrailError';
  }
}
