/**
 * Indicators of compromise for the org-wide hunt: what each kind looks like, where it is
 * searched, and how a case's own records (validation.json, inventory.json) supply them.
 * Every value is checked by format before any query is built; the SQL builder quotes it again.
 */
import { isIP } from 'node:net';
import type { IndicatorClass, Inventory, Validation } from '../model';
import { UsageError } from '../case/usage';

/** Indicators by kind; each list de-duplicated, order kept. */
export type IndicatorSet = Partial<Record<IndicatorClass, string[]>>;

interface ClassSpec {
  /** The hunt flag that supplies it. */
  readonly flag: string;
  readonly label: string;
  /** Canonical form (case, trailing dot) before checking. */
  readonly normalize: (value: string) => string;
  /** Undefined when valid; else what a valid value looks like. */
  readonly check: (value: string) => string | undefined;
}

const PRINTABLE = /^[\x20-\x7e]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const ip = (value: string): string | undefined => (isIP(value) ? undefined : 'an IPv4 or IPv6 address such as 203.0.113.7');

/** Every kind, its flag and its format. */
export const INDICATOR_CLASSES: Readonly<Record<IndicatorClass, ClassSpec>> = {
  'access-key': {
    flag: '--access-key',
    label: 'access key IDs',
    normalize: (v) => v.trim(),
    check: (v) => (/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(v) ? undefined : 'an access key ID: AKIA or ASIA and 16 upper-case letters or digits'),
  },
  'source-ip': { flag: '--source-ip', label: 'source IPs', normalize: (v) => v.trim().toLowerCase(), check: ip },
  'user-agent': {
    flag: '--user-agent',
    label: 'user agents',
    normalize: (v) => v,
    check: (v) => (v.length <= 1024 && PRINTABLE.test(v) ? undefined : 'a user agent of printable ASCII, at most 1024 characters'),
  },
  ami: {
    flag: '--ami',
    label: 'AMI IDs',
    normalize: (v) => v.trim().toLowerCase(),
    check: (v) => (/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(v) ? undefined : 'an AMI ID such as ami-0123456789abcdef0'),
  },
  'key-pair': {
    flag: '--key-name',
    label: 'key pair names',
    normalize: (v) => v,
    check: (v) => (v.length <= 255 && PRINTABLE.test(v) ? undefined : 'a key pair name: printable ASCII, at most 255 characters'),
  },
  'user-data-sha256': {
    flag: '--user-data-sha256',
    label: 'UserData SHA-256 hashes',
    normalize: (v) => v.trim().toLowerCase(),
    check: (v) => (/^[0-9a-f]{64}$/.test(v) ? undefined : 'a SHA-256 hash: 64 hexadecimal characters'),
  },
  'pool-domain': {
    flag: '--pool-domain',
    label: 'mining-pool domains',
    normalize: (v) => v.trim().toLowerCase().replace(/\.$/, ''),
    check: (v) => (DOMAIN.test(v) ? undefined : 'a DNS name such as pool.example.com'),
  },
  'pool-ip': { flag: '--pool-ip', label: 'mining-pool IPs', normalize: (v) => v.trim().toLowerCase(), check: ip },
};

/** Normalize and check every value; throws one error listing every bad value with its fix. */
export function checkIndicators(input: IndicatorSet): IndicatorSet {
  const problems: string[] = [];
  const out: IndicatorSet = {};
  for (const [cls, values] of Object.entries(input) as Array<[IndicatorClass, string[]]>) {
    const spec = INDICATOR_CLASSES[cls];
    const seen = new Set<string>();
    for (const raw of values) {
      const value = spec.normalize(raw);
      const problem = spec.check(value);
      if (problem) problems.push(`${spec.flag} ${JSON.stringify(raw)} is not ${problem}`);
      else seen.add(value);
    }
    if (seen.size) out[cls] = [...seen];
  }
  if (problems.length) throw new UsageError(`${problems.join('; ')}. Fix: correct or drop ${problems.length > 1 ? 'these values' : 'this value'}; nothing was queried.`);
  return out;
}

/** Merge sets, keeping first-seen order and dropping duplicates. */
export function mergeIndicators(...sets: IndicatorSet[]): IndicatorSet {
  const out: IndicatorSet = {};
  for (const set of sets) {
    for (const [cls, values] of Object.entries(set) as Array<[IndicatorClass, string[]]>) {
      out[cls] = [...new Set([...(out[cls] ?? []), ...values])];
    }
  }
  return out;
}

// Values CloudTrail records for calls AWS makes on someone's behalf: not the attacker's fingerprint.
const SERVICE_AGENT = /^(AWS Internal|[\w.-]+\.amazonaws\.com)$/i;

/**
 * What the case itself knows about the attacker: the validated key and what the finding named,
 * the keys, source IPs and user agents of the attacker's CloudTrail events, and the key pairs and
 * AMIs scope attributed to them. Only attributed resources: an AMI merely present is no indicator.
 */
export function caseIndicators(validations: readonly Validation[], inventory: Inventory | undefined): IndicatorSet {
  const set: Record<IndicatorClass, string[]> = {
    'access-key': [], 'source-ip': [], 'user-agent': [], ami: [], 'key-pair': [], 'user-data-sha256': [], 'pool-domain': [], 'pool-ip': [],
  };
  for (const validation of validations) {
    if (validation.accessKeyId) set['access-key'].push(validation.accessKeyId);
    for (const [cls, values] of Object.entries(validation.indicators ?? {}) as Array<[IndicatorClass, readonly string[]]>) set[cls].push(...values);
  }
  for (const e of inventory?.events ?? []) {
    if (e.accessKeyId) set['access-key'].push(e.accessKeyId);
    if (e.sourceIp && isIP(e.sourceIp)) set['source-ip'].push(e.sourceIp);
    if (e.userAgent && !SERVICE_AGENT.test(e.userAgent)) set['user-agent'].push(e.userAgent);
  }
  const attributed = inventory?.attributions ?? [];
  for (const a of attributed) {
    if (a.kind === 'image') set.ami.push(a.id);
    if (a.kind === 'key-pair') set['key-pair'].push(inventory?.keyPairs.find((k) => k.id === a.id && k.region === a.region)?.name ?? a.id);
    if (a.kind === 'instance') {
      const instance = inventory?.instances.find((i) => i.instanceId === a.id && i.region === a.region);
      if (instance?.keyName) set['key-pair'].push(instance.keyName);
    }
  }
  // Values that fail the format check (a malformed record) are dropped here, not reported as the responder's error.
  const out: IndicatorSet = {};
  for (const [cls, values] of Object.entries(set) as Array<[IndicatorClass, string[]]>) {
    const spec = INDICATOR_CLASSES[cls];
    const valid = [...new Set(values.map(spec.normalize))].filter((v) => spec.check(v) === undefined);
    if (valid.length) out[cls] = valid;
  }
  return out;
}

/** Total number of values in a set. */
export function indicatorCount(set: IndicatorSet): number {
  return Object.values(set).reduce((n, v) => n + (v?.length ?? 0), 0);
}
