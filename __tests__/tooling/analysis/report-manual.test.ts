/**
 * "What remains manual" lists work a responder still has to do, nothing else: a release preview
 * is not work (applying it frees the attacker), a plan a later release or a deletion overtook is
 * history, a failure no retry can fix names its fix, and a role irctl refused or that lives in
 * another account says why and what to run instead of "no action recorded yet".
 */
import { derivedManualSteps, renderReport } from '../../../tooling/analysis';
import type { Inventory } from '../../../tooling/model';
import { writeJournal } from './journal-fixture';

const CASE = 'IR-MANUAL-1';
const W = 'us-west-2';
const inventory: Inventory = {
  caseId: CASE,
  accountId: '123456789012',
  generatedAt: '2026-12-01T08:27:00Z',
  regions: [W],
  instances: [],
  keyPairs: [],
  images: [],
  snapshots: [],
  spotRequests: [],
  fleets: [],
  iamUsers: [{ userName: 'svc-metrics', arn: 'arn:aws:iam::123456789012:user/svc-metrics', accessKeys: [{ id: 'AKIABACKDOOR00000001', status: 'Active' }], attachedPolicies: [], inlinePolicies: [], hasLoginProfile: false }],
  events: [],
  failures: [],
  attributions: [
    { kind: 'iam-user', id: 'svc-metrics', basis: 'cloudtrail', reason: 'CreateUser' },
    { kind: 'iam-role', id: 'arn:aws:iam::123456789012:role/incident-response/SecurityBreakGlass', basis: 'cloudtrail', reason: 'AssumeRole by the stolen key' },
    { kind: 'iam-role', id: 'arn:aws:iam::444455556666:role/partner-deploy', basis: 'cloudtrail', reason: 'AssumeRole by the stolen key' },
  ],
};

