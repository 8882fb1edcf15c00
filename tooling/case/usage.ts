/**
 * A bad command line (malformed ID, unknown region, bad date, missing target): the CLI exits 2
 * for these, as the runbook promises, and keeps 1 for failures met while running.
 */

/** Thrown for input the responder must correct before irctl makes any call. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
