/**
 * scope follows the attacker past the first round of CloudTrail events: users the backdoor user
 * creates or changes (its own activity) are scoped and attributed too, and so on until no new
 * user appears. Live moto for EC2 and IAM (the project's attack scenario); the trail events come
 * from an injected TrailSource (the seam `--source athena` uses), because moto has no trail.
 */
import { scope } from '../../../tooling/analysis';
import type { TrailSource } from '../../../tooling/analysis/scope';
import { rowToTrailEvent } from '../../../tooling/hunt/scope-source';
import type { AwsClients } from '../../../tooling/aws/clients';
import { seedAttack, SCENARIO_ACCOUNT, type AttackScenario } from '../../../dev/attack-scenario';
import { workerMoto } from '../../support/moto';
import { FakeClock } from '../../support/clocks';
import { caseFor, motoClients } from './support';

let seed: AttackScenario;
let clients: AwsClients;

beforeAll(async () => {
  const moto = await workerMoto();
  seed = await seedAttack(moto.endpoint);
  clients = motoClients(moto.endpoint);
}, 120_000);

/** A trail event as the organization trail holds it, made by `user` with `key`. */
function trailRow(id: string, user: string, key: string, name: string, request: Record<string, unknown>) {
  return rowToTrailEvent({
    eventid: id,
    eventtime: new Date(seed.window.start.getTime() + 5_000).toISOString(),
    eventsource: 'iam.amazonaws.com',
    eventname: name,
    awsregion: 'us-east-1',
    recipientaccountid: SCENARIO_ACCOUNT,
    username: user,
    access_key_id: key,
    principal_arn: `arn:aws:iam::${SCENARIO_ACCOUNT}:user/${user}`,
    requestparameters: JSON.stringify(request),
  });
}

test("users the backdoor user's own activity backdoors are scoped and tied to the attacker by CloudTrail, round after round", async () => {
  const rounds: string[][] = [];
  const source: TrailSource = async (lookups) => {
    rounds.push(lookups.map((l) => `${l.attribute}=${l.value}`));
    const names = new Set(lookups.map((l) => l.value));
    const out = [];
    if (names.has(seed.attackerKeyId)) out.push(trailRow('e-1', seed.attackerUser, seed.attackerKeyId, 'CreateUser', { userName: seed.backdoorUser }));
    // Round two: the backdoor user, with its own key, gives the platform team's CI user (created before the window) an admin policy.
    if (names.has(seed.backdoorUser)) out.push(trailRow('e-2', seed.backdoorUser, seed.backdoorKeyId, 'AttachUserPolicy', { userName: seed.control.userName, policyArn: seed.backdoorPolicyArn }));
    return out;
  };
  const inv = await scope(clients, caseFor(seed, ['us-east-1']), { accessKeyId: seed.attackerKeyId }, { clock: new FakeClock(seed.window.end.getTime()), trailSource: source });

  expect(rounds).toEqual([[`AccessKeyId=${seed.attackerKeyId}`], [`Username=${seed.backdoorUser}`], [`Username=${seed.control.userName}`]]);
  // ci-deployer was created before the window and changed in no way scope sees: only the follow-up event ties it.
  expect(inv.iamUsers.map((u) => u.userName)).toContain(seed.control.userName);
  expect(inv.attributions?.find((a) => a.kind === 'iam-user' && a.id === seed.control.userName)).toMatchObject({ basis: 'cloudtrail', eventId: 'e-2', reason: expect.stringContaining(`AttachUserPolicy at `) });
  expect(inv.failures).toEqual([]);
});

test('rounds stop at a bound and say which users were left unfollowed', async () => {
  // Each user the attacker acts as creates the next: a chain longer than scope follows.
  const source: TrailSource = async (lookups) =>
    lookups.map((l, i) => {
      const next = l.attribute === 'AccessKeyId' ? 'chain-1' : `chain-${Number(l.value.split('-')[1]) + 1}`;
      return trailRow(`c-${l.value}-${i}`, l.value, 'AKIAEXAMPLECHAIN0001', 'CreateUser', { userName: next });
    });
  const inv = await scope(clients, caseFor(seed, ['us-east-1']), { accessKeyId: seed.attackerKeyId }, { clock: new FakeClock(seed.window.end.getTime()), trailSource: source });
  expect(inv.failures).toEqual([
    { step: 'scope/cloudtrail', target: 'Username=chain-6', message: expect.stringMatching(/^stopped following the attacker after 5 rounds of users it created or changed; chain-6 was not looked up\. Fix: irctl scope --principal arn:aws:iam::\d{12}:user\/chain-6/) },
  ]);
});

test("another member account's event (organization trail) neither attributes nor follows this account's user of the same name", async () => {
  const rounds: string[][] = [];
  const source: TrailSource = async (lookups) => {
    rounds.push(lookups.map((l) => `${l.attribute}=${l.value}`));
    const row = trailRow('o-1', seed.attackerUser, seed.attackerKeyId, 'CreateUser', { userName: seed.control.userName });
    return lookups.some((l) => l.value === seed.attackerKeyId) ? [{ ...row, event: { ...row.event, accountId: '666666666666' } }] : [];
  };
  const inv = await scope(clients, caseFor(seed, ['us-east-1']), { accessKeyId: seed.attackerKeyId }, { clock: new FakeClock(seed.window.end.getTime()), trailSource: source });
  expect(rounds).toHaveLength(1);
  expect(inv.attributions?.find((a) => a.id === seed.control.userName)).toBeUndefined();
  expect(inv.events.map((e) => e.eventId)).toEqual(['o-1']);
});
