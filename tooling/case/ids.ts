/**
 * Format checks for the IDs a responder types. A mistyped ID must be refused before any AWS
 * call, in one sentence naming the flag and a valid example: a typo that reached AWS would come
 * back as "not found" and look like the attacker's resource is already gone.
 */
import { isCommercialRegion } from '../../config/regions';
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

/** Everything a command can be given that names something in AWS; absent fields are not checked. */
export interface IdInputs {
  readonly account?: string;
  readonly regions?: string;
  readonly region?: string;
  readonly instance?: readonly string[];
  readonly accessKey?: string | readonly string[];
  readonly finding?: string;
  readonly principal?: string;
  readonly user?: readonly string[];
  readonly keyPair?: readonly string[];
  readonly image?: readonly string[];
  readonly fleet?: readonly string[];
  readonly autoScalingGroup?: readonly string[];
}

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** Check every ID the command line names, before any AWS call; throws the first problem. */
export function checkIds(input: IdInputs): void {
  if (input.account !== undefined) checkId('account', input.account);
  for (const r of (input.regions ?? '').split(',').map((s) => s.trim()).filter(Boolean)) checkRegion('--regions', r);
  if (input.region !== undefined) checkRegion('--region', input.region);
  for (const id of input.instance ?? []) checkId('instance', id);
  for (const k of list(input.accessKey)) checkId('accessKey', k);
  if (input.finding !== undefined) checkId('finding', input.finding);
  if (input.principal !== undefined) checkId('principal', input.principal);
  for (const u of input.user ?? []) checkId('user', u);
  for (const v of input.keyPair ?? []) regionalId('--key-pair', v, 'us-east-1:miner-key', () => undefined);
  for (const v of input.image ?? []) regionalId('--image', v, ID_FORMATS.image.example, (id) => checkId('image', id));
  for (const v of input.fleet ?? []) regionalId('--fleet', v, ID_FORMATS.fleet.example, (id) => checkId('fleet', id));
  for (const v of input.autoScalingGroup ?? []) regionalId('--auto-scaling-group', v, ID_FORMATS.autoScalingGroup.example, (id) => checkId('autoScalingGroup', id));
}

/** Split `<region>:<id>` and check both halves. */
export function regionalId(flag: string, value: string, example: string, checkRest: (id: string) => void): { region: string; id: string } {
  const at = value.indexOf(':');
  const region = at > 0 ? value.slice(0, at) : '';
  const id = at > 0 ? value.slice(at + 1) : '';
  if (!region || !id) throw new UsageError(`${flag} "${value}" is not <region>:<id>. Fix: e.g. ${flag} ${example}.`);
  checkRegion(flag, region);
  try {
    checkRest(id);
  } catch {
    throw new UsageError(`${flag} "${value}" is not <region>:<id>. Fix: e.g. ${flag} ${example}.`);
  }
  return { region, id };
}
