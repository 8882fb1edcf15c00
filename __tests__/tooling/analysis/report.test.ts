import { renderReport, escapeMarkdown } from '../../../tooling/analysis';
import type { CaseContext, Inventory, JournalEntry, TrailEvent, Validation } from '../../../tooling/model';
import { writeJournal as writeFixtureJournal } from './journal-fixture';

const ctx: CaseContext = {
  caseId: 'IR-2026-0042',
  accountId: '123456789012',
  regions: ['us-east-1', 'eu-west-1'],
  window: { start: new Date('2026-11-20T07:00:00Z'), end: new Date('2026-11-20T12:00:00Z') },
  caseDir: '/cases/IR-2026-0042',
};

const event = (id: string, eventTime: string, eventName: string, extra: Partial<TrailEvent> = {}): TrailEvent => ({
  region: 'us-east-1', eventId: id, eventTime, eventName, eventSource: 'ec2.amazonaws.com', username: 'svc-build',
  accessKeyId: 'AKIAVICTIM0000000001', sourceIp: '203.0.113.7', resources: [], ...extra,
});

const writeJournal = (entries: Parameters<typeof writeFixtureJournal>[1]): JournalEntry[] => writeFixtureJournal(ctx.caseId, entries);

const journal = writeJournal([
  { ts: '2026-11-20T10:15:00+02:00', step: 'contain-credentials/deactivate-key', action: 'iam:UpdateAccessKey', target: 'user/svc-build/AKIAVICTIM0000000001', request: { UserName: 'svc-build', AccessKeyId: 'AKIAVICTIM0000000001', Status: 'Inactive' }, outcome: 'applied', reversible: true },
  { ts: '2026-11-20T08:20:00Z', step: 'evidence/snapshot', action: 'ec2:CreateSnapshot', region: 'eu-west-1', target: 'vol-0123', request: {}, outcome: 'applied', response: { SnapshotId: 'snap-0case1' }, reversible: false },
  { ts: '2026-11-20T08:21:00Z', step: 'contain-instances/isolate-eni', action: 'ec2:ModifyNetworkInterfaceAttribute', region: 'eu-west-1', target: 'eni-0abc', request: {}, outcome: 'failed', error: 'RequestLimitExceeded', reversible: true },
  { ts: '2026-11-20T08:22:00Z', step: 'eradicate/terminate', action: 'ec2:TerminateInstances', region: 'eu-west-1', target: 'i-0miner2', request: {}, outcome: 'planned', reversible: false },
  { ts: '2026-11-20T08:23:00Z', step: 'contain-instances/isolate-eni', action: 'ec2:ModifyNetworkInterfaceAttribute', region: 'us-east-1', target: 'i-0miner1', request: {}, outcome: 'skipped-already-done', reversible: true },
]);

