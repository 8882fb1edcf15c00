/**
 * A bad command line (malformed ID, unknown region, bad date, missing target): the CLI exits 2
 * for these, as the runbook promises, and keeps 1 for failures met while running.
 */

/** Thrown for input the responder must correct before irctl makes any call. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a case directory came from, for the sentence refusing it. */
export interface CaseDirOrigin {
  readonly caseId: string;
  readonly caseDir: string;
  /** True when --case-dir named it (else it is cases/<case ID>). */
  readonly fromFlag?: boolean;
  /** The anchor bucket in force, when the command is verify and has one. */
  readonly anchorBucket?: string;
}

/** The usage error for a command that reads a case whose directory is not there. */
export function noCaseDirectory(command: string, at: CaseDirOrigin): UsageError {
  const origin = at.fromFlag ? 'from --case-dir' : `cases/<case ID> for --case ${at.caseId}`;
  const restore = at.anchorBucket ? `; if it was deleted, restore it from your copy and rerun verify: ${at.anchorBucket} still holds its anchored journal head` : '';
  return new UsageError(
    `${command}: no case directory at ${at.caseDir} (${origin}), so case ${at.caseId} has no record here. ` +
      `Fix: pass --case-dir with the case's directory, or --case with the ID it was opened with (ls cases lists the cases under the default directory); ` +
      `a case directory is created by its first phase, e.g. irctl --case ${at.caseId} validate --instance <id>${restore}.`,
  );
}
