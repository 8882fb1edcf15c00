/**
 * Permission proof: every (action, resource) irctl requests during the moto scenario — plan,
 * contain, rerun, release, eradicate — is evaluated with the IAM simulator against the policy
 * of the role that made it: SecurityAnalyst for reads, SecurityBreakGlass for writes. The tool
 * must need no more than its roles grant. Gaps in policies/ (owned elsewhere) are listed below
 * with the reason; the test fails when a new gap appears or a listed one is fixed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeSpotFleetInstancesCommand, EC2Client, RequestSpotFleetCommand } from '@aws-sdk/client-ec2';
import { AddUserToGroupCommand, CreateGroupCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient } from '@aws-sdk/client-iam';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { irRoleDefinitions } from '../../policies/roles';
import { LOG_ARCHIVE_BUCKET_POLICIES } from '../../policies/resource/log-archive-buckets';
import { LOG_ARCHIVE_KEY_POLICIES } from '../../policies/resource/log-archive-keys';
import { evidenceBucketName, logArchiveBucketName, type KeyedLogArchivePurpose, type LogArchivePurpose } from '../../shared/addresses';
import { ATHENA, IR_ROLE_PATH, IR_ROLES } from '../../shared/names';
import { AwsClients } from '../../tooling/aws/clients';
import { type CallRecord, recordCalls } from '../../tooling/aws/record';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { callerArn, type RoleSession, type SessionRole, type SessionSource } from '../../tooling/aws/session';
import { latestAnchor } from '../../tooling/case/anchor';
import { withWriteCase } from '../../tooling/case/open';
import { memoryReporter } from '../../tooling/case/output';
import { Once, type PhaseEnv } from '../../tooling/case/phase';
import { containCredentials } from '../../tooling/contain/credentials';
import { containInstances } from '../../tooling/contain/instances';
import { eradicate } from '../../tooling/eradicate';
import { main } from '../../tooling/cli';
import { handOff, handoffTarget } from '../../tooling/handoff';
import { releaseCase } from '../../tooling/release';
import { type AttackScenario, normalizeMotoGroups, SCENARIO_ACCOUNT, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { simulate } from '../../dev/simulate';
import { newCase, steppingClock } from './case-harness';
import { athenaRequests, iamRequests } from './permission-map';
import { IRREVERSIBLE_CALLS } from './irreversible-calls';

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

/** A second group with room above its minimum, so both ways of holding an instance are exercised. */
async function wideGroupInstance(endpoint: string, besides: string): Promise<string> {
  const cfg = { endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS };
  const subnet = (await new EC2Client(cfg).send(new DescribeInstancesCommand({ InstanceIds: [besides] }))).Reservations![0].Instances![0].SubnetId!;
  const asg = new AutoScalingClient(cfg);
  await asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-asg', LaunchTemplate: { LaunchTemplateName: 'miner-lt', Version: '$Latest' }, MinSize: 1, MaxSize: 3, DesiredCapacity: 2, VPCZoneIdentifier: subnet }));
  const id = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-asg'] }))).AutoScalingGroups![0].Instances![0].InstanceId!;
  await normalizeMotoGroups(new EC2Client(cfg), id);
  return id;
}

