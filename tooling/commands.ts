/**
 * The playbook phases as plain async functions over a Runtime, one per CLI command. Each
 * returns a CommandResult; the CLI turns it into output and an exit code.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport, scope, validate } from './analysis';
import type { ActionResult } from './case/executor';
import { readJournal, verifyJournal } from './case/journal';
import { withWriteCase } from './case/open';
import { Once } from './case/phase';
import { readCaseFile, type Runtime, writeCaseFile } from './case/runtime';
import { containCredentials } from './contain/credentials';
import { containInstances } from './contain/instances';
import { eradicate, type EradicationTargets } from './eradicate';
import { verifyEvidence } from './evidence/collect';
import type { Inventory, StepFailure, Subject, Validation } from './model';
import { athenaScopeSource } from './hunt/command';
import { readHuntSummaries } from './hunt/report';
import { releaseCase } from './release';

/** What a command did. */
export interface CommandResult {
  readonly command: string;
  readonly results: readonly ActionResult[];
  readonly failures: readonly StepFailure[];
  readonly manual?: readonly string[];
  /** Files written (validation, inventory, report). */
  readonly files?: readonly string[];
  /** 0 done, 1 something failed, 3 irreversible steps wait for confirmation. */
  readonly exitCode: number;
}

/** Flags naming what a phase acts on; absent ones come from validation.json / inventory.json. */
export interface TargetFlags {
  readonly instance?: readonly string[];
  readonly accessKey?: string;
  readonly principal?: string;
  readonly finding?: string;
  readonly region?: string;
  readonly user?: readonly string[];
  readonly keyPair?: readonly string[];
  readonly image?: readonly string[];
  /** eradicate: also remove resources scope tied to the attacker by heuristics only. */
  readonly includeHeuristic?: boolean;
  /** scope: `cloudtrail` (LookupEvents) or `athena` (the organization trail). */
  readonly source?: string;
}

function exitCode(results: readonly ActionResult[], failures: readonly StepFailure[]): number {
  if (failures.length || results.some((r) => r.outcome === 'failed')) return 1;
  return results.some((r) => r.outcome === 'needs-confirmation') ? 3 : 0;
}

async function writePhase(rt: Runtime, command: string, fn: Parameters<typeof withWriteCase>[1]): Promise<CommandResult> {
  const { exec, value } = await withWriteCase(
    { ctx: rt.ctx, sessions: rt.sessions, reporter: rt.reporter, apply: rt.apply, yesIrreversible: rt.yesIrreversible, ask: rt.ask, clock: rt.clock },
    fn,
  );
  const manual = Array.isArray(value) ? (value as string[]) : undefined;
  return { command, results: exec.results, failures: exec.failures, manual, exitCode: exitCode(exec.results, exec.failures) };
}

function subjectOf(flags: TargetFlags): Subject {
  if (flags.finding) {
    if (!flags.region) throw new Error('A GuardDuty finding is regional. Fix: pass --region with --finding.');
    return { kind: 'finding', findingId: flags.finding, region: flags.region };
  }
  if (flags.instance?.length) return { kind: 'instance', instanceId: flags.instance[0], region: flags.region ?? 'us-east-1' };
  if (flags.accessKey) return { kind: 'access-key', accessKeyId: flags.accessKey };
  throw new Error('Nothing to validate. Fix: pass --finding <id> --region <r>, --instance <id> or --access-key <id>.');
}

/** validate: who owns the subject, and how it came to be. */
export async function validateCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const analyst = await rt.sessions.session('analyst');
  const validation = await validate(analyst.clients, subjectOf(flags), { regions: rt.ctx.regions });
  validation.facts.forEach((f) => rt.reporter.progress(`- ${f}`));
  return { command: 'validate', results: [], failures: [], files: [writeCaseFile(rt.ctx, 'validation.json', validation)], exitCode: 0 };
}

