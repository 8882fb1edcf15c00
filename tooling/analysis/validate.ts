/**
 * The validate phase: from a finding, an instance or an access key to facts that confirm
 * or refute the alert and say whose it is (this account or a third party's).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients';
import { isIP } from 'node:net';
import type { IndicatorClass, StepFailure, Subject, Validation } from '../model';
import { systemClock, type Clock } from '../clock';
import { errorMessage } from './instances';
import { LOOKUP_EVENTS_RATE, RateLimiters } from './rate-limit';
import { fetchFinding, findingFacts } from './validate-finding';
import { findInstance, instanceFacts, type InstanceFacts } from './validate-instance';
import { accessKeyFacts } from './validate-key';

export interface ValidateOptions {
  /** Regions to search for an instance after the subject's own. */
  readonly regions: readonly string[];
  /** @default systemClock */
  readonly clock?: Clock;
  /** Shared LookupEvents limiters (see scope). @default a new set at 2/s */
  readonly trailLimiters?: RateLimiters;
}

/** Pool endpoints kept as found, and their hosts as hunt indicators (an IP as pool-ip, a name as pool-domain). */
function poolSeeds(endpoints: readonly string[], indicators: Validation['indicators'] = {}): Pick<Validation, 'poolEndpoints' | 'indicators'> {
  const unique = [...new Set(endpoints)];
  const out: Partial<Record<IndicatorClass, string[]>> = Object.fromEntries(Object.entries(indicators).map(([k, v]) => [k, [...(v ?? [])]]));
  for (const e of unique) {
    const host = e.slice(0, e.lastIndexOf(':'));
    const cls: IndicatorClass = isIP(host) ? 'pool-ip' : 'pool-domain';
    out[cls] = [...new Set([...(out[cls] ?? []), host])];
  }
  return { ...(unique.length ? { poolEndpoints: unique } : {}), ...(Object.keys(out).length ? { indicators: out } : {}) };
}

/** Validate the subject of a case. */
export async function validate(clients: AwsClients, subject: Subject, opts: ValidateOptions): Promise<Validation> {
  const clock = opts.clock ?? systemClock;
  const limiters = opts.trailLimiters ?? new RateLimiters({ ...LOOKUP_EVENTS_RATE, clock });
  let callerAccountId: string | undefined;
  try {
    callerAccountId = (await clients.sts().send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw new Error(`sts:GetCallerIdentity failed (${errorMessage(error)}); check the credentials or role irctl runs with`);
  }
  if (!callerAccountId) throw new Error('sts:GetCallerIdentity returned no account; check the credentials irctl runs with');

  // Lookups that failed along the way: the validation is recorded, marked partial, and validate exits 1.
  const gaps: StepFailure[] = [];
  const partial = (): Pick<Validation, 'incomplete'> => (gaps.length ? { incomplete: [...gaps] } : {});
  const inspectInstance = async (instanceId: string, region: string, mustExist: boolean): Promise<InstanceFacts | string> => {
    const searched = [...new Set([region, ...opts.regions])];
    const { found, errors } = await findInstance(clients, instanceId, searched);
    if (found) {
      const facts = await instanceFacts(clients, found, { callerAccountId, limiter: limiters.forRegion(callerAccountId, found.region), nowMs: clock.now() });
      gaps.push(...facts.gaps);
      return facts;
    }
    const failed = errors.length ? ` (lookups failed in ${errors.join('; ')})` : '';
    if (mustExist) {
      throw new Error(`Instance ${instanceId} was not found in regions ${searched.join(', ')}${failed}. Fix: check the instance ID, pass --regions with the region it runs in, and --account if it is another account's.`);
    }
    return `instance ${instanceId} is not found in ${searched.join(', ')}${failed}: terminated already, or in another account or region`;
  };

  switch (subject.kind) {
    case 'instance': {
      const result = await inspectInstance(subject.instanceId, subject.region, true);
      if (typeof result === 'string') throw new Error(result);
      return {
        // Where it was found: without --region the search starts in a default region.
        subject: { ...subject, region: result.instance.region },
        accountId: result.ownerAccountId ?? callerAccountId,
        principalArn: result.launchedBy?.principalArn,
        accessKeyId: result.launchedBy?.accessKeyId,
        instance: result.instance,
        facts: result.facts,
        ...poolSeeds(result.poolEndpoints),
        ...partial(),
      };
    }
    case 'access-key': {
      const key = await accessKeyFacts(clients, subject.accessKeyId, callerAccountId);
      gaps.push(...key.gaps);
      return { subject, accountId: key.ownerAccountId, principalArn: key.user?.arn, accessKeyId: subject.accessKeyId, facts: key.facts, ...partial() };
    }
    case 'finding': {
      const finding = findingFacts(await fetchFinding(clients, subject), subject.region);
      const facts = [...finding.facts];
      const accountId = finding.accountId ?? callerAccountId;
      if (accountId !== callerAccountId) {
        facts.push(`the finding is about account ${accountId}, you are in ${callerAccountId}: validate again with that account's role for instance and key details`);
        return { subject, accountId, principalArn: finding.principalArn, accessKeyId: finding.accessKeyId, facts, ...poolSeeds(finding.poolEndpoints, finding.indicators) };
      }
      let instance: InstanceFacts | undefined;
      if (finding.instanceId) {
        const result = await inspectInstance(finding.instanceId, finding.region, false);
        if (typeof result === 'string') {
          facts.push(result);
          if (/lookups failed/.test(result)) gaps.push({ step: 'validate/instance', region: finding.region, target: finding.instanceId, message: `the finding's instance could not be looked up everywhere (validation incomplete): ${result}. Fix: rerun the same validate command; if it fails again, check --regions and the role's permissions there.` });
        }
        else {
          instance = result;
          facts.push(...result.facts);
        }
      }
      if (finding.accessKeyId) {
        try {
          const key = await accessKeyFacts(clients, finding.accessKeyId, callerAccountId);
          facts.push(...key.facts);
          gaps.push(...key.gaps);
        } catch (error) {
          // A key no user holds (deleted, root's) is a fact about the key, not a failed lookup.
          facts.push(errorMessage(error));
        }
      }
      return {
        subject,
        accountId,
        principalArn: finding.principalArn ?? instance?.launchedBy?.principalArn,
        accessKeyId: finding.accessKeyId ?? instance?.launchedBy?.accessKeyId,
        instance: instance?.instance,
        facts,
        ...poolSeeds([...finding.poolEndpoints, ...(instance?.poolEndpoints ?? [])], finding.indicators),
        ...partial(),
      };
    }
  }
}