const journal = writeJournal(CASE, [
  { ts: '2026-12-01T08:28:00Z', step: 'contain-credentials/deny-all', action: 'iam:PutUserPolicy', target: 'user/svc-metrics', request: { UserName: 'svc-metrics', PolicyName: 'ir-deny-all' }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T08:28:01Z', step: 'contain-credentials/deactivate-key', action: 'iam:UpdateAccessKey', target: 'user/svc-metrics/AKIABACKDOOR00000001', request: { UserName: 'svc-metrics', AccessKeyId: 'AKIABACKDOOR00000001', Status: 'Inactive' }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T08:28:02Z', step: 'contain-credentials/revoke-sessions', action: 'iam:PutRolePolicy', target: 'role/ops-automation', request: { RoleName: 'ops-automation', PolicyName: 'ir-revoke-older-sessions' }, outcome: 'applied', reversible: true },
  // Failures no retry fixes.
  { ts: '2026-12-01T08:28:03Z', step: 'contain-credentials/principal', action: 'irctl:step', target: 'role/no-such-role', request: {}, outcome: 'failed', error: 'the call on role/no-such-role failed: Error: IAM role no-such-role does not exist in account 123456789012. Fix: check the name (the last part of the role ARN), or pass --account for the account it lives in.', reversible: false },
  { ts: '2026-12-01T08:28:04Z', step: 'contain-credentials/principal', action: 'irctl:step', target: 'role/AWSServiceRoleForAutoScaling', request: {}, outcome: 'failed', error: 'the call on role/AWSServiceRoleForAutoScaling failed: Error: Refusing to revoke the sessions of IAM role AWSServiceRoleForAutoScaling (path /aws-service-role/autoscaling.amazonaws.com/): it is a service-linked role. Fix: check the attribution.', reversible: false },
  { ts: '2026-12-01T08:28:05Z', step: 'eradicate/fleet', action: 'irctl:step', region: W, target: 'sfr-0123456789abcdef0', request: {}, outcome: 'failed', error: 'Spot Fleet sfr-0123456789abcdef0 was not found in us-west-2; nothing was done for it. Fix: check the name and region, then rerun with the right one.', reversible: false },
  // A failure a retry may fix.
  { ts: '2026-12-01T08:28:06Z', step: 'contain-instances/isolate-eni', action: 'ec2:ModifyNetworkInterfaceAttribute', region: W, target: 'eni-0abc', request: {}, outcome: 'failed', error: 'RequestLimitExceeded', reversible: true },
  // eradicate previewed, then the whole case released: the previewed deletion is overtaken.
  { ts: '2026-12-01T08:29:00Z', step: 'eradicate/user', action: 'iam:DeleteAccessKey', target: 'user/svc-metrics/AKIABACKDOOR00000001', request: {}, outcome: 'planned', reversible: false },
  { ts: '2026-12-01T08:29:00Z', step: 'eradicate/user', action: 'iam:DeleteUser', target: 'user/svc-metrics', request: {}, outcome: 'planned', reversible: false },
  { ts: '2026-12-01T08:29:01Z', step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: W, target: 'deploy-key', request: {}, outcome: 'planned', reversible: false },
  // A release previewed only: undo steps, never pending work.
  { ts: '2026-12-01T08:30:00Z', step: 'release/delete-inline-policy', action: 'iam:DeleteRolePolicy', target: 'role/ops-automation', request: { RoleName: 'ops-automation', PolicyName: 'ir-revoke-older-sessions' }, outcome: 'planned', reversible: true },
  { ts: '2026-12-01T08:30:01Z', step: 'release/delete-inline-policy', action: 'iam:DeleteUserPolicy', target: 'user/svc-metrics', request: { UserName: 'svc-metrics', PolicyName: 'ir-deny-all' }, outcome: 'planned', reversible: true },
  { ts: '2026-12-01T08:31:00Z', step: 'release/delete-inline-policy', action: 'iam:DeleteUserPolicy', target: 'user/svc-metrics', request: { UserName: 'svc-metrics', PolicyName: 'ir-deny-all' }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T08:31:01Z', step: 'release/access-key-activate', action: 'iam:UpdateAccessKey', target: 'user/svc-metrics/AKIABACKDOOR00000001', request: { UserName: 'svc-metrics', AccessKeyId: 'AKIABACKDOOR00000001', Status: 'Active' }, outcome: 'applied', reversible: true },
]);

const steps = derivedManualSteps({ inventory, journal });
const matching = (re: RegExp) => steps.filter((s) => re.test(s));

describe('what remains manual', () => {
  test('a release preview is never listed as work to apply', () => {
    expect(matching(/--apply/).filter((s) => /release\/|DeleteRolePolicy|DeleteUserPolicy/.test(s))).toEqual([]);
    expect(matching(/Planned, not applied: iam:Delete(Role|User)Policy/)).toEqual([]);
    expect(matching(/^Release previewed, not applied: 1 undo step .*role\/ops-automation.*not work left to do/)).toHaveLength(1);
    const report = renderReport({ ctx: { caseId: CASE, accountId: inventory.accountId, regions: [W], window: { start: new Date(0), end: new Date(0) }, caseDir: '/cases/x' }, inventory, journal, manual: [] });
    const plans = report.split(/\n(?=## )/).find((s) => s.startsWith('## Planned, not applied')) ?? '';
    const [toApply, previewed] = plans.split('Release previewed');
    expect(toApply).toContain('DeleteKeyPair');
    expect(toApply).not.toMatch(/DeleteAccessKey|DeleteUser \|/);
    expect(toApply).toMatch(/2 planned steps a later release or the resource's removal overtook are not listed/);
    expect(toApply).not.toMatch(/release\//);
    expect(previewed).toMatch(/^, not applied.*not work left to do/);
    expect(previewed).toContain('release/delete-inline-policy');
    expect(previewed).not.toContain('--apply');
  });

  test('planned steps a later release overtook are not listed; others still are', () => {
    expect(matching(/DeleteAccessKey|DeleteUser on/)).toEqual([]);
    expect(matching(/^Planned, not applied: ec2:DeleteKeyPair on deploy-key in us-west-2/)).toHaveLength(1);
  });

  test('failures no retry can fix say so and keep their fix; a transient one is a retry', () => {
    expect(matching(/^Retry:/)).toEqual([expect.stringContaining('RequestLimitExceeded')]);
    expect(matching(/^Failed, retrying will not help \(fix as the error says\): .*no-such-role does not exist.*Fix: check the name/)).toHaveLength(1);
    expect(matching(/^Failed, retrying will not help \(fix as the error says\): .*sfr-0123456789abcdef0 was not found/)).toHaveLength(1);
    expect(matching(/^Refused by irctl \(not retryable\): .*AWSServiceRoleForAutoScaling.*service-linked/)).toHaveLength(1);
  });

  test('a tied role irctl refuses says why and the manual path; a role of another account names that account\'s command', () => {
    expect(matching(/No action recorded yet on attacker iam-role/)).toEqual([]);
    expect(matching(/^IAM role SecurityBreakGlass is tied to the attacker .* refused: it is one of this project's incident-response roles.*; manual: .*revoke it by hand/)).toHaveLength(1);
    expect(matching(/^IAM role partner-deploy in account 444455556666 is tied to the attacker .*not revoked here.*irctl --account 444455556666 --case <a case for that account> contain-credentials --role partner-deploy/)).toHaveLength(1);
  });
});

describe('the instance-profile role contain-instances revoked', () => {
  const ctx = { caseId: CASE, accountId: inventory.accountId, regions: [W], window: { start: new Date(0), end: new Date(0) }, caseDir: '/cases/x' };
  const revoke = { ts: '2026-12-01T08:28:13Z', step: 'contain-instances/revoke-role-sessions', action: 'iam:PutRolePolicy', target: 'role/miner-role', request: { RoleName: 'miner-role', PolicyName: 'ir-revoke-older-sessions' }, outcome: 'applied' as const, reversible: true };
  const terminate = { ts: '2026-12-01T08:40:00Z', step: 'eradicate/terminate', action: 'ec2:TerminateInstances', region: W, target: 'i-0miner', request: {}, outcome: 'applied' as const, reversible: false };
  const roleRows = (report: string) => (report.split(/\n(?=### )/).find((s) => s.startsWith('### IAM roles assumed')) ?? '').split('\n').filter((l) => l.startsWith('| miner-role'));

  test('appears in the role table with what was done to it, though scope never attributed it', () => {
    const report = renderReport({ ctx, inventory, journal: writeJournal(CASE, [revoke]), manual: [] });
    expect(roleRows(report)).toEqual([expect.stringMatching(/^\| miner-role \| older sessions revoked by contain-instances at 2026-12-01 08:28:13Z \| not attributed by scope: .*instance profile of a contained instance/)]);
  });

  test('left in place after eradicate, the manual list says to remove it and how; released, nothing is said', () => {
    const left = derivedManualSteps({ inventory, journal: writeJournal(CASE, [revoke, terminate]) });
    expect(left.filter((s) => /miner-role/.test(s))).toEqual([
      expect.stringMatching(/^ir-revoke-older-sessions left on role miner-role: remove it when .*aws iam delete-role-policy --role-name miner-role --policy-name ir-revoke-older-sessions/),
    ]);
    expect(derivedManualSteps({ inventory, journal: writeJournal(CASE, [revoke]) }).filter((s) => /left on role miner-role/.test(s))).toEqual([]);
    const released = writeJournal(CASE, [revoke, terminate, { ts: '2026-12-01T08:50:00Z', step: 'release/delete-inline-policy', action: 'iam:DeleteRolePolicy', target: 'role/miner-role', request: { name: 'miner-role', PolicyName: 'ir-revoke-older-sessions' }, outcome: 'applied', reversible: true }]);
    expect(derivedManualSteps({ inventory, journal: released }).filter((s) => /miner-role/.test(s))).toEqual([]);
  });
});
