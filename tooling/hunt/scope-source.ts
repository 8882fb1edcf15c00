/**
 * `scope --source athena`: the attacker's CloudTrail events from the organization trail through
 * Athena instead of LookupEvents. No 90-day horizon, every account and region in one query, data
 * events included. Rows become the same ParsedTrailEvent that attribution reads.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { TrailSource } from '../analysis/scope';
import { createdBy, type ParsedTrailEvent } from '../analysis/trail';
import { type AthenaTarget, type QueryOptions, runAthenaQuery } from './athena';
import { attackerEventsQuery, type Window } from './sql';

export interface AthenaTrailSourceInput {
  readonly athena: AthenaClient;
  readonly target: AthenaTarget;
  readonly window: Window;
  /** @default 50000 */
  readonly maxRows?: number;
  readonly query?: QueryOptions;
  /** Called once per query with what it returned (truncation is the caller's to report). */
  readonly onRows?: (rows: number, limit: number) => void;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Kept as text: attribution only reads objects, the analyst still sees the value.
    return text;
  }
}

/** One row of attackerEventsQuery as a parsed trail event. */
export function rowToTrailEvent(row: Readonly<Record<string, string | undefined>>): ParsedTrailEvent {
  const detail: Record<string, unknown> = {
    eventID: row.eventid,
    eventTime: row.eventtime,
    eventName: row.eventname,
    eventSource: row.eventsource,
    awsRegion: row.awsregion,
    recipientAccountId: row.recipientaccountid,
    userIdentity: { userName: row.username, accessKeyId: row.access_key_id, arn: row.principal_arn },
    sourceIPAddress: row.sourceipaddress,
    userAgent: row.useragent,
    ...(row.errorcode ? { errorCode: row.errorcode } : {}),
    requestParameters: parseJson(row.requestparameters),
    responseElements: parseJson(row.responseelements),
  };
  const base: ParsedTrailEvent = {
    event: {
      region: row.awsregion ?? '',
      accountId: row.recipientaccountid,
      eventId: row.eventid ?? '',
      eventTime: new Date(row.eventtime ?? 0).toISOString(),
      eventName: row.eventname ?? '',
      eventSource: row.eventsource ?? '',
      username: row.username ?? row.principal_arn?.split('/').pop(),
      accessKeyId: row.access_key_id,
      sourceIp: row.sourceipaddress,
      userAgent: row.useragent,
      resources: [],
    },
    detail,
    typedResources: [],
  };
  // LookupEvents lists the resources an event names; the trail record has them in its body.
  return { ...base, event: { ...base.event, resources: createdBy(base).map((c) => c.name) } };
}

/** A TrailSource over the organization trail table. */
export function athenaTrailSource(input: AthenaTrailSourceInput): TrailSource {
  const limit = input.maxRows ?? 50_000;
  return async (lookups) => {
    const accessKeyIds = lookups.filter((l) => l.attribute === 'AccessKeyId').map((l) => l.value);
    const userNames = lookups.filter((l) => l.attribute === 'Username').map((l) => l.value);
    const roleArns = lookups.filter((l) => l.attribute === 'RoleArn').map((l) => l.value);
    if (accessKeyIds.length === 0 && userNames.length === 0 && roleArns.length === 0) return [];
    const out = await runAthenaQuery(input.athena, attackerEventsQuery({ accessKeyIds, userNames, roleArns }, input.window, limit), input.target, input.query);
    input.onRows?.(out.rows.length, limit);
    return out.rows.map((values) => rowToTrailEvent(Object.fromEntries(out.columns.map((c, i) => [c, values[i]]))));
  };
}
