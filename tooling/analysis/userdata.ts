/**
 * UserData as evidence: decoded from the base64 the EC2 API returns and scanned for the
 * strings miners leave behind (binaries, stratum URLs, well-known pool ports).
 */

/** What a UserData script says about mining. */
export interface UserDataFindings {
  /** Decoded text, or undefined when the instance has no UserData. */
  readonly text?: string;
  /** Indicator descriptions, empty when nothing matched. */
  readonly indicators: readonly string[];
  /** Mining-pool endpoints (`host:port`) the script connects to, as written, de-duplicated. */
  readonly poolEndpoints: readonly string[];
}

const MINER_PATTERNS: ReadonlyArray<{ readonly label: string; readonly pattern: RegExp }> = [
  { label: 'xmrig', pattern: /xmrig/i },
  { label: 'minerd', pattern: /minerd/i },
  { label: 'cpuminer', pattern: /cpuminer/i },
  { label: 'stratum URL', pattern: /stratum(\+(tcp|ssl|tls))?:\/\//i },
  { label: 'mining pool host', pattern: /\b[\w.-]*(pool|xmr|monero|nanopool|minexmr|supportxmr|2miners)[\w.-]*\.(com|org|net|fr|io)\b/i },
  // Stratum's customary ports; 8333 is Bitcoin P2P. Only counted after a colon to avoid matching any number.
  { label: 'mining pool port', pattern: /:(3333|4444|5555|7777|8333|14433|14444|45700)\b/ },
];

const POOL_PORTS = new Set(['3333', '4444', '5555', '7777', '8333', '14433', '14444', '45700']);
const POOL_HOST = /(pool|xmr|monero|nanopool|minexmr|supportxmr|2miners)/i;
// host:port, with the scheme or miner flag that may precede it; hosts need a dot (no localhost:8080).
const ENDPOINT = /(stratum(?:\+(?:tcp|ssl|tls))?:\/\/|(?:^|\s)(?:-o|--url[= ])\s*)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+):(\d{2,5})\b/gim;

/** Pool endpoints in a script: a stratum URL, a miner's -o/--url, a pool port, or a pool-like host with a port. */
export function poolEndpoints(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(ENDPOINT)) {
    const [, prefix, host, port] = m;
    if (prefix || POOL_PORTS.has(port) || POOL_HOST.test(host)) out.add(`${host.toLowerCase()}:${port}`);
  }
  return [...out];
}

/** Decode base64 UserData; returns undefined for empty input. */
export function decodeUserData(base64?: string): string | undefined {
  if (!base64) return undefined;
  return Buffer.from(base64, 'base64').toString('utf8');
}

/** Scan decoded UserData for mining indicators. */
export function inspectUserData(base64?: string): UserDataFindings {
  const text = decodeUserData(base64);
  if (text === undefined) return { indicators: [], poolEndpoints: [] };
  const indicators = MINER_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ label, pattern }) => {
    const match = text.match(pattern)?.[0] ?? '';
    return `${label} (${match.trim()})`;
  });
  return { text, indicators, poolEndpoints: poolEndpoints(text) };
}
