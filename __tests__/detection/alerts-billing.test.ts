/**
 * The alert topic, the billing alarms and the order the detection stacks deploy in.
 */
import { ALERT_TOPIC_NAME } from '../../shared/names';
import { BILLING_REGION, DETECTION, alertTopicArn, billingTopicArn } from '../../shared/addresses';
import { exampleConfig, exampleWith, parsePolicy, resourcesOf, stackOf, synthDetection, type Tf } from './support/detection';

describe('alert topic', () => {
  const config = exampleWith((raw) => {
    raw.contacts.alertEmails = ['a@example.com', 'b@example.com'];
    raw.contacts.pagerUrl = 'https://pager.example.com/hook';
  });
  const stack = stackOf(synthDetection(config).stacks, 'security-alerts');

  test('named ALERT_TOPIC_NAME in the security account, home region', () => {
    const [[, topic]] = resourcesOf(stack, 'aws_sns_topic') as [[string, Tf]];
    expect(topic.name).toBe(ALERT_TOPIC_NAME);
    expect(stack.provider.aws[0].region).toBe(config.organization.homeRegion);
    expect(stack.provider.aws[0].allowed_account_ids).toEqual([config.accounts.security.id]);
  });

  test('every alert email and the pager are subscribed', () => {
    const subs = resourcesOf(stack, 'aws_sns_topic_subscription').map(([, s]) => `${s.protocol}:${s.endpoint}`).sort();
    expect(subs).toEqual(['email:a@example.com', 'email:b@example.com', 'https:https://pager.example.com/hook']);
  });

  test.each([
    ['events.amazonaws.com', [config.accounts.security.id]],
    ['cloudwatch.amazonaws.com', [config.accounts.security.id, config.accounts.management.id]],
    ['budgets.amazonaws.com', [config.accounts.security.id, config.accounts.management.id]],
    ['costalerts.amazonaws.com', [config.accounts.security.id, config.accounts.management.id]],
  ])('the policy admits %s to publish for its accounts only', (service, accounts) => {
    const [[, policy]] = resourcesOf(stack, 'aws_sns_topic_policy') as [[string, Tf]];
    const statement = parsePolicy(policy.policy).Statement.find((s: Tf) => s.Principal?.Service === service);
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: alertTopicArn(config) });
    expect(statement.Condition.StringEquals['aws:SourceAccount']).toEqual(accounts);
  });

  test('no pager subscription without pagerUrl', () => {
    const plain = stackOf(synthDetection(exampleConfig()).stacks, 'security-alerts');
    expect(resourcesOf(plain, 'aws_sns_topic_subscription').map(([, s]) => s.protocol)).toEqual(['email']);
  });
});

