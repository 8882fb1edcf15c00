/**
 * CloudTrail LookupEvents for one principal: one lookup attribute per call (the API takes
 * exactly one), every page, each call through the account+region token bucket, and the
 * 90-day horizon the API keeps.
 */
import { LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import type { AwsClients } from '../aws/clients';
import type { AttributedKind, TrailEvent } from '../model';
import type { TokenBucket } from './rate-limit';

/** The attributes scope looks the attacker up by. */
export type TrailAttribute = 'AccessKeyId' | 'Username' | 'ResourceName';

/** A trail event with the parsed CloudTrail record kept for attribution. */
export interface ParsedTrailEvent {
  readonly event: TrailEvent;
  readonly detail?: Readonly<Record<string, unknown>>;
  /** LookupEvents' Resources with their types (TrailEvent keeps names only). */
  readonly typedResources: ReadonlyArray<{ readonly type?: string; readonly name: string }>;
}

/** LookupEvents only holds the last 90 days. */
export const LOOKUP_EVENTS_HORIZON_DAYS = 90;

/** Clamp a window to what LookupEvents can still answer; undefined when none of it can. */
export function lookupWindow(
  window: { readonly start: Date; readonly end: Date },
  nowMs: number,
): { start: Date; end: Date; truncated: boolean } | undefined {
  const horizon = nowMs - LOOKUP_EVENTS_HORIZON_DAYS * 24 * 3600 * 1000;
  const start = Math.max(window.start.getTime(), horizon);
  const end = Math.min(window.end.getTime(), nowMs);
  if (end <= start) return undefined;
  return { start: new Date(start), end: new Date(end), truncated: start > window.start.getTime() };
}

/** Every event in `region` matching one attribute, oldest API page first. */
export async function lookupEvents(
  clients: AwsClients,
  input: {
    readonly region: string;
    readonly attribute: TrailAttribute;
    readonly value: string;
    readonly start: Date;
    readonly end: Date;
    readonly limiter: TokenBucket;
  },
): Promise<ParsedTrailEvent[]> {
  const out: ParsedTrailEvent[] = [];
  let NextToken: string | undefined;
  do {
    await input.limiter.acquire();
    const page = await clients.cloudTrail(input.region).send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: input.attribute, AttributeValue: input.value }],
        StartTime: input.start,
        EndTime: input.end,
        MaxResults: 50,
        NextToken,
      }),
    );
    for (const e of page.Events ?? []) out.push(parseTrailEvent(input.region, e));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** Reduce an SDK event to a TrailEvent, keeping the parsed record beside it. */
export function parseTrailEvent(region: string, e: Event): ParsedTrailEvent {
  let detail: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = e.CloudTrailEvent ? JSON.parse(e.CloudTrailEvent) : undefined;
    if (parsed && typeof parsed === 'object') detail = parsed as Record<string, unknown>;
  } catch {
    // A record that does not parse still has the top-level fields; keep the event without detail.
    detail = undefined;
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const identity = (detail?.userIdentity ?? {}) as Record<string, unknown>;
  return {
    event: {
      region: str(detail?.awsRegion) ?? region,
      eventId: e.EventId ?? str(detail?.eventID) ?? '',
      eventTime: (e.EventTime ?? new Date(str(detail?.eventTime) ?? 0)).toISOString(),
      eventName: e.EventName ?? str(detail?.eventName) ?? '',
      eventSource: e.EventSource ?? str(detail?.eventSource) ?? '',
      username: e.Username ?? str(identity.userName),
      accessKeyId: e.AccessKeyId ?? str(identity.accessKeyId),
      sourceIp: str(detail?.sourceIPAddress),
      userAgent: str(detail?.userAgent),
      resources: (e.Resources ?? []).flatMap((r) => (r.ResourceName ? [r.ResourceName] : [])),
    },
    detail,
    typedResources: (e.Resources ?? []).flatMap((r) => (r.ResourceName ? [{ type: r.ResourceType, name: r.ResourceName }] : [])),
  };
}

