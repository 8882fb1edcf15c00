/**
 * GuardDuty: detectors, organization configuration, delegation and finding rules in exactly
 * the detection regions, each through the account's single provider with `region` set.
 */
import { COMMERCIAL_REGIONS, isOptInRegion } from '../../config/regions';
import { GUARDDUTY_FEATURES } from '../../stacks/detection/guardduty';
import { findingsEventPattern } from '../../stacks/detection/guardduty-rules';
import { alertTopicArn, homeFindingsBusArn, logArchiveBucketArn } from '../../shared/addresses';
import { exampleConfig, exampleWith, parsePolicy, resourcesOf, stackOf, synthDetection, type StackJson, type Tf } from './support/detection';

const FEATURES = ['S3_DATA_EVENTS', 'EKS_AUDIT_LOGS', 'EBS_MALWARE_PROTECTION', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS', 'RUNTIME_MONITORING'];

const regionsOf = (stack: StackJson, type: string): string[] => resourcesOf(stack, type).map(([, r]) => r.region as string).sort();
const countBy = (items: string[]): Record<string, number> => items.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});

const CASES = [
  // `all` = every region enabled by default; the example allows no opt-in region.
  { name: 'example org (detection: all)', config: exampleConfig(), expected: COMMERCIAL_REGIONS.filter((r) => !isOptInRegion(r)) },
  {
    name: 'the allowed regions plus one opt-in',
    config: exampleWith((raw) => (raw.regions.detection = ['us-east-1', 'us-west-2', 'eu-west-1', 'af-south-1'])),
    expected: ['af-south-1', 'eu-west-1', 'us-east-1', 'us-west-2'],
  },
];

describe.each(CASES)('$name', ({ config, expected }) => {
  const { stacks } = synthDetection(config);
  const guardDuty = stackOf(stacks, 'security-guardduty');
  const org = stackOf(stacks, 'security-guardduty-org');
  const sorted = [...expected].sort();

  test.each([
    ['security-guardduty', 'aws_guardduty_detector'],
    ['security-guardduty', 'aws_guardduty_publishing_destination'],
    ['security-guardduty', 'aws_cloudwatch_event_rule'],
    ['security-guardduty', 'aws_cloudwatch_event_target'],
    ['security-guardduty-org', 'aws_guardduty_organization_configuration'],
    ['management-delegation', 'aws_guardduty_organization_admin_account'],
  ])('%s: one %s per detection region and no more', (stackId, type) => {
    expect(regionsOf(stackOf(stacks, stackId), type)).toEqual(sorted);
  });

  test.each(['security-guardduty', 'security-guardduty-org', 'management-delegation'])('%s has one provider, no aliases', (id) => {
    const providers = stackOf(stacks, id).provider.aws;
    expect(providers).toHaveLength(1);
    expect(providers[0].alias).toBeUndefined();
  });

  test('every detection region has every feature on the administrator detector and in the organization configuration', () => {
    for (const type of ['aws_guardduty_detector_feature', 'aws_guardduty_organization_configuration_feature']) {
      const stack = type.includes('organization') ? org : guardDuty;
      const features = resourcesOf(stack, type).map(([, f]) => `${f.region}/${f.name}`).sort();
      expect(features).toEqual(expected.flatMap((r) => FEATURES.map((f) => `${r}/${f}`)).sort());
    }
  });

  test('organization configuration auto-enables ALL members and every feature', () => {
    for (const [, c] of resourcesOf(org, 'aws_guardduty_organization_configuration')) {
      expect(c.auto_enable_organization_members).toBe('ALL');
      expect(c.auto_enable).toBeUndefined();
    }
    for (const [, f] of resourcesOf(org, 'aws_guardduty_organization_configuration_feature')) {
      expect(f.auto_enable).toBe('ALL');
      if (f.name === 'RUNTIME_MONITORING') expect(f.additional_configuration).toEqual([{ name: 'EC2_AGENT_MANAGEMENT', auto_enable: 'ALL' }]);
    }
  });

  test('exports go to the log-archive bucket with the log-archive key', () => {
    for (const [, d] of resourcesOf(guardDuty, 'aws_guardduty_publishing_destination')) {
      expect(d.destination_arn).toBe(logArchiveBucketArn(config, 'guardduty-findings'));
      expect(d.kms_key_arn).toMatch(/data\.aws_kms_key\.findings-key\.arn/);
    }
  });

  test('the home rule pages the alert topic; every other region forwards to the home bus with the forwarder role', () => {
    const home = config.organization.homeRegion;
    const targets = resourcesOf(guardDuty, 'aws_cloudwatch_event_target').map(([, t]) => t);
    const toTopic = targets.filter((t) => t.arn === alertTopicArn(config));
    expect(toTopic.map((t) => t.region)).toEqual([home]);
    expect(toTopic[0].input_transformer.input_template).toContain('<type>');
    const forwarded = targets.filter((t) => t.region !== home);
    expect(forwarded).toHaveLength(expected.length - 1);
    for (const t of forwarded) {
      expect(t.arn).toBe(homeFindingsBusArn(config));
      expect(t.role_arn).toMatch(/aws_iam_role\.findings-forwarder\.arn/);
    }
  });
});

