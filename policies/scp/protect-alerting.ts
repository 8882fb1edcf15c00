/** SCP rule: what detection and alerting depend on (IR role policies, topic, bus, agent opt-out tag) is the deployers'. */
import type { OrgConfig } from '../../config';
import { configRecorderRolesArn, DETECTION, RESPONSE } from '../../shared/addresses';
import { ALERT_RULES, ALERT_TOPIC_NAME, IR_ROLE_PATH } from '../../shared/names';
import type { AuditedPolicy } from './audited';
import { deployerArnPatterns } from './principals';
import { EXEMPT_ROLE_CHANGE_ACTIONS } from './protect-security-services';

/**
 * Roles detection and alerting run as: Config recorders (one per account and region), the
 * break-glass forwarders (StackSet instances append the region), the findings forwarder and the
 * clean room's flow-log role. Whoever rewrites their trust or permissions stops what they deliver.
 */
export function detectionRoleArnPatterns(): string[] {
  return [
    configRecorderRolesArn(),
    `arn:aws:iam::*:role/${RESPONSE.forwarderRole}*`,
    `arn:aws:iam::*:role/${DETECTION.findingsForwarderRole}`,
    `arn:aws:iam::*:role/${RESPONSE.flowLogRole}`,
  ];
}

/** The managed policies of the IR roles live under the IR path (the IR-role stack creates them there). */
export const IR_MANAGED_POLICY_PATTERN = `arn:aws:iam::*:policy${IR_ROLE_PATH}*`;

/** Rewriting a managed policy: a new default version changes what an IR role may do without touching the role. */
export const MANAGED_POLICY_CHANGE_ACTIONS: readonly string[] = [
  'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy',
];

/** The tag GuardDuty reads to opt an EC2 instance, EKS cluster or ECS cluster out of (or into) its runtime agent. */
export const GUARDDUTY_MANAGED_TAG = 'GuardDutyManaged';

/**
 * Every call that writes or removes a tag on instances, EKS clusters and ECS clusters (tag-on-create
 * included), and on Auto Scaling groups, whose tags reach the instances they launch (PropagateAtLaunch).
 */
export const AGENT_TAG_ACTIONS: readonly string[] = [
  'ec2:CreateTags', 'ec2:DeleteTags',
  'autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags', 'autoscaling:CreateAutoScalingGroup',
  'eks:TagResource', 'eks:UntagResource', 'eks:CreateCluster',
  'ecs:TagResource', 'ecs:UntagResource', 'ecs:CreateCluster',
];

/**
 * Silencing the alert topic: deleting it, rewriting its policy or encryption, unsubscribing the pager or
 * muting it with a filter policy that matches nothing (SetSubscriptionAttributes is authorized on the topic),
 * and listing its subscription ARNs, with which anyone may cancel a subscription confirmed by link.
 */
export const ALERT_TOPIC_ACTIONS: readonly string[] = [
  'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission', 'sns:PutDataProtectionPolicy', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes',
  'sns:ListSubscriptionsByTopic',
];

/** Calls that name no resource and are reserved in the security account as a whole (event-bus permissions, every subscription ARN). */
export const SECURITY_ACCOUNT_ACTIONS: readonly string[] = ['events:PutPermission', 'events:RemovePermission', 'sns:ListSubscriptions'];

