/**
 * The SQL `hunt` and `scope --source athena` send to Athena (Trino): one statement per indicator
 * kind over the organization trail, Flow Logs or Resolver query logs tables, pruned by the
 * `log_date` partition and bounded by the exact window. Values reach SQL only as string
 * literals built by `sqlString` after their format was checked (indicators.ts): nothing the
 * attacker wrote (a user agent, a key name) can end the literal.
 */
import { ATHENA } from '../../shared/names';
import type { IndicatorClass } from '../model';

/** The investigation window (UTC). */
export interface Window {
  readonly start: Date;
  readonly end: Date;
}

/** A query for one indicator kind. */
export interface HuntQuery {
  readonly cls: IndicatorClass;
  readonly table: string;
  readonly sql: string;
}

/** A Trino string literal: single quotes doubled; control characters refused (they have no place in an indicator). */
export function sqlString(value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error(`refusing to put a control character into SQL: ${JSON.stringify(value)}`);
  return `'${value.replace(/'/g, "''")}'`;
}

/** `(a, b, ...)` of literals. */
function list(values: readonly string[]): string {
  if (values.length === 0) throw new Error('an IN list needs at least one value');
  return `(${values.map(sqlString).join(', ')})`;
}

/** `yyyy/MM/dd`, the format of the `log_date` partition. */
export function partitionDay(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '/');
}

/** ISO 8601 without milliseconds, as CloudTrail and Resolver write their timestamps (string order = time order). */
function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function partitionFilter(w: Window): string {
  return `log_date BETWEEN ${sqlString(partitionDay(w.start))} AND ${sqlString(partitionDay(w.end))}`;
}

const CLOUDTRAIL_COLUMNS = `eventtime,
       account,
       awsregion,
       eventsource,
       eventname,
       useridentity.arn AS principal_arn,
       useridentity.accesskeyid AS access_key_id,
       sourceipaddress,
       useragent,
       errorcode,
       eventid,
       requestparameters`;

function cloudtrail(cls: IndicatorClass, match: string, w: Window, limit: number): HuntQuery {
  const sql = `SELECT ${CLOUDTRAIL_COLUMNS}
FROM ${ATHENA.cloudtrailTable}
WHERE ${partitionFilter(w)}
  AND eventtime BETWEEN ${sqlString(isoSeconds(w.start))} AND ${sqlString(isoSeconds(w.end))}
  AND (${match})
ORDER BY eventtime
LIMIT ${limit}`;
  return { cls, table: ATHENA.cloudtrailTable, sql };
}

/** Where each kind is matched in a CloudTrail record. */
const CLOUDTRAIL_MATCH: Partial<Record<IndicatorClass, (values: string) => string>> = {
  // Calls made with the key, and calls about it (CreateAccessKey's answer, UpdateAccessKey, ...).
  'access-key': (v) => `useridentity.accesskeyid IN ${v} OR json_extract_scalar(requestparameters, '$.accessKeyId') IN ${v} OR json_extract_scalar(responseelements, '$.accessKey.accessKeyId') IN ${v}`,
  'source-ip': (v) => `sourceipaddress IN ${v}`,
  'user-agent': (v) => `useragent IN ${v}`,
  // Launched from, copied from, or registered/created as one of the AMIs.
  ami: (v) =>
    `json_extract_scalar(requestparameters, '$.instancesSet.items[0].imageId') IN ${v} OR json_extract_scalar(requestparameters, '$.imageId') IN ${v}` +
    ` OR json_extract_scalar(requestparameters, '$.sourceImageId') IN ${v} OR json_extract_scalar(responseelements, '$.imageId') IN ${v}`,
  // Created, imported or deleted, or used at launch.
  'key-pair': (v) => `json_extract_scalar(requestparameters, '$.keyName') IN ${v} OR json_extract_scalar(requestparameters, '$.instancesSet.items[0].keyName') IN ${v}`,
};

function flowLogs(values: readonly string[], w: Window, limit: number): HuntQuery {
  const v = list(values);
  const sql = `SELECT from_unixtime("start") AS flow_start,
       account,
       region,
       vpc_id,
       instance_id,
       interface_id,
       srcaddr,
       srcport,
       dstaddr,
       dstport,
       protocol,
       packets,
       bytes,
       action,
       flow_direction
FROM ${ATHENA.flowLogsTable}
WHERE ${partitionFilter(w)}
  AND "start" BETWEEN ${Math.floor(w.start.getTime() / 1000)} AND ${Math.floor(w.end.getTime() / 1000)}
  AND (dstaddr IN ${v} OR srcaddr IN ${v} OR pkt_dstaddr IN ${v} OR pkt_srcaddr IN ${v})
ORDER BY "start"
LIMIT ${limit}`;
  return { cls: 'pool-ip', table: ATHENA.flowLogsTable, sql };
}

