/**
 * Every refusal irctl can decide from its command line (and the case directory on disk) is made
 * before any AWS call — the caller-identity and role-assumption calls of session setup
 * included — in one line naming the flag and the fix, with exit code 2. One row per bad input;
 * each counts the calls a recorder sees on every client irctl builds (moto answers any that
 * slip through, so a row fails on the count, not on a connection error).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CallRecord, recordCalls } from '../../tooling/aws/record';
import { CHECKED_ELSEWHERE, FLAG_CHECKS } from '../../tooling/case/ids';
import { Journal } from '../../tooling/case/journal';
import { irctlProgram, main } from '../../tooling/cli';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

let moto: MotoServer;

beforeAll(async () => {
  moto = await workerMoto();
}, 120_000);

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const INSTANCE = 'i-0123456789abcdef0';
const FINDING = '12c9f3a6e5b14d2f8a7b6c5d4e3f2a1b';

/** Where the row's case directory is: a fresh empty one, one that does not exist, or one whose journal contained an instance. */
type CaseDir = 'empty' | 'missing' | 'journal';

const CONTAINED = 'i-0fedcba9876543210';

async function irctl(args: readonly string[], caseDir: CaseDir = 'empty') {
  const parent = mkdtempSync(join(tmpdir(), 'irctl-input-'));
  const dir = caseDir === 'missing' ? join(parent, 'no-such-case') : parent;
  if (caseDir === 'journal') {
    Journal.open(dir, { caseId: 'IR-INPUT-1', caller: 'test' }).append({ step: 'contain-instances/isolate', action: 'ec2:ModifyNetworkInterfaceAttribute', region: 'us-east-1', target: CONTAINED, outcome: 'applied', request: {}, reversible: true });
  }
  const calls: CallRecord[] = [];
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-INPUT-1', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', dir, ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock(), onClient: recordCalls(calls) },
  });
  return { code, out: io.out, err: io.err, calls, dir };
}

interface Row {
  readonly name: string;
  readonly args: readonly string[];
  /** A pattern the one error line must match (it names the flag and says "Fix:"). */
  readonly message: RegExp;
  readonly caseDir?: CaseDir;
  /** 2 unless said: a directory without a journal may have lost it (verify tells), so it is a failure, 1. */
  readonly code?: number;
}

const R = ['--regions', 'us-east-1'];

