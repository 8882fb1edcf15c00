/**
 * Format checks for the IDs a responder types. A mistyped ID must be refused before any AWS
 * call, in one sentence naming the flag and a valid example: a typo that reached AWS would come
 * back as "not found" and look like the attacker's resource is already gone.
 */
import { isCommercialRegion } from '../../config/regions';
import { IR_ROLES } from '../../shared/names';
import { UsageError } from './usage';

/** One kind of ID: its pattern, the flag that carries it and a valid example. */
interface IdFormat {
  readonly flag: string;
  readonly what: string;
  readonly pattern: RegExp;
  readonly example: string;
}

/** The ID formats irctl accepts, by what they name. */
export const ID_FORMATS = {
  instance: { flag: '--instance', what: 'an EC2 instance ID', pattern: /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, example: 'i-0123456789abcdef0' },
  accessKey: { flag: '--access-key', what: 'an access key ID', pattern: /^(?:AKIA|ASIA)[A-Z0-9]{16}$/, example: 'AKIAIOSFODNN7EXAMPLE' },
  finding: { flag: '--finding', what: 'a GuardDuty finding ID', pattern: /^[0-9a-f]{32}$/, example: '12c9f3a6e5b14d2f8a7b6c5d4e3f2a1b' },
  account: { flag: '--account', what: 'a 12-digit AWS account ID', pattern: /^\d{12}$/, example: '123456789012' },
  image: { flag: '--image', what: 'an AMI ID', pattern: /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, example: 'us-east-1:ami-0123456789abcdef0' },
  principal: { flag: '--principal', what: 'an IAM user, role or assumed-role ARN', pattern: /^arn:aws[\w-]*:(?:iam|sts)::\d{12}:(?:user|role|assumed-role)\/[\w+=,.@/-]+$/, example: 'arn:aws:iam::123456789012:user/name' },
  user: { flag: '--user', what: 'an IAM user name', pattern: /^[\w+=,.@-]{1,64}$/, example: 'backdoor-admin' },
  role: { flag: '--role', what: 'an IAM role name (the last part of its ARN)', pattern: /^[\w+=,.@-]{1,64}$/, example: 'ops-automation' },
  // Spot Fleet sfr-… / EC2 Fleet fleet-…: a UUID on AWS, 17 hex digits on some emulators.
  fleet: { flag: '--fleet', what: 'a Spot Fleet or EC2 Fleet ID', pattern: /^(?:sfr|fleet)-(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{17})$/, example: 'us-east-1:sfr-0123abcd-4567-89ab-cdef-0123456789ab' },
  // AWS: 1-255 ASCII characters 33-126, no colon.
  autoScalingGroup: { flag: '--auto-scaling-group', what: 'an Auto Scaling group name', pattern: /^[\x21-\x39\x3b-\x7e]{1,255}$/, example: 'us-east-1:miner-asg' },
} as const satisfies Record<string, IdFormat>;

/** The sentence for a malformed value. */
function malformed(format: IdFormat, value: string): string {
  return `${format.flag} "${value}" is not ${format.what}. Fix: pass e.g. ${format.flag} ${format.example}.`;
}

/** Throw one sentence when `value` does not have the format of `kind`. */
export function checkId(kind: keyof typeof ID_FORMATS, value: string): void {
  const format: IdFormat = ID_FORMATS[kind];
  if (!format.pattern.test(value)) throw new UsageError(malformed(format, value));
}

/** Throw one sentence when a region name is not a commercial AWS region. */
export function checkRegion(flag: string, value: string): void {
  if (!isCommercialRegion(value)) throw new UsageError(`${flag} "${value}" is not an AWS region. Fix: pass a region name such as us-east-1 (aws ec2 describe-regions lists them).`);
}

