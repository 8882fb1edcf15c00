/**
 * The one VPC Flow Logs record format of this project: every field through version 5, in the
 * order AWS documents them. The workload flow logs, the Athena table that reads them and the
 * clean room's flow log all use it, so a column can never drift from the field it reads.
 */

/** One field as Flow Logs names it, the Athena column for it and its type. */
export interface FlowLogField {
  readonly field: string;
  readonly column: string;
  readonly type: string;
}

/**
 * Every field through version 5. The Athena column is the field with `_` for `-`, except
 * `region`, which becomes `flow_region` (`region` is the partition); `end` must be quoted in queries.
 */
export const FLOW_LOG_FIELDS: readonly FlowLogField[] = [
  ['version', 'int'], ['account-id', 'string'], ['interface-id', 'string'], ['srcaddr', 'string'], ['dstaddr', 'string'],
  ['srcport', 'int'], ['dstport', 'int'], ['protocol', 'bigint'], ['packets', 'bigint'], ['bytes', 'bigint'],
  ['start', 'bigint'], ['end', 'bigint'], ['action', 'string'], ['log-status', 'string'],
  ['vpc-id', 'string'], ['subnet-id', 'string'], ['instance-id', 'string'], ['tcp-flags', 'int'], ['type', 'string'],
  ['pkt-srcaddr', 'string'], ['pkt-dstaddr', 'string'],
  ['region', 'string'], ['az-id', 'string'], ['sublocation-type', 'string'], ['sublocation-id', 'string'],
  ['pkt-src-aws-service', 'string'], ['pkt-dst-aws-service', 'string'], ['flow-direction', 'string'], ['traffic-path', 'int'],
].map(([field, type]) => ({ field, type, column: field === 'region' ? 'flow_region' : field.replace(/-/g, '_') }));

/** The `log_format` text AWS receives: `${field}` per field, space separated (escape it for Terraform). */
export function flowLogFormat(): string {
  return FLOW_LOG_FIELDS.map((f) => `\${${f.field}}`).join(' ');
}
