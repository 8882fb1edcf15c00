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
import { alertTopicPolicy } from '../../policies/resource/topics';
import { alertTopicArn } from '../../shared/addresses';
import { ALERT_TOPIC_NAME } from '../../shared/names';
import { AccountStack, type TargetAccount } from '../account-stack';
import { terraformPolicy } from '../plumbing/terraform-literal';

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
    new SnsTopicPolicy(this, 'alert-topic-policy', { arn: topic.arn, policy: terraformPolicy(alertTopicPolicy(props.config).document) });
    subscribeContacts(this, props.config, topic);
  }

  /** ARN of the alert topic, for `consumer` to publish to (the consumer deploys after this stack). */
  topicArn(consumer: AccountStack): string {
    return this.provide(consumer, alertTopicArn(this.config));
  }
}