/** Plain-text explanation for auditors. */
export const explanation = `Reserves for the deployers everything a detector or an alert depends on, beyond the services themselves.
Detection roles: the Config recorder roles (ir-config-recorder*), the break-glass forwarder roles
(ir-breakglass-forwarder*), the GuardDuty findings forwarder and the clean room's flow-log role. Creating,
deleting or changing their trust, inline or managed policies or permissions boundary is denied: a
recorder role that may no longer read, or a forwarder that may no longer put events, silences Config or
the break-glass alarm without touching either service.
IR role permissions: the IR roles' managed policies live under the /incident-response/ path; creating a
new version, choosing another default version, deleting a version or the policy would change what a
responder (or an exempt role) may do without touching the role, which the tamper rule already reserves.
GuardDuty runtime agent: the GuardDutyManaged tag on an EC2 instance, an EKS cluster or an ECS cluster
switches GuardDuty's managed runtime agent off (false) or on. Writing or removing a tag with that key,
in any letter case, directly or at creation (ec2:CreateTags is also authorized for tags given to
RunInstances), is denied through aws:TagKeys; other tags stay free. The same holds for Auto Scaling
groups (CreateOrUpdateTags, DeleteTags, and CreateAutoScalingGroup with tags), because a group's tags are
copied to the instances it launches through its service-linked role, which no SCP sees. A launch
template's tag specifications for instances carry no condition key on CreateLaunchTemplate or
CreateLaunchTemplateVersion; they are checked as ec2:CreateTags when a caller launches from the template,
and whether AWS checks them when a group is created from the template is a live-account check.
Alert topic: deleting the central alert topic, changing its attributes (policy, encryption, delivery),
its permissions or data-protection policy, unsubscribing its subscribers with a signed call, or changing a
subscription's attributes (a filter policy that matches nothing mutes the pager while it stays subscribed)
silences every alert. Subscribing another endpoint stays allowed: it mutes nobody. An e-mail or HTTPS
subscription confirmed through its link can also be cancelled by an unsigned Unsubscribe request that
names the subscription ARN, which no policy sees; so listing the topic's subscriptions
(ListSubscriptionsByTopic) is reserved too, and so is ListSubscriptions in the security account, which
names no topic. The ARN also travels in the unsubscribe link of every alert e-mail, so this narrows who
holds it without closing the path: a subscription confirmed with AuthenticateOnUnsubscribe (the README
says how) can only be cancelled by a signed call, which this rule denies.
Break-glass event bus: deleting or updating the security account's collecting bus, and changing
event-bus permissions in the security account (PutPermission and RemovePermission name no bus, so
they are reserved there as a whole, as ListSubscriptions is), would stop member accounts from forwarding
break-glass events.
The EventBridge rules themselves are protected by the tamper rule. SecurityBreakGlass is exempt from
none of this: containment never needs to silence an alert.`;

/** The alerting-dependencies rule for `config`. */
export function protectAlertingScp(config: OrgConfig): AuditedPolicy {
  const exceptDeployers = { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } };
  return {
    name: 'ir-guardrails-protect-alerting',
    description: 'Deny changing detection roles, IR role policies, the GuardDutyManaged tag, the alert topic and the break-glass bus, except deployers.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyDetectionRoleChangesExceptDeployers', Effect: 'Deny', Action: [...EXEMPT_ROLE_CHANGE_ACTIONS], Resource: detectionRoleArnPatterns(), Condition: exceptDeployers },
        { Sid: 'DenyIrPolicyVersionsExceptDeployers', Effect: 'Deny', Action: [...MANAGED_POLICY_CHANGE_ACTIONS], Resource: IR_MANAGED_POLICY_PATTERN, Condition: exceptDeployers },
        {
          Sid: 'DenyGuardDutyAgentTagExceptDeployers',
          Effect: 'Deny',
          Action: [...AGENT_TAG_ACTIONS],
          Resource: '*',
          Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [GUARDDUTY_MANAGED_TAG] }, ...exceptDeployers },
        },
        { Sid: 'DenyAlertTopicChangesExceptDeployers', Effect: 'Deny', Action: [...ALERT_TOPIC_ACTIONS], Resource: `arn:aws:sns:*:*:${ALERT_TOPIC_NAME}`, Condition: exceptDeployers },
        {
          Sid: 'DenyBreakGlassBusChangesExceptDeployers',
          Effect: 'Deny',
          Action: ['events:DeleteEventBus', 'events:UpdateEventBus'],
          Resource: `arn:aws:events:*:*:event-bus/${ALERT_RULES.breakGlassBus}`,
          Condition: exceptDeployers,
        },
        {
          Sid: 'DenySecurityAccountCallsExceptDeployers',
          Effect: 'Deny',
          Action: [...SECURITY_ACCOUNT_ACTIONS],
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': config.accounts.security.id }, ...exceptDeployers },
        },
      ],
    },
  };
}
