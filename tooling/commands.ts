/**
 * The playbook phases as plain async functions over a Runtime, one per CLI command. Each
 * returns a CommandResult; the CLI turns it into output and an exit code.
 */
import { scope, validate } from './analysis';
import { describeMerge, mergeInventory } from './analysis/inventory-merge';
import type { CommandResult } from './command-result';
import { readJournal } from './case/journal';
import { writePhase } from './case/write-phase';
import { Once } from './case/phase';
import { readCaseFile, readValidations, type Runtime, writeCaseFile } from './case/runtime';
import { containCredentials } from './contain/credentials';
import { containInstances } from './contain/instances';
import { containedRoles, containedUsers, failedUsers, refusedRoles, roleTargets, tiedUsers, uncontainedListing } from './contain/suspects';
import { eradicate, type EradicationTargets } from './eradicate';
import type { Attribution, CaseContext, Inventory, Subject, Validation } from './model';
import { athenaScopeSource } from './hunt/command';
import { reportCommand } from './record-commands';
import { UsageError } from './case/usage';
import type { TargetFlags } from './target-flags';

export type { TargetFlags } from './target-flags';

/** The one subject a validate run checks; throws a UsageError for none, two, or a finding without its region. */
export function subjectOf(flags: TargetFlags): Subject {
  const given = [...(flags.finding ? [`--finding ${flags.finding}`] : []), ...(flags.instance ?? []).map((i) => `--instance ${i}`), ...(flags.accessKey ? [`--access-key ${flags.accessKey}`] : [])];
  if (given.length > 1) {
    // One validation per run: taking the first and dropping the rest would lose a subject without a word.
    throw new UsageError(`validate checks one subject per run, and got ${given.join(', ')}. Fix: run validate once per subject, e.g. irctl validate ${given[0]}.`);
  }
  if (flags.finding) {
    if (!flags.region) throw new UsageError(`--finding ${flags.finding} needs --region: a GuardDuty finding ID is regional. Fix: pass --region with the finding's region, e.g. irctl validate --finding ${flags.finding} --region us-east-1.`);
    return { kind: 'finding', findingId: flags.finding, region: flags.region };
  }
  if (flags.instance?.length) return { kind: 'instance', instanceId: flags.instance[0], region: flags.region ?? 'us-east-1' };
  if (flags.accessKey) return { kind: 'access-key', accessKeyId: flags.accessKey };
  throw new UsageError('Nothing to validate. Fix: pass --finding <id> --region <r>, --instance <id> or --access-key <id>.');
}

function subjectKey(s: Subject): string {
  return s.kind === 'finding' ? `finding ${s.findingId}` : s.kind === 'instance' ? `instance ${s.instanceId}` : `access key ${s.accessKeyId}`;
}

/** Every validated key and principal of the case. */
export function validatedCredentials(vs: readonly Validation[]): { accessKeyIds: string[]; principalArns: string[] } {
  return {
    accessKeyIds: [...new Set(vs.flatMap((v) => v.accessKeyId ?? []))],
    principalArns: [...new Set(vs.flatMap((v) => v.principalArn ?? []))],
  };
}

/** validate: who owns the subject, and how it came to be. */
export async function validateCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const subject = subjectOf(flags);
  const analyst = await rt.sessions.session('analyst');
  const validation = await validate(analyst.clients, subject, { regions: rt.ctx.regions, clock: rt.clock });
  validation.facts.forEach((f) => rt.reporter.progress(`- ${f}`));
  // Another key, instance or finding of the same incident adds to the case; the same subject again refreshes its entry.
  const earlier = readValidations(rt.ctx);
  const same = earlier.findIndex((v) => subjectKey(v.subject) === subjectKey(subject));
  const subjects = same >= 0 ? earlier.map((v, i) => (i === same ? validation : v)) : [...earlier, validation];
  const note = `validation.json now holds ${subjects.length} subject${subjects.length > 1 ? 's' : ''} (${same >= 0 ? 'refreshed' : 'added'} ${subjectKey(subject)}): ${subjects.map((v) => subjectKey(v.subject)).join(', ')}; scope and contain-credentials start from all of them`;
  rt.reporter.progress(note);
  const files = [writeCaseFile(rt.ctx, 'validation.json', { subjects })];
  // A lookup that failed leaves the subject recorded but partial: it must not read as a clean validation.
  const failures = validation.incomplete ?? [];
  if (failures.length) rt.reporter.warn(`validation of ${subjectKey(subject)} is partial (${failures.length} lookup${failures.length > 1 ? 's' : ''} failed; recorded as "incomplete" in validation.json): fix what the FAILED lines say, then rerun the same validate command`);
  return { command: 'validate', results: [], failures, notes: [...validation.facts, note], files, exitCode: failures.length ? 1 : 0 };
}