/** A maintain Spot Fleet of the attacker's, eradicated as a target of its own (cancelled, its instance terminated). */
async function attackerFleet(endpoint: string): Promise<string> {
  const ec2 = new EC2Client({ endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  const image = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
  const config = { IamFleetRole: `arn:aws:iam::${SCENARIO_ACCOUNT}:role/fleet`, TargetCapacity: 1, Type: 'maintain' as const, AllocationStrategy: 'lowestPrice' as const, LaunchSpecifications: [{ ImageId: image, InstanceType: 'c5.large' as const }] };
  return (await ec2.send(new RequestSpotFleetCommand({ SpotFleetRequestConfig: config }))).SpotFleetRequestId!;
}

/** The fleet's running instance (moto fulfils a maintain Spot Fleet at once). */
async function fleetInstance(endpoint: string, fleetId: string): Promise<string> {
  const ec2 = new EC2Client({ endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  return (await ec2.send(new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: fleetId }))).ActiveInstances![0].InstanceId!;
}

/** The backdoor user also gets an MFA device and a group, so eradicating it deactivates the one and leaves the other. */
async function armBackdoor(endpoint: string, user: string): Promise<void> {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  await iam.send(new CreateGroupCommand({ GroupName: 'backdoor-admins' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'backdoor-admins', UserName: user }));
  const serial = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${user}-mfa` }))).VirtualMFADevice!.SerialNumber!;
  await iam.send(new EnableMFADeviceCommand({ UserName: user, SerialNumber: serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
}

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  const fleetId = await attackerFleet(moto.endpoint);
  await armBackdoor(moto.endpoint, scenario.backdoorUser);
  // Containing the fleet's instance holds the fleet at capacity 0 (ec2:ModifySpotFleetRequest); release restores it.
  const fleetMember = await fleetInstance(moto.endpoint, fleetId);
  scenario = { ...scenario, instances: [...scenario.instances, { region: 'us-east-1', instanceId: fleetMember, kind: 'spot' }] };
  const wide = await wideGroupInstance(moto.endpoint, scenario.instances.find((i) => i.kind === 'asg')!.instanceId);
  scenario = { ...scenario, instances: [...scenario.instances, { region: 'us-east-1', instanceId: wide, kind: 'asg' }] };
  const ctx = newCase('IR-PROOF-1');
  const sessions = roleSessions(moto.endpoint);
  // Journal heads are anchored in the (Object Lock) evidence bucket the example config names.
  const anchor = { bucket: evidenceBucketName(config, config.accounts.forensics.id), region: config.organization.homeRegion };
  await new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }).s3(anchor.region).send(new CreateBucketCommand({ Bucket: anchor.bucket, ObjectLockEnabledForBucket: true }));
  const phase = (apply: boolean, fn: (env: PhaseEnv) => Promise<unknown>, yesIrreversible = true) =>
    withWriteCase({ ctx, sessions, reporter: memoryReporter(), apply, yesIrreversible, clock: steppingClock(), anchor }, async (env) => void (await fn(env)));
  const contain = async (env: PhaseEnv) => {
    const once = new Once();
    // The role the stolen key pivoted into: its older sessions revoked (iam:GetRole to check it, iam:PutRolePolicy; release: iam:DeleteRolePolicy).
    await containCredentials(env, { accessKeyId: scenario.attackerKeyId, userNames: [scenario.backdoorUser], roles: [{ name: scenario.pivotRole }] }, once);
    await containInstances(env, { instanceIds: scenario.instances.map((i) => i.instanceId), networkAclCut: true }, once);
  };
  // Plan; contain; release (all of it comes back); contain again; rerun; then eradicate
  // (Spot request cancelled, instances terminated, the Elastic IP released).
  await phase(false, contain);
  await phase(true, contain, false);
  await phase(true, releaseCase);
  await phase(true, contain);
  await phase(true, contain);
  // The clean room gets the case snapshots: copied re-encrypted, shared with forensics only.
  await phase(true, (env) => handOff(env, handoffTarget(config)));
  const eradication = (env: PhaseEnv) =>
    eradicate(env, {
      instanceIds: scenario.instances.map((i) => i.instanceId),
      keyPairs: scenario.keyPairs,
      images: scenario.images,
      userNames: [scenario.backdoorUser],
      // The attacker's Auto Scaling group and Spot Fleet as targets of their own: the group sized to 0, then deleted; the fleet cancelled.
      autoScalingGroups: [{ region: 'us-east-1', id: scenario.asgName }],
      fleets: [{ region: 'us-east-1', id: fleetId }],
    });
  // The plan validates the irreversible steps by reading their targets: those reads are proven too.
  const planned = (await phase(false, eradication)).exec;
  expect(planned.failures).toEqual([]);
  expect(planned.results.filter((r) => r.outcome === 'dry-run-ok' && IRREVERSIBLE_CALLS.includes(r.action))).toEqual([]);
  const checked = planned.results.filter((r) => ['ec2:CancelSpotInstanceRequests', 'ec2:CancelSpotFleetRequests', 'ec2:ReleaseAddress', 'ec2:TerminateInstances'].includes(r.action));
  expect(new Set(checked.map((r) => r.action)).size).toBe(4);
  expect(new Set(checked.map((r) => r.outcome))).toEqual(new Set(['planned']));
  await phase(true, eradication);
  // verify reads the anchors back as the analyst.
  expect(await latestAnchor((await sessions.session('analyst')).clients, anchor, ctx.caseId)).toBeDefined();
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
      'ec2:CancelSpotInstanceRequests', 'ec2:CancelSpotFleetRequests', 'ec2:ModifySpotFleetRequest', 'ec2:CreateTags', 'ec2:TerminateInstances', 'ec2:DeleteKeyPair', 'ec2:DeregisterImage', 'ec2:AssociateIamInstanceProfile', 'ec2:AssociateAddress',
      'autoscaling:SuspendProcesses', 'autoscaling:SetInstanceProtection', 'autoscaling:DetachInstances', 'autoscaling:AttachInstances', 'autoscaling:ResumeProcesses',
      'autoscaling:EnterStandby', 'autoscaling:ExitStandby', 'autoscaling:UpdateAutoScalingGroup', 'autoscaling:DeleteAutoScalingGroup',
      'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets',
      'iam:UpdateAccessKey', 'iam:PutUserPolicy', 'iam:PutRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteAccessKey', 'iam:DeleteLoginProfile',
      'iam:DetachUserPolicy', 'iam:DeactivateMFADevice', 'iam:RemoveUserFromGroup', 'iam:DeleteUser', 's3:PutObject', 'ec2:CopySnapshot', 'ec2:ModifySnapshotAttribute',
      // CreateNetworkAcl appears only as the plan's DryRun call (moto acts on it anyway); the proof below evaluates DryRun calls too.
      'ec2:ReplaceNetworkAclAssociation',
    ]),
  );
});

test('the role pivot went through the proof: checked as the analyst, its older sessions revoked and released as break-glass', () => {
  const on = (role: SessionRole, action: string) => calls[role].some((c) => c.action === action && c.input.RoleName === scenario.pivotRole);
  expect([on('analyst', 'iam:GetRole'), on('breakGlass', 'iam:PutRolePolicy'), on('breakGlass', 'iam:DeleteRolePolicy')]).toEqual([true, true, true]);
});

test('the fleet hold and the backdoor teardown went through the proof: held at 0 and restored, MFA deactivated, group left', () => {
  const made = (action: string, match: (input: Record<string, unknown>) => boolean) => calls.breakGlass.filter((c) => c.action === action && !c.error && match(c.input)).length;
  // Held at capacity 0 at each containment, restored by the release between them.
  expect(made('ec2:ModifySpotFleetRequest', (i) => i.TargetCapacity === 0)).toBeGreaterThanOrEqual(1);
  expect(made('ec2:ModifySpotFleetRequest', (i) => Number(i.TargetCapacity) > 0)).toBeGreaterThanOrEqual(1);
  expect(made('iam:DeactivateMFADevice', (i) => i.UserName === scenario.backdoorUser)).toBe(1);
  expect(made('iam:RemoveUserFromGroup', (i) => i.UserName === scenario.backdoorUser && i.GroupName === 'backdoor-admins')).toBe(1);
});

test('SecurityBreakGlass allows the EC2 Fleet hold, restore and deletion (recorded requests: the scenario launches no EC2 Fleet)', async () => {
  const fleetId = 'fleet-0123abcd-4567-89ab-cdef-0123456789ab';
  const recorded: CallRecord[] = [
    { action: 'ec2:ModifyFleet', region: 'us-east-1', input: { FleetId: fleetId, TargetCapacitySpecification: { TotalTargetCapacity: 0 } } },
    { action: 'ec2:ModifyFleet', region: 'us-east-1', input: { FleetId: fleetId, TargetCapacitySpecification: { TotalTargetCapacity: 2 } } },
    { action: 'ec2:DeleteFleets', region: 'us-east-1', input: { FleetIds: [fleetId], TerminateInstances: false } },
  ];
  const policies = roles.find((r) => r.name === IR_ROLES.breakGlass)!.policies.map((p) => p.document);
  const decisions: string[] = [];
  for (const call of recorded) {
    for (const r of iamRequests(call, SCENARIO_ACCOUNT, () => undefined)) {
      expect(r.resource).toBe(`arn:aws:ec2:us-east-1:${SCENARIO_ACCOUNT}:fleet/${fleetId}`);
      const result = await simulate({ principal: roleArn('breakGlass'), action: r.action, resource: r.resource, region: r.region, context: r.context }, { identity: policies });
      expect(result.ignoredContextKeys).toEqual([]);
      decisions.push(`${r.action} ${result.decision}`);
    }
  }
  expect(decisions).toEqual(['ec2:ModifyFleet Allowed', 'ec2:ModifyFleet Allowed', 'ec2:DeleteFleets Allowed']);
});

test('SecurityAnalyst allows every read irctl made', async () => {
  expect(await denied('analyst')).toEqual([]);
});

test('SecurityBreakGlass allows every call irctl made, except the listed gaps in policies/roles', async () => {
  const gaps = await denied('breakGlass');
  const gapActions = [...new Set(gaps.map((g) => g.action))].sort();
  // Printed so a gap is visible in the test output, not only in this file.
  if (gaps.length) console.log(`break-glass policy gaps (fix in policies/roles):\n${gaps.map((g) => `  ${g.action} on ${g.resource}`).join('\n')}`);
  expect(gapActions).toEqual(KNOWN_GAPS.filter((g) => g.role === 'breakGlass').map((g) => g.action).sort());
});

describe('hunt and scope --source athena', () => {
  /** Calls of the two commands, as SecurityAnalyst (Athena in the security account, the rest in the case account). */
  const athenaCalls: CallRecord[] = [];
  beforeAll(async () => {
    const athena = new AthenaClient({ region: config.organization.homeRegion, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await athena.send(new CreateWorkGroupCommand({ Name: ATHENA.workgroup }));
    const run = (args: string[]) =>
      main(['node', 'irctl', '--case', 'IR-PROOF-HUNT', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', mkdtempSync(join(tmpdir(), 'irctl-proof-')), '--regions', 'us-east-1', ...args], {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock(), onClient: recordCalls(athenaCalls, 'analyst') },
      });
    expect(await run(['hunt', '--access-key', scenario.attackerKeyId, '--source-ip', '203.0.113.7', '--user-agent', 'aws-cli/2', '--ami', 'ami-0123456789abcdef0', '--key-name', 'miner', '--pool-ip', '198.51.100.23', '--pool-domain', 'pool.example.com'])).toBe(0);
    expect(await run(['scope', '--source', 'athena', '--access-key', scenario.attackerKeyId])).toBe(0);
  }, 120_000);

  const estate = {
    securityAccount: config.accounts.security.id,
    logArchiveAccount: config.accounts.logArchive.id,
    workgroup: ATHENA.workgroup,
    database: ATHENA.database,
    tableBuckets: {
      [ATHENA.cloudtrailTable]: { bucket: logArchiveBucketName(config, 'cloudtrail'), purpose: 'cloudtrail' },
      [ATHENA.flowLogsTable]: { bucket: logArchiveBucketName(config, 'flow-logs'), purpose: 'flow-logs' },
      [ATHENA.dnsQueryLogsTable]: { bucket: logArchiveBucketName(config, 'dns-query-logs'), purpose: 'dns-query-logs' },
    },
    resultsBucket: logArchiveBucketName(config, 'athena-results'),
  };

  test('SecurityAnalyst allows every Athena call, and what Athena does with its credentials (Glue, log reads, results), with the log archive\'s bucket and key policies', async () => {
    const actions = new Set(athenaCalls.map((c) => c.action));
    for (const a of ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults']) expect(actions).toContain(a);
    const policies = roles.find((r) => r.name === IR_ROLES.analyst)!.policies.map((p) => p.document);
    const principal = `arn:aws:iam::${estate.securityAccount}:role${IR_ROLE_PATH}${IR_ROLES.analyst}`;
    const requests = new Map(athenaCalls.filter((c) => c.action.startsWith('athena:')).flatMap((c) => athenaRequests(c, estate)).map((r) => [`${r.action} ${r.resource}`, r]));
    expect([...requests.values()].map((r) => r.action)).toEqual(expect.arrayContaining(['glue:GetTable', 's3:GetObject', 's3:PutObject', 'kms:Decrypt']));
    const refused: string[] = [];
    for (const r of requests.values()) {
      // Log-archive buckets and keys are another account's: their own policy must allow the security account too.
      const rp = r.resourcePolicy;
      const resourcePolicy = rp && (rp.kind === 'bucket' ? LOG_ARCHIVE_BUCKET_POLICIES[rp.purpose as LogArchivePurpose](config) : LOG_ARCHIVE_KEY_POLICIES[rp.purpose as KeyedLogArchivePurpose](config)).document;
      const result = await simulate({ principal, action: r.action, resource: r.resource, resourceAccount: r.resourceAccount, region: r.region, context: r.context }, { identity: policies, resourcePolicy });
      expect(result.ignoredContextKeys).toEqual([]);
      if (result.decision !== 'Allowed') refused.push(`${r.action} on ${r.resource}: ${result.decision}`);
    }
    expect(refused).toEqual([]);
  });

  test('SecurityAnalyst allows the account reads scope --source athena makes, and nothing it made writes', async () => {
    const others = athenaCalls.filter((c) => !c.action.startsWith('athena:'));
    expect(others.filter((c) => !/:(Describe|Get|List)/.test(c.action))).toEqual([]);
    const policies = roles.find((r) => r.name === IR_ROLES.analyst)!.policies.map((p) => p.document);
    const refused: string[] = [];
    for (const call of others) {
      for (const r of iamRequests(call, SCENARIO_ACCOUNT)) {
        const result = await simulate({ principal: roleArn('analyst'), action: r.action, resource: r.resource, region: r.region, context: r.context }, { identity: policies });
        expect(result.ignoredContextKeys).toEqual([]);
        if (result.decision !== 'Allowed') refused.push(`${r.action} on ${result.resource}`);
      }
    }
    expect(refused).toEqual([]);
  });
});
