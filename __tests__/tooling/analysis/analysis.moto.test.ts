/**
 * validate and scope against a live moto server seeded with the project's one attack scenario (dev/attack-scenario.ts).
 * EC2, IAM, STS and Auto Scaling are moto's. moto lacks CloudTrail LookupEvents and
 * GuardDuty GetFindings: only those two clients are stubbed, with the RECORDED responses in
 * fixtures/, and every test relying on them says so in its name.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { GetFindingsCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { scope, validate } from '../../../tooling/analysis';
import type { AwsClients } from '../../../tooling/aws/clients';
import type { Inventory } from '../../../tooling/model';
import { MOTO_CREDENTIALS, workerMoto, type MotoServer } from '../../support/moto';
import { FakeClock } from '../../support/clocks';
import { recordedFindings, recordedLookupEvents } from './fixtures/load';
import { SCENARIO_ACCOUNT, SCENARIO_REGIONS, seedAttack, type AttackScenario } from '../../../dev/attack-scenario';
import { caseFor, fixtureVars, motoClients, RegionDeniedClients } from './support';

const ct = mockClient(CloudTrailClient);
const gd = mockClient(GuardDutyClient);
let moto: MotoServer;
let seed: AttackScenario;
let clients: AwsClients;
const trailCalls: Array<{ region: string; at: number; input: LookupEventsCommandInput }> = [];
let clock: FakeClock;

/** Answer LookupEvents from the recorded attacker responses (or `failIn` a region). */
function recordTrail(opts: { empty?: boolean; failIn?: string } = {}): void {
  const answer = recordedLookupEvents(fixtureVars(seed));
  ct.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput, getClient) => {
    const region = await getClient().config.region();
    trailCalls.push({ region, at: clock.now(), input });
    if (region === opts.failIn) throw Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' });
    return opts.empty ? { Events: [] } : answer(input, region);
  });
}

beforeAll(async () => {
  moto = await workerMoto();
  seed = await seedAttack(moto.endpoint);
  clients = motoClients(moto.endpoint);
}, 120_000);
beforeEach(() => {
  ct.reset();
  gd.reset();
  trailCalls.length = 0;
  // "Now" is when the responder runs irctl: the end of the window.
  clock = new FakeClock(seed.window.end.getTime());
});