/** Whom scope looks for: the flags, else every subject validated in the case; throws a UsageError for no one. */
export function scopeTarget(ctx: Pick<CaseContext, 'caseDir'>, flags: TargetFlags): { accessKeyIds: string[]; principalArns: string[] } {
  const validated = validatedCredentials(readValidations(ctx));
  const target = { accessKeyIds: flags.accessKey ? [flags.accessKey] : validated.accessKeyIds, principalArns: flags.principal ? [flags.principal] : validated.principalArns };
  if (!target.accessKeyIds.length && !target.principalArns.length) throw new UsageError('scope needs the attacker. Fix: pass --access-key or --principal, or run validate first.');
  return target;
}

/** scope: everything the attacker touched, in every region. */
export async function scopeCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const target = scopeTarget(rt.ctx, flags);
  const trailSource = flags.source === 'athena' ? await athenaScopeSource(rt) : undefined;
  const analyst = await rt.sessions.session('analyst');
  const found = await scope(analyst.clients, rt.ctx, target, { onProgress: (m) => rt.reporter.progress(m), trailSource, clock: rt.clock });
  // A later run (narrower window or regions, a resource deleted since) never loses what an earlier one recorded.
  const previous = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  if (previous && previous.accountId !== found.accountId) {
    throw new UsageError(`${rt.ctx.caseDir} holds the inventory of account ${previous.accountId}, not ${found.accountId}: one case is one account. Fix: pass --account ${previous.accountId}, or open another case (--case) for ${found.accountId}.`);
  }
  const run = { at: found.generatedAt, regions: [...rt.ctx.regions], window: { start: rt.ctx.window.start.toISOString(), end: rt.ctx.window.end.toISOString() }, source: flags.source ?? 'cloudtrail' };
  const { inventory, summary } = mergeInventory(previous, found, run);
  const merged = describeMerge(summary);
  if (merged) rt.reporter.progress(merged);
  return { command: 'scope', results: [], failures: inventory.failures, notes: merged ? [merged] : undefined, files: [writeCaseFile(rt.ctx, 'inventory.json', inventory)], exitCode: inventory.failures.length ? 1 : 0 };
}

function attributed(inv: Inventory | undefined, kind: string, options: { cloudTrailOnly?: boolean } = {}): Array<{ id: string; region?: string }> {
  return (inv?.attributions ?? []).filter((a) => a.kind === kind && (!options.cloudTrailOnly || a.basis === 'cloudtrail')).map((a) => ({ id: a.id, region: a.region }));
}

/** contain-credentials: deactivate keys, deny-all, revoke sessions — only for what is named or tied to the attacker by evidence. */
export async function containCredentialsCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const validations = readValidations(rt.ctx);
  const validated = validatedCredentials(validations);
  const inv = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  // Users and roles CloudTrail ties to the attacker (created, backdoored, acted as, assumed); the rest of scope's are suspects.
  // Naming users or roles (--user, --role) acts on those only: the tied ones left out are listed.
  const userNames = flags.user ?? (flags.role ? [] : tiedUsers(inv, []).map((u) => u.userName));
  const accountId = rt.ctx.accountId;
  const named = !!(flags.accessKey || flags.principal);
  const target = {
    accessKeyIds: flags.accessKey ? [flags.accessKey] : named ? [] : validated.accessKeyIds,
    principalArns: flags.principal ? [flags.principal] : named ? [] : validated.principalArns,
    userNames,
    roles: roleTargets(inv, accountId, flags),
  };
  const result = await writePhase(rt, 'contain-credentials', (env) => containCredentials(env, target, new Once()));
  // Computed from what the phase did: every tied or changed user and role is contained or listed with its flag.
  const listing = uncontainedListing({
    inventory: inv,
    validations,
    contained: containedUsers(result.results),
    failed: failedUsers(result.results, result.failures),
    roles: { accountId, contained: containedRoles(result.results), failed: failedUsers(result.results, result.failures, 'role') },
  });
  // A role the evidence says to revoke but irctl must not (an IR or service-linked role) is work left undone: a failure, printed once.
  const refused = refusedRoles(inv, accountId, !!(flags.user || flags.role));
  const failures = [...result.failures, ...refused];
  for (const line of listing) if (!failures.some((f) => f.message === line)) rt.reporter.warn(line);
  return { ...result, failures, exitCode: refused.length ? 1 : result.exitCode, manual: [...(result.manual ?? []), ...listing] };
}

/**
 * Instances to contain: the named ones, else those CloudTrail ties to the attacker. Heuristic
 * attributions (times, key pair names) reach colleagues as easily as miners: they are listed
 * as suspects with their reason, contained only when named or with --include-heuristic.
 */