const rows: Row[] = [
  // The drill's findings: each made one or more calls before refusing.
  { name: 'validate --finding without --region (a finding ID is regional)', args: [...R, 'validate', '--finding', FINDING], message: /--finding .*--region.*Fix: pass --region/ },
  { name: 'run --finding without --region', args: [...R, 'run', '--finding', FINDING], message: /--finding .*--region.*Fix: pass --region/ },
  { name: 'validate with --access-key and --instance (one subject per run)', args: [...R, 'validate', '--access-key', KEY, '--instance', INSTANCE], message: /validate checks one subject per run.*--instance.*--access-key.*Fix: run validate once per subject/ },
  { name: 'validate with --finding and --instance', args: [...R, 'validate', '--finding', FINDING, '--region', 'us-east-1', '--instance', INSTANCE], message: /one subject per run.*--finding.*Fix:/ },
  { name: 'validate with two --instance', args: [...R, 'validate', '--instance', INSTANCE, '--instance', 'i-0123456789abcdef1'], message: /one subject per run.*Fix:/ },
  { name: 'validate without a subject', args: [...R, 'validate'], message: /Nothing to validate\. Fix: pass --finding/ },
  { name: 'hunt --regions , (an empty list)', args: ['--regions', ',', 'hunt', '--pool-ip', '198.51.100.1'], message: /--regions "," names no region\. Fix:/ },
  { name: 'scope --regions " " (blank)', args: ['--regions', ' ', 'scope', '--access-key', KEY], message: /--regions " " names no region\. Fix:/ },
  { name: 'hunt --max-rows 0', args: [...R, 'hunt', '--pool-ip', '198.51.100.1', '--max-rows', '0'], message: /--max-rows "0" is not a whole number from 1 to 1000000\. Fix:/ },
  { name: 'hunt --max-rows 1.5', args: [...R, 'hunt', '--pool-ip', '198.51.100.1', '--max-rows', '1.5'], message: /--max-rows "1\.5" is not a whole number/ },
  { name: 'hunt --max-rows ten', args: [...R, 'hunt', '--pool-ip', '198.51.100.1', '--max-rows', 'ten'], message: /--max-rows "ten" is not a whole number/ },
  { name: 'hunt --query-timeout 0', args: [...R, 'hunt', '--pool-ip', '198.51.100.1', '--query-timeout', '0'], message: /--query-timeout "0" is not a whole number from 1 to 1440\. Fix:/ },
  { name: 'hunt --athena-region xx-1 (not a region)', args: [...R, 'hunt', '--pool-ip', '198.51.100.1', '--athena-region', 'xx-1'], message: /--athena-region "xx-1" is not an AWS region\. Fix:/ },
  { name: 'hunt --ami ami-nope', args: [...R, 'hunt', '--ami', 'ami-nope'], message: /--ami "ami-nope" is not an AMI ID.*Fix:/ },
  { name: 'hunt --source-ip 999.1.1.1', args: [...R, 'hunt', '--source-ip', '999.1.1.1'], message: /--source-ip "999\.1\.1\.1" is not .*Fix:/ },
  { name: 'hunt --pool-domain "bad domain"', args: [...R, 'hunt', '--pool-domain', 'bad domain'], message: /--pool-domain "bad domain" is not .*Fix:/ },
  { name: 'hunt --key-name "" (empty)', args: [...R, 'hunt', '--key-name', ''], message: /--key-name "" is not .*Fix:/ },
  { name: 'hunt --user-data-sha256 abc', args: [...R, 'hunt', '--user-data-sha256', 'abc'], message: /--user-data-sha256 "abc" is not .*Fix:/ },
  { name: 'hunt --access-key AKIA1', args: [...R, 'hunt', '--access-key', 'AKIA1'], message: /--access-key "AKIA1" is not an access key ID.*Fix:/ },
  ...['SecurityBreakGlass', 'SecurityAnalyst'].map((role): Row => ({ name: `contain-credentials --role ${role} (an IR role)`, args: [...R, 'contain-credentials', '--role', role], message: new RegExp(`^irctl: .*--role "${role}" is one of this project's incident-response roles.*Fix:`) })),
  { name: 'hunt with a bad --access-key among other bad indicators (all reported together)', args: [...R, 'hunt', '--access-key', 'AKIA1', '--ami', 'ami-nope', '--source-ip', '999.1.1.1'], message: /--access-key "AKIA1" is not .*--source-ip "999\.1\.1\.1" is not .*--ami "ami-nope" is not .*Fix: correct or drop these values/ },
  { name: 'hunt with nothing to hunt', args: [...R, 'hunt', '--no-case-indicators'], message: /Nothing to hunt for\. Fix: pass indicators/ },
  ...['verify', 'report', 'release', 'handoff'].flatMap((command): Row[] => [
    { name: `${command} on a case directory that does not exist`, args: [...R, command], caseDir: 'missing', message: new RegExp(`^irctl: ${command}: no case directory at .*no-such-case .*Fix: pass --case-dir .*ls cases`) },
  ]),
  { name: 'verify --anchor-bucket on a case directory that does not exist', args: [...R, '--anchor-bucket', 'ir-anchors', 'verify'], caseDir: 'missing', message: /^irctl: verify: no case directory at .*Fix: pass --case-dir.*anchor bucket ir-anchors still holds its anchored journal head/ },
  { name: 'release --apply on a case directory that does not exist', args: [...R, '--apply', 'release', '--instance', INSTANCE], caseDir: 'missing', message: /^irctl: release: no case directory at .*Fix: pass --case-dir/ },

  // The audit: every flag that names something in AWS, or a number, a date or a place.
  { name: '--account of 5 digits', args: [...R, '--account', '12345', 'scope', '--access-key', KEY], message: /--account "12345" is not a 12-digit AWS account ID\. Fix:/ },
  { name: '--account with letters', args: [...R, '--account', '12345678901a', 'scope', '--access-key', KEY], message: /--account "12345678901a" is not a 12-digit/ },
  { name: '--regions with an unknown region', args: ['--regions', 'us-west-2,mars-1', 'scope', '--access-key', KEY], message: /--regions "mars-1" is not an AWS region\. Fix:/ },
  { name: '--region not a region', args: [...R, 'validate', '--finding', FINDING, '--region', 'us-nowhere-9'], message: /--region "us-nowhere-9" is not an AWS region\. Fix:/ },
  { name: '--instance i-xyz', args: [...R, 'validate', '--instance', 'i-xyz'], message: /--instance "i-xyz" is not an EC2 instance ID\. Fix:/ },
  { name: '--instance in capitals', args: [...R, 'contain-instances', '--instance', 'I-0123456789ABCDEF0'], message: /--instance "I-0123456789ABCDEF0" is not an EC2 instance ID/ },
  { name: 'release --instance i-nope', args: [...R, 'release', '--instance', 'i-nope'], message: /--instance "i-nope" is not an EC2 instance ID/ },
  { name: '--access-key too short', args: [...R, 'validate', '--access-key', 'AKIA123'], message: /--access-key "AKIA123" is not an access key ID\. Fix:/ },
  { name: '--access-key in lower case', args: [...R, 'contain-credentials', '--access-key', 'akiaiosfodnn7example'], message: /--access-key "akiaiosfodnn7example" is not an access key ID/ },
  { name: '--access-key with another prefix', args: [...R, 'release', '--access-key', 'ABIAIOSFODNN7EXAMPLE'], message: /--access-key "ABIAIOSFODNN7EXAMPLE" is not an access key ID/ },
  { name: '--finding not a finding ID', args: [...R, 'validate', '--finding', 'not-a-finding', '--region', 'us-east-1'], message: /--finding "not-a-finding" is not a GuardDuty finding ID\. Fix:/ },
  { name: '--principal with a short account', args: [...R, 'contain-credentials', '--principal', 'arn:aws:iam::123:user/x'], message: /--principal "arn:aws:iam::123:user\/x" is not an IAM user, role or assumed-role ARN\. Fix:/ },
  { name: '--principal not an ARN', args: [...R, 'scope', '--principal', 'svc-build'], message: /--principal "svc-build" is not an IAM/ },
  { name: '--user with a space', args: [...R, 'contain-credentials', '--user', 'bad user!'], message: /--user "bad user!" is not an IAM user name\. Fix:/ },
  { name: '--user longer than 64', args: [...R, 'eradicate', '--user', 'u'.repeat(65)], message: /--user "u{65}" is not an IAM user name/ },
  { name: '--key-pair without a region', args: [...R, 'eradicate', '--key-pair', 'deploy-key'], message: /--key-pair "deploy-key" is not <region>:<name>\. Fix:/ },
  { name: '--key-pair with an unknown region', args: [...R, 'eradicate', '--key-pair', 'mars-1:deploy-key'], message: /--key-pair "mars-1:deploy-key": "mars-1" is not an AWS region\. Fix:/ },
  { name: '--key-pair with an empty name', args: [...R, 'eradicate', '--key-pair', 'us-east-1:'], message: /--key-pair "us-east-1:" is not <region>:<name>/ },
  { name: '--key-pair name longer than 255', args: [...R, 'eradicate', '--key-pair', `us-east-1:${'k'.repeat(256)}`], message: /--key-pair ".*" is not <region>:<name>/ },
  { name: '--image with a bad AMI ID', args: [...R, 'eradicate', '--image', 'us-west-2:ami-zz'], message: /--image "us-west-2:ami-zz" is not <region>:<ami-id>\. Fix:/ },
  { name: '--image without a region', args: [...R, 'eradicate', '--image', 'ami-0123456789abcdef0'], message: /--image "ami-0123456789abcdef0" is not <region>:<ami-id>/ },
  { name: '--since without a time zone', args: [...R, '--since', '2026-11-01T00:00:00', 'scope', '--access-key', KEY], message: /--since "2026-11-01T00:00:00" has no time zone.*Fix:/ },
  { name: '--since not a date', args: [...R, '--since', 'last tuesday', 'scope', '--access-key', KEY], message: /--since "last tuesday" is not a date\. Fix:/ },
  { name: '--until not a date', args: [...R, '--until', 'now', 'scope', '--access-key', KEY], message: /--until "now" is not a date\. Fix:/ },
  { name: '--since in the future', args: [...R, '--since', '2099-01-01T00:00:00Z', '--until', '2099-02-01T00:00:00Z', 'scope', '--access-key', KEY], message: /--since .* is in the future.*Fix:/ },
  { name: '--since after --until', args: [...R, '--since', '2026-11-22T00:00:00Z', '--until', '2026-11-20T00:00:00Z', 'scope', '--access-key', KEY], message: /--since .* is not before --until.*Fix:/ },
  { name: '--anchor-bucket not a bucket name', args: [...R, '--anchor-bucket', 'Bad_Bucket', 'scope', '--access-key', KEY], message: /--anchor-bucket "Bad_Bucket" is not an S3 bucket name\. Fix:/ },
  { name: '--anchor-bucket given as a URL', args: [...R, '--anchor-bucket', 's3://ir-anchors', 'scope', '--access-key', KEY], message: /--anchor-bucket "s3:\/\/ir-anchors" is not an S3 bucket name/ },
  { name: '--mfa-serial not an MFA device ARN', args: [...R, '--mfa-serial', 'my-phone', 'scope', '--access-key', KEY], message: /--mfa-serial "my-phone" is not an MFA device ARN or hardware token serial number\. Fix:/ },
  { name: '--mfa-token not 6 digits', args: [...R, '--mfa-token', '12345', 'scope', '--access-key', KEY], message: /--mfa-token "12345" is not a 6-digit code\. Fix:/ },
  { name: '--endpoint not a URL', args: [...R, '--endpoint', 'localhost:5000', 'scope', '--access-key', KEY], message: /--endpoint "localhost:5000" is not an http\(s\) URL\. Fix:/ },
  { name: '--source not a known source', args: [...R, 'scope', '--access-key', KEY, '--source', 'splunk'], message: /^irctl: option '--source <source>' argument 'splunk' is invalid\. Allowed choices are cloudtrail, athena\. Fix: .*irctl scope --help/ },
  { name: 'an unknown flag', args: [...R, 'scope', '--acces-key', KEY], message: /^irctl: unknown option '--acces-key'.*Fix: .*irctl scope --help/ },
  { name: 'an unknown command', args: [...R, 'nuke'], message: /^irctl: unknown command 'nuke'\. Fix: .*irctl --help/ },
  { name: 'a flag without its value', args: [...R, 'validate', '--instance'], message: /^irctl: option '--instance <id>' argument missing\. Fix:/ },
  { name: 'a --config that does not exist', args: [...R, '--config', '/missing/org.yaml', 'scope', '--access-key', KEY], message: /--config \/missing\/org\.yaml: file not found .*Fix:/ },
  { name: 'a case ID that climbs out of cases/', args: [...R, '--case', '../etc', 'validate', '--access-key', KEY], message: /Case ID "\.\.\/etc" has characters .*Fix:/ },

  // Refusals the case directory decides (it is on disk: no AWS call is needed to read it).
  { name: 'scope with no attacker named or validated', args: [...R, 'scope'], message: /scope needs the attacker\. Fix: pass --access-key or --principal/ },
  { name: 'contain-instances with no instance named or scoped', args: [...R, 'contain-instances'], message: /No instances to act on\. Fix: pass --instance/ },
  { name: 'eradicate with no target and no inventory', args: [...R, 'eradicate'], message: /eradicate needs targets\. Fix: run scope first/ },
  { name: 'contain-credentials with no target named, validated or tied', args: [...R, 'contain-credentials'], message: /contain-credentials needs a target: .*Fix: pass --access-key <id>, --principal <arn> or --user <name>/ },
  { name: 'release in a directory without a journal', args: [...R, 'release'], message: /release: .*journal\.jsonl does not exist: no phase of case IR-INPUT-1 has run.*Fix: pass --case-dir/, code: 1 },
  { name: 'release --instance the journal never contained (a typo)', args: [...R, '--apply', 'release', '--instance', INSTANCE], caseDir: 'journal', message: new RegExp(`release: the journal of case IR-INPUT-1 records no containment of ${INSTANCE}\\. Fix:`) },
];

