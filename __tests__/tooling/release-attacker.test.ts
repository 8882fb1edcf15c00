/**
 * Releasing a credential the evidence ties to the attacker (the validated stolen key, a user
 * CloudTrail shows the attacker created) hands it back to them: `release --apply` needs a
 * typed confirmation (the key ID or user name) or --release-attacker-credentials, and without
 * a terminal it refuses before changing anything. A credential contained only because the
 * responder named it is released as before. Through irctl's command line against moto.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { CONTAINMENT_POLICIES } from '../../shared/names';
import { main } from '../../tooling/cli';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;
const COLLEAGUE = 'release-colleague';
const iam = () => new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
const keyStatus = async (user: string) => (await iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!.map((k) => k.Status);
const hasDenyAll = (user: string) =>
  iam()
    .send(new GetUserPolicyCommand({ UserName: user, PolicyName: CONTAINMENT_POLICIES.denyAll }))
    .then(() => true)
    .catch(() => false);

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  await iam().send(new CreateUserCommand({ UserName: COLLEAGUE }));
  await iam().send(new CreateAccessKeyCommand({ UserName: COLLEAGUE }));
}, 120_000);

async function irctl(caseDir: string, args: string[], ask?: (q: string) => Promise<string>) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-REL-ATT', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, '--regions', 'us-east-1', ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock(), ask },
  });
  return { code, out: io.out, err: io.err };
}

/** A case that validated the stolen key and contained it, plus a colleague named by the responder. */
async function containedCase(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'irctl-rel-att-'));
  expect((await irctl(dir, ['validate', '--access-key', scenario.attackerKeyId])).code).toBe(0);
  expect((await irctl(dir, ['--apply', 'contain-credentials'])).code).toBe(0);
  expect((await irctl(dir, ['--apply', 'contain-credentials', '--user', COLLEAGUE])).code).toBe(0);
  expect(await keyStatus(scenario.attackerUser)).toEqual(['Inactive']);
  return dir;
}

// One case, released step by step: a second case could not contain what this one already holds.
let caseDir: string;
beforeAll(async () => {
  caseDir = await containedCase();
}, 60_000);

test('without a terminal, releasing the stolen key is refused before any change, naming the flag', async () => {
  const { code, err } = await irctl(caseDir, ['--apply', 'release', '--access-key', scenario.attackerKeyId]);
  expect(code).toBe(2);
  expect(err).toMatch(new RegExp(`access key ${scenario.attackerKeyId} .*tied to the attacker.*Fix: .*--release-attacker-credentials`));
  expect(await keyStatus(scenario.attackerUser)).toEqual(['Inactive']);
  // The whole case too: the key owner's deny-all frees the key as well.
  expect((await irctl(caseDir, ['--apply', 'release'])).code).toBe(2);
  expect(await hasDenyAll(scenario.attackerUser)).toBe(true);
  expect(await hasDenyAll(COLLEAGUE)).toBe(true);
  // A plan needs no confirmation, and says what --apply will ask.
  const plan = await irctl(caseDir, ['release']);
  expect(plan.code).toBe(0);
  expect(plan.err).toMatch(/--release-attacker-credentials/);
});

test('a credential only the responder named is released without confirmation', async () => {
  const { code } = await irctl(caseDir, ['--apply', 'release', '--user', COLLEAGUE]);
  expect(code).toBe(0);
  expect(await keyStatus(COLLEAGUE)).toEqual(['Active']);
  expect(await hasDenyAll(COLLEAGUE)).toBe(false);
});

test('on a terminal, "yes" is not enough: the key ID must be typed; the flag confirms in automation', async () => {
  const questions: string[] = [];
  const wrong = await irctl(caseDir, ['--apply', 'release', '--access-key', scenario.attackerKeyId], async (q) => (questions.push(q), 'yes'));
  expect(wrong.code).toBe(3);
  expect(questions.join('\n')).toMatch(new RegExp(`type ${scenario.attackerKeyId}`, 'i'));
  expect(await keyStatus(scenario.attackerUser)).toEqual(['Inactive']);
  // Nothing was re-activated: no line may say the key is active again.
  expect(wrong.out).not.toMatch(/active again/);
  // The label says what confirms it, not that it was typed.
  expect(wrong.out).toMatch(/\[needs-confirmation\] iam:UpdateAccessKey .*\[ATTACKER CREDENTIAL: needs typed confirmation or --release-attacker-credentials\]/);

  const typed = await irctl(caseDir, ['--apply', 'release', '--access-key', scenario.attackerKeyId], async () => scenario.attackerKeyId);
  expect(typed.code).toBe(0);
  expect(await keyStatus(scenario.attackerUser)).toEqual(['Active']);
  expect(typed.out).toMatch(new RegExp(`\\[manual\\] .*key ${scenario.attackerKeyId} is active again but denied everything`));
  expect(typed.out).toMatch(/\[applied\] iam:UpdateAccessKey .*\[ATTACKER CREDENTIAL: typed confirmation\]/);

  const flagged = await irctl(caseDir, ['--apply', 'release', '--user', scenario.attackerUser, '--release-attacker-credentials']);
  expect(flagged.code).toBe(0);
  expect(flagged.out).toMatch(/\[applied\] iam:DeleteUserPolicy .*\[ATTACKER CREDENTIAL: confirmed by --release-attacker-credentials\]/);
  expect(flagged.out).not.toMatch(/typed confirmation/);
  expect(await hasDenyAll(scenario.attackerUser)).toBe(false);
});