describe('validate', () => {
  test('by instance ID: searches the regions, reads owner and launch facts; launcher from RECORDED LookupEvents', async () => {
    recordTrail();
    const id = seed.minerInstances['eu-west-1'];
    const v = await validate(clients, { kind: 'instance', instanceId: id, region: 'us-east-1' }, { regions: SCENARIO_REGIONS, clock });
    expect(v.instance).toMatchObject({ region: 'eu-west-1', instanceId: id, state: 'running', keyName: 'miner-key' });
    expect(v.accountId).toBe(SCENARIO_ACCOUNT);
    expect(v.principalArn).toBe(seed.attackerUserArn);
    expect(v.accessKeyId).toBe(seed.attackerKeyId);
    expect(v.facts).toEqual(
      expect.arrayContaining([
        `belongs to this account (${SCENARIO_ACCOUNT})`,
        'launched with key pair miner-key',
        'not in an Auto Scaling group',
        expect.stringMatching(/^UserData \(\d+ bytes\) points to mining: xmrig .*stratum URL \(stratum\+tcp:\/\/.*mining pool port \(:3333\)/),
        expect.stringMatching(new RegExp(`^launched by ${seed.attackerUserArn} with access key ${seed.attackerKeyId} at .* from 203\\.0\\.113\\.7$`)),
      ]),
    );
    expect(trailCalls.map((c) => c.input.LookupAttributes)).toEqual([[{ AttributeKey: 'ResourceName', AttributeValue: id }]]);
  });

  test('by instance ID: Auto Scaling membership and a stopped miner (RECORDED LookupEvents: no launch event)', async () => {
    recordTrail();
    const asg = await validate(clients, { kind: 'instance', instanceId: seed.asgInstance, region: 'us-east-1' }, { regions: [], clock });
    expect(asg.instance?.autoScalingGroup).toBe('miner-asg');
    expect(asg.facts).toContain('member of Auto Scaling group miner-asg: the group replaces it if it is terminated');
    expect(asg.facts).toContain('no RunInstances event for it in CloudTrail (older than 90 days, or launched by Auto Scaling, Spot or a fleet)');
    expect(asg.principalArn).toBeUndefined();

    const stopped = await validate(clients, { kind: 'instance', instanceId: seed.minerInstances['ap-southeast-2'], region: 'ap-southeast-2' }, { regions: [], clock });
    expect(stopped.instance?.state).toBe('stopped');
  });

  test('an unknown instance is an error naming the regions searched and the fix', async () => {
    recordTrail();
    await expect(
      validate(clients, { kind: 'instance', instanceId: 'i-0123456789abcdef0', region: 'us-east-1' }, { regions: ['eu-west-1'], clock }),
    ).rejects.toThrow("Instance i-0123456789abcdef0 was not found in regions us-east-1, eu-west-1. Fix: check the instance ID, pass --regions with the region it runs in, and --account if it is another account's.");
  });

  test('by access key: this account, the IAM user holding it, its status', async () => {
    const v = await validate(clients, { kind: 'access-key', accessKeyId: seed.attackerKeyId }, { regions: SCENARIO_REGIONS });
    expect(v).toMatchObject({ accountId: SCENARIO_ACCOUNT, principalArn: seed.attackerUserArn, accessKeyId: seed.attackerKeyId });
    expect(v.facts[0]).toMatch(
      new RegExp(`^access key ${seed.attackerKeyId} belongs to this account \\(${SCENARIO_ACCOUNT}\\), IAM user svc-build \\(${seed.attackerUserArn}\\), status Active, created 20`),
    );
    expect(v.facts[1]).toMatch(/^(last used .* on .* in .*|never used according to IAM)$/);
  });

  test('an access key no user in this account holds is an error with the fix', async () => {
    await expect(validate(clients, { kind: 'access-key', accessKeyId: 'AKIAIOSFODNN7EXAMPL3' }, { regions: [] })).rejects.toThrow(
      /access key AKIAIOSFODNN7EXAMPL3 belongs to this account \(123456789012\) but no IAM user holds it: .*check the key ID/,
    );
  });

  test("another account's key is reported as not ours (third party), without a principal", async () => {
    const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/Contractor', RoleSessionName: 'seed' }));
    const c = assumed.Credentials!;
    const otherIam = new IAMClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken },
    });
    await otherIam.send(new CreateUserCommand({ UserName: 'contractor-ci' }));
    const key = await otherIam.send(new CreateAccessKeyCommand({ UserName: 'contractor-ci' }));
    const accessKeyId = key.AccessKey!.AccessKeyId!;

    const v = await validate(clients, { kind: 'access-key', accessKeyId }, { regions: [] });
    expect(v.accountId).toBe('111122223333');
    expect(v.principalArn).toBeUndefined();
    expect(v.facts).toEqual([expect.stringContaining(`access key ${accessKeyId} belongs to account 111122223333, not this account (${SCENARIO_ACCOUNT}): a third party's key`)]);
  });

  test('from a RECORDED GetFindings response: finding facts plus the live instance from moto', async () => {
    recordTrail();
    gd.on(GetFindingsCommand).resolves(recordedFindings('get-findings-bitcointool.json', fixtureVars(seed)));
    const v = await validate(
      clients,
      { kind: 'finding', findingId: 'b2c6f1e8d4a74a0f9e3d2c1b0a9f8e7d', detectorId: '6ec5c3a0f7b1d4e2a9c8b7d6e5f4a3b2', region: 'us-east-1' },
      { regions: SCENARIO_REGIONS, clock },
    );
    expect(gd.commandCalls(GetFindingsCommand)[0].args[0].input).toEqual({
      DetectorId: '6ec5c3a0f7b1d4e2a9c8b7d6e5f4a3b2',
      FindingIds: ['b2c6f1e8d4a74a0f9e3d2c1b0a9f8e7d'],
    });
    expect(v.instance?.instanceId).toBe(seed.minerInstances['us-east-1']);
    expect(v.facts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GuardDuty finding CryptoCurrency:EC2\/BitcoinTool\.B severity 8 in us-east-1/),
        'a cryptocurrency finding: this playbook applies',
        'OUTBOUND TCP connection to 198.51.100.23:3333 (Example Hosting BV, Netherlands)',
        'launched with key pair miner-key',
      ]),
    );
    expect(v.facts.join('\n')).not.toMatch(/SAMPLE/);
  });

  test('a RECORDED sample finding is flagged as not a real detection; its placeholder instance is not found', async () => {
    recordTrail();
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['6ec5c3a0f7b1d4e2a9c8b7d6e5f4a3b2'] });
    gd.on(GetFindingsCommand).resolves(recordedFindings('get-findings-sample.json', fixtureVars(seed)));
    const v = await validate(clients, { kind: 'finding', findingId: '0ac5e5b1c2d34f5e8a7b6c5d4e3f2a1b', region: 'us-east-1' }, { regions: [], clock });
    expect(v.facts).toEqual(
      expect.arrayContaining([
        'SAMPLE finding (CreateSampleFindings): not a real detection; the IDs in it are placeholders',
        'DNS query for GeneratedFindingDomainName',
        expect.stringMatching(/^instance i-99999999 is not found in us-east-1/),
      ]),
    );
    expect(v.instance).toBeUndefined();
  });

  test('a region without a detector names the fix, and only flags that exist (RECORDED empty ListDetectors)', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    const refused = validate(clients, { kind: 'finding', findingId: 'b2c6f1e8d4a74a0f9e3d2c1b0a9f8e7d', region: 'eu-west-1' }, { regions: [] });
    await expect(refused).rejects.toThrow(/^There is no GuardDuty detector in eu-west-1, .*Fix: pass --region with the region the finding was raised in/);
    await expect(refused).rejects.not.toThrow(/--detector-id/);
  });

  test('a finding ID the detector does not have is an error with the fix (RECORDED empty GetFindings)', async () => {
    gd.on(GetFindingsCommand).resolves({ Findings: [] });
    await expect(
      validate(clients, { kind: 'finding', findingId: 'nope', detectorId: 'd1', region: 'eu-west-1' }, { regions: [] }),
    ).rejects.toThrow('finding nope not found on detector d1 in eu-west-1; check the ID and the region');
  });
});

