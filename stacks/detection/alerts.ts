/**
 * `security-alerts`: the central alert topic (security account, home region) and its
 * subscribers. Everything that pages lands here: GuardDuty findings, the break-glass alarm,
 * and the alarms of other stacks in the security account.
 */
import type { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { OrgConfig } from '../../config';
import { policyJson, type PolicyDocument } from '../../policies/document';
import { ALERT_TOPIC_NAME } from '../../shared/names';
import { AccountStack, type TargetAccount } from '../account-stack';
import { alertTopicArn } from '../../shared/addresses';

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

/**
 * Topic policy: the owner administers; each publishing service may publish only on behalf of
 * the listed accounts (`aws:SourceAccount` stops another customer's rule from using our topic).
 */
export function alertTopicPolicy(config: OrgConfig, topicArn: string = alertTopicArn(config)): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OwnerAdministers',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${topicArn.split(':')[4]}:root` },
        Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission', 'sns:DeleteTopic', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish'],
        Resource: topicArn,
      },
      ...alertPublishers(config).map((p) => ({
        Sid: p.sid,
        Effect: 'Allow' as const,
        Principal: { Service: p.service },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { StringEquals: { 'aws:SourceAccount': p.accounts } },
      })),
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

/** Subscribe `contacts.alertEmails` and the optional pager endpoint to a topic. */
export function subscribeContacts(scope: Construct, config: OrgConfig, topic: SnsTopic, region?: string): void {
  config.contacts.alertEmails.forEach((email, i) => {
    new SnsTopicSubscription(scope, `email-${i}`, { region, topicArn: topic.arn, protocol: 'email', endpoint: email });
  });
  if (config.contacts.pagerUrl) {
    new SnsTopicSubscription(scope, 'pager', { region, topicArn: topic.arn, protocol: 'https', endpoint: config.contacts.pagerUrl, endpointAutoConfirms: false });
  }
}

/** `security-alerts`: ALERT_TOPIC_NAME with its policy and subscribers. */
export class SecurityAlertsStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly security: TargetAccount }) {
    super(scope, { config: props.config, account: props.security, concern: 'alerts' });
    const topic = new SnsTopic(this, 'alert-topic', { name: ALERT_TOPIC_NAME, displayName: 'IR guardrails alerts' });
    new SnsTopicPolicy(this, 'alert-topic-policy', { arn: topic.arn, policy: policyJson(alertTopicPolicy(props.config)) });
    subscribeContacts(this, props.config, topic);
  }
}