/** scope: everything the attacker touched, in every region. */
export async function scopeCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const v = readCaseFile<Validation>(rt.ctx, 'validation.json');
  const target = { accessKeyId: flags.accessKey ?? v?.accessKeyId, principalArn: flags.principal ?? v?.principalArn };
  if (!target.accessKeyId && !target.principalArn) throw new Error('scope needs the attacker. Fix: pass --access-key or --principal, or run validate first.');
  const trailSource = flags.source === 'athena' ? await athenaScopeSource(rt) : undefined;
  const analyst = await rt.sessions.session('analyst');
  const inventory = await scope(analyst.clients, rt.ctx, target, { onProgress: (m) => rt.reporter.progress(m), trailSource });
  return { command: 'scope', results: [], failures: inventory.failures, files: [writeCaseFile(rt.ctx, 'inventory.json', inventory)], exitCode: inventory.failures.length ? 1 : 0 };
}

function attributed(inv: Inventory | undefined, kind: string, options: { cloudTrailOnly?: boolean } = {}): Array<{ id: string; region?: string }> {
  return (inv?.attributions ?? []).filter((a) => a.kind === kind && (!options.cloudTrailOnly || a.basis === 'cloudtrail')).map((a) => ({ id: a.id, region: a.region }));
}

/** contain-credentials: deactivate keys, deny-all, revoke sessions. */
export async function containCredentialsCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const v = readCaseFile<Validation>(rt.ctx, 'validation.json');
  const inv = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  const userNames = flags.user ?? attributed(inv, 'iam-user').map((u) => u.id);
  const target = { accessKeyId: flags.accessKey ?? v?.accessKeyId, principalArn: flags.principal ?? (flags.accessKey ? undefined : v?.principalArn), userNames };
  return writePhase(rt, 'contain-credentials', (env) => containCredentials(env, target, new Once()));
}

function instanceTargets(rt: Runtime, flags: TargetFlags): string[] {
  if (flags.instance?.length) return [...flags.instance];
  const inv = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  const ids = attributed(inv, 'instance').map((i) => i.id);
  if (ids.length === 0) throw new Error('No instances to act on. Fix: pass --instance <id> (repeatable), or run scope first so the attacker\'s instances are known.');
  return ids;
}

/** contain-instances: evidence, snapshots, isolation, and the rest docs/runbook.md lists. */
export async function containInstancesCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const instanceIds = instanceTargets(rt, flags);
  return writePhase(rt, 'contain-instances', (env) => containInstances(env, { instanceIds }));
}

function regional(values: readonly string[] | undefined, flag: string): Array<{ region: string; id: string }> {
  return (values ?? []).map((v) => {
    const [region, id] = v.split(':');
    if (!region || !id) throw new Error(`${flag} "${v}" is not <region>:<id>. Fix: e.g. ${flag} us-east-1:${flag === '--image' ? 'ami-0123456789abcdef0' : 'miner-key'}.`);
    return { region, id };
  });
}

/** eradicate: terminate, delete key pairs and AMIs, delete backdoor users. */
export async function eradicateCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const inv = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  const flagged = !!(flags.instance?.length || flags.keyPair?.length || flags.image?.length || flags.user?.length);
  const proven = { cloudTrailOnly: !flags.includeHeuristic };
  const keyName = (id: string, region?: string) => inv?.keyPairs.find((k) => k.id === id && k.region === region)?.name ?? id;
  const targets: EradicationTargets = flagged
    ? {
        instanceIds: flags.instance,
        keyPairs: regional(flags.keyPair, '--key-pair').map((k) => ({ region: k.region, name: k.id })),
        images: regional(flags.image, '--image').map((i) => ({ region: i.region, imageId: i.id })),
        userNames: flags.user,
      }
    : {
        // Deletion is for good: from the inventory, only what CloudTrail proves the attacker created.
        instanceIds: attributed(inv, 'instance', proven).map((i) => i.id),
        keyPairs: attributed(inv, 'key-pair', proven).map((k) => ({ region: k.region!, name: keyName(k.id, k.region) })),
        images: attributed(inv, 'image', proven).map((i) => ({ region: i.region!, imageId: i.id })),
        userNames: attributed(inv, 'iam-user', proven).map((u) => u.id),
      };
  if (!flagged && !inv) throw new Error('eradicate needs targets. Fix: run scope first, or pass --instance / --key-pair region:name / --image region:ami / --user name.');
  const guessed = (inv?.attributions ?? []).filter((a) => a.basis !== 'cloudtrail' && ['instance', 'key-pair', 'image', 'iam-user'].includes(a.kind));
  if (!flagged && !flags.includeHeuristic && guessed.length) {
    rt.reporter.warn(
      `${guessed.length} resource(s) are tied to the attacker by heuristics only and are NOT eradicated: ${guessed.map((a) => `${a.kind} ${a.id}`).join(', ')}. ` +
        'Fix: check them, then name them with --instance/--key-pair/--image/--user, or pass --include-heuristic.',
    );
  }
  return writePhase(rt, 'eradicate', (env) => eradicate(env, targets));
}