function instanceTargets(rt: Runtime, flags: TargetFlags): { instanceIds: string[]; suspects: string[] } {
  if (flags.instance?.length) return { instanceIds: [...flags.instance], suspects: [] };
  const { all, chosen } = instanceSelection(rt.ctx, flags);
  for (const a of chosen) {
    rt.reporter.progress(`[target] instance ${a.id} (${a.region}) — ${a.basis === 'cloudtrail' ? 'evidence (CloudTrail)' : 'heuristic, included by --include-heuristic'}: ${a.reason}`);
  }
  const suspects = all
    .filter((a) => !chosen.includes(a))
    .map((a) => `suspect instance ${a.id} (${a.region}), heuristic only (${a.reason}): NOT contained. Confirm, then: irctl contain-instances --instance ${a.id} (or --include-heuristic for every suspect)`);
  return { instanceIds: chosen.map((a) => a.id), suspects };
}

/** The inventory's instances, and those contain-instances acts on without --instance; throws a UsageError when that is none. */
export function instanceSelection(ctx: Pick<CaseContext, 'caseDir'>, flags: TargetFlags): { all: Attribution[]; chosen: Attribution[] } {
  const inv = readCaseFile<Inventory>(ctx, 'inventory.json');
  const all = (inv?.attributions ?? []).filter((a) => a.kind === 'instance');
  const chosen = all.filter((a) => a.basis === 'cloudtrail' || flags.includeHeuristic);
  if (chosen.length === 0 && !flags.instance?.length) {
    const fix = all.length
      ? `No instance is tied to the attacker by CloudTrail; ${all.length} heuristic suspect(s): ${all.map((a) => `${a.id} (${a.reason})`).join('; ')}. Fix: check each, then pass --instance <id> for the attacker's, or --include-heuristic to contain them all.`
      : 'No instances to act on. Fix: pass --instance <id> (repeatable), or run scope first so the attacker\'s instances are known.';
    throw new UsageError(fix);
  }
  return { all, chosen };
}

/** contain-instances: evidence, snapshots, isolation and the rest of the hold (all reversible but the snapshots; docs/runbook.md). */
export async function containInstancesCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const { instanceIds, suspects } = instanceTargets(rt, flags);
  for (const s of suspects) rt.reporter.warn(s);
  const result = await writePhase(rt, 'contain-instances', (env) => containInstances(env, { instanceIds, networkAclCut: flags.networkAclCut }));
  return { ...result, manual: [...(result.manual ?? []), ...suspects] };
}

function regional(values: readonly string[] | undefined, flag: string): Array<{ region: string; id: string }> {
  return (values ?? []).map((v) => {
    const [region, id] = v.split(':');
    if (!region || !id) throw new UsageError(`${flag} "${v}" is not <region>:<id>. Fix: e.g. ${flag} us-east-1:${flag === '--image' ? 'ami-0123456789abcdef0' : 'miner-key'}.`);
    return { region, id };
  });
}

/** Drop (and name) instances release handed back as false positives: eradicate must not terminate them unnamed. */
function notReleased(rt: Runtime, instanceIds: string[]): string[] {
  const released = new Set(readJournal(rt.ctx.caseDir).filter((e) => e.step === 'release/tag' && (e.outcome === 'applied' || e.outcome === 'skipped-already-done')).map((e) => e.target));
  for (const id of instanceIds.filter((i) => released.has(i))) {
    rt.reporter.warn(`eradicate: instance ${id} was released as a false positive (release --instance); not terminating it. Fix: if it is the attacker's after all, name it: irctl eradicate --instance ${id}.`);
  }
  return instanceIds.filter((i) => !released.has(i));
}

/** The validated stolen key(s) and the user owning them (a victim): eradicate keeps both. */
function stolenCredentials(vs: readonly Validation[], flagged: string | string[] | undefined): NonNullable<EradicationTargets['stolen']> {
  const accessKeyIds = [...new Set([...vs.flatMap((v) => v.accessKeyId ?? []), ...(flagged === undefined ? [] : Array.isArray(flagged) ? flagged : [flagged])])];
  const owners = vs.flatMap((v) => v.principalArn?.match(/^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/)?.[1] ?? []);
  return { accessKeyIds, ownerUserNames: [...new Set(owners)] };
}