describe('scope', () => {
  const attributed = (inv: Inventory, kind: string, id: string) => inv.attributions?.find((a) => a.kind === kind && a.id === id);
  const keyPairId = (inv: Inventory, region: string, name: string) => inv.keyPairs.find((k) => k.region === region && k.name === name)?.id ?? '';

  test('finds the attack in every region; attribution from RECORDED LookupEvents', async () => {
    recordTrail();
    const progress: string[] = [];
    const inv = await scope(clients, caseFor(seed), { accessKeyId: seed.attackerKeyId, principalArn: seed.attackerUserArn }, { clock, onProgress: (m) => progress.push(m) });

    expect(inv.failures).toEqual([]);
    for (const region of SCENARIO_REGIONS) {
      expect(inv.instances).toContainEqual(expect.objectContaining({ region, instanceId: seed.minerInstances[region], keyName: 'miner-key' }));
      expect(inv.keyPairs).toContainEqual(expect.objectContaining({ region, name: 'miner-key' }));
      expect(attributed(inv, 'instance', seed.minerInstances[region])).toMatchObject({ region, basis: 'cloudtrail', reason: expect.stringMatching(/^RunInstances at /) });
      expect(attributed(inv, 'key-pair', keyPairId(inv, region, 'miner-key'))).toMatchObject({ region, basis: 'cloudtrail' });
    }
    expect(inv.instances.find((i) => i.instanceId === seed.minerInstances['ap-southeast-2'])?.state).toBe('stopped');
    const usMiner = inv.instances.find((i) => i.instanceId === seed.minerInstances['us-east-1']);
    expect(usMiner?.networkInterfaces).toEqual([expect.objectContaining({ allocationId: seed.allocationId, associationId: expect.stringMatching(/^eipassoc-/) })]);
    const euMiner = inv.instances.find((i) => i.instanceId === seed.minerInstances['eu-west-1']);
    expect(euMiner?.networkInterfaces.map((n) => n.id)).toContain(seed.secondEni);
    expect(euMiner?.networkInterfaces).toHaveLength(2);
    const asg = inv.instances.find((i) => i.instanceId === seed.asgInstance);
    expect(asg).toMatchObject({ region: 'us-east-1', autoScalingGroup: 'miner-asg' });
    expect(asg?.networkInterfaces[0].id).toMatch(/^eni-/);
    expect(asg?.volumeIds[0]).toMatch(/^vol-/);
    expect(inv.instances.find((i) => i.instanceId === seed.spotInstanceId)).toMatchObject({ region: 'eu-west-1', lifecycle: 'spot', spotInstanceRequestId: seed.spotRequestId });

    expect(inv.images).toContainEqual(expect.objectContaining({ region: 'us-east-1', id: seed.imageId, name: 'miner-golden' }));
    expect(inv.snapshots).toContainEqual(expect.objectContaining({ region: 'eu-west-1', id: seed.snapshotId }));
    expect(inv.spotRequests).toContainEqual(expect.objectContaining({ region: 'eu-west-1', id: seed.spotRequestId, details: expect.objectContaining({ type: 'persistent' }) }));
    for (const [kind, id] of [['image', seed.imageId], ['snapshot', seed.snapshotId], ['spot-request', seed.spotRequestId], ['iam-user', 'backup-admin']]) {
      expect(attributed(inv, kind, id)).toMatchObject({ basis: 'cloudtrail' });
    }
    // No attacker event for these: tied by key pair and Spot request.
    expect(attributed(inv, 'instance', seed.asgInstance)).toMatchObject({ basis: 'heuristic', reason: expect.stringContaining('attacker key pair miner-key') });
    expect(attributed(inv, 'instance', seed.spotInstanceId)).toMatchObject({ basis: 'heuristic' });

    expect(inv.iamUsers.find((u) => u.userName === 'backup-admin')).toMatchObject({
      accessKeys: [expect.objectContaining({ id: seed.backdoorKeyId, status: 'Active' })],
      attachedPolicies: [seed.backdoorPolicyArn],
      hasLoginProfile: true,
    });

    // The control team's resources: listed where relevant, never attributed.
    expect(inv.instances.map((i) => i.instanceId)).toEqual(expect.arrayContaining([seed.control.instanceBeforeWindow, seed.control.instanceInWindow]));
    for (const id of [seed.control.instanceBeforeWindow, seed.control.instanceInWindow]) expect(attributed(inv, 'instance', id)).toBeUndefined();
    expect(attributed(inv, 'key-pair', keyPairId(inv, 'us-east-1', 'ops-deploy'))).toBeUndefined();
    expect(inv.iamUsers.map((u) => u.userName)).not.toContain('ci-deployer');
    expect(attributed(inv, 'iam-user', 'svc-build')).toBeUndefined();

    // Events: both attributes in every region plus us-east-1, the backdoor user's own activity, deduplicated.
    expect(inv.events.map((e) => e.eventName)).toEqual(expect.arrayContaining(['RunInstances', 'CreateUser', 'ListUsers']));
    expect(new Set(inv.events.map((e) => e.eventId)).size).toBe(inv.events.length);
    expect([...inv.events.map((e) => e.eventTime)]).toEqual([...inv.events.map((e) => e.eventTime)].sort());
    for (const call of trailCalls) expect(call.input.LookupAttributes).toHaveLength(1);
    const looked = new Set(trailCalls.map((c) => `${c.region} ${c.input.LookupAttributes?.[0].AttributeKey}=${c.input.LookupAttributes?.[0].AttributeValue}`));
    for (const region of SCENARIO_REGIONS) {
      expect(looked).toContain(`${region} AccessKeyId=${seed.attackerKeyId}`);
      expect(looked).toContain(`${region} Username=svc-build`);
    }
    expect(looked).toContain('us-east-1 Username=backup-admin');
    // Rate limit per region: consecutive calls in one region at least 500 ms apart on the injected clock.
    for (const region of SCENARIO_REGIONS) {
      const times = trailCalls.filter((c) => c.region === region).map((c) => c.at);
      times.slice(1).forEach((t, i) => expect(t - times[i]).toBeGreaterThanOrEqual(500));
    }
    expect(progress.some((m) => m.startsWith('ap-southeast-2: '))).toBe(true);
  });

  test('heuristics alone (RECORDED LookupEvents with no events): miners by window and key pair, control untouched', async () => {
    recordTrail({ empty: true });
    const inv = await scope(clients, caseFor(seed), { accessKeyId: seed.attackerKeyId }, { clock });
    for (const region of SCENARIO_REGIONS) {
      expect(attributed(inv, 'instance', seed.minerInstances[region])).toMatchObject({ basis: 'heuristic', reason: expect.stringContaining('key pair miner-key, created in the window (no CloudTrail event of the attacker created it)') });
    }
    expect(attributed(inv, 'snapshot', seed.snapshotId)).toMatchObject({ basis: 'heuristic' });
    expect(attributed(inv, 'image', seed.imageId)).toMatchObject({ basis: 'heuristic' });
    expect(attributed(inv, 'spot-request', seed.spotRequestId)).toMatchObject({ basis: 'heuristic' });
    expect(attributed(inv, 'iam-user', 'backup-admin')).toMatchObject({ basis: 'heuristic' });
    for (const id of [seed.control.instanceBeforeWindow, seed.control.instanceInWindow]) expect(attributed(inv, 'instance', id)).toBeUndefined();
    expect(inv.events).toEqual([]);
  });

  test('a denied region and a failing CloudTrail region become StepFailures; the other regions are scoped (RECORDED LookupEvents)', async () => {
    recordTrail({ failIn: 'eu-west-1' });
    const denied = new RegionDeniedClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 }, 'ap-southeast-2');
    const inv = await scope(denied, caseFor(seed), { accessKeyId: seed.attackerKeyId }, { clock });

    const ec2Failures = inv.failures.filter((f) => f.region === 'ap-southeast-2');
    expect(ec2Failures.map((f) => f.step).sort()).toEqual(
      ['scope/ec2-fleets', 'scope/images', 'scope/instances', 'scope/key-pairs', 'scope/snapshots', 'scope/spot-fleets', 'scope/spot-requests'].sort(),
    );
    for (const f of ec2Failures) expect(f.message).toMatch(/^UnauthorizedOperation: You are not authorized/);
    expect(inv.failures).toContainEqual({
      step: 'scope/cloudtrail',
      region: 'eu-west-1',
      target: `AccessKeyId=${seed.attackerKeyId}`,
      message: 'AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents',
    });
    expect(inv.instances.some((i) => i.region === 'ap-southeast-2')).toBe(false);
    expect(inv.instances.map((i) => i.instanceId)).toEqual(expect.arrayContaining([seed.minerInstances['us-east-1'], seed.minerInstances['eu-west-1']]));
    expect(inv.events.some((e) => e.region === 'us-east-1' && e.eventName === 'RunInstances')).toBe(true);
    expect(inv.events.some((e) => e.region === 'eu-west-1')).toBe(false);
  });

  test('a window past the 90-day LookupEvents horizon: no lookups, a failure pointing to Athena, inventory still made', async () => {
    recordTrail();
    const later = new FakeClock(seed.window.start.getTime() + 95 * 86_400_000);
    const inv = await scope(clients, caseFor(seed, ['eu-west-1']), { accessKeyId: seed.attackerKeyId }, { clock: later });
    expect(trailCalls).toEqual([]);
    expect(inv.failures).toEqual([{ step: 'scope/cloudtrail', message: expect.stringMatching(/is past LookupEvents' 90-day horizon: no events looked up; query the organization trail with Athena$/) }]);
    expect(inv.instances.map((i) => i.instanceId)).toContain(seed.minerInstances['eu-west-1']);
  });

  test('without an attacker key or principal, CloudTrail is not queried and the report says why', async () => {
    recordTrail();
    const inv = await scope(clients, caseFor(seed, ['us-east-1']), {}, { clock });
    expect(trailCalls).toEqual([]);
    expect(inv.failures).toEqual([
      { step: 'scope/cloudtrail', message: 'no attacker access key or principal given: CloudTrail events not looked up, attribution is heuristic only' },
    ]);
  });
});