/** release: undo the case's containment from its journal. */
export async function releaseCommand(rt: Runtime): Promise<CommandResult> {
  return writePhase(rt, 'release', (env) => releaseCase(env));
}

/** report: the case as Markdown (timeline, inventory, actions, what remains manual). */
export async function reportCommand(rt: Runtime, manual: readonly string[] = []): Promise<CommandResult> {
  const markdown = renderReport({
    ctx: rt.ctx,
    validation: readCaseFile<Validation>(rt.ctx, 'validation.json'),
    inventory: readCaseFile<Inventory>(rt.ctx, 'inventory.json'),
    journal: readJournal(rt.ctx.caseDir),
    manual,
    hunts: readHuntSummaries(rt.ctx.caseDir),
  });
  const file = writeCaseFile(rt.ctx, 'report.md', markdown);
  rt.reporter.progress(`report written to ${file}`);
  return { command: 'report', results: [], failures: [], files: [file], exitCode: 0 };
}

/** verify: the journal's hash chain and every evidence manifest. */
export async function verifyCommand(rt: Runtime): Promise<CommandResult> {
  const journal = verifyJournal(rt.ctx.caseDir);
  const failures: StepFailure[] = journal.problems.map((p) => ({ step: 'verify/journal', message: p }));
  let instances: string[] = [];
  try {
    instances = readdirSync(join(rt.ctx.caseDir, 'evidence'));
  } catch {
    /* no evidence collected yet */
  }
  for (const id of instances) {
    for (const f of verifyEvidence(rt.ctx.caseDir, id)) failures.push({ step: 'verify/evidence', target: `${id}/${f}`, message: `evidence file ${id}/${f} does not match its manifest hash` });
  }
  rt.reporter.progress(`journal: ${journal.entries} entries, ${journal.ok ? 'chain intact' : 'CHAIN BROKEN'}; evidence: ${instances.length} instance(s) checked`);
  return { command: 'verify', results: [], failures, exitCode: failures.length ? 1 : 0 };
}

/** run: validate, scope, contain credentials, contain instances, eradicate, report — in order. */
export async function runAllCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const steps: Array<{ name: string; run: () => Promise<CommandResult> }> = [
    { name: 'validate', run: () => validateCommand(rt, flags) },
    { name: 'scope', run: () => scopeCommand(rt, flags) },
    { name: 'contain-credentials', run: () => containCredentialsCommand(rt, flags) },
    { name: 'contain-instances', run: () => containInstancesCommand(rt, flags) },
    { name: 'eradicate', run: () => eradicateCommand(rt, flags) },
  ];
  const done: CommandResult[] = [];
  let stopped = false;
  for (const step of steps) {
    // Containment always gets its chance (a key from another account must not leave the miner
    // running); irreversible eradication runs only when no earlier phase failed to start.
    if (stopped && step.name === 'eradicate') {
      done.push({ command: 'run', results: [], failures: [{ step: 'run/eradicate', message: 'eradicate skipped: an earlier phase could not run. Fix the errors above, then run eradicate on its own.' }], exitCode: 1 });
      continue;
    }
    try {
      done.push(await step.run());
    } catch (err) {
      // A phase that cannot start (no target, denied) is reported; the report still gets written.
      done.push({ command: 'run', results: [], failures: [{ step: `run/${step.name}`, message: (err as Error).message }], exitCode: 1 });
      stopped = true;
    }
  }
  done.push(await reportCommand(rt, done.flatMap((d) => d.manual ?? [])));
  const results = done.flatMap((d) => d.results);
  const failures = done.flatMap((d) => d.failures);
  const codes = done.map((d) => d.exitCode);
  return { command: 'run', results, failures, files: done.flatMap((d) => d.files ?? []), exitCode: codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0 };
}
