/**
 * The case report: one Markdown document an investigation can file. Built only from what
 * the phases recorded (validation, inventory, journal), so it can be regenerated at any
 * time and says nothing the record does not back.
 */
import { createHash } from 'node:crypto';
import type { JournalAnchor } from '../case/anchor';
import type { FileProblem } from '../case/recorded-files';
import { canonicalJson, GENESIS_HASH } from '../case/journal';
import type { Attribution, CaseContext, Inventory, JournalEntry, JournalOutcome, Sighting, Subject, Validation } from '../model';
import { escapeMarkdown as md, table, utc } from './markdown';
import { attributionKeys, containmentPolicies, type ContainmentPolicy, describeFate, elasticIps, iamKeys, instancesActedOn, journalState, type JournalState, overtaken, regionalKeys, resolvedBy } from './journal-state';
import { derivedManualSteps } from './report-manual';
import type { HuntSummary } from '../hunt/hunt';
import { huntManualSteps, huntSection } from '../hunt/report';

/** What renderReport draws from. */
export interface ReportInput {
  readonly ctx: CaseContext;
  /** Every subject validated in the case, in the order validated. */
  readonly validations?: readonly Validation[];
  readonly inventory?: Inventory;
  readonly journal: readonly JournalEntry[];
  readonly manual: readonly string[];
  /** Every org-wide hunt run of the case, oldest first. */
  readonly hunts?: readonly HuntSummary[];
  /** Hunt files that fail the SHA-256 the journal records (hunt/report.ts huntFileProblems). */
  readonly huntFileProblems?: readonly FileProblem[];
  /** Journal heads anchored at the end of each phase (anchors.jsonl). */
  readonly anchors?: readonly JournalAnchor[];
}

// What irctl did (or failed to do); plans and dry runs are listed apart, not mixed into the timeline.
const happened = (j: JournalEntry): boolean => happenedOutcome(j.outcome);

const OUTCOMES: readonly JournalOutcome[] = ['started', 'applied', 'skipped-already-done', 'failed', 'dry-run-ok', 'planned'];

