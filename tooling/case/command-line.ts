/**
 * Everything irctl can refuse without AWS, checked before a command opens its session (the
 * caller-identity and role-assumption calls included): every flag value by format, the case ID,
 * a case directory that is not there, and each command's own rules about its flags and the
 * records on disk. A refusal here is a UsageError: one sentence with the fix, exit code 2.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { instanceSelection, scopeTarget, subjectOf, type TargetFlags, validatedCredentials } from '../commands';
import { releasePlan, requireRecord } from '../record-commands';
import { tiedUsers } from '../contain/suspects';
import type { Inventory } from '../model';
import { huntInputs, type HuntFlags } from '../hunt/command';
import { checkIds } from './ids';
import type { Clock } from '../clock';
import { caseDirOf, checkCaseId, checkLocalOptions, type GlobalOptions, readCaseFile, readValidations } from './runtime';
import { noCaseDirectory, UsageError } from './usage';

/** The options object commander gives a command's action (its shape is the command's). */
type CommandFlags = object;

/** A command's checks beyond the flag formats; `caseDir` is where its records are (it may not exist). */
type CommandCheck = (flags: CommandFlags, at: { readonly caseDir: string; readonly caseId: string; readonly global: GlobalOptions }) => void;

/** True when the command got a flag naming what to act on (any flag but the switches that only widen the inventory's list). */
function given(flags: CommandFlags): boolean {
  return Object.entries(flags as Record<string, unknown>).some(([k, v]) => k !== 'includeHeuristic' && v !== undefined && v !== false);
}

/** The anchor bucket verify would compare with: named, or the config's when irctl assumes roles. */
function anchorOf(global: GlobalOptions): string | undefined {
  return global.anchorBucket ? `anchor bucket ${global.anchorBucket}` : global.assume !== false ? 'the forensics evidence bucket' : undefined;
}

const COMMAND_CHECKS: Readonly<Record<string, CommandCheck>> = {
  validate: (flags) => void subjectOf(flags as TargetFlags),
  // run goes on past a validate that fails (containment gets its chance), but a finding without its region is a typo.
  run: (flags) => {
    const { finding, region } = flags as TargetFlags;
    if (finding) subjectOf({ finding, region });
  },
  scope: (flags, at) => void scopeTarget(at, flags as TargetFlags),
  hunt: (flags, at) => void huntInputs(at, flags as HuntFlags),
  'contain-instances': (flags, at) => void instanceSelection(at, flags as TargetFlags),
  eradicate: (flags, at) => {
    // Any target flag (this command's or one added later) makes the run targeted; without one the inventory is the list.
    if (!given(flags) && !existsSync(join(at.caseDir, 'inventory.json'))) {
      throw new UsageError('eradicate needs targets. Fix: run scope first, or pass --instance / --key-pair region:name / --image region:ami / --user name.');
    }
  },
  release: (flags, at) => void releasePlan(at, flags as TargetFlags),
  'contain-credentials': (flags, at) => {
    // A named target (these flags or one added later) is checked by format above; without one, the case must name someone.
    if (given(flags)) return;
    const validated = validatedCredentials(readValidations(at));
    if (validated.accessKeyIds.length || validated.principalArns.length || tiedUsers(readCaseFile<Inventory>(at, 'inventory.json'), []).length) return;
    throw new UsageError(
      'contain-credentials needs a target: no --access-key, --principal or --user, and the case has no validated key or principal and no user CloudTrail ties to the attacker. Fix: pass --access-key <id>, --principal <arn> or --user <name>, or run validate and scope first.',
    );
  },
  handoff: (_flags, at) => requireRecord({ ctx: at }, 'handoff', 'journal'),
  report: (_flags, at) => requireRecord({ ctx: at }, 'report', 'any'),
  // With an anchor, a journal missing from an existing directory is compared with it (deleted, or never written).
  verify: (_flags, at) => void (anchorOf(at.global) ? undefined : requireRecord({ ctx: at }, 'verify', 'journal')),
};

/** Commands that only read or undo an existing case: a case directory that is not there is a wrong --case or --case-dir. */
const READS_CASE: ReadonlySet<string> = new Set(['verify', 'report', 'release', 'handoff']);

/** Refuse, before any AWS call, whatever the command line (and the case directory on disk) already shows is wrong. */
export function checkCommandLine(command: string, global: GlobalOptions, flags: CommandFlags, clock: Clock): void {
  // hunt checks its indicator flags (--access-key among them) together, so every bad value is named in one line.
  const { accessKey, ...rest } = flags as Record<string, unknown>;
  checkIds({ ...global, ...rest, ...(command === 'hunt' ? {} : { accessKey }) });
  // Every command, reads included: the case ID becomes a path (../../etc would leave cases/).
  checkCaseId(global.case);
  checkLocalOptions(global, clock);
  const caseDir = caseDirOf(global);
  if (READS_CASE.has(command) && !existsSync(caseDir)) {
    throw noCaseDirectory(command, { caseId: global.case, caseDir, fromFlag: global.caseDir !== undefined, anchorBucket: command === 'verify' ? anchorOf(global) : undefined });
  }
  COMMAND_CHECKS[command]?.(flags, { caseDir, caseId: global.case, global });
}
