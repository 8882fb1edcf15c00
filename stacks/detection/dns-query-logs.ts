/**
 * `<workload>-dns-query-logs`: Route 53 Resolver query logging for every configured VPC of a
 * workload account, delivered to the log archive's Resolver query logs bucket. Miners resolve
 * their pool's name before they connect: these logs name the pool even when its IP changes.
 * Also the Athena table over those logs, with partitions projected from the key layout Resolver
 * writes: `AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/<yyyy>/<MM>/<dd>/<file>.log.gz`.
 */
import type { Construct } from 'constructs';
import { Route53ResolverQueryLogConfig } from '@cdktf/provider-aws/lib/route53-resolver-query-log-config';
import { Route53ResolverQueryLogConfigAssociation } from '@cdktf/provider-aws/lib/route53-resolver-query-log-config-association';
import type { AccountConfig, OrgConfig } from '../../config';
import { AccountStack } from '../account-stack';
import type { LogArchiveStack } from './log-archive';
import { type Column, projectedPartitions, type TableDefinition } from './athena-tables';
import { dnsQueryLogAccounts, logArchiveLocation } from '../../shared/addresses';

/** Name of the query logging configuration in each region of a workload account. */
export const DNS_QUERY_LOG_CONFIG_NAME = 'ir-dns-query-logs';

/** One workload account's Resolver query logging: a configuration per region, associated with each configured VPC there. */
export class WorkloadDnsQueryLogsStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly workload: AccountConfig; readonly archive: LogArchiveStack }) {
    super(scope, { config: props.config, account: props.workload, concern: 'dns-query-logs' });
    // Resolver checks the destination bucket when the configuration is created: reading it from the archive orders this stack after it.
    const destination = props.archive.bucket(this, 'dns-query-logs').arn;
    const vpcs = dnsQueryLoggedVpcs(props.workload);
    // A configuration serves only VPCs of its own region.
    for (const region of [...new Set(vpcs.map((v) => v.region))]) {
      const logConfig = new Route53ResolverQueryLogConfig(this, `query-log-config-${region}`, {
        region,
        name: DNS_QUERY_LOG_CONFIG_NAME,
        // The bucket root: Resolver adds AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/<yyyy>/<MM>/<dd>/ itself.
        destinationArn: destination,
        tags: { Name: `${DNS_QUERY_LOG_CONFIG_NAME}-${region}` },
      });
      for (const vpc of vpcs.filter((v) => v.region === region)) {
        new Route53ResolverQueryLogConfigAssociation(this, `query-log-association-${vpc.name ?? vpc.id}`, {
          region,
          resolverQueryLogConfigId: logConfig.id,
          resourceId: vpc.id,
        });
      }
    }
  }
}

/** The VPCs of a workload account whose DNS queries are logged. */
export function dnsQueryLoggedVpcs(workload: AccountConfig): AccountConfig['vpcs'] {
  return workload.vpcs.filter((v) => v.dnsQueryLogs);
}

/** Workload accounts that get a Resolver query logging stack: those with at least one such VPC. */
export function dnsQueryLoggedWorkloads(config: OrgConfig): AccountConfig[] {
  return config.accounts.workloads.filter((w) => dnsQueryLoggedVpcs(w).length > 0);
}

/**
 * Partition keys: `account` and `vpc` from the key, `log_date` the day. Named apart from the
 * record's own `account_id` and `vpc_id` columns, which Glue would otherwise refuse as duplicates.
 */
export const DNS_QUERY_LOG_PARTITION_KEYS: readonly Column[] = [
  { name: 'account', type: 'string' },
  { name: 'vpc', type: 'string' },
  { name: 'log_date', type: 'string' },
];

/** The fields of a Resolver query log record (JSON, one per line). */
export const DNS_QUERY_LOG_COLUMNS: readonly Column[] = [
  { name: 'version', type: 'string' },
  { name: 'account_id', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'vpc_id', type: 'string' },
  { name: 'query_timestamp', type: 'string' },
  { name: 'query_name', type: 'string' },
  { name: 'query_type', type: 'string' },
  { name: 'query_class', type: 'string' },
  { name: 'rcode', type: 'string' },
  { name: 'answers', type: 'array<struct<rdata:string,type:string,class:string>>' },
  { name: 'srcaddr', type: 'string' },
  { name: 'srcport', type: 'int' },
  { name: 'transport', type: 'string' },
  { name: 'srcids', type: 'struct<instance:string,resolver_endpoint:string>' },
  { name: 'firewall_rule_action', type: 'string' },
  { name: 'firewall_rule_group_id', type: 'string' },
  { name: 'firewall_domain_list_id', type: 'string' },
];

/** Where Resolver writes: `AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/<yyyy>/<MM>/<dd>/`. */
export function dnsQueryLogsTemplate(config: OrgConfig): string {
  return logArchiveLocation(config, 'dns-query-logs', 'AWSLogs/${account}/vpcdnsquerylogs/${vpc}/${log_date}');
}

/** The Resolver query logs table: JSON lines, partitions projected over the configured accounts and VPCs. */
export function dnsQueryLogsTable(config: OrgConfig, name: string): TableDefinition {
  const accounts = dnsQueryLogAccounts(config);
  const vpcs = config.accounts.workloads.flatMap((w) => dnsQueryLoggedVpcs(w).map((v) => v.id));
  return {
    name,
    description: 'Route 53 Resolver query logs of the workload VPCs, partitions projected from the key layout',
    location: logArchiveLocation(config, 'dns-query-logs', 'AWSLogs/'),
    columns: DNS_QUERY_LOG_COLUMNS,
    partitionKeys: DNS_QUERY_LOG_PARTITION_KEYS,
    serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
    // Resolver writes `Rdata`, `Type`, `Class`: Glue columns are lower case, so match keys case-insensitively.
    serdeParameters: { 'case.insensitive': 'TRUE' },
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'json',
      // An empty enum is invalid; with no VPC configured yet the table still needs one value.
      ...projectedPartitions(
        { account: accounts.length > 0 ? accounts : [config.accounts.security.id], vpc: vpcs.length > 0 ? vpcs : ['vpc-00000000'] },
        dnsQueryLogsTemplate(config),
      ),
    },
  };
}
