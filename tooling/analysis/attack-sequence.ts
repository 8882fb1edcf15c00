/**
 * GuardDuty attack-sequence findings (Extended Threat Detection) correlate many signals into
 * one finding: `AttackSequence:IAM/CompromisedCredentials` (a stolen credential used across API
 * calls) and `AttackSequence:EC2/CompromisedInstanceGroup` (a group of instances acting
 * together). They carry no AccessKeyDetails or InstanceDetails: the actors, resources, endpoints
 * and indicators sit in `Service.Detection.Sequence`. This turns them into the facts validate
 * prints and the seeds scope and hunt start from.
 */
import type { Finding, Indicator, Sequence } from '@aws-sdk/client-guardduty';
import type { IndicatorClass } from '../model';

/** The attack-sequence types this playbook takes. */
export const ATTACK_SEQUENCE_TYPES = ['AttackSequence:IAM/CompromisedCredentials', 'AttackSequence:EC2/CompromisedInstanceGroup'] as const;

/** What a sequence names, for scope and hunt. */
export interface SequenceSeeds {
  readonly facts: string[];
  readonly accessKeyIds: string[];
  /** ARNs of IAM users acting in the sequence. */
  readonly principalArns: string[];
  readonly instances: Array<{ readonly instanceId: string; readonly region?: string; readonly accountId?: string }>;
  readonly indicators: Partial<Record<IndicatorClass, string[]>>;
}

/** Sequence indicator keys that name something hunt can search for. */
const INDICATOR_KEYS: Readonly<Record<string, IndicatorClass>> = {
  CRYPTOMINING_IP: 'pool-ip',
  CRYPTOMINING_DOMAIN: 'pool-domain',
  MALICIOUS_IP: 'source-ip',
  TOR_IP: 'source-ip',
  SUSPICIOUS_USER_AGENT: 'user-agent',
};

const INSTANCE_ID = /\bi-[0-9a-f]{8}(?:[0-9a-f]{9})?\b/;
const ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;

const iso = (d: Date | string | undefined): string => (d === undefined ? '?' : new Date(d).toISOString());
const push = <K extends string>(map: Partial<Record<K, string[]>>, key: K, value: string | undefined): void => {
  if (!value) return;
  const list = (map[key] ??= []);
  if (!list.includes(value)) list.push(value);
};

/** True for the attack-sequence finding types this playbook handles. */
export function isAttackSequence(finding: Finding): boolean {
  return (ATTACK_SEQUENCE_TYPES as readonly string[]).includes(finding.Type ?? '') && !!finding.Service?.Detection?.Sequence;
}

/** Facts and seeds from an attack-sequence finding; undefined when it is not one. */
export function sequenceSeeds(finding: Finding): SequenceSeeds | undefined {
  const sequence: Sequence | undefined = finding.Service?.Detection?.Sequence;
  if (!sequence || !isAttackSequence(finding)) return undefined;
  const isCredentials = finding.Type === ATTACK_SEQUENCE_TYPES[0];
  const facts: string[] = [];
  const accessKeyIds: string[] = [];
  const principalArns: string[] = [];
  const instances: SequenceSeeds['instances'] = [];
  const indicators: SequenceSeeds['indicators'] = {};
  const signals = sequence.Signals ?? [];

  facts.push(`attack sequence ${finding.Type}: ${sequence.Description ?? ''} (${signals.length} signals)`.replace(/\s+\(/, ' ('));
  for (const s of signals) {
    facts.push(`signal ${s.Name ?? s.Uid} (${s.Type ?? '?'}), ${s.Count ?? '?'} times from ${iso(s.FirstSeenAt)} to ${iso(s.LastSeenAt)}${s.Severity !== undefined ? `, severity ${s.Severity}` : ''}`);
  }
  for (const actor of sequence.Actors ?? []) {
    const user = actor.User;
    if (!user) continue;
    const account = user.Account?.Uid;
    facts.push(`actor ${user.Type ?? 'principal'} ${user.Name ?? user.Uid ?? actor.Id}${account ? ` of account ${account}` : ''}${user.CredentialUid ? ` using credential ${user.CredentialUid}` : ''}`);
    if (user.CredentialUid && ACCESS_KEY_ID.test(user.CredentialUid) && !accessKeyIds.includes(user.CredentialUid)) accessKeyIds.push(user.CredentialUid);
    if (user.Type === 'IAMUser' && user.Name && account) {
      const arn = `arn:aws:iam::${account}:user/${user.Name}`;
      if (!principalArns.includes(arn)) principalArns.push(arn);
    }
  }
  for (const r of sequence.Resources ?? []) {
    if (r.ResourceType === 'EC2_INSTANCE') {
      const instanceId = INSTANCE_ID.exec(r.Uid ?? '')?.[0];
      if (instanceId && !instances.some((i) => i.instanceId === instanceId)) instances.push({ instanceId, region: r.Region, accountId: r.AccountId });
    }
    if (r.ResourceType === 'ACCESS_KEY' && r.Uid && ACCESS_KEY_ID.test(r.Uid) && !accessKeyIds.includes(r.Uid)) accessKeyIds.push(r.Uid);
    facts.push(`resource ${r.ResourceType ?? '?'} ${r.Uid ?? r.Name ?? ''}${r.Region ? ` in ${r.Region}` : ''}${r.AccountId ? ` (account ${r.AccountId})` : ''}`.trim());
  }
  for (const e of sequence.Endpoints ?? []) {
    const asn = e.AutonomousSystem?.Name;
    facts.push(`endpoint ${e.Ip ?? e.Domain ?? e.Id}${e.Port ? `:${e.Port}` : ''}${asn ? ` (${asn}${e.Location?.Country ? `, ${e.Location.Country}` : ''})` : ''}`);
    // A credential sequence's endpoints are where the API calls came from.
    if (isCredentials) push(indicators, 'source-ip', e.Ip);
    if (e.Domain) facts.push(`endpoint domain ${e.Domain}`);
  }
  const allIndicators: Indicator[] = [...(sequence.SequenceIndicators ?? []), ...signals.flatMap((s) => s.SignalIndicators ?? [])];
  for (const ind of allIndicators) {
    const cls = ind.Key ? INDICATOR_KEYS[ind.Key] : undefined;
    if (cls) for (const v of ind.Values ?? []) push(indicators, cls, v);
  }
  for (const ind of sequence.SequenceIndicators ?? []) facts.push(`indicator ${ind.Key ?? '?'}: ${(ind.Values ?? []).join(', ')}`);
  if (accessKeyIds.length) indicators['access-key'] = [...accessKeyIds];
  if (instances.length > 1) facts.push(`${instances.length} instances in the sequence: ${instances.map((i) => `${i.instanceId}${i.region ? ` (${i.region})` : ''}`).join(', ')}; contain-instances takes them with --instance`);
  return { facts, accessKeyIds, principalArns, instances, indicators };
}
