/**
 * The role pivot: the stolen key called sts:AssumeRole, and scope recorded the role as an
 * `iam-role` attribution with CloudTrail basis. contain-credentials revokes that role's sessions
 * issued before now (never a deny-all: its legitimate users get new sessions), prints the event
 * that tied it, lists roles only heuristics suspect, refuses the project's own and service-linked
 * roles, and release removes exactly the revocation it attached, confirmed like any attacker
 * credential. Live moto through irctl's command line; the inventory is written as scope would
 * have (moto has no CloudTrail to scope from).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CONTAINMENT_POLICIES, IR_ROLE_PATH, IR_ROLES } from '../../shared/names';
import { main } from '../../tooling/cli';
import type { Attribution, Inventory } from '../../tooling/model';
import { type AttackScenario, SCENARIO_ACCOUNT, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
const iam = () => new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
const SUSPECT_ROLE = 'report-runner';
const SERVICE_LINKED = 'AWSServiceRoleForAutoScaling';
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SCENARIO_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
const roleArn = (name: string, path = '/', account = SCENARIO_ACCOUNT) => `arn:aws:iam::${account}:role${path}${name}`;
const rolePolicies = async (name: string) => (await iam().send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  await iam().send(new CreateRoleCommand({ RoleName: SUSPECT_ROLE, AssumeRolePolicyDocument: TRUST }));
  await iam().send(new CreateRoleCommand({ RoleName: SERVICE_LINKED, Path: '/aws-service-role/autoscaling.amazonaws.com/', AssumeRolePolicyDocument: TRUST }));
  // The pivot role's own inline policy: release must remove the revocation only, never this.
  await iam().send(new PutRolePolicyCommand({ RoleName: scenario.pivotRole, PolicyName: 'app-sync', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }));
}, 120_000);

const ASSUME_REASON = () => `AssumeRole at 2026-11-21T00:10:00Z with ${scenario.attackerKeyId}`;

/** The case after scope: the stolen key assumed the pivot role; a second role is only a heuristic suspect. */
function caseWithInventory(extra: Attribution[] = []): string {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-pivot-'));
  const inventory: Inventory = {
    caseId: 'IR-PIVOT-1', accountId: SCENARIO_ACCOUNT, generatedAt: '2026-11-23T03:00:00Z', regions: ['us-east-1'],
    instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [], failures: [], iamUsers: [],
    events: [
      { region: 'us-east-1', eventId: 'e-assume', eventTime: '2026-11-21T00:10:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', username: scenario.attackerUser, accessKeyId: scenario.attackerKeyId, resources: [roleArn(scenario.pivotRole)] },
    ],
    attributions: [
      { kind: 'iam-role', id: roleArn(scenario.pivotRole), basis: 'cloudtrail', reason: ASSUME_REASON(), eventId: 'e-assume' },
      { kind: 'iam-role', id: roleArn(SUSPECT_ROLE), basis: 'heuristic', reason: 'trust policy changed in the window' },
      ...extra,
    ],
  };
  writeFileSync(join(caseDir, 'inventory.json'), JSON.stringify(inventory));
  return caseDir;
}

interface Json {
  readonly manual?: string[];
  readonly results?: Array<{ step: string; action: string; target: string; summary: string; outcome: string }>;
  readonly failures?: Array<{ step: string; target?: string; message: string }>;
}

async function irctl(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-PIVOT-1', '--no-assume', '--endpoint', moto.endpoint, '--regions', 'us-east-1', '--case-dir', caseDir, '--json', ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, err: io.err, json: JSON.parse(io.out) as Json };
}

const revoked = (json: Json) => (json.results ?? []).filter((r) => r.step === 'contain-credentials/revoke-sessions' && r.target.startsWith('role/')).map((r) => r.target.slice('role/'.length));

