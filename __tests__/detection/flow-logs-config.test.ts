/**
 * Flow Logs per workload VPC, the organization Config rules and the recorders they need.
 */
import { FLOW_LOG_FIELDS } from '../../stacks/plumbing/flow-log-format';
import { CONFIG_ROLE_POLICY } from '../../stacks/detection/config-recorders';
import { DETECTION, logArchiveBucketArn, logArchiveBucketName } from '../../shared/addresses';
import { exampleConfig, exampleWith, parsePolicy, resourcesOf, stackOf, synthDetection, type Tf } from './support/detection';

/** Every field Flow Logs added through version 5 (AWS's field list), in Tf order. */
const V5_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status',
  'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr',
  'region', 'az-id', 'sublocation-type', 'sublocation-id',
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path',
];

describe('flow logs', () => {
  // payments-prod keeps two VPCs, one opting out; analytics-dev opts out entirely.
  const config = exampleWith((raw) => {
    raw.accounts.workloads[0].vpcs[1].flowLogs = false;
    raw.accounts.workloads[1].vpcs[0].flowLogs = false;
  });
  const { stacks } = synthDetection(config);

  test('one stack per workload account with a flow-logged VPC, none for the others', () => {
    expect([...stacks.keys()].filter((id) => id.endsWith('-flow-logs'))).toEqual(['payments-prod-flow-logs']);
  });

  test('a flow log only for VPCs with flowLogs true, in the VPC region, under the account provider', () => {
    const stack = stackOf(stacks, 'payments-prod-flow-logs');
    const logs = resourcesOf(stack, 'aws_flow_log').map(([, l]) => l);
    expect(logs.map((l) => [l.vpc_id, l.region])).toEqual([['vpc-0a1b2c3d4e5f60001', 'us-east-1']]);
    expect(stack.provider.aws).toHaveLength(1);
    expect(stack.provider.aws[0].allowed_account_ids).toEqual(['555555555555']);
  });

  test('every VPC of the example org is logged', () => {
    const example = synthDetection(exampleConfig()).stacks;
    const vpcs = ['payments-prod-flow-logs', 'analytics-dev-flow-logs'].flatMap((id) => resourcesOf(stackOf(example, id), 'aws_flow_log').map(([, l]) => l.vpc_id));
    expect(vpcs.sort()).toEqual(['vpc-0a1b2c3d4e5f60001', 'vpc-0a1b2c3d4e5f60002', 'vpc-0a1b2c3d4e5f60003']);
  });

  test('S3 in the log archive, all traffic, 60 s aggregation, custom v5 format escaped for Terraform', () => {
    const [[, log]] = resourcesOf(stackOf(stacks, 'payments-prod-flow-logs'), 'aws_flow_log') as [[string, Tf]];
    expect(log).toMatchObject({
      log_destination_type: 's3',
      log_destination: logArchiveBucketArn(config, 'flow-logs'),
      traffic_type: 'ALL',
      max_aggregation_interval: 60,
      destination_options: { file_format: 'plain-text', hive_compatible_partitions: false, per_hour_partition: false },
    });
    const fields = (log.log_format as string).split(' ');
    for (const f of fields) expect(f).toMatch(/^\$\$\{[a-z0-9-]+\}$/);
    const names = fields.map((f) => f.slice(3, -1));
    expect([...names].sort()).toEqual([...V5_FIELDS].sort());
    // The Athena table reads columns by position: same order as the format.
    expect(FLOW_LOG_FIELDS.map((f) => f.field)).toEqual(names);
  });

  test('the flow-logs bucket admits log delivery for exactly the flow-logged accounts', () => {
    const archive = stackOf(stacks, 'log-archive-detection');
    const [, policy] = resourcesOf(archive, 'aws_s3_bucket_policy').find(([id]) => id.startsWith('flow-logs_'))!;
    const write = parsePolicy(policy.policy).Statement.find((s: Tf) => s.Sid === 'FlowLogsWrites');
    expect(write.Principal).toEqual({ Service: 'delivery.logs.amazonaws.com' });
    expect(write.Condition.StringEquals['aws:SourceAccount']).toEqual(['555555555555']);
  });
});