/** Render the case report as Markdown. */
export function renderReport(input: ReportInput): string {
  const { ctx, inventory } = input;
  const validations = input.validations ?? [];
  const journal = [...input.journal].sort((a, b) => a.seq - b.seq);
  const integrity = checkChain(journal);
  const sections = [
    `# Incident report ${md(ctx.caseId)}`,
    summary(input, journal, integrity.head),
    validations.length ? validationFacts(validations) : '### Validation facts\n\n_validate has not run_',
    `## Timeline (UTC)\n\n${timeline(inventory, journal.filter(happened), ctx.accountId)}`,
    `## Attacker's resources\n\n${inventory ? inventoryTables(inventory, journalState(journal), journal) : '_scope has not run_'}`,
    huntSection(input.hunts ?? [], input.huntFileProblems),
    `## Actions taken\n\n${actions(journal.filter(happened))}`,
    `## Planned, not applied\n\n${planned(journal)}`,
    `## Failures\n\n${failures(inventory, journal)}`,
    `## What remains manual\n\n${bullets([...input.manual, ...derivedManualSteps({ inventory, journal }), ...huntManualSteps(input.hunts ?? [], input.huntFileProblems), ...integrity.problems.map((p) => `Journal integrity: ${p}; preserve the file as it is and investigate`)]) || '_nothing recorded_'}`,
    `## Integrity\n\n${integrityText(journal, integrity)}${anchorsText(input.anchors ?? [])}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

function summary(input: ReportInput, journal: readonly JournalEntry[], head: string | undefined): string {
  const { ctx, inventory } = input;
  const validations = input.validations ?? [];
  const list = (values: ReadonlyArray<string | undefined>) => [...new Set(values.filter((v): v is string => !!v))].join(', ') || undefined;
  const attributions = inventory?.attributions ?? [];
  // Only CloudTrail evidence makes a resource the attacker's; a heuristic tie is a suspect until a responder confirms it.
  const count = (kind: Attribution['kind'], basis: Attribution['basis'] = 'cloudtrail'): number => attributions.filter((a) => a.kind === kind && a.basis === basis).length;
  const suspects = SUSPECT_KINDS.map(([kind, what]) => [count(kind, 'heuristic'), what] as const).filter(([n]) => n > 0);
  const byOutcome = OUTCOMES.map((o) => [o, journal.filter((j) => j.outcome === o).length] as const).filter(([, n]) => n > 0);
  const failed = journal.filter((j) => j.outcome === 'failed');
  const resolved = failed.filter((j) => resolvedBy(journal, j)).length;
  const failureCount = `${(inventory?.failures.length ?? 0) + failed.length}${resolved ? ` (${resolved} resolved by a later run)` : ''}`;
  const rows: Array<[string, string | undefined]> = [
    ['Case', ctx.caseId],
    ['Account', ctx.accountId],
    // What scope covered, run by run: the report command's own window scoped nothing.
    ['Scope runs (UTC)', scopeRuns(inventory)],
    ['Regions', ctx.regions.join(', ')],
    [validations.length > 1 ? 'Subjects' : 'Subject', list(validations.map((v) => describeSubject(v.subject)))],
    ['Principal', list(validations.map((v) => v.principalArn))],
    ['Access key', list(validations.map((v) => v.accessKeyId))],
    [
      'Attributed to the attacker (CloudTrail)',
      inventory
        ? `${count('instance')} instances, ${count('key-pair')} key pairs, ${count('image')} AMIs, ${count('snapshot')} snapshots, ${count('spot-request')} Spot requests, ${count('fleet')} fleets, ${count('auto-scaling-group')} Auto Scaling groups, ${count('iam-user')} IAM users, ${count('iam-role')} IAM roles assumed`
        : undefined,
    ],
    ['Suspects to confirm (heuristic, no CloudTrail event)', inventory ? suspects.map(([n, what]) => `${n} ${what}`).join(', ') || 'none' : undefined],
    ['CloudTrail events of the attacker', inventory ? String(inventory.events.length) : undefined],
    ['Actions', byOutcome.length ? byOutcome.map(([o, n]) => `${n} ${o}`).join(', ') : 'none recorded'],
    ['Failures', failureCount],
    ['Journal chain head', head ? `${head} (${journal.length} entries)` : 'empty journal'],
  ];
  return `## Summary\n\n${table(['Item', 'Value'], rows.filter(([, v]) => v !== undefined))}`;
}

const SUSPECT_KINDS: ReadonlyArray<readonly [Attribution['kind'], string]> = [
  ['instance', 'instances'],
  ['key-pair', 'key pairs'],
  ['image', 'AMIs'],
  ['snapshot', 'snapshots'],
  ['spot-request', 'Spot requests'],
  ['fleet', 'fleets'],
  ['auto-scaling-group', 'Auto Scaling groups'],
  ['iam-user', 'IAM users'],
  ['iam-role', 'IAM roles'],
];

function scopeRuns(inventory: Inventory | undefined): string {
  if (!inventory) return 'none yet: run irctl scope';
  if (!inventory.runs?.length) return `one run at ${utc(inventory.generatedAt)} (its window was not recorded)`;
  return inventory.runs.map((r) => `${utc(r.window.start)} to ${utc(r.window.end)} (${r.source}; ${r.regions.join(', ')}; run at ${utc(r.at)})`).join('; ');
}

// One list per validated subject: a second key or instance of the incident adds its own facts.
function validationFacts(validations: readonly Validation[]): string {
  if (validations.length === 1) return `### Validation facts\n\n${bullets(validations[0].facts)}`;
  return `### Validation facts\n\n${validations.map((v) => `#### ${md(describeSubject(v.subject))}\n\n${bullets(v.facts)}`).join('\n\n')}`;
}

function describeSubject(subject: Subject): string {
  switch (subject.kind) {
    case 'finding':
      return `GuardDuty finding ${subject.findingId} (${subject.region})`;
    case 'instance':
      return `instance ${subject.instanceId} (${subject.region})`;
    case 'access-key':
      return `access key ${subject.accessKeyId}`;
  }
}

interface TimelineRow {
  readonly ms: number;
  readonly ts: string;
  readonly order: number;
  readonly cells: Array<string | undefined>;
}

function timeline(inventory: Inventory | undefined, journal: readonly JournalEntry[], caseAccount: string): string {
  const rows: TimelineRow[] = [];
  const push = (ts: string, cells: Array<string | undefined>): void => {
    const ms = Date.parse(ts);
    rows.push({ ms: Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms, ts, order: rows.length, cells });
  };
  for (const e of inventory?.events ?? []) {
    const who = [e.username, e.accessKeyId, e.sourceIp ? `from ${e.sourceIp}` : undefined, e.userAgent ? `(${e.userAgent})` : undefined]
      .filter(Boolean)
      .join(' ');
    // Events from the organization trail may come from other accounts: say which.
    push(e.eventTime, [e.accountId && e.accountId !== caseAccount ? `CloudTrail, account ${e.accountId}` : 'CloudTrail', e.region, `${e.eventName} (${e.eventSource})${e.resources.length ? ` on ${e.resources.join(', ')}` : ''}`, who]);
  }
  // Heuristic attributions have no trail event; their creation time still belongs on the timeline.
  for (const a of inventory?.attributions ?? []) {
    if (a.basis !== 'heuristic') continue;
    const created = createdAt(inventory, a);
    if (created) push(created, ['inventory', a.region, `${a.kind} ${a.id} created`, `suspect, to confirm (heuristic): ${a.reason}`]);
  }
  for (const j of journal) {
    push(j.ts, ['irctl', j.region, `${j.step}: ${j.action} on ${j.target}`, `${j.outcome} by ${j.caller}`]);
  }
  if (rows.length === 0) return '_no events recorded_';
  rows.sort((a, b) => a.ms - b.ms || a.order - b.order);
  return table(
    ['Time (UTC)', 'Source', 'Region', 'What', 'Who / outcome'],
    rows.map((r) => [utc(r.ts), ...r.cells]),
  );
}

function createdAt(inventory: Inventory | undefined, a: Attribution): string | undefined {
  if (!inventory) return undefined;
  const regional = (list: Inventory['keyPairs']) => list.find((r) => r.region === a.region && r.id === a.id)?.createdAt;
  switch (a.kind) {
    case 'instance':
      return inventory.instances.find((i) => i.region === a.region && i.instanceId === a.id)?.launchTime;
    case 'key-pair':
      return regional(inventory.keyPairs);
    case 'image':
      return regional(inventory.images);
    case 'snapshot':
      return regional(inventory.snapshots);
    case 'spot-request':
      return regional(inventory.spotRequests);
    case 'fleet':
      return regional(inventory.fleets);
    case 'auto-scaling-group':
      return regional(inventory.autoScalingGroups ?? []);
    case 'iam-user':
      return inventory.iamUsers.find((u) => u.userName === a.id)?.createdAt;
    case 'iam-role':
      return undefined;
  }
}

function inventoryTables(inv: Inventory, state: JournalState, journal: readonly JournalEntry[]): string {
  const marks = new Map((inv.attributions ?? []).map((a) => [`${a.kind}/${a.region ?? ''}/${a.id}`, a]));
  const mark = (kind: Attribution['kind'], region: string | undefined, id: string) => marks.get(`${kind}/${region ?? ''}/${id}`);
  const attacker = (kind: Attribution['kind'], region: string | undefined, id: string): string => {
    const a = mark(kind, region, id);
    if (!a) return '';
    return a.basis === 'cloudtrail' ? `attacker (CloudTrail): ${a.reason}` : `suspect, to confirm (heuristic): ${a.reason}`;
  };
  // Scope's state, then what the journal recorded since: the same rule for every table.
  const now = (kind: Attribution['kind'], region: string | undefined, id: string, scoped: string | undefined, seen: Sighting | undefined): string | undefined => {
    const a = mark(kind, region, id);
    const fate = state.fateOf(a ? attributionKeys(a, inv) : regionalKeys(region, id));
    const before = stateOf(scoped, seen);
    if (!fate) return before;
    // A scope run after the change (a re-scope to confirm eradication) saw the newer state.
    const scopedAt = seen?.lastSeenAt ?? inv.generatedAt;
    if (before && Date.parse(scopedAt) > Date.parse(fate.at)) return `${before} (scope, ${utc(scopedAt)}; earlier: ${describeFate(fate)})`;
    return `${before ? `${before} at scope; ` : ''}${describeFate(fate)}`;
  };
  const hidden: string[] = [];
  // Only what is tied to the attacker: an account's default snapshots and AMIs would bury it.
  const mine = <T>(title: string, kind: Attribution['kind'], list: readonly T[], key: (r: T) => [string | undefined, string]): T[] => {
    const kept = list.filter((r) => mark(kind, ...key(r)));
    if (list.length > kept.length) hidden.push(`${list.length - kept.length} ${title.toLowerCase()}`);
    return kept;
  };
  const section = (title: string, headers: string[], rows: Array<Array<string | undefined>>): string =>
    `### ${title}\n\n${rows.length ? table(headers, rows) : '_none tied to the attacker_'}`;
  const regional = (title: string, kind: Attribution['kind'], list: Inventory['keyPairs'], detailKeys: string[]): string =>
    section(
      title,
      ['Region', 'ID', 'Name', 'State', 'Created (UTC)', ...detailKeys, 'Why'],
      mine(title, kind, list, (r) => [r.region, r.id]).map((r) => [r.region, r.id, r.name, now(kind, r.region, r.id, r.state, r.seen), utc(r.createdAt), ...detailKeys.map((k) => r.details?.[k]), attacker(kind, r.region, r.id)]),
    );
  const sections = [
    section(
      'Instances',
      ['Region', 'Instance', 'State', 'Type', 'Launched (UTC)', 'Key pair', 'ENIs', 'Volumes', 'Profile', 'ASG', 'Spot request', 'Tags', 'Why'],
      mine('Instances', 'instance', inv.instances, (i) => [i.region, i.instanceId]).map((i) => [
        i.region,
        i.instanceId,
        now('instance', i.region, i.instanceId, i.state, i.seen),
        i.instanceType,
        utc(i.launchTime),
        i.keyName,
        i.networkInterfaces.map((n) => n.id).join(', '),
        i.volumeIds.join(', '),
        i.iamInstanceProfileArn,
        i.autoScalingGroup,
        i.spotInstanceRequestId,
        Object.entries(i.tags).map(([k, v]) => `${k}=${v}`).join(', '),
        attacker('instance', i.region, i.instanceId),
      ]),
    ),
    regional('Key pairs', 'key-pair', inv.keyPairs, []),
    regional('AMIs', 'image', inv.images, ['snapshotIds']),
    regional('Snapshots', 'snapshot', inv.snapshots, ['volumeId', 'encrypted']),
    regional('Spot instance requests', 'spot-request', inv.spotRequests, ['type', 'instanceId', 'keyName']),
    regional('Spot Fleets and EC2 Fleets', 'fleet', inv.fleets, ['fleetKind', 'type', 'targetCapacity', 'instanceIds']),
    regional('Auto Scaling groups', 'auto-scaling-group', inv.autoScalingGroups ?? [], ['desiredCapacity', 'minSize', 'launchTemplate', 'instanceIds']),
    section(
      'IAM users',
      ['User', 'State', 'Created (UTC)', 'Access keys', 'Console password', 'Attached policies', 'Inline policies', 'Why'],
      mine('IAM users', 'iam-user', inv.iamUsers, (u) => [undefined, u.userName]).map((u) => [
        u.userName,
        ((f) => (f ? describeFate(f) : stateOf('', u.seen)))(state.fateOf(iamKeys('user', u.userName))),
        utc(u.createdAt),
        u.accessKeys.map((k) => ((f) => `${k.id} (${f ? `${k.status} at scope; ${describeFate(f)}` : k.status})`)(state.fateOf([`access-key:${k.id}`]))).join(', '),
        u.hasLoginProfile ? 'yes' : 'no',
        u.attachedPolicies.join(', '),
        u.inlinePolicies.join(', '),
        attacker('iam-user', undefined, u.userName),
      ]),
    ),
    section(
      'IAM roles assumed',
      ['Role', 'State', 'Why'],
      [
        ...(inv.attributions ?? []).filter((a) => a.kind === 'iam-role').map((a) => [a.id, ((f) => (f ? describeFate(f) : ''))(state.fateOf(attributionKeys(a, inv))), attacker('iam-role', a.region, a.id)]),
        ...unattributedRoles(inv, journal).map((p) => [
          p.name,
          ((f) => (f ? describeFate(f) : ''))(state.fateOf(iamKeys('role', p.name))),
          `not attributed by scope: ${p.phase} put ${p.policyName} on it${p.phase === 'contain-instances' ? ' (the instance profile of a contained instance)' : ''}`,
        ]),
      ],
    ),
    elasticIpTable(journal, state),
  ];
  const rest = hidden.length ? ` Not shown, not tied to the attacker: ${hidden.join(', ')} (inventory.json lists everything).` : '';
  const scoped = new Set(inv.instances.map((i) => i.instanceId));
  const unscoped = [...instancesActedOn(journal)].filter(([id]) => !scoped.has(id));
  const extra = unscoped.length
    ? md(`Acted on by irctl but not in inventory.json (launched after scope, or named by hand): ${unscoped.map(([id, region]) => `${id}${region ? ` (${region})` : ''}${((f) => (f ? `: ${describeFate(f)}` : ''))(state.fateOf(regionalKeys(region, id)))}`).join('; ')}.`)
    : '';
  const legend = 'Attacker: a CloudTrail event of the attacker ties it. Suspect: inferred from times and key names only; confirm before acting on it. State: as scope saw it, then the latest change the journal records.';
  return [`Scoped ${utc(inv.generatedAt)} across ${inv.regions.join(', ')}.${rest}\n\n${legend}${extra ? `\n\n${extra}` : ''}`, ...sections].join('\n\n');
}

// Roles irctl changed that scope never attributed (an instance profile's role): the case changed them, so the table shows them.
function unattributedRoles(inv: Inventory, journal: readonly JournalEntry[]): ContainmentPolicy[] {
  const attributed = new Set((inv.attributions ?? []).filter((a) => a.kind === 'iam-role').flatMap((a) => attributionKeys(a, inv)));
  const roles = containmentPolicies(journal).filter((p) => p.kind === 'role' && !iamKeys('role', p.name).some((k) => attributed.has(k)));
  return [...new Map(roles.map((p) => [p.name, p])).values()];
}

// Elastic IPs are not scoped: the journal's address records are what the case knows of them.
function elasticIpTable(journal: readonly JournalEntry[], state: JournalState): string {
  const rows = elasticIps(journal).map((a) => [a.region, a.allocationId, a.publicIp, a.instanceId, ((f) => (f ? describeFate(f) : ''))(state.fateOf(regionalKeys(a.region, a.allocationId)))]);
  return `### Elastic IPs\n\n${rows.length ? table(['Region', 'Allocation', 'Public IP', 'Instance', 'State'], rows) : '_none acted on_'}`;
}

// A record a later scope no longer found stays listed (inventory.json merges every run), marked.
function stateOf(state: string | undefined, seen: Sighting | undefined): string | undefined {
  return seen?.missingSince ? `${state ?? ''} (not found by scope since ${utc(seen.missingSince)}; last seen ${utc(seen.lastSeenAt)})`.trim() : state;
}

function planned(journal: readonly JournalEntry[]): string {
  const plans = journal.filter((j) => !happened(j));
  // A plan a later run applied is an action now, not a plan.
  const open = plans.filter((j) => !resolvedBy(journal, j));
  const applied = plans.length - open.length;
  const later = applied ? ` ${applied} planned step${applied > 1 ? 's' : ''} applied later ${applied > 1 ? 'are' : 'is'} listed under Actions taken.` : '';
  // Release steps undo containment: a preview of them is recorded, never offered as work to apply.
  const previews = open.filter((j) => j.step.startsWith('release/'));
  const state = journalState(journal);
  const forward = open.filter((j) => !j.step.startsWith('release/'));
  const rows = forward.filter((j) => !overtaken(j, state));
  const stale = forward.length - rows.length;
  const overtakenText = stale ? ` ${stale} planned step${stale > 1 ? 's' : ''} a later release or the resource's removal overtook ${stale > 1 ? 'are' : 'is'} not listed.` : '';
  const headers = ['#', 'Time (UTC)', 'Step', 'Action', 'Target', 'Region', 'Outcome', 'Reversible'];
  const cells = (j: JournalEntry) => [j.seq, utc(j.ts), j.step, j.action, j.target, j.region, j.outcome, j.reversible ? 'yes' : 'no'];
  const previewText = previews.length
    ? `\n\nRelease previewed, not applied: a plan run of release checked these undo steps; a record of what release would give back, not work left to do.\n\n${table(headers, previews.map(cells))}`
    : '';
  if (rows.length === 0) return `_nothing only planned_${later || overtakenText ? `\n\n${`${later}${overtakenText}`.trim()}` : ''}${previewText}`;
  return `Steps a plan run checked (dry run where AWS has one) and no later run applied; rerun the phase with --apply to act.${later}${overtakenText}\n\n${table(headers, rows.map(cells))}${previewText}`;
}

function anchorsText(anchors: readonly JournalAnchor[]): string {
  if (anchors.length === 0) return '\n\nNo journal anchor was recorded: nothing outside the case directory shows whether the journal was cut.';
  return `\n\nJournal heads anchored at the end of each phase (irctl verify compares the journal with the newest one in the bucket):\n\n${table(
    ['Phase', 'Anchored (UTC)', 'Entry', 'Head', 'Where'],
    anchors.map((a) => [a.phase, utc(a.anchoredAt), a.seq, a.head, a.location ?? 'case directory only']),
  )}`;
}

function actions(journal: readonly JournalEntry[]): string {
  if (journal.length === 0) return '_no actions recorded_';
  const counts = OUTCOMES.filter(happenedOutcome).map((o) => `${journal.filter((j) => j.outcome === o).length} ${o}`).join(', ');
  return `${counts}.\n\n${table(
    ['#', 'Time (UTC)', 'Step', 'Action', 'Target', 'Region', 'Outcome', 'Reversible'],
    journal.map((j) => [j.seq, utc(j.ts), j.step, j.action, j.target, j.region, j.outcome + (j.error ? `: ${j.error}` : ''), j.reversible ? 'yes' : 'no']),
  )}`;
}

function happenedOutcome(o: JournalOutcome): boolean {
  return o !== 'planned' && o !== 'dry-run-ok';
}

function failures(inventory: Inventory | undefined, journal: readonly JournalEntry[]): string {
  const rows = [
    ...(inventory?.failures ?? []).map((f) => ['scope', f.step, f.region, f.target, f.message]),
    ...journal
      .filter((j) => j.outcome === 'failed')
      .map((j) => [`journal #${j.seq}`, j.step, j.region, j.target, `${j.error ?? `${j.action} failed`}${((r) => (r ? ` (resolved: done in entry #${r.seq})` : ''))(resolvedBy(journal, j))}`]),
  ];
  return rows.length ? table(['Source', 'Step', 'Region', 'Target', 'Message'], rows) : '_none_';
}

function bullets(lines: readonly string[]): string {
  return lines.map((l) => `- ${md(l)}`).join('\n');
}

interface ChainCheck {
  readonly head?: string;
  readonly problems: string[];
}

/**
 * Re-check the chain the way the journal writes it: consecutive seq, prevHash = SHA-256 of the
 * previous line (its canonical JSON), hash = SHA-256 of the entry without `hash`.
 */
function checkChain(journal: readonly JournalEntry[]): ChainCheck {
  const problems: string[] = [];
  journal.forEach((entry, i) => {
    if (entry.seq !== i + 1) problems.push(`entry at position ${i + 1} has seq ${entry.seq}`);
    const expected = i === 0 ? GENESIS_HASH : sha256(canonicalJson(journal[i - 1]));
    if (entry.prevHash !== expected) problems.push(`entry ${entry.seq} does not link to ${i === 0 ? 'the chain start' : `entry ${journal[i - 1].seq}`}`);
    const { hash, ...rest } = entry;
    if (hash !== sha256(canonicalJson(rest))) problems.push(`entry ${entry.seq} does not match its hash (edited)`);
  });
  return { head: journal[journal.length - 1]?.hash, problems };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function integrityText(journal: readonly JournalEntry[], check: ChainCheck): string {
  if (!check.head) return 'The journal is empty.';
  return [
    `Journal chain head (SHA-256 of entry ${journal[journal.length - 1].seq}): ${md(check.head)}`,
    check.problems.length
      ? `Chain links BROKEN: ${md(describeList(check.problems))}.`
      : `All ${journal.length} entries check out: numbered 1..${journal.length}, each prevHash is the SHA-256 of the previous line, each hash matches its entry.`,
    'This checks the entries the report was given; run the journal verification on journal.jsonl itself before relying on the report as evidence.',
  ].join('\n\n');
}

function describeList(items: readonly string[]): string {
  return items.length > 5 ? `${items.slice(0, 5).join('; ')}; and ${items.length - 5} more` : items.join('; ');
}