const inventory: Inventory = {
  caseId: ctx.caseId,
  accountId: ctx.accountId,
  generatedAt: '2026-11-20T08:10:00Z',
  regions: ctx.regions,
  instances: [
    { region: 'us-east-1', instanceId: 'i-0miner1', state: 'running', instanceType: 'c5.4xlarge', launchTime: '2026-11-20T07:30:05Z', keyName: 'miner|key', networkInterfaces: [{ id: 'eni-0aaa', groupIds: ['sg-1'] }], volumeIds: ['vol-0aaa'], tags: { Name: '<img src=x onerror=alert(1)>' } },
    { region: 'eu-west-1', instanceId: 'i-0miner2', state: 'stopped', instanceType: 'c5.4xlarge', launchTime: '2026-11-20T07:31:00Z', keyName: 'miner|key', networkInterfaces: [], volumeIds: [], tags: {} },
    { region: 'us-east-1', instanceId: 'i-0control', state: 'running', instanceType: 't3.micro', launchTime: '2026-01-01T00:00:00Z', networkInterfaces: [], volumeIds: [], tags: {} },
  ],
  keyPairs: [{ region: 'us-east-1', id: 'key-0a', name: 'miner|key', createdAt: '2026-11-20T07:29:00Z' }],
  images: [],
  snapshots: [],
  spotRequests: [],
  fleets: [],
  iamUsers: [{ userName: 'backup-admin', arn: 'arn:aws:iam::123456789012:user/backup-admin', createdAt: '2026-11-20T07:40:00Z', accessKeys: [{ id: 'AKIABACKDOOR00000001', status: 'Active' }], attachedPolicies: ['arn:aws:iam::123456789012:policy/ops-admin'], inlinePolicies: [], hasLoginProfile: true }],
  events: [
    event('e3', '2026-11-20T09:30:00Z', 'StopInstances', { userAgent: 'evil | [click](http://x)' }),
    event('e1', '2026-11-20T07:30:00.000Z', 'RunInstances', { resources: ['i-0miner1'] }),
    event('e2', '2026-11-20T08:40:00+01:00', 'CreateUser', { eventSource: 'iam.amazonaws.com', resources: ['backup-admin'] }),
  ],
  failures: [{ step: 'scope/cloudtrail', region: 'eu-west-1', target: 'AccessKeyId=AKIAVICTIM0000000001', message: 'AccessDeniedException: not authorized' }],
  attributions: [
    { kind: 'instance', region: 'us-east-1', id: 'i-0miner1', basis: 'cloudtrail', reason: 'RunInstances at 2026-11-20T07:30:00Z', eventId: 'e1' },
    { kind: 'instance', region: 'eu-west-1', id: 'i-0miner2', basis: 'heuristic', reason: 'launched in the window with attacker key pair miner|key' },
    { kind: 'iam-user', id: 'backup-admin', basis: 'cloudtrail', reason: 'CreateUser', eventId: 'e2' },
  ],
};

const validation: Validation = {
  subject: { kind: 'access-key', accessKeyId: 'AKIAVICTIM0000000001' },
  accountId: ctx.accountId,
  principalArn: 'arn:aws:iam::123456789012:user/svc-build',
  accessKeyId: 'AKIAVICTIM0000000001',
  facts: ['access key AKIAVICTIM0000000001 belongs to this account (123456789012), IAM user svc_build'],
};

