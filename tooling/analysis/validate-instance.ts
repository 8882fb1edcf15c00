/**
 * Validate from an instance ID: find it (its region first, then the case's regions), then
 * gather who owns it and how it came to be: tags, key pair, launch time, profile, Auto
 * Scaling and Spot, decoded UserData, and the RunInstances event that launched it.
 */
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients';
import { explainAwsError } from '../aws/errors';
import type { InstanceRecord, StepFailure } from '../model';
import { autoScalingGroupsOf, errorMessage, isInstanceNotFound, toInstanceRecord } from './instances';
import type { TokenBucket } from './rate-limit';
import { LOOKUP_EVENTS_HORIZON_DAYS, lookupEvents } from './trail';
import { inspectUserData } from './userdata';

/** What validate learns about one instance. */
export interface InstanceFacts {
  readonly instance: InstanceRecord;
  /** Account owning the reservation. */
  readonly ownerAccountId?: string;
  /** Principal and key of the RunInstances event, when CloudTrail still has it. */
  readonly launchedBy?: { readonly principalArn?: string; readonly accessKeyId?: string; readonly eventTime: string };
  readonly facts: string[];
  /** Pool endpoints (`host:port`) in its UserData. */
  readonly poolEndpoints: readonly string[];
  /** Lookups that failed (the facts say what is unknown): the validation is partial. */
  readonly gaps: readonly StepFailure[];
}

/** A failed lookup as a step failure: what is unknown because of it, why, and the fix. */
export function lookupGap(step: string, what: string, error: unknown, at: { readonly action: string; readonly region?: string; readonly target?: string }): StepFailure {
  const explained = explainAwsError(error, at);
  const fix = /Fix:/.test(explained) ? '' : ' Fix: rerun the same validate command (it refreshes this subject\'s entry); if it fails again, check the role\'s permissions for it.';
  return { step, region: at.region, target: at.target, message: `${what} unknown (validation incomplete): ${explained}${fix}` };
}

/** An instance found in a region, with the account owning its reservation. */
export interface FoundInstance {
  readonly region: string;
  readonly instance: Instance;
  readonly ownerAccountId?: string;
}

/** Look for an instance in each region in turn; failed lookups (other than not-found) are returned, not thrown. */
export async function findInstance(
  clients: AwsClients,
  instanceId: string,
  searchRegions: readonly string[],
): Promise<{ found?: FoundInstance; errors: string[] }> {
  const errors: string[] = [];
  for (const region of searchRegions) {
    try {
      const out = await clients.ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      const reservation = out.Reservations?.find((r) => r.Instances?.some((i) => i.InstanceId === instanceId));
      const instance = reservation?.Instances?.find((i) => i.InstanceId === instanceId);
      if (instance) return { found: { region, instance, ownerAccountId: reservation?.OwnerId }, errors };
    } catch (error) {
      if (!isInstanceNotFound(error)) errors.push(`${region}: ${errorMessage(error)}`);
    }
  }
  return { errors };
}

