/**
 * Route 53 Resolver query logging: one configuration per region of each workload account,
 * associated with every configured VPC there, writing to the log archive's Resolver bucket,
 * whose policy and key admit log delivery for exactly those accounts; and the Athena table whose
 * projection resolves real Resolver object keys to the prefix that holds them.
 */
import { projectionLocation } from '../../stacks/detection/athena-tables';
import { DNS_QUERY_LOG_CONFIG_NAME } from '../../stacks/detection/dns-query-logs';
import { DETECTION, logArchiveBucketArn, logArchiveBucketName } from '../../shared/addresses';
import { exampleConfig, exampleWith, parsePolicy, resourcesOf, stackOf, synthDetection, type Tf } from './support/detection';

const config = exampleConfig();
const { stacks, dependencies } = synthDetection(config);
const archive = stackOf(stacks, 'log-archive-detection');

test.each(config.accounts.workloads.map((w) => [w.name, w] as const))('%s: a query log configuration per region, associated with each configured VPC', (name, workload) => {
  const stack = stackOf(stacks, `${name}-dns-query-logs`);
  const configs = resourcesOf(stack, 'aws_route53_resolver_query_log_config');
  const regions = [...new Set(workload.vpcs.map((v) => v.region))].sort();
  expect(configs.map(([, c]) => c.region).sort()).toEqual(regions);
  for (const [, c] of configs) {
    expect(c.name).toBe(DNS_QUERY_LOG_CONFIG_NAME);
    // The bucket root: Resolver adds AWSLogs/<account>/vpcdnsquerylogs/... itself; a prefix would break the table's template.
    expect(c.destination_arn).toBe(logArchiveBucketArn(config, 'dns-query-logs'));
  }
  const associations = resourcesOf(stack, 'aws_route53_resolver_query_log_config_association').map(([, a]) => a);
  expect(associations.map((a) => a.resource_id).sort()).toEqual(workload.vpcs.map((v) => v.id).sort());
  for (const a of associations) {
    const vpc = workload.vpcs.find((v) => v.id === a.resource_id)!;
    // A configuration serves its own region only: the association points at that region's one.
    expect(a.region).toBe(vpc.region);
    expect(a.resolver_query_log_config_id).toBe(`\${aws_route53_resolver_query_log_config.query-log-config-${vpc.region}.id}`);
  }
  expect(dependencies.get(`${name}-dns-query-logs`)).toContain('log-archive-detection');
});

test('a VPC opted out (dnsQueryLogs: false) gets no association; an account with none left gets no stack, no grant, no projection', () => {
  const optedOut = exampleWith((raw) => {
    raw.accounts.workloads[1].vpcs[0].dnsQueryLogs = false;
    raw.accounts.workloads[0].vpcs[1].dnsQueryLogs = false;
  });
  const synth = synthDetection(optedOut).stacks;
  expect([...synth.keys()]).not.toContain('analytics-dev-dns-query-logs');
  const payments = stackOf(synth, 'payments-prod-dns-query-logs');
  expect(resourcesOf(payments, 'aws_route53_resolver_query_log_config_association').map(([, a]) => a.resource_id)).toEqual(['vpc-0a1b2c3d4e5f60001']);
  expect(resourcesOf(payments, 'aws_route53_resolver_query_log_config').map(([, c]) => c.region)).toEqual(['us-east-1']);
  const [, policy] = resourcesOf(stackOf(synth, 'log-archive-detection'), 'aws_s3_bucket_policy').find(([id]) => id.startsWith('dns-query-logs_'))!;
  expect(parsePolicy(policy.policy).Statement.find((s: Tf) => s.Sid === 'ResolverQueryLogsWrites').Condition.StringEquals['aws:SourceAccount']).toEqual(['555555555555']);
  const table = resourcesOf(stackOf(synth, 'security-athena'), 'aws_glue_catalog_table').find(([, t]) => t.name === DETECTION.dnsQueryLogsTable)![1];
  expect(table.parameters['projection.vpc.values']).toBe('vpc-0a1b2c3d4e5f60001');
});