const report = renderReport({ ctx, validations: [validation], inventory, journal, manual: ['Rotate the CI deploy credentials stored in the build server'] });
const section = (title: string): string => report.split(/\n(?=## )/).find((s) => s.startsWith(`## ${title}`)) ?? '';
const rows = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
/** Cell count of a table row, ignoring escaped pipes. */
const cells = (row: string): number => row.replace(/\\\|/g, '').split('|').length - 2;

describe('escapeMarkdown', () => {
  test.each([
    { name: 'pipe does not split a cell', input: 'a|b', expected: 'a\\|b' },
    { name: 'newlines collapse to spaces', input: 'one\ntwo\r\nthree', expected: 'one two three' },
    { name: 'HTML is inert', input: '<script>', expected: '\\<script\\>' },
    { name: 'links are inert', input: '[x](http://e)', expected: '\\[x\\](http://e)' },
    { name: 'emphasis and code are inert', input: '*b* _i_ `c`', expected: '\\*b\\* \\_i\\_ \\`c\\`' },
    { name: 'backslash is escaped first', input: 'a\\|', expected: 'a\\\\\\|' },
    { name: 'undefined is empty', input: undefined, expected: '' },
  ])('$name', ({ input, expected }) => expect(escapeMarkdown(input)).toBe(expected));
});

describe('renderReport', () => {
  test('timeline merges trail events, journal and heuristic attributions, sorted and printed in UTC', () => {
    const timeline = rows(section('Timeline'));
    const times = timeline.slice(1).map((r) => r.split(' | ')[0].replace('| ', ''));
    expect(times).toEqual([
      '2026-11-20 07:30:00Z', // RunInstances
      '2026-11-20 07:31:00Z', // heuristic: i-0miner2 launched
      '2026-11-20 07:40:00Z', // CreateUser at 08:40+01:00
      '2026-11-20 08:15:00Z', // key deactivated at 10:15+02:00
      '2026-11-20 08:20:00Z',
      '2026-11-20 08:21:00Z',
      // 08:22 (a planned termination) is not in the timeline: plans have their own section
      '2026-11-20 08:23:00Z',
      '2026-11-20 09:30:00Z',
    ]);
    expect(timeline[3]).toContain('CreateUser (iam.amazonaws.com) on backup-admin');
    expect(timeline[4]).toContain('contain-credentials/deactivate-key: iam:UpdateAccessKey on user/svc-build/AKIAVICTIM0000000001');
  });

  test.each([
    { name: 'summary', title: 'Summary' },
    { name: 'timeline', title: 'Timeline' },
    { name: 'attacker resources', title: "Attacker's resources" },
    { name: 'actions', title: 'Actions taken' },
    { name: 'failures', title: 'Failures' },
  ])('every $name table row has as many cells as its header, whatever the attacker put in', ({ title }) => {
    const text = section(title);
    const tables = text.split(/\n\n/).filter((block) => block.startsWith('| '));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      const [header, ...body] = rows(t);
      for (const row of body) expect(cells(row)).toBe(cells(header));
    }
  });

  test.each([
    { name: 'attacker-controlled tag is escaped', expected: '\\<img src=x onerror=alert(1)\\>' },
    { name: 'user agent link is inert', expected: 'evil \\| \\[click\\](http://x)' },
    { name: 'key name pipe is escaped', expected: 'miner\\|key' },
    { name: 'validation facts are escaped', expected: 'IAM user svc\\_build' },
  ])('$name', ({ expected }) => expect(report).toContain(expected));

  test('the resources section shows what is tied to the attacker, with basis and reason, and counts the rest', () => {
    const instances = rows(section("Attacker's resources")).filter((r) => r.includes('i-0'));
    expect(instances.find((r) => r.includes('i-0miner1'))).toContain('attacker (CloudTrail): RunInstances at 2026-11-20T07:30:00Z');
    expect(instances.find((r) => r.includes('i-0miner2'))).toContain('suspect, to confirm (heuristic): launched in the window');
    expect(instances.some((r) => r.includes('i-0control'))).toBe(false);
    expect(section("Attacker's resources")).toContain('Not shown, not tied to the attacker: 1 instances');
    expect(section("Attacker's resources")).toContain('### AMIs\n\n_none tied to the attacker_');
  });

  test('planned steps are listed apart from what was done', () => {
    expect(rows(section('Planned, not applied'))).toContainEqual(expect.stringMatching(/^\| 4 \| .* \| ec2:TerminateInstances \| i-0miner2 \| eu-west-1 \| planned \| no \|$/));
    expect(section('Actions taken')).not.toContain('ec2:TerminateInstances');
  });

  test('actions list every journal entry with outcome and reversibility', () => {
    const actions = section('Actions taken');
    expect(actions).toContain('2 applied, 1 skipped-already-done, 1 failed.');
    expect(rows(actions)).toContainEqual(expect.stringMatching(/\| failed: RequestLimitExceeded \| yes \|$/));
  });

  test('failures from scope and from the journal are both listed', () => {
    const failures = rows(section('Failures'));
    expect(failures).toContainEqual(expect.stringContaining('| scope | scope/cloudtrail | eu-west-1 | AccessKeyId=AKIAVICTIM0000000001 | AccessDeniedException: not authorized |'));
    expect(failures).toContainEqual(expect.stringContaining('| journal #3 | contain-instances/isolate-eni | eu-west-1 | eni-0abc | RequestLimitExceeded |'));
  });

  test.each([
    { name: 'the caller-supplied manual steps', expected: 'Rotate the CI deploy credentials stored in the build server' },
    { name: 'scope failures to retry', expected: 'Retry or check by hand: scope/cloudtrail in eu-west-1 on AccessKeyId=AKIAVICTIM0000000001' },
    { name: 'failed journal steps to retry', expected: 'Retry: contain-instances/isolate-eni ec2:ModifyNetworkInterfaceAttribute on eni-0abc in eu-west-1 failed: RequestLimitExceeded' },
    { name: 'keys left inactive for hunting', expected: 'Access key AKIAVICTIM0000000001 is inactive, not deleted: keep it for hunting' },
    { name: 'case snapshots to hand to the clean room', expected: 'Hand snap-0case1 (eu-west-1) to the clean room: irctl handoff --apply copies it re-encrypted' },
    { name: 'planned steps never applied', expected: 'Planned, not applied: ec2:TerminateInstances on i-0miner2 in eu-west-1 (irreversible; rerun with --apply)' },
    { name: 'heuristic suspects to confirm', expected: 'Confirm suspect instance i-0miner2 (eu-west-1) (heuristic, no CloudTrail event: launched in the window' },
    { name: 'attacker resources nobody acted on', expected: 'No action recorded yet on attacker iam-user backup-admin' },
  ])('what remains manual lists $name', ({ expected }) => expect(section('What remains manual')).toContain(escapeMarkdown(expected)));

  test('an attacker instance that was acted on is not listed as untouched', () => {
    expect(section('What remains manual')).not.toContain(escapeMarkdown('No action recorded yet on attacker instance i-0miner1'));
  });

  test('the journal chain head is printed and the links check out', () => {
    expect(section('Summary')).toContain(`| Journal chain head | ${journal[4].hash} (5 entries) |`);
    expect(section('Integrity')).toContain(`Journal chain head (SHA-256 of entry 5): ${journal[4].hash}`);
    expect(section('Integrity')).toContain('All 5 entries check out: numbered 1..5, each prevHash is the SHA-256 of the previous line, each hash matches its entry.');
  });

  test.each([
    { name: 'an edited entry', tamper: (e: JournalEntry) => ({ ...e, target: 'i-0other' }), expected: ['entry 3 does not match its hash (edited)', 'entry 4 does not link to entry 3'] },
    { name: 'a re-linked entry', tamper: (e: JournalEntry) => ({ ...e, prevHash: 'f'.repeat(64) }), expected: ['entry 3 does not link to entry 2', 'entry 3 does not match its hash (edited)', 'entry 4 does not link to entry 3'] },
  ])('$name breaks the chain and is called out in Integrity and as a manual step', ({ tamper, expected }) => {
    const tampered = journal.map((e) => (e.seq === 3 ? tamper(e) : e));
    const text = renderReport({ ctx, journal: tampered, manual: [] });
    expect(text).toContain(`Chain links BROKEN: ${expected.join('; ')}.`);
    expect(text).toContain(`Journal integrity: ${expected[0]}; preserve the file`);
  });

  test('a removed entry is called out', () => {
    const text = renderReport({ ctx, journal: journal.filter((e) => e.seq !== 2), manual: [] });
    expect(text).toContain('entry at position 2 has seq 3; entry 3 does not link to entry 1');
  });

  test('a key re-activated by release is no longer listed as inactive', () => {
    const released = writeJournal([
      { ts: '2026-11-20T08:00:00Z', step: 'contain-credentials/deactivate-key', action: 'iam:UpdateAccessKey', target: 'user/svc-build/AKIAVICTIM0000000001', request: { UserName: 'svc-build', AccessKeyId: 'AKIAVICTIM0000000001', Status: 'Inactive' }, outcome: 'applied', reversible: true },
      { ts: '2026-11-20T09:00:00Z', step: 'release/access-key-activate', action: 'iam:UpdateAccessKey', target: 'user/svc-build/AKIAVICTIM0000000001', request: { UserName: 'svc-build', AccessKeyId: 'AKIAVICTIM0000000001', Status: 'Active' }, outcome: 'applied', reversible: true },
    ]);
    expect(renderReport({ ctx, journal: released, manual: [] })).not.toContain('is inactive, not deleted');
  });

  test('before validate and scope ran, the report says so rather than inventing content', () => {
    const text = renderReport({ ctx, journal: [], manual: [] });
    expect(text).toContain('_validate has not run_');
    expect(text).toContain('_scope has not run_');
    expect(text).toContain('## Timeline (UTC)\n\n_no events recorded_');
    expect(text).toContain('The journal is empty.');
    expect(text).toContain('## Failures\n\n_none_');
  });
});
