/**
 * Athena in the security account: the enforced workgroup, and tables whose partition
 * projection resolves real object keys (as CloudTrail and Flow Logs write them) to the prefix
 * that holds them. The templates are read from the synthesized Terraform, so an escaping,
 * template or key-layout drift fails here.
 */
import { projectionLocation } from '../../stacks/detection/athena-tables';
import { DETECTION, logArchiveBucketName } from '../../shared/addresses';
import { exampleConfig, resourcesOf, stackOf, synthDetection, type StackJson, type Tf } from './support/detection';

const config = exampleConfig();
const { stacks } = synthDetection(config);
const athena = stackOf(stacks, 'security-athena');

function table(stack: StackJson, name: string): Tf {
  const found = resourcesOf(stack, 'aws_glue_catalog_table').find(([, t]) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found[1];
}

/** What Glue stores once Terraform has read the JSON: `$${` becomes `${`. */
const terraformValue = (text: string): string => text.replace(/\$\$\{/g, '${');

/** Format a UTC date with the Java-style pattern the projection declares (yyyy, MM, dd only). */
function formatProjectionDate(pattern: string, date: Date): string {
  const parts: Record<string, string> = {
    yyyy: String(date.getUTCFullYear()),
    MM: String(date.getUTCMonth() + 1).padStart(2, '0'),
    dd: String(date.getUTCDate()).padStart(2, '0'),
  };
  const out = pattern.replace(/yyyy|MM|dd/g, (t) => parts[t]!);
  if (/[A-Za-z]/.test(out)) throw new Error(`unsupported projection date format ${pattern}`);
  return out;
}

test('workgroup: enforced, KMS-encrypted results in the log archive, bytes cutoff from config', () => {
  const [[, wg]] = resourcesOf(athena, 'aws_athena_workgroup') as [[string, Tf]];
  expect(wg.name).toBe(DETECTION.athenaWorkgroup);
  expect(wg.configuration.enforce_workgroup_configuration).toBe(true);
  expect(wg.configuration.bytes_scanned_cutoff_per_query).toBe(config.athena.bytesScannedCutoff);
  const results = wg.configuration.result_configuration;
  expect(results.output_location).toBe(`s3://${logArchiveBucketName(config, 'athena-results')}/${DETECTION.athenaWorkgroup}/`);
  expect(results.encryption_configuration.encryption_option).toBe('SSE_KMS');
  expect(results.encryption_configuration.kms_key_arn).toMatch(/data\.aws_kms_key\.results-key\.arn/);
  expect(results.expected_bucket_owner).toBe(config.accounts.logArchive.id);
});

test('the bytes cutoff follows config.athena', () => {
  const small = exampleConfigWithCutoff(123 * 1024 * 1024);
  const [[, wg]] = resourcesOf(stackOf(synthDetection(small).stacks, 'security-athena'), 'aws_athena_workgroup') as [[string, Tf]];
  expect(wg.configuration.bytes_scanned_cutoff_per_query).toBe(123 * 1024 * 1024);
});

function exampleConfigWithCutoff(bytes: number) {
  return { ...config, athena: { ...config.athena, bytesScannedCutoff: bytes } };
}

describe.each([DETECTION.cloudtrailTable, DETECTION.flowLogsTable])('table %s', (name) => {
  const t = table(athena, name);
  const p = t.parameters;

  test('projection over account, region and a daily date', () => {
    expect(p['projection.enabled']).toBe('true');
    expect(p['projection.account.type']).toBe('enum');
    expect(p['projection.region.type']).toBe('enum');
    expect(p['projection.log_date.type']).toBe('date');
    expect(p['projection.log_date.format']).toBe('yyyy/MM/dd');
    expect(p['projection.log_date.range']).toBe('2020/01/01,NOW');
    expect(p['projection.log_date.interval']).toBe('1');
    expect(p['projection.log_date.interval.unit']).toBe('DAYS');
    expect(t.partition_keys.map((k: Tf) => k.name)).toEqual(['account', 'region', 'log_date']);
  });

  test('template placeholders are escaped for Terraform, and only they', () => {
    const template: string = p['storage.location.template'];
    expect(template).toMatch(/\$\$\{account\}.*\$\$\{region\}.*\$\$\{log_date\}$/);
    expect(template.replace(/\$\$\{(account|region|log_date)\}/g, '')).not.toMatch(/\$\{/);
  });
});

test('CloudTrail table reads the CloudTrail records format', () => {
  const t = table(athena, DETECTION.cloudtrailTable);
  expect(t.storage_descriptor.input_format).toBe('com.amazon.emr.cloudtrail.CloudTrailInputFormat');
  expect(t.storage_descriptor.ser_de_info.serialization_library).toBe('org.apache.hive.hcatalog.data.JsonSerDe');
  expect(t.table_type).toBe('EXTERNAL_TABLE');
  // Every account the trail covers is a projected value, or its logs are unreachable.
  const accounts = t.parameters['projection.account.values'].split(',');
  for (const id of [config.accounts.management.id, config.accounts.security.id, config.accounts.logArchive.id, ...config.accounts.workloads.map((w) => w.id)]) {
    expect(accounts).toContain(id);
  }
});

const day = new Date(Date.UTC(2024, 2, 9, 12, 0));
/** Object keys exactly as the services write them (AWS documents both layouts). */
const SAMPLE_OBJECTS = [
  {
    name: 'org trail, workload account, eu-west-1',
    table: DETECTION.cloudtrailTable,
    bucket: logArchiveBucketName(config, 'cloudtrail'),
    key: 'AWSLogs/o-exampleorg1/555555555555/CloudTrail/eu-west-1/2024/03/09/555555555555_CloudTrail_eu-west-1_20240309T1200Z_AbCdEf012345.json.gz',
    values: { account: '555555555555', region: 'eu-west-1' },
  },
  {
    name: 'org trail, management account, us-east-1 (IAM events)',
    table: DETECTION.cloudtrailTable,
    bucket: logArchiveBucketName(config, 'cloudtrail'),
    key: 'AWSLogs/o-exampleorg1/111111111111/CloudTrail/us-east-1/2024/03/09/111111111111_CloudTrail_us-east-1_20240309T1205Z_ZyXw98765432.json.gz',
    values: { account: '111111111111', region: 'us-east-1' },
  },
  {
    name: 'flow logs, workload VPC in eu-west-1',
    table: DETECTION.flowLogsTable,
    bucket: logArchiveBucketName(config, 'flow-logs'),
    key: 'AWSLogs/555555555555/vpcflowlogs/eu-west-1/2024/03/09/555555555555_vpcflowlogs_eu-west-1_fl-0123456789abcdef0_20240309T1200Z_1a2b3c4d.log.gz',
    values: { account: '555555555555', region: 'eu-west-1' },
  },
];

test.each(SAMPLE_OBJECTS)('projection resolves to the prefix holding: $name', ({ table: name, bucket, key, values }) => {
  const params = table(athena, name).parameters;
  const template = terraformValue(params['storage.location.template']);
  const logDate = formatProjectionDate(params['projection.log_date.format'], day);
  const location = projectionLocation(template, { ...values, log_date: logDate });
  const object = `s3://${bucket}/${key}`;
  // The object sits directly in the resolved prefix: not above it, not in a sibling folder.
  expect(object.startsWith(`${location}/`)).toBe(true);
  expect(object.slice(location.length + 1)).not.toContain('/');
  expect(params['projection.account.values'].split(',')).toContain(values.account);
  expect(params['projection.region.values'].split(',')).toContain(values.region);
});

test('a projection for another day does not reach the sample object', () => {
  const params = table(athena, DETECTION.cloudtrailTable).parameters;
  const other = projectionLocation(terraformValue(params['storage.location.template']), { account: '555555555555', region: 'eu-west-1', log_date: '2024/03/10' });
  expect(`s3://${SAMPLE_OBJECTS[0]!.bucket}/${SAMPLE_OBJECTS[0]!.key}`.startsWith(`${other}/`)).toBe(false);
});

test('projectionLocation refuses a template with an unknown placeholder', () => {
  expect(() => projectionLocation('s3://b/${account}/${day}', { account: '1' })).toThrow(/\$\{day\}/);
});