/** eradicate: terminate, delete key pairs and AMIs, delete backdoor users. */
export async function eradicateCommand(rt: Runtime, flags: TargetFlags): Promise<CommandResult> {
  const inv = readCaseFile<Inventory>(rt.ctx, 'inventory.json');
  const flagged = !!(flags.instance?.length || flags.keyPair?.length || flags.image?.length || flags.user?.length || flags.fleet?.length || flags.autoScalingGroup?.length);
  const proven = { cloudTrailOnly: !flags.includeHeuristic };
  const stolen = stolenCredentials(readValidations(rt.ctx), flags.accessKey);
  const keyName = (id: string, region?: string) => inv?.keyPairs.find((k) => k.id === id && k.region === region)?.name ?? id;
  const targets: EradicationTargets = flagged
    ? {
        instanceIds: flags.instance,
        keyPairs: regional(flags.keyPair, '--key-pair').map((k) => ({ region: k.region, name: k.id })),
        images: regional(flags.image, '--image').map((i) => ({ region: i.region, imageId: i.id })),
        userNames: flags.user,
        // Named launchers: one scope did not attribute, or just this one of several.
        fleets: regional(flags.fleet, '--fleet').map((f) => ({ ...f, named: true })),
        autoScalingGroups: regional(flags.autoScalingGroup, '--auto-scaling-group').map((g) => ({ ...g, named: true })),
        stolen,
      }
    : {
        // Deletion is for good: from the inventory, only what CloudTrail proves the attacker created.
        instanceIds: notReleased(rt, attributed(inv, 'instance', proven).map((i) => i.id)),
        keyPairs: attributed(inv, 'key-pair', proven).map((k) => ({ region: k.region!, name: keyName(k.id, k.region) })),
        images: attributed(inv, 'image', proven).map((i) => ({ region: i.region!, imageId: i.id })),
        userNames: attributed(inv, 'iam-user', proven).map((u) => u.id),
        // The attacker's launchers are targets of their own: a fleet whose instances are only heuristic would otherwise keep running.
        fleets: attributed(inv, 'fleet', proven).map((f) => ({ region: f.region!, id: f.id })),
        autoScalingGroups: attributed(inv, 'auto-scaling-group', proven).map((g) => ({ region: g.region!, id: g.id })),
        stolen,
      };
  if (!flagged && !inv) throw new UsageError('eradicate needs targets. Fix: run scope first, or pass --instance / --key-pair region:name / --image region:ami / --user name / --fleet region:id / --auto-scaling-group region:name.');
  const guessed = (inv?.attributions ?? []).filter((a) => a.basis !== 'cloudtrail' && ['instance', 'key-pair', 'image', 'iam-user', 'fleet', 'auto-scaling-group'].includes(a.kind));
  const notEradicated: string[] = [];
  if (!flagged && !flags.includeHeuristic && guessed.length) {
    rt.reporter.warn(
      `${guessed.length} resource(s) are tied to the attacker by heuristics only and are NOT eradicated: ${guessed.map((a) => `${a.kind} ${a.id}`).join(', ')}. ` +
        'Fix: check each one, then name those that are the attacker\'s with --instance/--key-pair/--image/--user/--fleet/--auto-scaling-group, or pass --include-heuristic (the stolen key and its owner are never deleted).',
    );
    // A launcher left running relaunches miners: each one is a line of its own in the report.
    for (const a of guessed.filter((g) => g.kind === 'fleet' || g.kind === 'auto-scaling-group')) {
      notEradicated.push(`${a.kind === 'fleet' ? 'Fleet' : 'Auto Scaling group'} ${a.id} (${a.region}) is tied to the attacker by heuristics only (${a.reason}) and was NOT cancelled or deleted: if it is theirs, run irctl eradicate ${a.kind === 'fleet' ? '--fleet' : '--auto-scaling-group'} ${a.region}:${a.id} (or --include-heuristic)`);
    }
  }
  if (flagged) {
    const named = new Set([...(targets.fleets ?? []), ...(targets.autoScalingGroups ?? [])].map((t) => `${t.region}:${t.id}`));
    for (const a of (inv?.attributions ?? []).filter((x) => x.basis === 'cloudtrail' && (x.kind === 'fleet' || x.kind === 'auto-scaling-group') && !named.has(`${x.region}:${x.id}`))) {
      notEradicated.push(`${a.kind === 'fleet' ? 'Fleet' : 'Auto Scaling group'} ${a.id} (${a.region}) is the attacker's (${a.reason}) and not part of this targeted run: run irctl eradicate ${a.kind === 'fleet' ? '--fleet' : '--auto-scaling-group'} ${a.region}:${a.id}, or eradicate without target flags, to cancel/delete it`);
    }
  }
  for (const line of notEradicated) rt.reporter.warn(line);
  const result = await writePhase(rt, 'eradicate', (env) => eradicate(env, targets));
  return { ...result, manual: [...notEradicated, ...(result.manual ?? [])] };
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
  done.push(
    await reportCommand(rt, done.flatMap((d) => d.manual ?? [])).catch((err: Error) => ({ command: 'run', results: [], failures: [{ step: 'run/report', message: err.message }], exitCode: 1 })),
  );
  const results = done.flatMap((d) => d.results);
  const failures = done.flatMap((d) => d.failures);
  const codes = done.map((d) => d.exitCode);
  return { command: 'run', results, failures, files: done.flatMap((d) => d.files ?? []), exitCode: codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0 };
}