/** Throw one sentence unless `text` is a whole number from 1 to `max`; returns it. */
export function wholeNumber(flag: string, text: string, max: number, example: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} "${text}" is not a whole number from 1 to ${max}. Fix: e.g. ${flag} ${example}.`);
  return n;
}

/** A key pair name as EC2 takes it: 1 to 255 ASCII characters. */
const KEY_PAIR_NAME = /^[\x20-\x7e]{1,255}$/;

/** The one check of a flag's value (each value of a repeatable flag); throws a UsageError. */
type FlagCheck = (value: string) => void;

/**
 * Every flag whose value irctl can check without AWS, by commander attribute name. The CLI runs
 * these on whatever a command was given before it opens a session: a new flag plugs in with
 * one row here (a test fails for a value flag that has neither a row nor a named check elsewhere).
 */
export const FLAG_CHECKS: Readonly<Record<string, FlagCheck>> = {
  account: (v) => checkId('account', v),
  regions: (v) => regionList(v),
  region: (v) => checkRegion('--region', v),
  athenaRegion: (v) => checkRegion('--athena-region', v),
  instance: (v) => checkId('instance', v),
  accessKey: (v) => checkId('accessKey', v),
  finding: (v) => checkId('finding', v),
  principal: (v) => checkId('principal', v),
  user: (v) => checkId('user', v),
  role: (v) => {
    checkId('role', v);
    // Known by name alone, so refused before any AWS call; revoking one would cut the responders off.
    if ((Object.values(IR_ROLES) as string[]).includes(v)) throw new UsageError(`--role "${v}" is one of this project's incident-response roles; containing it would cut the responders' own access. Fix: leave it out of --role; if the attacker holds a session of it, revoke it by hand as SecurityBreakGlass or an organization administrator (IAM console: Roles, ${v}, Revoke active sessions; docs/runbook.md).`);
  },
  keyPair: (v) => regionalId('--key-pair', v, { what: 'name', example: 'us-east-1:miner-key', pattern: KEY_PAIR_NAME }),
  image: (v) => regionalId('--image', v, { what: 'ami-id', example: ID_FORMATS.image.example, pattern: ID_FORMATS.image.pattern }),
  fleet: (v) => regionalId('--fleet', v, { what: 'fleet-id', example: ID_FORMATS.fleet.example, pattern: ID_FORMATS.fleet.pattern }),
  autoScalingGroup: (v) => regionalId('--auto-scaling-group', v, { what: 'group-name', example: ID_FORMATS.autoScalingGroup.example, pattern: ID_FORMATS.autoScalingGroup.pattern }),
  maxRows: (v) => void wholeNumber('--max-rows', v, 1_000_000, 10_000),
  queryTimeout: (v) => void wholeNumber('--query-timeout', v, 24 * 60, 15),
  anchorBucket: (v) => {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v)) throw new UsageError(`--anchor-bucket "${v}" is not an S3 bucket name. Fix: pass the bucket name only, e.g. --anchor-bucket ir-evidence-123456789012-us-east-1.`);
  },
  mfaSerial: (v) => {
    // STS takes a virtual device's ARN or a hardware token's serial number (9 to 256 characters).
    if (!/^arn:aws[\w-]*:iam::\d{12}:mfa\/[\w+=,.@/-]+$/.test(v) && !/^[A-Za-z0-9]{9,256}$/.test(v)) {
      throw new UsageError(`--mfa-serial "${v}" is not an MFA device ARN or hardware token serial number. Fix: pass e.g. --mfa-serial arn:aws:iam::123456789012:mfa/responder (aws iam list-mfa-devices lists yours).`);
    }
  },
  mfaToken: (v) => {
    if (!/^\d{6}$/.test(v)) throw new UsageError(`--mfa-token "${v}" is not a 6-digit code. Fix: pass the code your MFA device shows now, e.g. --mfa-token 123456, or leave it out to be asked on the terminal.`);
  },
  endpoint: (v) => {
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) throw new UsageError(`--endpoint "${v}" is not an http(s) URL. Fix: pass the full URL, e.g. --endpoint http://127.0.0.1:5000 for a local emulator.`);
  },
};

/** Value flags checked before any AWS call by something other than FLAG_CHECKS, and by what. */
export const CHECKED_ELSEWHERE: Readonly<Record<string, string>> = {
  case: 'checkCaseId (letters, digits, dot, dash, underscore)',
  config: 'checkLocalOptions (the file exists; its content when a command loads it)',
  caseDir: 'checkCommandLine (must exist for commands that read a case)',
  since: 'checkLocalOptions (ISO 8601 with a zone, window not empty, not in the future)',
  until: 'checkLocalOptions (ISO 8601 with a zone)',
  source: 'commander choices (cloudtrail, athena)',
  sourceIp: 'huntInputs (indicator formats)',
  userAgent: 'huntInputs (indicator formats)',
  ami: 'huntInputs (indicator formats)',
  keyName: 'huntInputs (indicator formats)',
  userDataSha256: 'huntInputs (indicator formats)',
  poolDomain: 'huntInputs (indicator formats)',
  poolIp: 'huntInputs (indicator formats)',
};

/** `--regions a,b`: at least one name, each a region. */
function regionList(value: string): void {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--regions "${value}" names no region. Fix: pass comma-separated region names, e.g. --regions us-east-1,eu-west-1, or leave --regions out for the allowed and enabled regions.`);
  for (const r of names) checkRegion('--regions', r);
}

/** Check every value the command line gives for a flag in FLAG_CHECKS, before any AWS call; throws the first problem. */
export function checkIds(input: Readonly<Record<string, unknown>>): void {
  for (const [name, check] of Object.entries(FLAG_CHECKS)) {
    const value = input[name];
    for (const v of typeof value === 'string' ? [value] : Array.isArray(value) ? value : []) check(String(v));
  }
}

/** Split `<region>:<id>` and check both halves; the sentence quotes the whole value. */
export function regionalId(flag: string, value: string, id: { readonly what: string; readonly example: string; readonly pattern: RegExp }): { region: string; id: string } {
  const at = value.indexOf(':');
  const region = at > 0 ? value.slice(0, at) : '';
  const rest = at > 0 ? value.slice(at + 1) : '';
  if (!region || !id.pattern.test(rest)) throw new UsageError(`${flag} "${value}" is not <region>:<${id.what}>. Fix: e.g. ${flag} ${id.example}.`);
  if (!isCommercialRegion(region)) throw new UsageError(`${flag} "${value}": "${region}" is not an AWS region. Fix: e.g. ${flag} ${id.example} (aws ec2 describe-regions lists the regions).`);
  return { region, id: rest };
}