test('the forwarder role may only put events on the home default bus, and only the security account rules assume it', () => {
  const config = exampleConfig();
  const guardDuty = stackOf(synthDetection(config).stacks, 'security-guardduty');
  const [[, role]] = resourcesOf(guardDuty, 'aws_iam_role') as [[string, Tf]];
  const trust = parsePolicy(role.assume_role_policy).Statement[0];
  expect(trust.Principal).toEqual({ Service: 'events.amazonaws.com' });
  expect(trust.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': config.accounts.security.id } });
  const [[, policy]] = resourcesOf(guardDuty, 'aws_iam_role_policy') as [[string, Tf]];
  expect(parsePolicy(policy.policy).Statement).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: homeFindingsBusArn(config) }]);
});

describe('findings event pattern', () => {
  const pattern = findingsEventPattern() as Tf;
  const [crypto, highEc2] = pattern.detail.$or;

  test('matches GuardDuty findings only', () => {
    expect(pattern.source).toEqual(['aws.guardduty']);
    expect(pattern['detail-type']).toEqual(['GuardDuty Finding']);
  });

  test.each(['CryptoCurrency:EC2/BitcoinTool.B', 'CryptoCurrency:EC2/BitcoinTool.B!DNS', 'CryptoCurrency:Runtime/BitcoinTool.B'])('crypto branch covers %s', (type) => {
    const covered = crypto.type.some((m: Tf) => (typeof m === 'string' ? m === type : type.startsWith(m.prefix)));
    expect(covered).toBe(true);
  });

  test('high-severity branch: EC2 instances from severity 7', () => {
    expect(highEc2).toEqual({ resource: { resourceType: ['Instance'] }, severity: [{ numeric: ['>=', 7] }] });
  });

  test('the synthesized rules carry exactly this pattern', () => {
    const guardDuty = stackOf(synthDetection(exampleWith((raw) => (raw.regions.detection = ['us-east-1', 'us-west-2', 'eu-west-1']))).stacks, 'security-guardduty');
    for (const [, rule] of resourcesOf(guardDuty, 'aws_cloudwatch_event_rule')) expect(JSON.parse(rule.event_pattern)).toEqual(pattern);
  });
});

test('features in code are the six protection plans, Runtime Monitoring with EC2 agent management', () => {
  expect(GUARDDUTY_FEATURES.map((f) => f.name)).toEqual(FEATURES);
  expect(GUARDDUTY_FEATURES.find((f) => f.name === 'RUNTIME_MONITORING')?.additional).toEqual(['EC2_AGENT_MANAGEMENT']);
});

test('Config administration is delegated to the security account', () => {
  const config = exampleConfig();
  const delegation = stackOf(synthDetection(config).stacks, 'management-delegation');
  const admins = resourcesOf(delegation, 'aws_organizations_delegated_administrator').map(([, a]) => a);
  expect(admins.map((a) => a.service_principal).sort()).toEqual(['config-multiaccountsetup.amazonaws.com', 'config.amazonaws.com']);
  for (const a of admins) expect(a.account_id).toBe(config.accounts.security.id);
  expect(countBy(regionsOf(delegation, 'aws_guardduty_organization_admin_account'))['us-east-1']).toBe(1);
});