/** Where a creating event names what it created. */
interface CreateRule {
  readonly kind: AttributedKind;
  readonly from: 'requestParameters' | 'responseElements';
  readonly field: string;
  readonly resourceType?: string;
}

const CREATES: Readonly<Record<string, readonly CreateRule[]>> = {
  RunInstances: [{ kind: 'instance', from: 'responseElements', field: 'instanceId', resourceType: 'AWS::EC2::Instance' }],
  CreateKeyPair: [{ kind: 'key-pair', from: 'requestParameters', field: 'keyName', resourceType: 'AWS::EC2::KeyPair' }],
  ImportKeyPair: [{ kind: 'key-pair', from: 'requestParameters', field: 'keyName', resourceType: 'AWS::EC2::KeyPair' }],
  CreateImage: [{ kind: 'image', from: 'responseElements', field: 'imageId' }],
  CopyImage: [{ kind: 'image', from: 'responseElements', field: 'imageId' }],
  RegisterImage: [{ kind: 'image', from: 'responseElements', field: 'imageId' }],
  CreateSnapshot: [{ kind: 'snapshot', from: 'responseElements', field: 'snapshotId' }],
  CreateSnapshots: [{ kind: 'snapshot', from: 'responseElements', field: 'snapshotId' }],
  CopySnapshot: [{ kind: 'snapshot', from: 'responseElements', field: 'snapshotId' }],
  RequestSpotInstances: [{ kind: 'spot-request', from: 'responseElements', field: 'spotInstanceRequestId' }],
  RequestSpotFleet: [{ kind: 'fleet', from: 'responseElements', field: 'spotFleetRequestId' }],
  CreateFleet: [{ kind: 'fleet', from: 'responseElements', field: 'fleetId' }],
  CreateAutoScalingGroup: [{ kind: 'auto-scaling-group', from: 'requestParameters', field: 'autoScalingGroupName', resourceType: 'AWS::AutoScaling::AutoScalingGroup' }],
  // The role a stolen identity pivoted into: its sessions act for the attacker too.
  AssumeRole: [{ kind: 'iam-role', from: 'requestParameters', field: 'roleArn' }],
  CreateUser: [{ kind: 'iam-user', from: 'requestParameters', field: 'userName' }],
  CreateAccessKey: [{ kind: 'iam-user', from: 'requestParameters', field: 'userName' }],
  CreateLoginProfile: [{ kind: 'iam-user', from: 'requestParameters', field: 'userName' }],
  AttachUserPolicy: [{ kind: 'iam-user', from: 'requestParameters', field: 'userName' }],
  PutUserPolicy: [{ kind: 'iam-user', from: 'requestParameters', field: 'userName' }],
  AddUserToGroup: [{ kind: 'iam-user', from: 'requestParameters', field: 'userName' }],
};

/** Resources an event created or backdoored, by kind: IDs, or names for key pairs and users. */
export function createdBy(parsed: ParsedTrailEvent): Array<{ kind: AttributedKind; name: string }> {
  const rules = CREATES[parsed.event.eventName];
  if (!rules || parsed.detail?.errorCode) return [];
  const out: Array<{ kind: AttributedKind; name: string }> = [];
  for (const rule of rules) {
    const names = new Set(collect(parsed.detail?.[rule.from], rule.field));
    if (names.size === 0 && rule.resourceType) {
      // LookupEvents' Resources list is the fallback when the record carries no body.
      for (const r of parsed.typedResources) if (r.type === rule.resourceType) names.add(r.name);
    }
    for (const name of names) out.push({ kind: rule.kind, name });
  }
  return out;
}

/** All string values of `field` anywhere under `value` (response shapes nest differently per API). */
function collect(value: unknown, field: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => collect(v, field));
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === field && typeof v === 'string') out.push(v);
    else out.push(...collect(v, field));
  }
  return out;
}
