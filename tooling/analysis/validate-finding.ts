/**
 * Validate from a GuardDuty finding: read it (GetFindings), say whether it is real (sample
 * findings, archived, type) and pull out the instance, access key and region it names.
 */
import { GetFindingsCommand, ListDetectorsCommand, type Finding } from '@aws-sdk/client-guardduty';
import type { AwsClients } from '../aws/clients';
import type { IndicatorClass } from '../model';
import { sequenceSeeds } from './attack-sequence';
import { errorMessage } from './instances';

/** What a finding names and says. */
export interface FindingFacts {
  readonly accountId?: string;
  readonly region: string;
  readonly instanceId?: string;
  readonly accessKeyId?: string;
  /** ARN of the IAM user in the finding's AccessKeyDetails, when it names one. */
  readonly principalArn?: string;
  readonly facts: string[];
  /** Pool `ip:port` of a crypto finding's connection. */
  readonly poolEndpoints: readonly string[];
  /** What the finding names for hunt: pool IP and domain, an attack sequence's keys, IPs and agents. */
  readonly indicators: Partial<Record<IndicatorClass, string[]>>;
}

const CRYPTO_TYPE = /^CryptoCurrency:/;

/** Fetch one finding; throws with the fix when there is no detector or no such finding. */
export async function fetchFinding(clients: AwsClients, input: { findingId: string; detectorId?: string; region: string }): Promise<Finding> {
  const gd = clients.guardDuty(input.region);
  let detectorId = input.detectorId;
  if (!detectorId) {
    const detectors = await gd.send(new ListDetectorsCommand({}));
    detectorId = detectors.DetectorIds?.[0];
    if (!detectorId) {
      throw new Error(`There is no GuardDuty detector in ${input.region}, so finding ${input.findingId} cannot be there. Fix: pass --region with the region the finding was raised in (findings are regional; the console shows it in the finding's ARN).`);
    }
  }
  let finding: Finding | undefined;
  try {
    const out = await gd.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: [input.findingId] }));
    finding = out.Findings?.find((f) => f.Id === input.findingId);
  } catch (error) {
    throw new Error(`GetFindings for ${input.findingId} on detector ${detectorId} in ${input.region} failed: ${errorMessage(error)}`);
  }
  if (!finding) {
    throw new Error(
      `finding ${input.findingId} not found on detector ${detectorId} in ${input.region}; check the ID and the region (findings are regional; member findings live on the administrator's detector)`,
    );
  }
  return finding;
}

/** Facts and subjects named by a finding. */
export function findingFacts(finding: Finding, fallbackRegion: string): FindingFacts {
  const facts: string[] = [];
  const region = finding.Region ?? fallbackRegion;
  const service = finding.Service;
  facts.push(`GuardDuty finding ${finding.Type ?? '(no type)'} severity ${finding.Severity ?? '?'} in ${region}, account ${finding.AccountId ?? '?'}: ${finding.Title ?? ''}`.trim());
  if (isSample(finding)) facts.push('SAMPLE finding (CreateSampleFindings): not a real detection; the IDs in it are placeholders');
  if (service?.Archived) facts.push('finding is archived: someone already triaged it; check why before acting');
  const sequence = sequenceSeeds(finding);
  facts.push(
    CRYPTO_TYPE.test(finding.Type ?? '')
      ? 'a cryptocurrency finding: this playbook applies'
      : sequence
        ? 'an attack sequence: this playbook applies; scope and hunt start from what it names'
        : `not a cryptocurrency finding type; confirm this playbook fits before acting`,
  );
  if (sequence) facts.push(...sequence.facts);
  if (service?.EventFirstSeen || service?.EventLastSeen) {
    facts.push(`activity seen ${service.Count ?? '?'} times from ${service.EventFirstSeen ?? '?'} to ${service.EventLastSeen ?? '?'}`);
  }
  const net = service?.Action?.NetworkConnectionAction;
  if (net) {
    const remote = net.RemoteIpDetails;
    const org = remote?.Organization?.AsnOrg ?? remote?.Organization?.Org;
    facts.push(
      `${net.ConnectionDirection ?? 'network'} ${net.Protocol ?? ''} connection to ${remote?.IpAddressV4 ?? remote?.IpAddressV6 ?? '?'}:${net.RemotePortDetails?.Port ?? '?'}${org ? ` (${org}${remote?.Country?.CountryName ? `, ${remote.Country.CountryName}` : ''})` : ''}${net.Blocked ? ', blocked' : ''}`.replace(/\s+/g, ' '),
    );
  }
  const dns = service?.Action?.DnsRequestAction;
  if (dns?.Domain) facts.push(`DNS query for ${dns.Domain}${dns.Blocked ? ' (blocked)' : ''}`);

  const instanceId = finding.Resource?.InstanceDetails?.InstanceId;
  const key = finding.Resource?.AccessKeyDetails;
  const principalArn =
    key?.UserType === 'IAMUser' && key.UserName && finding.AccountId ? `arn:aws:iam::${finding.AccountId}:user/${key.UserName}` : undefined;
  if (key?.AccessKeyId) facts.push(`names access key ${key.AccessKeyId} of ${key.UserType ?? 'a principal'} ${key.UserName ?? key.PrincipalId ?? ''}`.trim());
  const indicators: Partial<Record<IndicatorClass, string[]>> = { ...sequence?.indicators };
  const poolEndpoints: string[] = [];
  // A crypto finding's remote end is the pool.
  if (CRYPTO_TYPE.test(finding.Type ?? '')) {
    const poolIp = net?.RemoteIpDetails?.IpAddressV4 ?? net?.RemoteIpDetails?.IpAddressV6;
    if (poolIp) indicators['pool-ip'] = [poolIp];
    const port = net?.RemotePortDetails?.Port;
    if (poolIp && port) poolEndpoints.push(`${poolIp}:${port}`);
    if (dns?.Domain) indicators['pool-domain'] = [dns.Domain];
  }
  return {
    accountId: finding.AccountId,
    region,
    instanceId: instanceId ?? sequence?.instances.find((i) => !i.region || i.region === region)?.instanceId ?? sequence?.instances[0]?.instanceId,
    accessKeyId: key?.AccessKeyId ?? sequence?.accessKeyIds[0],
    principalArn: principalArn ?? sequence?.principalArns[0],
    facts,
    indicators,
    poolEndpoints,
  };
}

/** GuardDuty marks generated findings with `"sample": true` in AdditionalInfo. */
function isSample(finding: Finding): boolean {
  const value = finding.Service?.AdditionalInfo?.Value;
  if (!value) return false;
  try {
    return (JSON.parse(value) as { sample?: unknown }).sample === true;
  } catch {
    return /"sample"\s*:\s*true/.test(value);
  }
}