/** LIKE pattern for "any subdomain of": `%`, `_` and the escape itself escaped. */
function subdomainPattern(domain: string): string {
  return sqlString(`%.${domain.replace(/[\\%_]/g, (c) => `\\${c}`)}`);
}

function dnsQueries(domains: readonly string[], w: Window, limit: number): HuntQuery {
  // Resolver logs names with a trailing dot; compare without it, the domain itself or any subdomain.
  const name = "regexp_replace(lower(query_name), '\\.$', '')";
  const match = [`${name} IN ${list(domains)}`, ...domains.map((d) => `${name} LIKE ${subdomainPattern(d)} ESCAPE '\\'`)].join('\n    OR ');
  const sql = `SELECT query_timestamp,
       account,
       region,
       vpc_id,
       srcids.instance AS instance_id,
       srcaddr,
       query_name,
       query_type,
       rcode,
       transform(answers, a -> a.rdata) AS answers
FROM ${ATHENA.dnsQueryLogsTable}
WHERE ${partitionFilter(w)}
  AND query_timestamp BETWEEN ${sqlString(isoSeconds(w.start))} AND ${sqlString(isoSeconds(w.end))}
  AND (${match})
ORDER BY query_timestamp
LIMIT ${limit}`;
  return { cls: 'pool-domain', table: ATHENA.dnsQueryLogsTable, sql };
}

/** Why a kind gets no query: the logs do not hold it. */
export const UNSEARCHABLE: Partial<Record<IndicatorClass, string>> = {
  'user-data-sha256':
    'CloudTrail records UserData as <sensitiveDataRemoved>, so no log holds it. Compare by hand: irctl validate --instance <id> prints the UserData of an instance in each account you suspect',
};

/** The query for one kind and its values, or undefined when the logs cannot answer it (see UNSEARCHABLE). */
export function huntQuery(cls: IndicatorClass, values: readonly string[], w: Window, limit: number): HuntQuery | undefined {
  if (values.length === 0) return undefined;
  if (cls === 'pool-ip') return flowLogs(values, w, limit);
  if (cls === 'pool-domain') return dnsQueries(values, w, limit);
  const match = CLOUDTRAIL_MATCH[cls];
  return match ? cloudtrail(cls, match(list(values)), w, limit) : undefined;
}

/** Who the attacker is, for scope: access keys, and names as LookupEvents' Username matches them. */
export interface AttackerIdentity {
  readonly accessKeyIds: readonly string[];
  /** IAM user names, or role session names: the last segment of the caller's ARN. */
  readonly userNames: readonly string[];
  /** Role ARNs: every session issued by the role, whatever its session name. */
  readonly roleArns?: readonly string[];
}

/**
 * scope's CloudTrail query: every event of the attacker's keys or names in every account and
 * region of the organization trail, with the record fields attribution reads.
 */
export function attackerEventsQuery(who: AttackerIdentity, w: Window, limit: number): string {
  const match = [
    ...(who.accessKeyIds.length ? [`useridentity.accesskeyid IN ${list(who.accessKeyIds)}`] : []),
    ...(who.userNames.length ? [`useridentity.username IN ${list(who.userNames)}`, `element_at(split(useridentity.arn, '/'), -1) IN ${list(who.userNames)}`] : []),
    // An assumed-role ARN ends with the session name; the role is the session issuer (and the ARN's second-to-last segment).
    ...(who.roleArns?.length ? [`useridentity.sessioncontext.sessionissuer.arn IN ${list(who.roleArns)}`] : []),
  ];
  if (match.length === 0) throw new Error('scope --source athena needs an access key or a principal to look for');
  return `SELECT eventid,
       eventtime,
       eventsource,
       eventname,
       awsregion,
       recipientaccountid,
       useridentity.username AS username,
       useridentity.accesskeyid AS access_key_id,
       useridentity.arn AS principal_arn,
       sourceipaddress,
       useragent,
       errorcode,
       requestparameters,
       responseelements
FROM ${ATHENA.cloudtrailTable}
WHERE ${partitionFilter(w)}
  AND eventtime BETWEEN ${sqlString(isoSeconds(w.start))} AND ${sqlString(isoSeconds(w.end))}
  AND (${match.join(' OR ')})
ORDER BY eventtime
LIMIT ${limit}`;
}
