/**
 * Permission proof: every (action, resource) irctl requests during the moto scenario — plan,
 * contain, rerun, release, eradicate — is evaluated with the IAM simulator against the policy
 * of the role that made it: SecurityAnalyst for reads, SecurityBreakGlass for writes. The tool
 * must need no more than its roles grant. Gaps in policies/ (owned elsewhere) are listed below
 * with the reason; the test fails when a new gap appears or a listed one is fixed.
 */
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { irRoleDefinitions } from '../../policies/roles';
import { IR_ROLE_PATH, IR_ROLES } from '../../shared/names';
import { AwsClients } from '../../tooling/aws/clients';
import { type CallRecord, recordCalls } from '../../tooling/aws/record';
import { callerArn, type RoleSession, type SessionRole, type SessionSource } from '../../tooling/aws/session';
import { withWriteCase } from '../../tooling/case/open';
import { memoryReporter } from '../../tooling/case/output';
import { Once, type PhaseEnv } from '../../tooling/case/phase';
import { containCredentials } from '../../tooling/contain/credentials';
import { containInstances } from '../../tooling/contain/instances';
import { eradicate } from '../../tooling/eradicate';
import { releaseCase } from '../../tooling/release';
import { type AttackScenario, SCENARIO_ACCOUNT, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { simulate } from '../../dev/simulate';
import { newCase, steppingClock } from './case-harness';
import { iamRequests } from './permission-map';

/**
 * Known gaps: actions irctl needs that policies/roles does not grant yet. Each must be fixed in
 * policies/ (not here) and then removed from this list.
 */
const KNOWN_GAPS: ReadonlyArray<{ role: SessionRole; action: string; why: string }> = [];

let moto: MotoServer;
let scenario: AttackScenario;
const calls: Record<SessionRole, CallRecord[]> = { analyst: [], breakGlass: [] };

/** Each role gets its own clients and recorder, as two assumed sessions would. */
function roleSessions(endpoint: string): SessionSource {
  const sessions = new Map<SessionRole, Promise<RoleSession>>();
  return {
    session(role) {
      if (!sessions.has(role)) {
        const clients = new AwsClients({ endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 2, onClient: recordCalls(calls[role], role) });
        sessions.set(role, callerArn(clients).then((caller) => ({ clients, caller, role })));
      }
      return sessions.get(role)!;
    },
  };
}

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  const ctx = newCase('IR-PROOF-1');
  const sessions = roleSessions(moto.endpoint);
  const phase = (apply: boolean, fn: (env: PhaseEnv) => Promise<unknown>, yesIrreversible = true) =>
    withWriteCase({ ctx, sessions, reporter: memoryReporter(), apply, yesIrreversible, clock: steppingClock() }, async (env) => void (await fn(env)));
  const contain = async (env: PhaseEnv) => {
    const once = new Once();
    await containCredentials(env, { accessKeyId: scenario.attackerKeyId, userNames: [scenario.backdoorUser] }, once);
    await containInstances(env, { instanceIds: scenario.instances.map((i) => i.instanceId) }, once);
  };
  // Plan; contain without confirming (the Elastic IP is only disassociated); release (it is
  // re-associated); contain again, confirmed (it is released); rerun; then eradicate.
  await phase(false, contain);
  await phase(true, contain, false);
  await phase(true, releaseCase);
  await phase(true, contain);
  await phase(true, contain);
  await phase(true, (env) =>
    eradicate(env, { instanceIds: scenario.instances.map((i) => i.instanceId), keyPairs: scenario.keyPairs, images: scenario.images, userNames: [scenario.backdoorUser] }),
  );
}, 180_000);

/** Tags of every security group the scenario left, by ARN (conditions on aws:ResourceTag read them). */
const groupTags = new Map<string, Record<string, string>>();
beforeAll(async () => {
  for (const region of new Set(calls.breakGlass.map((c) => c.region))) {
    const ec2 = new EC2Client({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
    for (const g of SecurityGroups) {
      groupTags.set(`arn:aws:ec2:${region}:${SCENARIO_ACCOUNT}:security-group/${g.GroupId}`, Object.fromEntries((g.Tags ?? []).map((t) => [t.Key!, t.Value!])));
    }
  }
});

const config = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const roles = irRoleDefinitions(config);
const roleArn = (role: SessionRole) => `arn:aws:iam::${SCENARIO_ACCOUNT}:role${IR_ROLE_PATH}${IR_ROLES[role]}`;

async function denied(role: SessionRole): Promise<Array<{ action: string; resource?: string }>> {
  const policies = roles.find((r) => r.name === IR_ROLES[role])!.policies.map((p) => p.document);
  const requests = new Map<string, ReturnType<typeof iamRequests>[number]>();
  for (const call of calls[role]) for (const r of iamRequests(call, SCENARIO_ACCOUNT, (arn) => groupTags.get(arn))) requests.set(`${r.action} ${r.resource ?? '(example)'}`, r);
  const out: Array<{ action: string; resource?: string }> = [];
  for (const r of requests.values()) {
    const result = await simulate({ principal: roleArn(role), action: r.action, resource: r.resource, region: r.region, context: r.context }, { identity: policies });
    expect(result.ignoredContextKeys).toEqual([]);
    if (result.decision !== 'Allowed') out.push({ action: r.action, resource: result.resource });
  }
  return out;
}

test('the scenario exercised both roles: reads as the analyst, writes as break-glass', () => {
  const writes = (role: SessionRole) => calls[role].filter((c) => !/:(Describe|Get|List)/.test(c.action) && c.input.DryRun !== true);
  expect(calls.analyst.length).toBeGreaterThan(50);
  expect(writes('analyst')).toEqual([]);
  expect(new Set(writes('breakGlass').map((c) => c.action))).toEqual(
    new Set([
      'ec2:CreateSnapshot', 'ec2:ModifyInstanceAttribute', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:CreateSecurityGroup', 'ec2:RevokeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:DisassociateAddress', 'ec2:ReleaseAddress', 'ec2:DisassociateIamInstanceProfile',
      'ec2:CancelSpotInstanceRequests', 'ec2:CreateTags', 'ec2:TerminateInstances', 'ec2:DeleteKeyPair', 'ec2:DeregisterImage', 'ec2:AssociateIamInstanceProfile', 'ec2:AssociateAddress',
      'autoscaling:SuspendProcesses', 'autoscaling:SetInstanceProtection', 'autoscaling:DetachInstances', 'autoscaling:AttachInstances', 'autoscaling:ResumeProcesses',
      'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets',
      'iam:UpdateAccessKey', 'iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteAccessKey', 'iam:DeleteLoginProfile',
      'iam:DetachUserPolicy', 'iam:DeleteUser',
    ]),
  );
});

test('SecurityAnalyst allows every read irctl made', async () => {
  expect(await denied('analyst')).toEqual([]);
});

test('SecurityBreakGlass allows every call irctl made, except the listed gaps in policies/roles', async () => {
  const gaps = await denied('breakGlass');
  const gapActions = [...new Set(gaps.map((g) => g.action))].sort();
  // Printed so the gap list is visible in the test output, not only in this file.
  console.log(`break-glass policy gaps (fix in policies/roles):\n${gaps.map((g) => `  ${g.action} on ${g.resource}`).join('\n')}`);
  expect(gapActions).toEqual(KNOWN_GAPS.filter((g) => g.role === 'breakGlass').map((g) => g.action).sort());
});
