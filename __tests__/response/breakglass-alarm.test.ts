/**
 * Break-glass alarm: rules in every account and region forward AssumeRole of SecurityBreakGlass
 * to the security bus, which pages the alert topic. The event pattern is evaluated by a live
 * EventBridge emulator (moto TestEventPattern) against CloudTrail-shaped events.
 */
import {
  BreakGlassAlarmStack,
  BreakGlassBusStack,
  RULE_STATE_WITH_READ_ONLY_EVENTS,
  breakGlassEventPattern,
  breakGlassForwarderTemplate,
  breakGlassMessageTemplate,
} from '../../stacks/response/breakglass-alarm';
import { breakGlassBusArn } from '../../shared/addresses';
import { breakGlassAlarmRegions } from '../../stacks/response/names';
import { MOTO_CREDENTIALS, workerMoto, type MotoServer } from '../support/moto';
import { dependencies, exampleConfig, resources, synthJson, testApp, unescapeTerraform, type Json } from './fixtures';

const BUS_ARN = 'arn:aws:events:us-east-1:222222222222:event-bus/ir-breakglass-events';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:222222222222:ir-guardrails-alerts';
const management = { name: 'management', id: '111111111111' };
const security = { name: 'security', id: '222222222222' };

/** An EventBridge event as CloudTrail delivers an STS call (trimmed to the fields that matter). */
function cloudTrailEvent(eventName: string, roleArn: string, region = 'eu-north-1') {
  return {
    version: '0',
    id: '6f1b8c1e-0000-4000-8000-000000000001',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.sts',
    account: '555555555555',
    time: '2026-11-23T12:00:00Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::222222222222:assumed-role/Responders/alice' },
      eventTime: '2026-11-23T12:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.7',
      requestParameters: { roleArn, roleSessionName: 'case-42' },
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
    },
  };
}

describe('event pattern, evaluated by EventBridge (moto)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await workerMoto();
  });
  
  /** One AWS JSON-protocol call to moto (no SDK client for EventBridge or SQS in this repo). */
  async function call(service: 'events' | 'sqs', target: string, body: unknown): Promise<Json> {
    const res = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': service === 'sqs' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
        'X-Amz-Target': target,
        Authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20261123/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${target}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }

  // moto's TestEventPattern is a stub, so route for real: rule with the pattern → SQS queue,
  // PutEvents the CloudTrail-shaped event, and see whether it arrives.
  let n = 0;
  async function matches(event: { source: string; 'detail-type': string; detail: unknown }): Promise<boolean> {
    const name = `breakglass-case-${++n}`;
    const { QueueUrl } = await call('sqs', 'AmazonSQS.CreateQueue', { QueueName: name });
    await call('events', 'AWSEvents.PutRule', { Name: name, EventPattern: JSON.stringify(breakGlassEventPattern()), State: 'ENABLED' });
    await call('events', 'AWSEvents.PutTargets', { Rule: name, Targets: [{ Id: 'q', Arn: `arn:aws:sqs:us-east-1:123456789012:${name}` }] });
    const put = await call('events', 'AWSEvents.PutEvents', {
      Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), Resources: [] }],
    });
    expect(put.FailedEntryCount).toBe(0);
    const received = await call('sqs', 'AmazonSQS.ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
    await call('events', 'AWSEvents.RemoveTargets', { Rule: name, Ids: ['q'] });
    await call('events', 'AWSEvents.DeleteRule', { Name: name });
    return (received.Messages ?? []).length > 0;
  }

  it.each([
    { name: 'AssumeRole of SecurityBreakGlass (ARN with the IR path)', event: cloudTrailEvent('AssumeRole', 'arn:aws:iam::555555555555:role/incident-response/SecurityBreakGlass'), expected: true },
    { name: 'AssumeRole with the ARN spelled without the path', event: cloudTrailEvent('AssumeRole', 'arn:aws:iam::555555555555:role/SecurityBreakGlass'), expected: true },
    { name: 'AssumeRole in the management account, another region', event: cloudTrailEvent('AssumeRole', 'arn:aws:iam::111111111111:role/incident-response/SecurityBreakGlass', 'ap-northeast-1'), expected: true },
    { name: 'AssumeRoleWithWebIdentity of SecurityBreakGlass (trust changed)', event: cloudTrailEvent('AssumeRoleWithWebIdentity', 'arn:aws:iam::555555555555:role/incident-response/SecurityBreakGlass'), expected: true },
    { name: 'AssumeRole of SecurityAnalyst', event: cloudTrailEvent('AssumeRole', 'arn:aws:iam::555555555555:role/incident-response/SecurityAnalyst'), expected: false },
    { name: 'AssumeRole of a role whose name only ends like it', event: cloudTrailEvent('AssumeRole', 'arn:aws:iam::555555555555:role/NotSecurityBreakGlass'), expected: false },
    { name: 'GetCallerIdentity', event: cloudTrailEvent('GetCallerIdentity', 'arn:aws:iam::555555555555:role/incident-response/SecurityBreakGlass'), expected: false },
  ])('$name → $expected', async ({ event, expected }) => {
    expect(await matches(event)).toBe(expected);
  });
});