test('the Resolver bucket admits log delivery for exactly the workload accounts with VPCs, under AWSLogs/', () => {
  const [, policy] = resourcesOf(archive, 'aws_s3_bucket_policy').find(([id]) => id.startsWith('dns-query-logs_'))!;
  const statements = parsePolicy(policy.policy).Statement;
  const bucket = logArchiveBucketArn(config, 'dns-query-logs');
  const accounts = config.accounts.workloads.map((w) => w.id);
  expect(statements.find((s: Tf) => s.Sid === 'ResolverQueryLogsWrites')).toEqual({
    Sid: 'ResolverQueryLogsWrites',
    Effect: 'Allow',
    Principal: { Service: 'delivery.logs.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${bucket}/AWSLogs/*`,
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': accounts } },
  });
  expect(statements.find((s: Tf) => s.Sid === 'ResolverQueryLogsAclCheck').Condition.StringEquals['aws:SourceAccount']).toEqual(accounts);
  const [, key] = resourcesOf(archive, 'aws_kms_key').find(([id]) => id === 'dns-query-logs-key')!;
  const encrypts = parsePolicy(key.policy).Statement.find((s: Tf) => s.Sid === 'LogDeliveryEncrypts');
  expect(encrypts.Condition.StringEquals['aws:SourceAccount']).toEqual(accounts);
});

const athena = stackOf(stacks, 'security-athena');
const table = resourcesOf(athena, 'aws_glue_catalog_table').find(([, t]) => t.name === DETECTION.dnsQueryLogsTable)![1];
const params = table.parameters as Record<string, string>;

test('the table: JSON lines, partitions account, vpc and log_date projected over the configured accounts and VPCs', () => {
  expect(table.partition_keys.map((k: Tf) => k.name)).toEqual(['account', 'vpc', 'log_date']);
  const columns = table.storage_descriptor.columns.map((c: Tf) => c.name);
  // Partition keys may not repeat a column name (Glue refuses the table).
  for (const k of ['account', 'vpc', 'log_date']) expect(columns).not.toContain(k);
  expect(columns).toEqual(expect.arrayContaining(['query_name', 'query_timestamp', 'answers', 'srcids', 'vpc_id', 'account_id']));
  expect(table.storage_descriptor.ser_de_info.serialization_library).toBe('org.openx.data.jsonserde.JsonSerDe');
  expect(params['projection.account.values'].split(',').sort()).toEqual(config.accounts.workloads.map((w) => w.id).sort());
  expect(params['projection.vpc.values'].split(',').sort()).toEqual(config.accounts.workloads.flatMap((w) => w.vpcs.map((v) => v.id)).sort());
  expect(params['projection.log_date.format']).toBe('yyyy/MM/dd');
  expect(params['storage.location.template']).toMatch(/\$\$\{account\}.*\$\$\{vpc\}.*\$\$\{log_date\}$/);
});

/** Keys as Resolver writes them: AWSLogs/<account>/vpcdnsquerylogs/<vpc-id>/<yyyy>/<MM>/<dd>/<vpc>_vpcdnsquerylogs_<account>_<time>_<hash>.log.gz. */
const SAMPLES = [
  { account: '555555555555', vpc: 'vpc-0a1b2c3d4e5f60002', day: '2024/03/09', key: 'AWSLogs/555555555555/vpcdnsquerylogs/vpc-0a1b2c3d4e5f60002/2024/03/09/vpc-0a1b2c3d4e5f60002_vpcdnsquerylogs_555555555555_20240309T1205Z_1a2b3c4d.log.gz' },
  { account: '666666666666', vpc: 'vpc-0a1b2c3d4e5f60003', day: '2024/12/31', key: 'AWSLogs/666666666666/vpcdnsquerylogs/vpc-0a1b2c3d4e5f60003/2024/12/31/vpc-0a1b2c3d4e5f60003_vpcdnsquerylogs_666666666666_20241231T2355Z_9f8e7d6c.log.gz' },
];

test.each(SAMPLES)('projection resolves to the prefix holding $key', ({ account, vpc, day, key }) => {
  const template = params['storage.location.template'].replace(/\$\$\{/g, '${');
  const location = projectionLocation(template, { account, vpc, log_date: day });
  const object = `s3://${logArchiveBucketName(config, 'dns-query-logs')}/${key}`;
  expect(object.startsWith(`${location}/`)).toBe(true);
  expect(object.slice(location.length + 1)).not.toContain('/');
  // Another VPC's or day's partition does not reach it.
  expect(object.startsWith(`${projectionLocation(template, { account, vpc: 'vpc-0a1b2c3d4e5f6ffff', log_date: day })}/`)).toBe(false);
  expect(object.startsWith(`${projectionLocation(template, { account, vpc, log_date: '2024/03/10' })}/`)).toBe(false);
});
