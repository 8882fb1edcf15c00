/**
 * The journal's hash chain (tampering is detected and refused) and the executor's rules
 * (plan, DryRun, confirmation, failures journaled) — no AWS needed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Action, Executor } from '../../tooling/case/executor';
import { GENESIS_HASH, Journal, journalPath, readJournal, verifyJournal } from '../../tooling/case/journal';
import { memoryReporter } from '../../tooling/case/output';
import { planRelease } from '../../tooling/release';
import { steppingClock } from './case-harness';
import { FakeClock } from '../support/clocks';

const dir = () => mkdtempSync(join(tmpdir(), 'irctl-journal-'));
const entry = (n: number) => ({ step: 'test/step', action: 'ec2:CreateTags', region: 'us-east-1', target: `i-${n}`, request: { n }, outcome: 'applied' as const, reversible: true });

function threeEntries(): string {
  const d = dir();
  const j = Journal.open(d, { caseId: 'IR-1', caller: 'arn:aws:sts::123456789012:assumed-role/SecurityBreakGlass/irctl-IR-1', clock: steppingClock() });
  [1, 2, 3].forEach((n) => j.append(entry(n)));
  return d;
}

test('entries are numbered, UTC-stamped from the injected clock, and chained', () => {
  const d = threeEntries();
  const entries = readJournal(d);
  expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
  expect(entries.map((e) => e.ts)).toEqual(['2026-11-23T03:00:01.000Z', '2026-11-23T03:00:02.000Z', '2026-11-23T03:00:03.000Z']);
  expect(entries[0].prevHash).toBe(GENESIS_HASH);
  expect(entries[1].prevHash).not.toBe(GENESIS_HASH);
  expect(entries.every((e) => /^[0-9a-f]{64}$/.test(e.hash) && e.caller.includes('SecurityBreakGlass'))).toBe(true);
  expect(verifyJournal(d)).toEqual({ ok: true, entries: 3, problems: [] });
});

test.each([
  {
    name: 'an edited field',
    tamper: (lines: string[]) => lines.map((l, i) => (i === 1 ? l.replace('"outcome":"applied"', '"outcome":"failed"') : l)),
    expected: [/entry 2: entry hash mismatch/, /entry 3: chain link broken: .* entry 2 as written/],
  },
  { name: 'a removed line', tamper: (lines: string[]) => lines.filter((_, i) => i !== 0), expected: [/entry 1: sequence number 2 where 1 was expected/, /entry 1: chain link broken: .* not the chain start/] },
  { name: 'reordered lines', tamper: (lines: string[]) => [lines[0], lines[2], lines[1]], expected: [/entry 2: sequence number 3 where 2/, /entry 2: chain link broken/] },
  { name: 'a half-written last line', tamper: (lines: string[]) => [...lines, '{"seq":4,"ts":"2026'], expected: [/^entry 4: half-written: the last line is cut off after 19 bytes \(not valid JSON\)/] },
  { name: 'an edited line that no longer parses', tamper: (lines: string[]) => [lines[0], '{"seq":2,', lines[2]], expected: [/^entry 2: not valid JSON: entry 2 was edited into something that does not parse/] },
  { name: 'garbage appended', tamper: (lines: string[]) => [...lines, 'not json'], expected: [/^entry 4: not a journal entry: the line holds "not json" \(not a JSON object\): something other than irctl wrote/] },
  { name: 'JSON that is not an entry', tamper: (lines: string[]) => [...lines, '[1,2]'], expected: [/^entry 4: not a journal entry: the line holds "\[1,2\]"/] },
])('verify detects $name, and the journal refuses to append after it', ({ tamper, expected }) => {
  const d = threeEntries();
  const lines = readFileSync(journalPath(d), 'utf8').trimEnd().split('\n');
  writeFileSync(journalPath(d), tamper(lines).join('\n') + '\n');
  const result = verifyJournal(d);
  expect(result.ok).toBe(false);
  for (const pattern of expected) expect(result.problems).toContainEqual(expect.stringMatching(pattern));
  expect(() => Journal.open(d, { caseId: 'IR-1', caller: 'x' })).toThrow(/refusing to append/);
});

function executor(options: { apply: boolean; confirm?: boolean }) {
  const d = dir();
  const journal = Journal.open(d, { caseId: 'IR-1', caller: 'tester', clock: steppingClock() });
  const exec = new Executor({ journal, apply: options.apply, reporter: memoryReporter(), confirmIrreversible: async () => options.confirm ?? false, clock: new FakeClock(), verifyAttempts: 3 });
  return { exec, d };
}

const dryRunOk = Object.assign(new Error('Request would have succeeded, but DryRun flag is set.'), { name: 'DryRunOperation' });
const denied = Object.assign(new Error('You are not authorized'), { name: 'UnauthorizedOperation' });

function action(over: Partial<Action> & { applied?: { count: number } }): Action {
  const counter = over.applied ?? { count: 0 };
  return {
    step: 'test/act',
    action: 'ec2:ModifyNetworkInterfaceAttribute',
    region: 'eu-west-1',
    target: 'eni-1',
    summary: 'move it',
    reversible: true,
    request: { NetworkInterfaceId: 'eni-1' },
    isDone: async () => false,
    apply: async () => {
      counter.count++;
      return { ok: true };
    },
    ...over,
  };
}

test.each([
  { name: 'plan with a DryRunOperation answer', apply: false, a: { dryRun: async () => Promise.reject(dryRunOk) }, outcome: 'dry-run-ok', applies: 0 },
  { name: 'plan of an API without dry run', apply: false, a: {}, outcome: 'planned', applies: 0 },
  { name: 'plan where the API ignored DryRun', apply: false, a: { dryRun: async () => ({ done: true }) }, outcome: 'failed', applies: 0 },
  { name: 'plan denied (missing permission shows up while planning)', apply: false, a: { dryRun: async () => Promise.reject(denied) }, outcome: 'failed', applies: 0 },
  { name: 'apply, already done', apply: true, a: { isDone: async () => true }, outcome: 'skipped-already-done', applies: 0 },
  { name: 'apply', apply: true, a: {}, outcome: 'applied', applies: 1 },
  { name: 'apply irreversible, not confirmed', apply: true, a: { irreversible: true }, outcome: 'needs-confirmation', applies: 0 },
  { name: 'apply irreversible, confirmed', apply: true, confirm: true, a: { irreversible: true }, outcome: 'applied', applies: 1 },
  // Accepted by AWS: journaled as applied (release must undo it), reported as failed.
  { name: 'apply, change never becomes visible', apply: true, a: { verify: async () => false }, outcome: 'failed', applies: 1, journaled: 'applied' },
  { name: 'apply denied', apply: true, a: { apply: async () => Promise.reject(denied) }, outcome: 'failed', applies: 0 },
])('executor: $name → $outcome', async ({ apply, confirm, a, outcome, applies, journaled }: { apply: boolean; confirm?: boolean; a: Partial<Action>; outcome: string; applies: number; journaled?: string }) => {
  const { exec, d } = executor({ apply, confirm });
  const applied = { count: 0 };
  expect(await exec.run(action({ ...a, applied }))).toBe(outcome);
  expect(applied.count).toBe(applies);
  // A call sent to AWS is preceded by its intent, so a run killed mid-call still shows it.
  const entries = readJournal(d);
  const attempted = apply && !a.isDone && !(a.irreversible && !confirm);
  expect(entries.slice(0, -1).map((e) => e.outcome)).toEqual(attempted ? ['started'] : []);
  const logged = entries[entries.length - 1];
  expect(logged.outcome).toBe(journaled ?? (outcome === 'needs-confirmation' ? 'planned' : outcome));
  expect(exec.incomplete).toBe(outcome === 'failed' || outcome === 'needs-confirmation');
  if (outcome === 'failed') expect(logged.error).toBeTruthy();
});

test('re-reads after a write wait on the injected clock: 500 ms, doubling, until the change is visible', async () => {
  const clock = new FakeClock();
  const journal = Journal.open(dir(), { caseId: 'IR-1', caller: 'tester', clock });
  const exec = new Executor({ journal, apply: true, reporter: memoryReporter(), confirmIrreversible: async () => true, clock, verifyAttempts: 8 });
  let reads = 0;
  await exec.run(action({ verify: async () => ++reads > 3 }));
  expect(exec.results.map((r) => r.outcome)).toEqual(['applied']);
  expect(clock.sleeps).toEqual([500, 1000, 2000]);
});

test('a denied call is explained with the action, the target, the role and the fix', async () => {
  const { exec } = executor({ apply: true });
  await exec.run(action({ apply: async () => Promise.reject(denied) }));
  expect(exec.failures[0].message).toMatch(/ec2:ModifyNetworkInterfaceAttribute on eni-1 in eu-west-1 was denied .*UnauthorizedOperation.*Fix:/);
});

test('confirmation is asked once per group, and a refusal holds for the whole group', async () => {
  const d = dir();
  let asked = 0;
  const exec = new Executor({
    journal: Journal.open(d, { caseId: 'IR-1', caller: 'tester' }),
    apply: true,
    reporter: memoryReporter(),
    confirmIrreversible: async () => (asked++, false),
  });
  for (const target of ['k1', 'k2', 'user']) await exec.run(action({ target, irreversible: true, confirmGroup: 'user/x' }));
  expect(asked).toBe(1);
  expect(exec.results.map((r) => r.outcome)).toEqual(['needs-confirmation', 'needs-confirmation', 'needs-confirmation']);
});

/** A journal in which contain-credentials deactivated `key` of `user` and put `policy` on the user. */
function containedUser(user: string, key: string, policy: string) {
  const d = dir();
  const j = Journal.open(d, { caseId: 'IR-1', caller: 'arn:aws:sts::123456789012:assumed-role/SecurityBreakGlass/irctl-IR-1', clock: steppingClock() });
  const base = { region: undefined, request: {}, outcome: 'applied' as const, reversible: true };
  j.append({ ...base, step: 'contain-credentials/deactivate-key', action: 'iam:UpdateAccessKey', target: `user/${user}/${key}`, undo: { key: `key:${key}`, kind: 'access-key-activate', userName: user, accessKeyId: key } });
  j.append({ ...base, step: 'contain-credentials/deny-all', action: 'iam:PutUserPolicy', target: `user/${user}`, undo: { key: `inline:user/${user}/${policy}`, kind: 'delete-inline-policy', principal: { kind: 'user', name: user }, policyName: policy } });
  return { d, j, base };
}

