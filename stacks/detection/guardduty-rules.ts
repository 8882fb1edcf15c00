/**
 * Which GuardDuty findings page, and how a finding in any region reaches the alert topic.
 *
 * EventBridge rules are regional and can target another region only through an event bus, not
 * an SNS topic. So the rule in the home region publishes to the topic, and the rule in every
 * other region forwards to the home region's default bus (with a role), where the home rule
 * picks the finding up. GuardDuty sends member findings to the administrator's buses, so the
 * security account's rules see the whole organization.
 */
import type { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { OrgConfig } from '../../config';
import { DETECTION, homeFindingsBusArn, homeRegion } from '../../shared/addresses';

/** Finding types that mean mining, whatever their severity (EC2, runtime, Lambda, ECS...). */
export const CRYPTO_FINDING_PREFIX = 'CryptoCurrency:';
/** Mining indicators GuardDuty files under Impact. */
export const CRYPTO_IMPACT_FINDINGS = ['Impact:EC2/BitcoinDomainRequest.Reputation', 'Impact:Runtime/CryptoMinerExecuted'] as const;
/** GuardDuty's high band starts at 7.0. */
export const HIGH_SEVERITY = 7;

/** The event pattern: any crypto finding, or any high-severity finding about an EC2 instance. */
export function findingsEventPattern(): Record<string, unknown> {
  return {
    source: ['aws.guardduty'],
    'detail-type': ['GuardDuty Finding'],
    detail: {
      $or: [
        { type: [{ prefix: CRYPTO_FINDING_PREFIX }, ...CRYPTO_IMPACT_FINDINGS] },
        { resource: { resourceType: ['Instance'] }, severity: [{ numeric: ['>=', HIGH_SEVERITY] }] },
      ],
    },
  };
}

/** The page text the home rule sends to the topic. */
export function findingMessageTemplate(): string {
  return JSON.stringify(
    'GuardDuty <severity> <type> in account <account> (<region>): <title>. Resource <resourceType> <instance>. Finding <id>.',
  );
}

/** One region's findings rule and its target (`alertTopic` in the home region, home bus elsewhere). */
export function findingsRule(scope: Construct, config: OrgConfig, region: string, forwarder: IamRole, alertTopic: string): CloudwatchEventRule {
  const home = region === homeRegion(config);
  const rule = new CloudwatchEventRule(scope, `findings-rule-${region}`, {
    region,
    name: DETECTION.findingsRule,
    description: home ? 'Crypto and high-severity EC2 GuardDuty findings of every region page the alert topic' : `Forward crypto and high-severity EC2 GuardDuty findings to ${homeRegion(config)}`,
    eventPattern: JSON.stringify(findingsEventPattern()),
  });
  if (home) {
    new CloudwatchEventTarget(scope, `findings-target-${region}`, {
      region,
      rule: rule.name,
      targetId: 'alert-topic',
      arn: alertTopic,
      inputTransformer: {
        inputPaths: {
          severity: '$.detail.severity',
          type: '$.detail.type',
          account: '$.detail.accountId',
          region: '$.region',
          title: '$.detail.title',
          resourceType: '$.detail.resource.resourceType',
          instance: '$.detail.resource.instanceDetails.instanceId',
          id: '$.detail.id',
        },
        inputTemplate: findingMessageTemplate(),
      },
    });
  } else {
    new CloudwatchEventTarget(scope, `findings-target-${region}`, {
      region,
      rule: rule.name,
      targetId: 'home-bus',
      arn: homeFindingsBusArn(config),
      roleArn: forwarder.arn,
    });
  }
  return rule;
}
