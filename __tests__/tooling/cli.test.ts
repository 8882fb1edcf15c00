/**
 * irctl through its command line against moto: plan output and exit codes, error sentences
 * (unknown instance, unknown region, MFA without a terminal), role sessions named after the
 * case, and a region whose calls fail while the others proceed.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DescribeInstancesCommand, DescribeKeyPairsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SECURITY_GROUPS } from '../../shared/names';
import { AwsClients } from '../../tooling/aws/clients';
import { type CallRecord, recordCalls } from '../../tooling/aws/record';
import { SessionBroker, sessionName } from '../../tooling/aws/session';
import { Journal, readJournal, verifyJournal } from '../../tooling/case/journal';
import { main } from '../../tooling/cli';
import { type AttackScenario, SCENARIO_ACCOUNT, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;
let scenario: AttackScenario;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
}, 120_000);

async function irctl(args: string[], hooks: { onClient?: (c: { middlewareStack: unknown }) => void; ask?: (q: string) => Promise<string> } = {}) {
  const io = captureOutput();
  const { stdout, stderr } = io;
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-cli-'));
  const code = await main(['node', 'irctl', '--case', 'IR-CLI-1', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, ...args], {
    stdout,
    stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock(), onClient: hooks.onClient, ask: hooks.ask },
  });
  return { code, out: io.out, err: io.err, caseDir };
}

const ids = () => scenario.instances.flatMap((i) => ['--instance', i.instanceId]);

test('contain-instances plans by default: exit 0, JSON lists dry-run-ok actions, says nothing changed', async () => {
  const { code, out } = await irctl(['--regions', 'us-east-1,eu-west-1,ap-southeast-2', '--json', 'contain-instances', ...ids()]);
  expect(code).toBe(0);
  const result = JSON.parse(out) as { command: string; results: Array<{ outcome: string; action: string }> };
  expect(result.command).toBe('contain-instances');
  expect(result.results.filter((r) => r.outcome === 'dry-run-ok').map((r) => r.action)).toContain('ec2:ModifyNetworkInterfaceAttribute');
  expect(result.results.some((r) => r.outcome === 'applied')).toBe(false);
  const human = await irctl(['--regions', 'us-east-1', 'contain-instances', '--instance', scenario.instances[0].instanceId]);
  expect(human.out).toMatch(/PLAN ONLY/);
  expect(human.out).toMatch(/This was a plan: nothing changed\. Add --apply to act\./);
});

test('an unknown instance: exit 1 and a sentence naming it, the regions searched and the fix', async () => {
  const { code, err } = await irctl(['--regions', 'us-east-1,eu-west-1', 'contain-instances', '--instance', 'i-0123456789abcdef0']);
  expect(code).toBe(1);
  expect(err).toMatch(/Instance i-0123456789abcdef0 was not found .* us-east-1, eu-west-1 .*Fix: check the ID, --account and --regions/);
});

test.each([
  { name: 'an unknown region', args: ['--regions', 'us-east-9', 'contain-instances', '--instance', 'i-1'], message: /^irctl: --regions "us-east-9" is not an AWS region\. Fix: pass a region name such as us-east-1/ },
  { name: 'a bad case ID', args: ['--case', 'IR 1; rm', '--regions', 'us-east-1', 'release'], message: /Case ID "IR 1; rm" has characters/ },
  { name: 'a --since without a time zone (read as local time)', args: ['--regions', 'us-east-1', '--since', '2026-11-20T00:00:00', 'release'], message: /--since "2026-11-20T00:00:00" has no time zone.*Fix: end it with Z/ },
  { name: 'a malformed --image', args: ['--regions', 'us-east-1', 'eradicate', '--image', 'ami-1'], message: /--image "ami-1" is not <region>:<ami-id>/ },
  { name: 'a malformed instance ID', args: ['--regions', 'us-east-1', 'contain-instances', '--instance', 'i-xyz'], message: /i-xyz.*Fix:/ },
  { name: 'a --until that is not a date', args: ['--regions', 'us-east-1', '--until', 'yesterday', 'release'], message: /--until "yesterday" is not a date\. Fix:/ },
  { name: 'a --since after --until', args: ['--regions', 'us-east-1', '--since', '2026-11-22T00:00:00Z', '--until', '2026-11-20T00:00:00Z', 'scope', '--access-key', 'AKIAIOSFODNN7EXAMPLE'], message: /^irctl: --since 2026-11-22T00:00:00\.000Z is not before --until 2026-11-20T00:00:00\.000Z: the window is empty\. Fix:/ },
  { name: 'a --since equal to --until', args: ['--regions', 'us-east-1', '--since', '2026-11-20T00:00:00Z', '--until', '2026-11-20T00:00:00Z', 'scope', '--access-key', 'AKIAIOSFODNN7EXAMPLE'], message: /is not before --until.*Fix:/ },
  { name: 'an --account other than the credentials\' with --no-assume', args: ['--account', '111122223333', '--regions', 'us-east-1', 'contain-instances', '--instance', 'i-0123456789abcdef0'], message: /^irctl: --account 111122223333 does not match the current credentials, which belong to account 123456789012 .*Fix: pass --account 123456789012/, reads: ['sts:GetCallerIdentity'] },
  { name: 'a --config that does not exist (verify would have used the example silently)', args: ['--config', '/missing/org.yaml', 'verify'], message: /^irctl: --config \/missing\/org\.yaml: file not found .*Fix: pass --config with an existing org config file/ },
  { name: 'validate with two subjects (one would be ignored)', args: ['--regions', 'us-east-1', 'validate', '--access-key', 'AKIAIOSFODNN7EXAMPLE', '--instance', 'i-0123456789abcdef0'], message: /^irctl: validate checks one subject per run, and got --instance i-0123456789abcdef0, --access-key AKIAIOSFODNN7EXAMPLE\. Fix: run validate once per subject/ },
  { name: 'a window wholly in the future', args: ['--regions', 'us-east-1', '--since', '2099-01-01T00:00:00Z', '--until', '2099-02-01T00:00:00Z', 'scope', '--access-key', 'AKIAIOSFODNN7EXAMPLE'], message: /^irctl: --since 2099-01-01T00:00:00\.000Z is in the future.*Fix: pass a --since in the past/ },
  { name: 'validate without a subject', args: ['--regions', 'us-east-1', 'validate'], message: /Nothing to validate\. Fix: pass/ },
])('$name is refused with the fix and exit 2 (bad command line), before any AWS change', async ({ args, message, reads }: { args: string[]; message: RegExp; reads?: string[] }) => {
  const calls: CallRecord[] = [];
  const { code, err } = await irctl(args, { onClient: recordCalls(calls) });
  expect(code).toBe(2);
  expect(err.trimEnd().split('\n')).toHaveLength(1);
  expect(calls.filter((c) => !reads?.includes(c.action))).toEqual([]);
  expect(err).toMatch(message);
});

test('role sessions: the IR role ARN, a session name carrying the case, and a clear error without a terminal', async () => {
  expect(sessionName('IR-2026/0042 x')).toBe('irctl-IR-2026-0042-x');
  const base = new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const broker = new SessionBroker(base, { caseId: 'IR-2026-0042', accountId: SCENARIO_ACCOUNT, assume: true, mfaSerial: 'arn:aws:iam::123456789012:mfa/responder', mfaToken: '123456' });
  const s = await broker.session('breakGlass');
  expect(s.roleArn).toBe('arn:aws:iam::123456789012:role/incident-response/SecurityBreakGlass');
  expect(s.caller).toMatch(/assumed-role\/SecurityBreakGlass\/irctl-IR-2026-0042$/);
  // The code was used; a second role with no terminal to ask on must fail with the fix, not hang.
  const noTty = new SessionBroker(base, { caseId: 'IR-1', accountId: SCENARIO_ACCOUNT, assume: true, mfaSerial: 'arn:aws:iam::123456789012:mfa/responder' });
  await expect(noTty.session('analyst')).rejects.toThrow(/stdin is not a terminal\. Fix: pass --mfa-token/);
});

test('one failing region: the others are contained, the failure is journaled and reported, exit code 1', async () => {
  // Fault injection: every EC2 write in eu-west-1 is denied, as an SCP would.
  const denyEuWest = (client: { middlewareStack: unknown }) => {
    const config = (client as unknown as { config: { region: () => Promise<string> } }).config;
    (client.middlewareStack as { add: (mw: unknown, o: { step: string; name: string }) => void }).add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) => async (args: { input: Record<string, unknown> }) => {
        const write = context.clientName === 'EC2Client' && !/^(Describe|Get)/.test(context.commandName ?? '');
        if (write && (await config.region()) === 'eu-west-1') {
          throw Object.assign(new Error('explicit deny in a service control policy'), { name: 'UnauthorizedOperation', $fault: 'client', $metadata: {} });
        }
        return next(args);
      },
      { step: 'initialize', name: 'denyEuWest1' },
    );
  };
  const { code, err, caseDir } = await irctl(['--regions', 'us-east-1,eu-west-1,ap-southeast-2', '--apply', '--yes-irreversible', 'contain-instances', ...ids()], { onClient: denyEuWest });
  expect(code).toBe(1);
  expect(err).toMatch(/FAILED .*\(eu-west-1\).*was denied/);
  const journal = readJournal(caseDir);
  expect(verifyJournal(caseDir).ok).toBe(true);
  expect(journal.some((e) => e.region === 'eu-west-1' && e.outcome === 'failed')).toBe(true);
  // Evidence (reads) was still saved there, once per instance; no write succeeded.
  const euInstances = scenario.instances.filter((i) => i.region === 'eu-west-1').length;
  expect(journal.filter((e) => e.region === 'eu-west-1' && e.outcome === 'applied').map((e) => e.action)).toEqual(Array(euInstances).fill('irctl:CollectEvidence'));
  for (const { region, instanceId } of scenario.instances) {
    const ec2 = new EC2Client({ endpoint: moto.endpoint, region, credentials: MOTO_CREDENTIALS });
    const inst = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
    const names = inst.NetworkInterfaces!.flatMap((n) => n.Groups!.map((g) => g.GroupName));
    if (region === 'eu-west-1') expect(names).not.toContain(SECURITY_GROUPS.isolation);
    else expect(new Set(names)).toEqual(new Set([SECURITY_GROUPS.isolation]));
  }
});

test('run: a credential phase that cannot start still leaves the instances contained, and eradicate waits', async () => {
  const plain = scenario.instances.find((i) => i.kind === 'plain')!;
  const { code, out, err } = await irctl(['--regions', plain.region, '--json', 'run', '--instance', plain.instanceId, '--access-key', 'AKIAOTHERACCOUNT0000']);
  expect(code).toBe(1);
  const result = JSON.parse(out) as { results: Array<{ step: string; outcome: string }>; failures: Array<{ step: string; message: string }> };
  expect(result.results.filter((r) => r.step === 'contain-instances/isolate-eni-isolation').map((r) => r.outcome)).not.toEqual([]);
  expect(result.failures.find((f) => f.step === 'run/contain-credentials')?.message).toMatch(/Access key AKIAOTHERACCOUNT0000 was not found in this account/);
  expect(result.failures.map((f) => f.step)).toContain('run/eradicate');
  expect(result.results.some((r) => r.step.startsWith('eradicate/'))).toBe(false);
  expect(err).toBe('');
});

test('verify: an edited evidence file is named and the exit code is 1', async () => {
  const instanceId = scenario.instances[0].instanceId;
  const planned = await irctl(['--regions', 'us-east-1', 'contain-instances', '--instance', instanceId]);
  expect(planned.code).toBe(0);
  const caseArgs = ['--regions', 'us-east-1', '--case-dir', planned.caseDir];
  expect((await irctl([...caseArgs, 'verify'])).code).toBe(0);
  appendFileSync(join(planned.caseDir, 'evidence', instanceId, 'plan', 'userdata.txt'), '# edited later\n');
  const { code, err } = await irctl([...caseArgs, 'verify']);
  expect(code).toBe(1);
  expect(err).toContain(`FAILED verify/evidence evidence/${instanceId}/plan/userdata.txt: modified: evidence/${instanceId}/plan/userdata.txt: its SHA-256 is `);
});

test('eradicate from the inventory removes only what CloudTrail proves; heuristic attributions are named, not touched', async () => {
  const [proven, guessed] = scenario.instances;
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-cli-inv-'));
  const inventory = {
    caseId: 'IR-CLI-1', accountId: SCENARIO_ACCOUNT, generatedAt: '2026-11-23T03:00:00Z', regions: ['us-east-1'],
    instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [], iamUsers: [], events: [], failures: [],
    attributions: [
      { kind: 'instance', region: proven.region, id: proven.instanceId, basis: 'cloudtrail', reason: 'RunInstances by the key', eventId: 'e-1' },
      { kind: 'instance', region: guessed.region, id: guessed.instanceId, basis: 'heuristic', reason: 'launched in the window' },
    ],
  };
  writeFileSync(join(caseDir, 'inventory.json'), JSON.stringify(inventory));
  const { code, out, err } = await irctl(['--regions', 'us-east-1', '--case-dir', caseDir, '--json', 'eradicate']);
  expect(code).toBe(0);
  const targets = new Set((JSON.parse(out) as { results: Array<{ action: string; target: string }> }).results.filter((r) => r.action === 'ec2:TerminateInstances').map((r) => r.target));
  expect(targets).toEqual(new Set([proven.instanceId]));
  expect(err).toMatch(new RegExp(`heuristics only and are NOT eradicated: instance ${guessed.instanceId}`));
});

test.each([
  { name: '--include-heuristic, owner known from validation', validation: 'owner', args: ['eradicate', '--include-heuristic'] },
  { name: '--include-heuristic, owner found only by its key', validation: 'key', args: ['eradicate', '--include-heuristic'] },
  { name: 'the owner named with --user', validation: 'key', args: ['eradicate', '--user', 'OWNER', '--user', 'BACKDOOR'] },
])('eradicate never plans to delete the stolen key or its owner (a victim): $name', async ({ validation, args }) => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-cli-victim-'));
  const inventory = {
    caseId: 'IR-CLI-1', accountId: SCENARIO_ACCOUNT, generatedAt: '2026-11-23T03:00:00Z', regions: ['us-east-1'],
    instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [], iamUsers: [], events: [], failures: [],
    attributions: [
      { kind: 'iam-user', id: scenario.backdoorUser, basis: 'cloudtrail', reason: 'CreateUser by the key', eventId: 'e-2' },
      { kind: 'iam-user', id: scenario.attackerUser, basis: 'heuristic', reason: 'changed in the window' },
    ],
  };
  writeFileSync(join(caseDir, 'inventory.json'), JSON.stringify(inventory));
  writeFileSync(
    join(caseDir, 'validation.json'),
    JSON.stringify({
      subject: { kind: 'access-key', accessKeyId: scenario.attackerKeyId }, accountId: SCENARIO_ACCOUNT, accessKeyId: scenario.attackerKeyId, facts: [],
      ...(validation === 'owner' ? { principalArn: `arn:aws:iam::${SCENARIO_ACCOUNT}:user/${scenario.attackerUser}` } : {}),
    }),
  );
  const argv = args.map((a) => (a === 'OWNER' ? scenario.attackerUser : a === 'BACKDOOR' ? scenario.backdoorUser : a));
  const { out, err } = await irctl(['--regions', 'us-east-1', '--case-dir', caseDir, '--json', ...argv]);
  const results = (JSON.parse(out) as { results: Array<{ action: string; target: string }> }).results;
  expect(results.filter((r) => r.action === 'iam:DeleteUser').map((r) => r.target)).toEqual([`user/${scenario.backdoorUser}`]);
  expect(results.filter((r) => r.target.includes(scenario.attackerKeyId) || r.target.includes(`user/${scenario.attackerUser}`))).toEqual([]);
  expect(err).toMatch(new RegExp(`not deleting user ${scenario.attackerUser}: it owns the stolen access key.*Fix:`));
  expect(err).not.toMatch(/or pass --include-heuristic/);
});

test('eradicate from the inventory skips (and names) an instance released as a false positive', async () => {
  const [released, attacker] = scenario.instances;
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-cli-released-'));
  const inventory = {
    caseId: 'IR-CLI-1', accountId: SCENARIO_ACCOUNT, generatedAt: '2026-11-23T03:00:00Z', regions: ['us-east-1'],
    instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [], iamUsers: [], events: [], failures: [],
    attributions: [released, attacker].map((i, n) => ({ kind: 'instance', region: i.region, id: i.instanceId, basis: 'cloudtrail', reason: 'RunInstances by the key', eventId: `e-${n}` })),
  };
  writeFileSync(join(caseDir, 'inventory.json'), JSON.stringify(inventory));
  // What release --instance journals last for an instance it hands back.
  Journal.open(caseDir, { caseId: 'IR-CLI-1', caller: 'test' }).append({ step: 'release/tag', action: 'ec2:CreateTags', region: released.region, target: released.instanceId, outcome: 'applied', request: {}, reversible: true });
  const { out, err } = await irctl(['--regions', 'us-east-1,eu-west-1,ap-southeast-2', '--case-dir', caseDir, '--json', 'eradicate']);
  const targets = new Set((JSON.parse(out) as { results: Array<{ action: string; target: string }> }).results.filter((r) => r.action === 'ec2:TerminateInstances').map((r) => r.target));
  expect(targets).toEqual(new Set([attacker.instanceId]));
  expect(err).toMatch(new RegExp(`instance ${released.instanceId} was released as a false positive .*not terminating it\\. Fix:`));
});

test('an irreversible step asks on the terminal: "no" leaves it (exit 3), "yes" does it', async () => {
  const key = scenario.keyPairs[0];
  const args = ['--regions', key.region, '--apply', 'eradicate', '--key-pair', `${key.region}:${key.name}`];
  const questions: string[] = [];
  const refused = await irctl(args, { ask: async (q) => (questions.push(q), 'no') });
  expect(refused.code).toBe(3);
  expect(questions).toHaveLength(1);
  expect(questions[0]).toMatch(new RegExp(`IRREVERSIBLE: delete key pair ${key.name} .*Type "yes" to proceed`));
  const ec2 = new EC2Client({ endpoint: moto.endpoint, region: key.region, credentials: MOTO_CREDENTIALS });
  const names = async () => ((await ec2.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []).map((k) => k.KeyName);
  expect(await names()).toContain(key.name);
  const accepted = await irctl(args, { ask: async () => 'yes' });
  expect(accepted.code).toBe(0);
  expect(await names()).not.toContain(key.name);
});

test('contain-credentials acts only on users CloudTrail ties to the attacker; the others are suspects until named with --user', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-cli-suspects-'));
  const user = (userName: string) => ({ userName, arn: `arn:aws:iam::${SCENARIO_ACCOUNT}:user/${userName}`, createdAt: '2026-11-21T00:00:00Z', accessKeys: [], attachedPolicies: [], inlinePolicies: [], hasLoginProfile: false });
  const inventory = {
    caseId: 'IR-CLI-1', accountId: SCENARIO_ACCOUNT, generatedAt: '2026-11-23T03:00:00Z', regions: ['us-east-1'],
    instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [], events: [], failures: [],
    iamUsers: [user(scenario.backdoorUser), user(scenario.attackerUser)],
    attributions: [
      { kind: 'iam-user', id: scenario.backdoorUser, basis: 'cloudtrail', reason: 'CreateUser by the stolen key', eventId: 'e-1' },
      { kind: 'iam-user', id: scenario.attackerUser, basis: 'heuristic', reason: 'access key created in the window' },
    ],
  };
  writeFileSync(join(caseDir, 'inventory.json'), JSON.stringify(inventory));
  const targets = (out: string) => new Set((JSON.parse(out) as { results: Array<{ target: string }> }).results.map((r) => r.target.split('/').slice(0, 2).join('/')));
  const planned = await irctl(['--regions', 'us-east-1', '--case-dir', caseDir, '--json', 'contain-credentials']);
  expect(planned.code).toBe(0);
  expect(targets(planned.out)).toEqual(new Set([`user/${scenario.backdoorUser}`]));
  expect(planned.err).toContain(`suspect IAM user ${scenario.attackerUser} (access key created in the window; no CloudTrail event ties it to the attacker): NOT contained. Confirm, then: irctl contain-credentials --user ${scenario.attackerUser}`);
  expect((JSON.parse(planned.out) as { manual: string[] }).manual).toEqual([expect.stringContaining(`suspect IAM user ${scenario.attackerUser}`)]);

  const named = await irctl(['--regions', 'us-east-1', '--case-dir', caseDir, '--json', 'contain-credentials', '--user', scenario.attackerUser]);
  expect(targets(named.out)).toEqual(new Set([`user/${scenario.attackerUser}`]));

  // Once validate names the stolen key's owner, contain-credentials contains that user: it must not also call it an uncontained suspect.
  writeFileSync(
    join(caseDir, 'validation.json'),
    JSON.stringify({ subject: { kind: 'access-key', accessKeyId: scenario.attackerKeyId }, accountId: SCENARIO_ACCOUNT, accessKeyId: scenario.attackerKeyId, principalArn: `arn:aws:iam::${SCENARIO_ACCOUNT}:user/${scenario.attackerUser}`, facts: [] }),
  );
  const owner = await irctl(['--regions', 'us-east-1', '--case-dir', caseDir, '--json', 'contain-credentials']);
  expect(targets(owner.out)).toContain(`user/${scenario.attackerUser}`);
  expect(owner.err).not.toContain(`suspect IAM user ${scenario.attackerUser}`);
  expect((JSON.parse(owner.out) as { manual: string[] }).manual).toEqual([]);
});

test.each(['report', 'verify', 'release'])('%s refuses a case ID that climbs out of cases/ (../../etc), exit 2, before looking at the path', async (command) => {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'irctl', '--case', '../../etc', '--no-assume', '--endpoint', moto.endpoint, '--regions', 'us-east-1', command], {
    stdout: new PassThrough(),
    stderr,
    hooks: { credentials: MOTO_CREDENTIALS },
  });
  expect(code).toBe(2);
  expect(err).toMatch(/^irctl: Case ID "\.\.\/\.\.\/etc" has characters .*Fix: use letters, digits/);
  expect(err).not.toMatch(/case directory/);
});