test.each(rows)('$name: exit 2 (unless the row says), one line naming the fix, no AWS call', async ({ args, message, caseDir, code }) => {
  const run = await irctl(args, caseDir);
  expect({ err: run.err, calls: run.calls.map((c) => c.action) }).toEqual({ err: expect.stringMatching(message), calls: [] });
  expect(run.err.trimEnd().split('\n')).toHaveLength(1);
  expect(run.err).toMatch(/^irctl: .*Fix: /);
  expect(run.code).toBe(code ?? 2);
  expect(run.out).toBe('');
  if (caseDir === 'missing') expect(existsSync(run.dir)).toBe(false);
});

test('--json: a refused command line is one JSON document with the same sentence, still before any call', async () => {
  const run = await irctl([...R, '--json', 'hunt', '--pool-ip', '198.51.100.1', '--max-rows', '0']);
  expect(run.code).toBe(2);
  expect(run.calls).toEqual([]);
  expect(JSON.parse(run.out)).toMatchObject({ command: 'hunt', exitCode: 2, error: expect.stringMatching(/^--max-rows "0" is not a whole number/) });
});

test('every flag that takes a value is checked before any AWS call: a row in FLAG_CHECKS, or a named check elsewhere', () => {
  const root = irctlProgram();
  const valueFlags = [root, ...root.commands].flatMap((c) => c.options.filter((o) => o.required || o.optional).map((o) => ({ command: c.name(), flag: o.long!, attribute: o.attributeName() })));
  expect(valueFlags.length).toBeGreaterThan(20);
  const unchecked = valueFlags.filter((f) => !(f.attribute in FLAG_CHECKS) && !(f.attribute in CHECKED_ELSEWHERE));
  expect(unchecked).toEqual([]);
});
