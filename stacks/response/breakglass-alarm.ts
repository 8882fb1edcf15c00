/**
 * Break-glass alarm: every assumption of SecurityBreakGlass, in any account and region, pages
 * the alert topic.
 *
 * Routing: an EventBridge rule on each account's default bus in each region (the AssumeRole
 * event lands where the STS endpoint was), forwarding to one bus in the security account's
 * home region, whose rule publishes a readable message to the alert topic. Member accounts get
 * their rules from a service-managed StackSet (accounts created later included); the management
 * account, which StackSets never reach, from Terraform directly.
 *
 * Latency: CloudTrail hands management events to EventBridge best-effort, typically within
 * seconds to a couple of minutes; forwarding and SNS add seconds. The org trail's files (S3,
 * or a CloudWatch Logs metric filter on them) arrive about every five minutes, and an org
 * trail does not centralise EventBridge delivery: each account's events reach only that
 * account's own buses, which is why the rules live in every account.
 * Prerequisite: EventBridge gets `AWS API Call via CloudTrail` events only where a trail logs
 * management events, read-only ones included (AssumeRole is read-only): the org trail.
 */
import type { Construct } from 'constructs';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { OrgConfig } from '../../config';
import { breakGlassBusPolicy } from '../../policies/resource/buses';
import { breakGlassForwarderPolicy } from '../../policies/roles/service-roles';
import { breakGlassForwarderTrust } from '../../policies/trust/service-roles';
import { IR_ROLES, MANAGED_BY, TAGS } from '../../shared/names';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { SecurityAlertsStack } from '../detection/alerts';
import { BREAK_GLASS_ROLE_SUFFIX, RESPONSE, breakGlassBusArn } from '../../shared/addresses';
import { breakGlassAlarmRegions, stackSetTargetOus } from './names';
import { membersAndManagement, type CfnTemplate } from '../plumbing/org-stack-set';
import { terraformPolicy } from '../plumbing/terraform-literal';

/**
 * AssumeRole is a read-only management event: a rule in plain ENABLED state never sees it.
 * This state is what makes EventBridge match read-only CloudTrail events as well.
 */
export const RULE_STATE_WITH_READ_ONLY_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** The event pattern every break-glass rule uses (member, management and security bus alike). */
export function breakGlassEventPattern(): Record<string, unknown> {
  return {
    source: ['aws.sts'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['sts.amazonaws.com'],
      // The trust admits AssumeRole only; the other two would mean someone changed the trust.
      eventName: ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'],
      requestParameters: { roleArn: [{ suffix: BREAK_GLASS_ROLE_SUFFIX }] },
    },
  };
}

/**
 * Member-account template, one stack per account and region. The forwarding role carries the
 * region in its name because every regional stack creates one and IAM names are global. A
 * target bus admitted by organization (not by account) requires a role on the target.
 */
export function breakGlassForwarderTemplate(config: OrgConfig, busArn: string): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'aws-ir-guardrails: forward SecurityBreakGlass assumptions to the security account',
    Resources: {
      ForwarderRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Join': ['-', [RESPONSE.forwarderRole, { Ref: 'AWS::Region' }]] },
          Description: 'EventBridge forwards break-glass events to the security account',
          AssumeRolePolicyDocument: breakGlassForwarderTrust({ Ref: 'AWS::AccountId' }).document,
          Policies: [{ PolicyName: breakGlassForwarderPolicy(config).name, PolicyDocument: breakGlassForwarderPolicy(config).document }],
          Tags: [{ Key: TAGS.managedBy, Value: MANAGED_BY }],
        },
      },
      BreakGlassRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: RESPONSE.breakGlassRule,
          Description: `Any assumption of ${IR_ROLES.breakGlass} goes to the security account`,
          State: RULE_STATE_WITH_READ_ONLY_EVENTS,
          EventPattern: breakGlassEventPattern(),
          Targets: [{ Id: 'security-bus', Arn: busArn, RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] } }],
        },
      },
    },
  };
}