describe('billing', () => {
  const config = exampleWith((raw) => (raw.billing = { totalMonthlyUsd: 900, ec2MonthlyUsd: 300, monthlyBudgetUsd: 1200, anomalyThresholdUsd: 42 }));
  const stack = stackOf(synthDetection(config).stacks, 'management-billing');
  const alarms = resourcesOf(stack, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);

  test('in the management account, us-east-1 (the only home of billing metrics)', () => {
    expect(stack.provider.aws[0].region).toBe(BILLING_REGION);
    expect(stack.provider.aws[0].allowed_account_ids).toEqual([config.accounts.management.id]);
  });

  test.each([
    ['total', 900, { Currency: 'USD' }],
    ['EC2', 300, { Currency: 'USD', ServiceName: 'AmazonEC2' }],
  ])('EstimatedCharges alarm (%s) at the configured threshold', (_, threshold, dimensions) => {
    const alarm = alarms.find((a) => a.threshold === threshold);
    expect(alarm).toMatchObject({ namespace: 'AWS/Billing', metric_name: 'EstimatedCharges', dimensions, comparison_operator: 'GreaterThanThreshold', period: 21600 });
    expect(alarm.alarm_actions).toEqual(['${aws_sns_topic.billing-topic.arn}']);
  });

  test('monthly budget with forecast alerts to the billing topic', () => {
    const [[, budget]] = resourcesOf(stack, 'aws_budgets_budget') as [[string, Tf]];
    expect(budget).toMatchObject({ budget_type: 'COST', limit_amount: '1200', limit_unit: 'USD', time_unit: 'MONTHLY' });
    const forecasts = budget.notification.filter((n: Tf) => n.notification_type === 'FORECASTED');
    expect(forecasts.map((n: Tf) => n.threshold)).toEqual([80, 100]);
    for (const n of budget.notification) expect(n.subscriber_sns_topic_arns).toEqual(['${aws_sns_topic.billing-topic.arn}']);
  });

  test('cost anomaly detection per service, immediate SNS alerts from the configured impact', () => {
    const [[, monitor]] = resourcesOf(stack, 'aws_ce_anomaly_monitor') as [[string, Tf]];
    expect(monitor).toMatchObject({ monitor_type: 'DIMENSIONAL', monitor_dimension: 'SERVICE' });
    const [[, sub]] = resourcesOf(stack, 'aws_ce_anomaly_subscription') as [[string, Tf]];
    expect(sub.frequency).toBe('IMMEDIATE');
    expect(sub.subscriber).toEqual([{ type: 'SNS', address: '${aws_sns_topic.billing-topic.arn}' }]);
    expect(sub.threshold_expression.dimension).toEqual({ key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', match_options: ['GREATER_THAN_OR_EQUAL'], values: ['42'] });
  });

  test('the billing topic pages the alert subscribers and admits the management account billing services', () => {
    const [[, topic]] = resourcesOf(stack, 'aws_sns_topic') as [[string, Tf]];
    expect(topic.name).toBe(DETECTION.billingTopic);
    expect(resourcesOf(stack, 'aws_sns_topic_subscription').map(([, s]) => s.endpoint)).toEqual(config.contacts.alertEmails);
    const [[, policy]] = resourcesOf(stack, 'aws_sns_topic_policy') as [[string, Tf]];
    const publishers = parsePolicy(policy.policy).Statement.filter((s: Tf) => s.Principal?.Service);
    expect(publishers.map((s: Tf) => s.Principal.Service).sort()).toEqual(['budgets.amazonaws.com', 'cloudwatch.amazonaws.com', 'costalerts.amazonaws.com']);
    for (const s of publishers) {
      expect(s.Resource).toBe(billingTopicArn(config));
      expect(s.Condition.StringEquals['aws:SourceAccount']).toBe(config.accounts.management.id);
    }
  });
});

test('deployment order: archive first, detectors before delegation before the organization settings', () => {
  const { dependencies } = synthDetection(exampleConfig());
  const deps = (id: string) => dependencies.get(id) ?? [];
  expect(deps('security-guardduty')).toEqual(expect.arrayContaining(['log-archive-detection', 'security-alerts']));
  expect(deps('management-delegation')).toEqual(['security-guardduty']);
  expect(deps('security-guardduty-org')).toEqual(['management-delegation']);
  expect(deps('management-trail')).toEqual(['log-archive-detection']);
  expect(deps('security-athena')).toEqual(['log-archive-detection']);
  expect(deps('payments-prod-flow-logs')).toEqual(['log-archive-detection']);
  expect(deps('security-config-rules')).toEqual(expect.arrayContaining(['management-delegation', 'management-config-recorders']));
});

test('every stack: one unaliased provider for its account; no remote state, no cross-stack outputs', () => {
  for (const [id, stack] of synthDetection(exampleConfig()).stacks) {
    expect({ id, providers: stack.provider.aws.length, alias: stack.provider.aws[0].alias }).toEqual({ id, providers: 1, alias: undefined });
    expect({ id, remote: stack.data?.terraform_remote_state }).toEqual({ id, remote: undefined });
    expect({ id, outputs: stack.output }).toEqual({ id, outputs: undefined });
  }
});
