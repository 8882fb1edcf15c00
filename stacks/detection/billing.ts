/**
 * `management-billing` (us-east-1): spend alarms for the bill a miner runs up. EstimatedCharges
 * alarms (total and EC2), a monthly budget with forecast alerts and Cost Anomaly Detection.
 *
 * They publish to a billing topic here, not to the alert topic: billing metrics exist only in
 * the management account and in us-east-1, a CloudWatch alarm notifies only a topic in its own
 * region, and the home region may be elsewhere. The billing topic has the alert topic's
 * subscribers (SNS cannot subscribe one topic to another), so the same people are paged.
 * Prerequisite: "Receive Billing Alerts" on in the management account, or EstimatedCharges is
 * never published and the alarms stay INSUFFICIENT_DATA.
 */
import type { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { CeAnomalyMonitor } from '@cdktf/provider-aws/lib/ce-anomaly-monitor';
import { CeAnomalySubscription } from '@cdktf/provider-aws/lib/ce-anomaly-subscription';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import type { OrgConfig } from '../../config';
import { billingTopicPolicy } from '../../policies/resource/topics';
import { AccountStack, type TargetAccount } from '../account-stack';
import { subscribeContacts } from './alerts';
import { BILLING_REGION, DETECTION } from '../../shared/addresses';
import { terraformPolicy } from '../plumbing/terraform-literal';

/** EstimatedCharges is published about every 6 hours; a shorter period only sees gaps. */
export const BILLING_PERIOD_SECONDS = 21600;
/** Forecast percentages of the budget that alert, plus the actual 100 %. */
export const BUDGET_FORECAST_PERCENTS = [80, 100] as const;

/** `management-billing`: topic, two EstimatedCharges alarms, budget, anomaly monitor. */
export class ManagementBillingStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly management: TargetAccount }) {
    super(scope, { config: props.config, account: props.management, concern: 'billing', region: BILLING_REGION });
    const config = props.config;
    const billing = config.billing;
    const topic = new SnsTopic(this, 'billing-topic', { name: DETECTION.billingTopic, displayName: 'IR guardrails billing alerts' });
    // Budgets and Cost Explorer check they may publish when the notification is created.
    const topicPolicy = new SnsTopicPolicy(this, 'billing-topic-policy', { arn: topic.arn, policy: terraformPolicy(billingTopicPolicy(config).document) });
    subscribeContacts(this, config, topic);

    const alarm = (id: string, description: string, threshold: number, dimensions: Record<string, string>) =>
      new CloudwatchMetricAlarm(this, id, {
        alarmName: `ir-${id}`,
        alarmDescription: description,
        namespace: 'AWS/Billing',
        metricName: 'EstimatedCharges',
        dimensions: { Currency: 'USD', ...dimensions },
        statistic: 'Maximum',
        period: BILLING_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold,
        comparisonOperator: 'GreaterThanThreshold',
        // No data is normal early in the month and before billing alerts are on; stay quiet.
        treatMissingData: 'notBreaching',
        alarmActions: [topic.arn],
      });
    alarm('estimated-charges-total', `Month-to-date charges above ${billing.totalMonthlyUsd} USD`, billing.totalMonthlyUsd, {});
    alarm('estimated-charges-ec2', `Month-to-date EC2 charges above ${billing.ec2MonthlyUsd} USD: check for mining`, billing.ec2MonthlyUsd, { ServiceName: 'AmazonEC2' });

    new BudgetsBudget(this, 'monthly-budget', {
      name: 'ir-monthly-cost',
      budgetType: 'COST',
      limitAmount: String(billing.monthlyBudgetUsd),
      limitUnit: 'USD',
      timeUnit: 'MONTHLY',
      notification: [
        ...BUDGET_FORECAST_PERCENTS.map((threshold) => ({
          comparisonOperator: 'GREATER_THAN',
          threshold,
          thresholdType: 'PERCENTAGE',
          notificationType: 'FORECASTED',
          subscriberSnsTopicArns: [topic.arn],
        })),
        { comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE', notificationType: 'ACTUAL', subscriberSnsTopicArns: [topic.arn] },
      ],
      dependsOn: [topicPolicy],
    });

    // The per-service monitor evaluates EC2 on its own; Cost Explorer allows one such monitor per account
    // and no custom monitor by service, so an existing one must be imported instead of created.
    const monitor = new CeAnomalyMonitor(this, 'service-monitor', { name: 'ir-service-spend', monitorType: 'DIMENSIONAL', monitorDimension: 'SERVICE' });
    new CeAnomalySubscription(this, 'anomaly-subscription', {
      name: 'ir-spend-anomalies',
      // IMMEDIATE is allowed only with an SNS subscriber, and is what a miner's hourly burn needs.
      frequency: 'IMMEDIATE',
      monitorArnList: [monitor.arn],
      subscriber: [{ type: 'SNS', address: topic.arn }],
      thresholdExpression: {
        dimension: { key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', matchOptions: ['GREATER_THAN_OR_EQUAL'], values: [String(billing.anomalyThresholdUsd)] },
      },
      dependsOn: [topicPolicy],
    });
  }
}