test('release plan: credentials come back after containment alone, never once eradication confirmed the compromise', () => {
  const { d, j, base } = containedUser('dev', 'AKIA1', 'deny');
  j.append({ ...base, step: 'contain-instances/tag', action: 'ec2:CreateTags', region: 'us-east-1', target: 'i-1', undo: { key: 'tag:i-1', kind: 'containment-tag', region: 'us-east-1', instanceId: 'i-1' } });
  expect(planRelease(readJournal(d)).undo.map((u) => u.record.kind).sort()).toEqual(['access-key-activate', 'containment-tag', 'delete-inline-policy']);

  j.append({ ...base, step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: 'us-east-1', target: 'miner-key', reversible: false });
  const plan = planRelease(readJournal(d));
  expect(plan.undo.map((u) => u.record.kind)).toEqual(['containment-tag']);
  expect(plan.manual.join('\n')).toMatch(/access key AKIA1 of dev left inactive: eradication confirmed the compromise/);
  expect(plan.manual.join('\n')).toMatch(/deny left on user dev/);
});

test('release plan: a user or key eradicate deleted is reported deleted, with the time, not left for the responder to clean up', () => {
  const { d, j, base } = containedUser('svc', 'AKIA2', 'ir-deny-all');
  j.append({ ...base, step: 'contain-credentials/deactivate-key', action: 'iam:UpdateAccessKey', target: 'user/dev/AKIA3', undo: { key: 'key:AKIA3', kind: 'access-key-activate', userName: 'dev', accessKeyId: 'AKIA3' } });
  const gone = { ...base, step: 'eradicate/user', reversible: false };
  const key2 = j.append({ ...gone, action: 'iam:DeleteAccessKey', target: 'user/svc/AKIA2' });
  const user = j.append({ ...gone, action: 'iam:DeleteUser', target: 'user/svc' });
  const key3 = j.append({ ...gone, action: 'iam:DeleteAccessKey', target: 'user/dev/AKIA3' });
  const plan = planRelease(readJournal(d));
  expect(plan.undo).toEqual([]);
  expect(plan.manual).toEqual(
    expect.arrayContaining([
      `access key AKIA2 of svc: deleted by eradicate at ${key2.ts}: nothing to release`,
      `ir-deny-all on user svc: the user was deleted by eradicate at ${user.ts}: nothing to release`,
      `access key AKIA3 of dev: deleted by eradicate at ${key3.ts}: nothing to release`,
    ]),
  );
  expect(plan.manual.join('\n')).not.toMatch(/left inactive|remove it by hand|issue the user a new key/);
});
