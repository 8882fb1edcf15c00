/**
 * validate --finding with GuardDuty attack-sequence findings. moto has no GuardDuty findings:
 * GetFindings answers with the RECORDED fixture (aws-sdk-client-mock), and CloudTrail
 * LookupEvents (which moto also lacks) with no events. EC2, IAM and STS are moto's, seeded with
 * the stolen-key attack, so the instance and key the sequence names are checked live.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { type Finding, GetFindingsCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { validate } from '../../../tooling/analysis';
import { sequenceSeeds } from '../../../tooling/analysis/attack-sequence';
import type { AwsClients } from '../../../tooling/aws/clients';
import { caseIndicators } from '../../../tooling/hunt/indicators';
import { workerMoto, type MotoServer } from '../../support/moto';
import { FakeClock } from '../../support/clocks';
import { recordedFindings } from './fixtures/load';
import { SCENARIO_ACCOUNT, SCENARIO_REGIONS, seedAttack, type AttackScenario } from '../../../dev/attack-scenario';
import { fixtureVars, motoClients } from './support';

let moto: MotoServer;
let seed: AttackScenario;
let clients: AwsClients;
let ct: ReturnType<typeof mockClient>;
let gd: ReturnType<typeof mockClient>;

beforeAll(async () => {
  moto = await workerMoto();
  seed = await seedAttack(moto.endpoint);
  clients = motoClients(moto.endpoint);
  ct = mockClient(CloudTrailClient);
  gd = mockClient(GuardDutyClient);
  ct.on(LookupEventsCommand).resolves({ Events: [] });
}, 120_000);
afterAll(async () => {
  ct?.restore();
  gd?.restore();
});

const detectorId = '6ec5c3a0f7b1d4e2a9c8b7d6e5f4a3b2';
const validateFinding = (findingId: string) => {
  gd.on(GetFindingsCommand).resolves(recordedFindings('get-findings-attack-sequence.json', fixtureVars(seed)));
  return validate(clients, { kind: 'finding', findingId, detectorId, region: 'us-east-1' }, { regions: SCENARIO_REGIONS, clock: new FakeClock(seed.window.end.getTime()) });
};

test('RECORDED AttackSequence:IAM/CompromisedCredentials: the key and user it names seed scope; its IP and agent seed hunt', async () => {
  const v = await validateFinding('5e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b');
  expect(v.accessKeyId).toBe(seed.attackerKeyId);
  expect(v.principalArn).toBe(`arn:aws:iam::${SCENARIO_ACCOUNT}:user/svc-build`);
  // The instance the sequence names (in eu-west-1) is found live in moto.
  expect(v.instance?.instanceId).toBe(seed.minerInstances['eu-west-1']);
  expect(v.facts).toEqual(
    expect.arrayContaining([
      'an attack sequence: this playbook applies; scope and hunt start from what it names',
      expect.stringMatching(/^attack sequence AttackSequence:IAM\/CompromisedCredentials: A sequence of actions involving 12 signals .* \(2 signals\)$/),
      expect.stringMatching(/^signal Discovery:IAMUser\/AnomalousBehavior \(FINDING\), 3 times from 20.* to 20.*, severity 5$/),
      `actor IAMUser svc-build of account ${SCENARIO_ACCOUNT} using credential ${seed.attackerKeyId}`,
      'endpoint 203.0.113.7 (Example Hosting BV, Netherlands)',
      'indicator ATTACK_TACTIC: Discovery, Persistence, Impact',
      expect.stringMatching(new RegExp(`^access key ${seed.attackerKeyId} belongs to this account`)),
    ]),
  );
  expect(v.indicators).toEqual({
    'source-ip': ['203.0.113.7'],
    'user-agent': ['aws-cli/2.15.0 Python/3.11.6 Linux/5.15 exe/x86_64.kali'],
    'access-key': [seed.attackerKeyId],
    // The pool host in the UserData of the instance the sequence names.
    'pool-domain': [expect.stringMatching(/\./)],
  });
  expect(v.poolEndpoints?.length).toBeGreaterThan(0);
  // What hunt takes from validation.json.
  expect(caseIndicators([v], undefined)).toMatchObject({ 'access-key': [seed.attackerKeyId], 'source-ip': ['203.0.113.7'] });
});

test('RECORDED AttackSequence:EC2/CompromisedInstanceGroup: every instance listed, the one in the finding\'s region inspected, the pool seeds hunt', async () => {
  const v = await validateFinding('7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d');
  expect(v.instance?.instanceId).toBe(seed.minerInstances['us-east-1']);
  expect(v.accessKeyId).toBeUndefined();
  expect(v.facts).toEqual(
    expect.arrayContaining([
      `2 instances in the sequence: ${seed.minerInstances['us-east-1']} (us-east-1), ${seed.minerInstances['eu-west-1']} (eu-west-1); contain-instances takes them with --instance`,
      'endpoint 198.51.100.23:3333',
      'endpoint domain pool.supportxmr.com',
    ]),
  );
  expect(v.indicators).toEqual({ 'pool-ip': ['198.51.100.23'], 'pool-domain': ['pool.supportxmr.com'] });
});

test('a finding of another type is no attack sequence, even if it carries a Sequence', () => {
  const finding = { Type: 'CryptoCurrency:EC2/BitcoinTool.B', Service: { Detection: { Sequence: { Uid: 'x', Description: 'y', Signals: [] } } } } as unknown as Finding;
  expect(sequenceSeeds(finding)).toBeUndefined();
});