/** Gather the facts about an instance found in `region`. */
export async function instanceFacts(
  clients: AwsClients,
  found: FoundInstance,
  opts: { readonly callerAccountId?: string; readonly limiter: TokenBucket; readonly nowMs: number },
): Promise<InstanceFacts> {
  const { region } = found;
  const id = found.instance.InstanceId ?? '';
  const facts: string[] = [];
  const gaps: StepFailure[] = [];

  let asg: string | undefined;
  let asgFailure: string | undefined;
  try {
    asg = (await autoScalingGroupsOf(clients, region, [id])).get(id);
  } catch (error) {
    asgFailure = errorMessage(error);
    gaps.push(lookupGap('validate/auto-scaling', 'Auto Scaling membership', error, { action: 'autoscaling:DescribeAutoScalingInstances', region, target: id }));
  }
  const instance = toInstanceRecord(region, found.instance, { autoScalingGroup: asg });

  facts.push(`instance ${id} in ${region}: ${instance.state}, ${instance.instanceType}, launched ${instance.launchTime ?? 'at an unknown time'}`);
  if (found.ownerAccountId && opts.callerAccountId) {
    facts.push(
      found.ownerAccountId === opts.callerAccountId
        ? `belongs to this account (${found.ownerAccountId})`
        : `belongs to account ${found.ownerAccountId}, not the account you are in (${opts.callerAccountId})`,
    );
  }
  const tagText = Object.entries(instance.tags).map(([k, v]) => `${k}=${v}`);
  facts.push(tagText.length ? `tags: ${tagText.join(', ')}` : 'no tags: no owner, project or cost-centre tag to vouch for it');
  facts.push(instance.keyName ? `launched with key pair ${instance.keyName}` : 'launched without a key pair');
  facts.push(instance.iamInstanceProfileArn ? `instance profile ${instance.iamInstanceProfileArn} (its role credentials are on the box)` : 'no instance profile');
  if (instance.autoScalingGroup) facts.push(`member of Auto Scaling group ${instance.autoScalingGroup}: the group replaces it if it is terminated`);
  else if (asgFailure) facts.push(`Auto Scaling membership unknown (DescribeAutoScalingInstances failed: ${asgFailure})`);
  else facts.push('not in an Auto Scaling group');
  if (instance.lifecycle === 'spot') {
    facts.push(`Spot instance from request ${instance.spotInstanceRequestId ?? '(unknown)'}: cannot be termination-protected; cancel a persistent request before terminating`);
  }

  let pools: readonly string[] = [];
  try {
    const attr = await clients.ec2(region).send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }));
    const userData = inspectUserData(attr.UserData?.Value);
    pools = userData.poolEndpoints;
    if (pools.length) facts.push(`UserData connects to mining pool ${pools.join(', ')} (kept for hunt)`);
    if (userData.text === undefined) facts.push('no UserData');
    else if (userData.indicators.length) facts.push(`UserData (${userData.text.length} bytes) points to mining: ${userData.indicators.join('; ')}`);
    else facts.push(`UserData (${userData.text.length} bytes) has no mining indicators`);
  } catch (error) {
    facts.push(`UserData not read (DescribeInstanceAttribute failed: ${errorMessage(error)})`);
    gaps.push(lookupGap('validate/userdata', 'UserData (mining indicators, pool endpoints)', error, { action: 'ec2:DescribeInstanceAttribute', region, target: id }));
  }

  let launchedBy: InstanceFacts['launchedBy'];
  try {
    const start = new Date(Math.max(opts.nowMs - LOOKUP_EVENTS_HORIZON_DAYS * 86400_000, instance.launchTime ? Date.parse(instance.launchTime) - 3600_000 : 0));
    const events = await lookupEvents(clients, { region, attribute: 'ResourceName', value: id, start, end: new Date(opts.nowMs), limiter: opts.limiter });
    const run = events.find((e) => e.event.eventName === 'RunInstances');
    if (run) {
      const identity = (run.detail?.userIdentity ?? {}) as { arn?: string; accessKeyId?: string };
      launchedBy = { principalArn: identity.arn, accessKeyId: identity.accessKeyId ?? run.event.accessKeyId, eventTime: run.event.eventTime };
      facts.push(
        `launched by ${identity.arn ?? run.event.username ?? 'an unknown principal'}${launchedBy.accessKeyId ? ` with access key ${launchedBy.accessKeyId}` : ''} at ${run.event.eventTime}${run.event.sourceIp ? ` from ${run.event.sourceIp}` : ''}`,
      );
    } else {
      facts.push('no RunInstances event for it in CloudTrail (older than 90 days, or launched by Auto Scaling, Spot or a fleet)');
    }
  } catch (error) {
    facts.push(`launching principal unknown (CloudTrail LookupEvents failed: ${errorMessage(error)})`);
    gaps.push(lookupGap('validate/cloudtrail', 'the launching principal and key (RunInstances event)', error, { action: 'cloudtrail:LookupEvents', region, target: id }));
  }
  return { instance, ownerAccountId: found.ownerAccountId, launchedBy, facts, poolEndpoints: pools, gaps };
}