test("the role the stolen key assumed is revoked by default (sessions before now), printed with the CloudTrail event that tied it; a heuristic suspect role is listed, untouched", async () => {
  const caseDir = caseWithInventory();
  const plan = await irctl(caseDir, ['contain-credentials']);
  expect(plan.code).toBe(0);
  const step = plan.json.results!.find((r) => r.target === `role/${scenario.pivotRole}`);
  expect(step).toMatchObject({ action: 'iam:PutRolePolicy', outcome: 'planned' });
  expect(step!.summary).toContain(`tied to the attacker by CloudTrail event e-assume: ${ASSUME_REASON()}`);
  expect(revoked(plan.json)).toEqual([scenario.pivotRole]);
  expect(plan.json.manual).toEqual([
    `suspect IAM role ${SUSPECT_ROLE} (trust policy changed in the window; no CloudTrail event ties it to the attacker): NOT contained. Confirm, then: irctl contain-credentials --role ${SUSPECT_ROLE}`,
  ]);

  const applied = await irctl(caseDir, ['--apply', 'contain-credentials']);
  expect(applied.code).toBe(0);
  const doc = JSON.parse(decodeURIComponent((await iam().send(new GetRolePolicyCommand({ RoleName: scenario.pivotRole, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions }))).PolicyDocument!));
  expect(doc.Statement[0]).toMatchObject({ Effect: 'Deny', Action: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.any(String) } } });
  // Sessions only: no deny-all on a role its legitimate users keep assuming.
  expect((await rolePolicies(scenario.pivotRole)).sort()).toEqual(['app-sync', CONTAINMENT_POLICIES.revokeOlderSessions]);
  expect(await rolePolicies(SUSPECT_ROLE)).toEqual([]);

  // Releasing the attacker's role takes the same confirmation as their key: refused without a terminal.
  const refused = await irctl(caseDir, ['--apply', 'release', '--role', scenario.pivotRole]);
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(new RegExp(`role ${scenario.pivotRole} \\(CloudTrail event e-assume: ${ASSUME_REASON()}\\).*tied to the attacker.*--release-attacker-credentials`));
  expect(await rolePolicies(scenario.pivotRole)).toContain(CONTAINMENT_POLICIES.revokeOlderSessions);
  // A role the journal never contained is a typo: refused.
  const unknown = await irctl(caseDir, ['--apply', 'release', '--role', SUSPECT_ROLE]);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain(`records no containment of ${SUSPECT_ROLE}`);

  const released = await irctl(caseDir, ['--apply', 'release', '--role', scenario.pivotRole, '--release-attacker-credentials']);
  expect(released.code).toBe(0);
  expect(released.json.results!.map((r) => `${r.action} ${r.target} ${r.outcome}`)).toEqual([`iam:DeleteRolePolicy role/${scenario.pivotRole} applied`]);
  // Exactly what containment attached: the role's own policy stays.
  expect(await rolePolicies(scenario.pivotRole)).toEqual(['app-sync']);
}, 60_000);

test('the whole-case release removes the role revocation too', async () => {
  const caseDir = caseWithInventory();
  expect((await irctl(caseDir, ['--apply', 'contain-credentials'])).code).toBe(0);
  expect(await rolePolicies(scenario.pivotRole)).toContain(CONTAINMENT_POLICIES.revokeOlderSessions);
  const whole = await irctl(caseDir, ['--apply', 'release', '--release-attacker-credentials']);
  expect(whole.code).toBe(0);
  expect(await rolePolicies(scenario.pivotRole)).toEqual(['app-sync']);
}, 60_000);

test("the project's IR roles and service-linked roles are never revoked; a role in another account is listed for its own case", async () => {
  const otherAccount = '210987654321';
  const caseDir = caseWithInventory([
    { kind: 'iam-role', id: roleArn(IR_ROLES.analyst, IR_ROLE_PATH), basis: 'cloudtrail', reason: `AssumeRole at 2026-11-21T00:20:00Z with ${scenario.attackerKeyId}`, eventId: 'e-ir' },
    { kind: 'iam-role', id: roleArn(SERVICE_LINKED, '/aws-service-role/autoscaling.amazonaws.com/'), basis: 'cloudtrail', reason: 'AssumeRole at 2026-11-21T00:30:00Z', eventId: 'e-slr' },
    { kind: 'iam-role', id: roleArn('deployer', '/', otherAccount), basis: 'cloudtrail', reason: `AssumeRole at 2026-11-21T00:40:00Z with ${scenario.attackerKeyId}`, eventId: 'e-x' },
  ]);
  const run = await irctl(caseDir, ['--apply', 'contain-credentials']);
  // Refusals are not silent: the run exits 1, and the attacker's own pivot role is still contained.
  expect(run.code).toBe(1);
  expect(revoked(run.json)).toEqual([scenario.pivotRole]);
  expect(run.json.manual).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^IAM role ${IR_ROLES.analyst} .*tied to the attacker.*NOT revoked: it is one of this project's incident-response roles.*Fix: `)),
      expect.stringMatching(new RegExp(`^IAM role ${SERVICE_LINKED} .*NOT revoked: it is a service-linked role.*Fix: `)),
      expect.stringMatching(new RegExp(`^IAM role deployer in account ${otherAccount} .*tied to the attacker.*Fix: irctl --account ${otherAccount} .*contain-credentials --role deployer`)),
    ]),
  );
  expect(await rolePolicies(SERVICE_LINKED)).toEqual([]);

  // Named explicitly: an IR role is refused before any AWS call; a service-linked role by its path.
  const ir = await irctl(caseWithInventory(), ['contain-credentials', '--role', IR_ROLES.breakGlass]);
  expect(ir.code).toBe(2);
  expect(ir.err).toMatch(/--role "SecurityBreakGlass" is one of this project's incident-response roles.*Fix: leave it out of --role/);
  const slr = await irctl(caseWithInventory(), ['--apply', 'contain-credentials', '--role', SERVICE_LINKED]);
  expect(slr.code).toBe(1);
  expect(slr.json.failures!.map((f) => f.message).join('\n')).toMatch(new RegExp(`${SERVICE_LINKED}.*service-linked role.*Fix: `));
  expect(await rolePolicies(SERVICE_LINKED)).toEqual([]);
  const missing = await irctl(caseWithInventory(), ['contain-credentials', '--role', 'no-such-role']);
  expect(missing.code).toBe(1);
  expect(missing.json.failures!.map((f) => f.message).join('\n')).toMatch(/IAM role no-such-role does not exist in account 123456789012.*Fix: /);
}, 60_000);