/** `security-breakglass-alarm`: the collecting bus, open to the organization, and the page to the alert topic. */
export class BreakGlassBusStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly security: TargetAccount; readonly alerts: SecurityAlertsStack }) {
    super(scope, { config: props.config, account: props.security, concern: 'breakglass-alarm' });
    // The page goes to the alert topic; EventBridge accepts a target that does not exist yet, and would drop pages.
    // Reading the topic from its stack orders this one after it.
    const alertTopic = props.alerts.topicArn(this);
    const config = props.config;
    const bus = new CloudwatchEventBus(this, 'bus', { name: RESPONSE.breakGlassBus });
    new CloudwatchEventBusPolicy(this, 'bus-policy', {
      eventBusName: bus.name,
      policy: terraformPolicy(breakGlassBusPolicy(config).document),
    });
    const rule = new CloudwatchEventRule(this, 'page', {
      name: RESPONSE.breakGlassRule,
      description: `Page the security team: ${IR_ROLES.breakGlass} was assumed`,
      eventBusName: bus.name,
      state: RULE_STATE_WITH_READ_ONLY_EVENTS,
      eventPattern: JSON.stringify(breakGlassEventPattern()),
    });
    new CloudwatchEventTarget(this, 'page-alert-topic', {
      rule: rule.name,
      eventBusName: bus.name,
      targetId: 'alert-topic',
      arn: alertTopic,
      inputTransformer: {
        inputPaths: {
          account: '$.account',
          region: '$.region',
          time: '$.time',
          role: '$.detail.requestParameters.roleArn',
          caller: '$.detail.userIdentity.arn',
          sourceIp: '$.detail.sourceIPAddress',
          session: '$.detail.requestParameters.roleSessionName',
        },
        inputTemplate: breakGlassMessageTemplate(),
      },
    });
  }

  /** ARN of the break-glass bus, for `consumer` to forward to (the consumer deploys after this stack). */
  busArn(consumer: AccountStack): string {
    return this.provide(consumer, breakGlassBusArn(this.config));
  }
}

/** The page text: who assumed break-glass, where, when and from which address. */
export function breakGlassMessageTemplate(): string {
  return JSON.stringify(
    `BREAK-GLASS ASSUMED: <role> in account <account> (<region>) at <time> by <caller> from <sourceIp>, session "<session>". ` +
      'If this is not a declared incident, treat it as one.',
  );
}

/** `management-breakglass-alarm`: the member StackSet and the management account's own rules. */
export class BreakGlassAlarmStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly management: TargetAccount; readonly bus: BreakGlassBusStack }) {
    super(scope, { config: props.config, account: props.management, concern: 'breakglass-alarm' });
    // Rules forwarding to a bus that does not exist yet would drop the events in between: reading the bus from its stack orders this one after it.
    const busArn = props.bus.busArn(this);
    const config = props.config;
    const regions = breakGlassAlarmRegions(config);
    membersAndManagement(this, 'member-accounts', {
      name: RESPONSE.breakGlassStackSet,
      description: 'aws-ir-guardrails: forward SecurityBreakGlass assumptions to the security account, every region',
      template: breakGlassForwarderTemplate(config, busArn),
      region: this.region,
      instanceRegions: regions,
      targets: stackSetTargetOus(config),
      capabilities: ['CAPABILITY_NAMED_IAM'],
      inManagementAccount: () => this.rulesInThisAccount(config, regions, props.management.id, busArn),
    });
  }

  /** The management account: one forwarding role (IAM is global here, no StackSet) and a rule per region. */
  private rulesInThisAccount(config: OrgConfig, regions: readonly string[], managementId: string, busArn: string): void {
    const role = new IamRole(this, 'forwarder-role', {
      name: RESPONSE.forwarderRole,
      description: 'EventBridge forwards break-glass events to the security account',
      assumeRolePolicy: terraformPolicy(breakGlassForwarderTrust(managementId).document),
    });
    new IamRolePolicy(this, 'forwarder-policy', { role: role.name, name: breakGlassForwarderPolicy(config).name, policy: terraformPolicy(breakGlassForwarderPolicy(config).document) });
    for (const region of regions) {
      const rule = new CloudwatchEventRule(this, `rule-${region}`, {
        region,
        name: RESPONSE.breakGlassRule,
        description: `Any assumption of ${IR_ROLES.breakGlass} goes to the security account`,
        state: RULE_STATE_WITH_READ_ONLY_EVENTS,
        eventPattern: JSON.stringify(breakGlassEventPattern()),
      });
      new CloudwatchEventTarget(this, `target-${region}`, {
        region,
        rule: rule.name,
        targetId: 'security-bus',
        arn: busArn,
        roleArn: role.arn,
      });
    }
  }
}
