/** Topic policies of the alert topic (security account) and the billing topic (management account). */
import type { OrgConfig } from '../../config';
import { accountRootArn, alertTopicArn, billingTopicArn } from '../../shared/addresses';
import type { PolicyStatement } from '../document';
import type { AuditedPolicy } from '../scp/audited';

/** Services that publish alerts, and the accounts they may publish for. */
export function alertPublishers(config: OrgConfig): Array<{ sid: string; service: string; accounts: string[] }> {
  const security = config.accounts.security.id;
  const management = config.accounts.management.id;
  return [
    { sid: 'EventBridgeRules', service: 'events.amazonaws.com', accounts: [security] },
    { sid: 'CloudWatchAlarms', service: 'cloudwatch.amazonaws.com', accounts: [security, management] },
    { sid: 'Budgets', service: 'budgets.amazonaws.com', accounts: [security, management] },
    { sid: 'CostAnomalyDetection', service: 'costalerts.amazonaws.com', accounts: [security, management] },
  ];
}

function publisher(topic: string, sid: string, service: string, accounts: string | string[]): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: 'sns:Publish', Resource: topic, Condition: { StringEquals: { 'aws:SourceAccount': accounts } } };
}

/**
 * Alert topic policy: the owner administers; each publishing service may publish only on behalf
 * of the listed accounts (`aws:SourceAccount` stops another customer's rule from using our topic).
 */
export function alertTopicPolicy(config: OrgConfig): AuditedPolicy {
  const topic = alertTopicArn(config);
  return {
    name: 'security-alert-topic',
    description: 'Alert topic: EventBridge, CloudWatch, Budgets and Cost Anomaly Detection publish for our accounts only.',
    explanation: `The security account administers and subscribes to the topic. EventBridge rules may publish
only on behalf of the security account (GuardDuty findings, the break-glass alarm); CloudWatch
alarms, Budgets and Cost Anomaly Detection on behalf of the security or management account
(aws:SourceAccount), so another customer's rule or alarm cannot page us or flood the topic.
Publishing without TLS is denied.`,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OwnerAdministers',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn(config.accounts.security.id) },
          Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission', 'sns:DeleteTopic', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish'],
          Resource: topic,
        },
        ...alertPublishers(config).map((p) => publisher(topic, p.sid, p.service, p.accounts)),
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topic,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  };
}

/** Billing topic policy: the management account's CloudWatch, Budgets and Cost Anomaly Detection publish. */
export function billingTopicPolicy(config: OrgConfig): AuditedPolicy {
  const topic = billingTopicArn(config);
  const management = config.accounts.management.id;
  return {
    name: 'management-billing-topic',
    description: 'Billing topic (us-east-1): the management account\'s billing alarms, budget and anomaly monitor publish.',
    explanation: `The management account administers and subscribes to the topic. CloudWatch (the
EstimatedCharges alarms), Budgets and Cost Anomaly Detection may publish only on behalf of the
management account (aws:SourceAccount).`,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OwnerAdministers',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn(management) },
          Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:DeleteTopic', 'sns:Publish'],
          Resource: topic,
        },
        publisher(topic, 'CloudWatchAlarms', 'cloudwatch.amazonaws.com', management),
        publisher(topic, 'Budgets', 'budgets.amazonaws.com', management),
        publisher(topic, 'CostAnomalyDetection', 'costalerts.amazonaws.com', management),
      ],
    },
  };
}