describe('member-account template', () => {
  const template = breakGlassForwarderTemplate(exampleConfig(), breakGlassBusArn(exampleConfig()));

  it('matches read-only management events (AssumeRole is one) and forwards to the security bus with a role', () => {
    const rule = template.Resources.BreakGlassRule;
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(rule.Properties.State).toBe(RULE_STATE_WITH_READ_ONLY_EVENTS);
    expect(rule.Properties.EventPattern).toEqual(breakGlassEventPattern());
    expect(rule.Properties.Targets).toEqual([{ Id: 'security-bus', Arn: BUS_ARN, RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] } }]);
  });

  it('names the forwarding role per region (IAM names are global) and lets it put events on the bus only', () => {
    const role = template.Resources.ForwarderRole.Properties as Json;
    expect(role.RoleName).toEqual({ 'Fn::Join': ['-', ['ir-breakglass-forwarder', { Ref: 'AWS::Region' }]] });
    expect(role.AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN }]);
  });
});

describe('alarm regions', () => {
  it.each([
    { name: 'example org', edit: (_: Json) => undefined, includes: ['us-east-1', 'eu-north-1', 'sa-east-1', 'ap-northeast-3'], excludes: ['af-south-1', 'me-central-1', 'ap-east-1'] },
    {
      name: 'an allowed opt-in region is watched too',
      edit: (raw: Json) => raw.regions.allowed.push('eu-south-1'),
      includes: ['eu-south-1'],
      excludes: ['eu-south-2'],
    },
    { name: 'a narrow detection list does not narrow the alarm', edit: (raw: Json) => (raw.regions.detection = ['us-east-1', 'us-west-2', 'eu-west-1']), includes: ['eu-central-1', 'ca-central-1'], excludes: [] },
  ])('$name', ({ edit, includes, excludes }) => {
    const regions = breakGlassAlarmRegions(exampleConfig(edit));
    for (const r of includes) expect(regions).toContain(r);
    for (const r of excludes) expect(regions).not.toContain(r);
  });
});

describe('management-breakglass-alarm', () => {
  const config = exampleConfig();
  const regions = breakGlassAlarmRegions(config);
  const app = testApp();
  const json = synthJson(new BreakGlassAlarmStack(app, { config, management, bus: dependencies.bus(app, config) }));

  it('runs the member StackSet SERVICE_MANAGED with auto-deployment, to every target OU in every alarm region', () => {
    const [[, stackSet]] = resources(json, 'aws_cloudformation_stack_set');
    expect(stackSet).toMatchObject({ permission_model: 'SERVICE_MANAGED', auto_deployment: { enabled: true, retain_stacks_on_account_removal: false }, call_as: 'SELF' });
    expect(JSON.parse(unescapeTerraform(stackSet.template_body))).toEqual(breakGlassForwarderTemplate(config, breakGlassBusArn(config)));
    const instances = resources(json, 'aws_cloudformation_stack_instances').map(([, i]) => i);
    expect(instances.flatMap((i) => i.deployment_targets.organizational_unit_ids).sort()).toEqual(['ou-ex12-dev00001', 'ou-ex12-forensic', 'ou-ex12-prod0001', 'ou-ex12-security']);
    for (const i of instances) expect(i.regions).toEqual(regions);
  });

  it('gives the management account (outside every StackSet) a rule per alarm region, forwarding to the bus', () => {
    const rules = resources(json, 'aws_cloudwatch_event_rule').map(([, r]) => r);
    expect(rules.map((r) => r.region).sort()).toEqual([...regions].sort());
    for (const r of rules) {
      expect(r.state).toBe(RULE_STATE_WITH_READ_ONLY_EVENTS);
      expect(JSON.parse(r.event_pattern)).toEqual(breakGlassEventPattern());
    }
    const targets = resources(json, 'aws_cloudwatch_event_target').map(([, t]) => t);
    expect(targets).toHaveLength(regions.length);
    for (const t of targets) {
      expect(t.arn).toBe(BUS_ARN);
      expect(t.role_arn).toMatch(/^\$\{aws_iam_role\./);
    }
    const [[, role]] = resources(json, 'aws_iam_role');
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111111111111' } });
  });
});

describe('security-breakglass-alarm', () => {
  const config = exampleConfig();
  const app = testApp();
  const json = synthJson(new BreakGlassBusStack(app, { config, security, alerts: dependencies.alerts(app, config) }));

  it('lives in the security account, home region', () => {
    expect(json.provider.aws[0]).toMatchObject({ allowed_account_ids: ['222222222222'], region: 'us-east-1' });
  });

  it('opens its bus to PutEvents from the organization only', () => {
    const [[, bus]] = resources(json, 'aws_cloudwatch_event_bus');
    expect(bus.name).toBe('ir-breakglass-events');
    const [[, busPolicy]] = resources(json, 'aws_cloudwatch_event_bus_policy');
    expect(JSON.parse(busPolicy.policy).Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } } }),
    ]);
  });

  it('pages the alert topic (ARN derived from the config) with a readable message', () => {
    const [[, rule]] = resources(json, 'aws_cloudwatch_event_rule');
    expect(rule.event_bus_name).toMatch(/aws_cloudwatch_event_bus\./);
    expect(JSON.parse(rule.event_pattern)).toEqual(breakGlassEventPattern());
    const [[, target]] = resources(json, 'aws_cloudwatch_event_target');
    expect(target.arn).toBe(TOPIC_ARN);
    const template = target.input_transformer.input_template as string;
    const filled = template.replace(/<(\w+)>/g, (_, name: string) => `value-of-${name}`);
    const message = JSON.parse(filled) as string;
    for (const name of Object.keys(target.input_transformer.input_paths)) expect(message).toContain(`value-of-${name}`);
    expect(template).toBe(breakGlassMessageTemplate());
  });
});