describe('organization Config rules and recorders', () => {
  const config = exampleConfig();
  const { stacks } = synthDetection(config);
  const rules = resourcesOf(stackOf(stacks, 'security-config-rules'), 'aws_config_organization_managed_rule').map(([, r]) => r);

  test.each([
    ['EC2_IMDSV2_CHECK', DETECTION.imdsv2Rule],
    ['VPC_FLOW_LOGS_ENABLED', DETECTION.flowLogsRule],
  ])('%s in every allowed region and no other', (identifier, name) => {
    const found = rules.filter((r) => r.rule_identifier === identifier);
    expect(found.map((r) => r.region).sort()).toEqual([...config.regions.allowed].sort());
    for (const r of found) expect(r.name).toBe(name);
  });

  test('IMDSv2 check is triggered by instance changes; the VPC check runs daily', () => {
    expect(rules.find((r) => r.rule_identifier === 'EC2_IMDSV2_CHECK').resource_types_scope).toEqual(['AWS::EC2::Instance']);
    expect(rules.find((r) => r.rule_identifier === 'VPC_FLOW_LOGS_ENABLED').maximum_execution_frequency).toBe('TwentyFour_Hours');
  });

  const recorders = stackOf(stacks, 'management-config-recorders');

  test('member recorders: a service-managed, auto-deploying StackSet aimed at the root, in every allowed region', () => {
    const [[, set]] = resourcesOf(recorders, 'aws_cloudformation_stack_set') as [[string, Tf]];
    expect(set).toMatchObject({ name: DETECTION.configRecorderStackSet, permission_model: 'SERVICE_MANAGED', auto_deployment: { enabled: true } });
    const instances = resourcesOf(recorders, 'aws_cloudformation_stack_instances').map(([, i]) => i);
    expect(instances).toHaveLength(1);
    expect(instances[0].deployment_targets.organizational_unit_ids).toEqual([config.organization.rootId]);
    expect([...instances[0].regions].sort()).toEqual([...config.regions.allowed].sort());
  });

  test('the recorder template records everything and delivers to the log archive Config bucket', () => {
    const [[, set]] = resourcesOf(recorders, 'aws_cloudformation_stack_set') as [[string, Tf]];
    const template = JSON.parse((set.template_body as string).replace(/\$\$\{/g, '${'));
    const { RecorderRole, Recorder, DeliveryChannel } = template.Resources;
    expect(Recorder.Type).toBe('AWS::Config::ConfigurationRecorder');
    expect(Recorder.Properties.RecordingGroup.AllSupported).toBe(true);
    expect(Recorder.Properties.RoleARN).toEqual({ 'Fn::GetAtt': ['RecorderRole', 'Arn'] });
    expect(RecorderRole.Properties.ManagedPolicyArns).toEqual([CONFIG_ROLE_POLICY]);
    expect(DeliveryChannel.Properties.S3BucketName).toBe(logArchiveBucketName(config, 'config'));
    expect(DeliveryChannel.DependsOn).toBe('Recorder');
  });

  test('the management account, which StackSets skip, records in every allowed region itself', () => {
    const regionsOf = (type: string) => resourcesOf(recorders, type).map(([, r]) => r.region).sort();
    const allowed = [...config.regions.allowed].sort();
    expect(regionsOf('aws_config_configuration_recorder')).toEqual(allowed);
    expect(regionsOf('aws_config_delivery_channel')).toEqual(allowed);
    for (const [, s] of resourcesOf(recorders, 'aws_config_configuration_recorder_status')) expect(s.is_enabled).toBe(true);
  });

  test('each management delivery channel waits for the role grant on the Config bucket it is checked against', () => {
    const [[policyId]] = resourcesOf(recorders, 'aws_iam_role_policy') as [[string, Tf]];
    for (const [, channel] of resourcesOf(recorders, 'aws_config_delivery_channel')) {
      expect(channel.depends_on).toContain(`aws_iam_role_policy.${policyId}`);
    }
  });
});
