/**
 * The Athena tables over the log archive, as plain data: columns, SerDe and partition
 * projection. Projection makes partitions from the object key layout instead of a crawler, so
 * the template below must match exactly where CloudTrail and Flow Logs write: a wrong path
 * returns zero rows, silently. `projectionLocation` resolves it for tests.
 */
import { memberAccounts, type OrgConfig } from '../../config';
import { COMMERCIAL_REGIONS } from '../../config/regions';
import { cloudtrailLogPrefix, flowLogAccounts, logArchiveLocation } from '../../shared/addresses';
import { FLOW_LOG_FIELDS } from '../plumbing/flow-log-format';

/** A column as Glue wants it. */
export interface Column {
  readonly name: string;
  readonly type: string;
}

/** Partition keys of both tables; `log_date` because `date` is reserved in Trino. */
export const PARTITION_KEYS: readonly Column[] = [
  { name: 'account', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'log_date', type: 'string' },
];

/** Oldest day the date projection offers; queries before it find nothing. */
export const PROJECTION_START = '2020/01/01';

/** Glue table definition, independent of the provider classes. */
export interface TableDefinition {
  readonly name: string;
  readonly description: string;
  readonly location: string;
  readonly columns: readonly Column[];
  readonly serializationLibrary: string;
  readonly serdeParameters: Readonly<Record<string, string>>;
  readonly inputFormat: string;
  readonly outputFormat: string;
  /** Table parameters as Glue stores them (placeholders unescaped). */
  readonly parameters: Readonly<Record<string, string>>;
  /** @default PARTITION_KEYS (account, region, log_date) */
  readonly partitionKeys?: readonly Column[];
}

/** Account, region and date projection over `template` (placeholders `${account}`, `${region}`, `${log_date}`). */
export function projectionParameters(accounts: readonly string[], regions: readonly string[], template: string): Record<string, string> {
  return projectedPartitions({ account: accounts, region: regions }, template);
}

/** Enum partitions (name to values) plus the `log_date` projection over `template`. */
export function projectedPartitions(enums: Readonly<Record<string, readonly string[]>>, template: string): Record<string, string> {
  return {
    'projection.enabled': 'true',
    ...Object.fromEntries(Object.entries(enums).flatMap(([name, values]) => [[`projection.${name}.type`, 'enum'], [`projection.${name}.values`, values.join(',')]])),
    'projection.log_date.type': 'date',
    'projection.log_date.format': 'yyyy/MM/dd',
    'projection.log_date.range': `${PROJECTION_START},NOW`,
    'projection.log_date.interval': '1',
    'projection.log_date.interval.unit': 'DAYS',
    'storage.location.template': template,
  };
}

/**
 * Substitute partition values into a projection template, as Athena does: the S3 prefix a
 * query for that partition reads. Throws on a placeholder it cannot fill.
 */
export function projectionLocation(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`projection template placeholder \${${key}} has no value`);
    return value;
  });
}

/** Every account the org trail logs for: the management account and every member with an ID. */
export function trailAccounts(config: OrgConfig): string[] {
  return [config.accounts.management.id, ...memberAccounts(config).map((a) => a.id)];
}

const USER_IDENTITY =
  'struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,' +
  'sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,' +
  'sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,' +
  'sourceidentity:string,ec2roledelivery:string>>';

/** CloudTrail record columns (the fields of the JSON records, as the CloudTrail SerDe exposes them). */
export const CLOUDTRAIL_COLUMNS: readonly Column[] = [
  { name: 'eventversion', type: 'string' },
  { name: 'useridentity', type: USER_IDENTITY },
  { name: 'eventtime', type: 'string' },
  { name: 'eventsource', type: 'string' },
  { name: 'eventname', type: 'string' },
  { name: 'awsregion', type: 'string' },
  { name: 'sourceipaddress', type: 'string' },
  { name: 'useragent', type: 'string' },
  { name: 'errorcode', type: 'string' },
  { name: 'errormessage', type: 'string' },
  { name: 'requestparameters', type: 'string' },
  { name: 'responseelements', type: 'string' },
  { name: 'additionaleventdata', type: 'string' },
  { name: 'requestid', type: 'string' },
  { name: 'eventid', type: 'string' },
  { name: 'readonly', type: 'string' },
  { name: 'resources', type: 'array<struct<arn:string,accountid:string,type:string>>' },
  { name: 'eventtype', type: 'string' },
  { name: 'apiversion', type: 'string' },
  { name: 'recipientaccountid', type: 'string' },
  { name: 'serviceeventdetails', type: 'string' },
  { name: 'sharedeventid', type: 'string' },
  { name: 'vpcendpointid', type: 'string' },
  { name: 'tlsdetails', type: 'struct<tlsversion:string,ciphersuite:string,clienthostheader:string>' },
];

/** Where the org trail writes: `AWSLogs/<org-id>/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/`. */
export function cloudtrailTemplate(config: OrgConfig): string {
  return logArchiveLocation(config, 'cloudtrail', `${cloudtrailLogPrefix(config)}\${account}/CloudTrail/\${region}/\${log_date}`);
}

/** The CloudTrail table over the org trail's bucket. */
export function cloudtrailTable(config: OrgConfig, name: string): TableDefinition {
  return {
    name,
    description: 'Organization CloudTrail: every account and region, partitions projected from the key layout',
    location: logArchiveLocation(config, 'cloudtrail', cloudtrailLogPrefix(config)),
    columns: CLOUDTRAIL_COLUMNS,
    serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe',
    serdeParameters: {},
    // Reads the Records array of each gzip file as rows; a plain JSON SerDe would see one row per file.
    inputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    parameters: { EXTERNAL: 'TRUE', classification: 'cloudtrail', ...projectionParameters(trailAccounts(config), COMMERCIAL_REGIONS, cloudtrailTemplate(config)) },
  };
}

/** Regions that have flow-logged VPCs. */
export function flowLogRegions(config: OrgConfig): string[] {
  return [...new Set(config.accounts.workloads.flatMap((w) => w.vpcs.filter((v) => v.flowLogs).map((v) => v.region)))];
}

/** Where Flow Logs write (S3 destination, plain text, no hive partitions): `AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<MM>/<dd>/`. */
export function flowLogsTemplate(config: OrgConfig): string {
  return logArchiveLocation(config, 'flow-logs', 'AWSLogs/${account}/vpcflowlogs/${region}/${log_date}');
}

/** The Flow Logs table: space-delimited text with a header line per file. */
export function flowLogsTable(config: OrgConfig, name: string): TableDefinition {
  // An empty enum is invalid; a table with no flow-logged VPC yet still needs one value.
  const accounts = flowLogAccounts(config);
  const regions = flowLogRegions(config);
  return {
    name,
    description: 'VPC Flow Logs (custom v5 format) of the workload VPCs, partitions projected from the key layout',
    location: logArchiveLocation(config, 'flow-logs', 'AWSLogs/'),
    columns: FLOW_LOG_FIELDS.map((f) => ({ name: f.column, type: f.type })),
    serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
    serdeParameters: { 'field.delim': ' ', 'serialization.format': ' ' },
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    parameters: {
      EXTERNAL: 'TRUE',
      'skip.header.line.count': '1',
      ...projectionParameters(accounts.length > 0 ? accounts : [config.accounts.security.id], regions.length > 0 ? regions : [config.organization.homeRegion], flowLogsTemplate(config)),
    },
  };
}