test('--role names a suspect role: only it is contained, and the role the evidence ties is listed with its flag', async () => {
  const run = await irctl(caseWithInventory(), ['contain-credentials', '--role', SUSPECT_ROLE]);
  expect(run.code).toBe(0);
  expect(revoked(run.json)).toEqual([SUSPECT_ROLE]);
  expect(run.json.manual).toEqual([
    `IAM user ${scenario.attackerUser} is tied to the attacker (the attacker's CloudTrail events act as it, with access key ${scenario.attackerKeyId}) and was NOT contained by this run. Fix: irctl contain-credentials --user ${scenario.attackerUser}`,
    `IAM role ${scenario.pivotRole} is tied to the attacker (CloudTrail event e-assume: ${ASSUME_REASON()}) and was NOT contained by this run. Fix: irctl contain-credentials --role ${scenario.pivotRole}`,
  ]);
});

test("a revocation already on the role from before the attacker's session is rewritten (it would leave that session working), and release puts it back; one from after it is kept", async () => {
  const old = '2026-11-20T00:00:00.000Z';
  const revocation = (at: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': at } } }] });
  const cutoff = async () =>
    JSON.parse(decodeURIComponent((await iam().send(new GetRolePolicyCommand({ RoleName: scenario.pivotRole, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions }))).PolicyDocument!)).Statement[0].Condition.DateLessThan['aws:TokenIssueTime'];
  await iam().send(new PutRolePolicyCommand({ RoleName: scenario.pivotRole, PolicyName: CONTAINMENT_POLICIES.revokeOlderSessions, PolicyDocument: revocation(old) }));
  const caseDir = caseWithInventory();
  const plan = await irctl(caseDir, ['contain-credentials']);
  const step = plan.json.results!.find((r) => r.target === `role/${scenario.pivotRole}`)!;
  expect(step.outcome).toBe('planned');
  expect(step.summary).toContain(`replaces the revocation of ${old}, older than the attacker's session (2026-11-21T00:10:00.000Z)`);
  expect((await irctl(caseDir, ['--apply', 'contain-credentials'])).code).toBe(0);
  const now = await cutoff();
  expect(Date.parse(now)).toBeGreaterThan(Date.parse('2026-11-21T00:10:00Z'));
  // Covering the session now: a rerun keeps it as it is.
  const rerun = await irctl(caseDir, ['--apply', 'contain-credentials']);
  expect(rerun.json.results!.find((r) => r.target === `role/${scenario.pivotRole}`)!.outcome).toBe('skipped-already-done');
  expect(await cutoff()).toBe(now);
  // Release puts back what was there before the case, not nothing: exactly the inverse of the rewrite.
  const released = await irctl(caseDir, ['--apply', 'release', '--role', scenario.pivotRole, '--release-attacker-credentials']);
  expect(released.code).toBe(0);
  expect(released.json.results!.map((r) => `${r.step} ${r.action} ${r.outcome}`)).toEqual(['release/restore-inline-policy iam:PutRolePolicy applied']);
  expect(await cutoff()).toBe(old);
  expect((await rolePolicies(scenario.pivotRole)).sort()).toEqual(['app-sync', CONTAINMENT_POLICIES.revokeOlderSessions]);
});
