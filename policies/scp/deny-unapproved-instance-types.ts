/** SCP (b): no instance type outside policy, on every launch path a miner uses. */
import { instanceTypeRule, type OrgConfig } from '../../config';
import type { ConditionBlock, PolicyStatement } from '../document';
import type { AuditedPolicy } from './audited';

/**
 * Launch actions whose `instance` resource carries `ec2:InstanceType` (iam-data lists the key
 * there): RunInstances (also from a launch template, whose type is evaluated on instance/*,
 * and the RunInstances check Auto Scaling makes when a group is created with a template) and
 * CreateFleet (EC2 Fleet, On-Demand and Spot).
 */
export const TYPED_LAUNCH_ACTIONS: readonly string[] = ['ec2:RunInstances', 'ec2:CreateFleet'];

/**
 * Starting a stopped instance: its `instance` resource carries `ec2:InstanceType` (iam-data), so a
 * stopped instance that was resized, or created before the rule, cannot run with a denied type.
 */
export const START_ACTIONS: readonly string[] = ['ec2:StartInstances'];

/**
 * The new type of a resize arrives as `ec2:Attribute/InstanceType` on ModifyInstanceAttribute
 * (iam-data: `ec2:Attribute/${AttributeName}` on `instance`). `ec2:InstanceType` there is the
 * current type, which must not matter: responders change groups and protection of GPU miners.
 */
export const RESIZE_TYPE_KEY = 'ec2:Attribute/InstanceType';

/**
 * Legacy Spot APIs. Neither RequestSpotInstances nor RequestSpotFleet exposes the instance type
 * as a condition key, and Spot Fleet launches through its service-linked role, which SCPs never
 * restrict. They cannot be filtered by type, so they are denied outright; Spot capacity stays
 * available through RunInstances (InstanceMarketOptions) and CreateFleet, which are filtered.
 */
export const UNFILTERABLE_SPOT_ACTIONS: readonly string[] = ['ec2:RequestSpotInstances', 'ec2:RequestSpotFleet'];

/** Plain-text explanation for auditors. */
export const explanation = `Denies launching an instance type outside policy on the EC2 launch paths that name a type.
RunInstances, CreateFleet and StartInstances are denied on arn:aws:ec2:*:*:instance/* when
ec2:InstanceType matches the denylist (or, in allowlist mode, matches none of the allowed patterns).
A launch or fleet whose request carries no ec2:InstanceType at all (attribute-based instance type
selection, where EC2 picks the types) is denied in both modes: a denylist condition does not match
an absent key, so without this statement a missing type would mean "allowed".
Resizing is a launch path too: a stopped t3.micro changed to a GPU type with ModifyInstanceAttribute
and started again would be a GPU instance nobody launched. ModifyInstanceAttribute is denied when
the new type (ec2:Attribute/InstanceType) is outside policy; other attribute changes (security
groups, termination protection) stay allowed whatever the instance's current type, because
responders make them on miners. StartInstances is checked against the type the instance has, so
a stopped instance of a denied type, however it got that type, is not started again (resizing it
to an allowed type first is allowed).
A RunInstances call from a launch template is evaluated on instance/* with the type EC2 resolves
from the template, so a person launching a template is checked. Templates themselves are not:
CreateLaunchTemplate and CreateLaunchTemplateVersion expose no instance-type key, so a template
version with a denied type can be written. Whoever launches it later through a service-linked role
is not checked by any SCP: an Auto Scaling group that follows $Latest or $Default picks up a new
version without a new RunInstances check, and maintain-type EC2 Fleets and Spot Fleets relaunch
through their service-linked roles. The rule ir-guardrails-pin-launch-template-versions and the
deny on fleet changes (ir-guardrails-deny-untyped-launchers) close those paths.
Auto Scaling is covered where it exposes the type: CreateLaunchConfiguration (autoscaling:InstanceType)
and Create/UpdateAutoScalingGroup overrides (autoscaling:InstanceTypes, with ForAnyValue so that any
listed type outside policy denies the call; the Service Authorization Reference declares this key a
single String, so whether AWS evaluates every override of a mixed-instances group is one of the
live-account checks). Not covered: a mixed-instances group whose overrides select types by attributes
(InstanceRequirements, with accelerator counts and GPU manufacturers) sends no autoscaling:InstanceTypes,
and no Auto Scaling key in iam-data reveals instance requirements, so such a Create or
UpdateAutoScalingGroup is allowed when the group's template names an allowed type; the service-linked
role then launches whatever types match, GPUs included. Denying every group without a type key would end
ordinary launch-template groups. What AWS does with such a request is a live-account check; the billing
alarms and GuardDuty's CryptoCurrency findings remain the detection for this path. The legacy Spot APIs RequestSpotInstances and RequestSpotFleet expose no
instance-type key and Spot Fleet launches through a service-linked role that SCPs do not restrict,
so both are denied outright; Spot stays available through RunInstances and CreateFleet.
No principal is exempt: responders never need a GPU instance.`;

/**
 * The condition "`key` names a type outside instance-type policy", for the rules that reuse the
 * policy on other keys (SageMaker, capacity, CodeBuild). A multi-valued key matches when any value
 * is outside. `map` rewrites the patterns (SageMaker's `ml.` prefix).
 */
export function outsideTypePolicy(config: OrgConfig, key: string, options: { multiValued?: boolean; map?: (pattern: string) => string } = {}): ConditionBlock {
  const rule = instanceTypeRule(config);
  const patterns = rule.patterns.map(options.map ?? ((p) => p));
  if (patterns.length === 0) {
    throw new Error(`instanceTypes: ${rule.mode} mode needs at least one pattern (set instanceTypes.${rule.mode === 'allowlist' ? 'allow' : 'deny'})`);
  }
  const operator = rule.mode === 'denylist' ? 'StringLike' : 'StringNotLike';
  return { [options.multiValued ? `ForAnyValue:${operator}` : operator]: { [key]: patterns } };
}

/** The instance-type SCP for `config` (denylist or allowlist per `instanceTypes.mode`). */
export function denyUnapprovedInstanceTypesScp(config: OrgConfig): AuditedPolicy {
  const rule = instanceTypeRule(config);
  const patterns = [...rule.patterns];
  if (patterns.length === 0) {
    // An empty condition list is invalid IAM; an empty allowlist would also deny every launch.
    throw new Error(`instanceTypes: ${rule.mode} mode needs at least one pattern (set instanceTypes.${rule.mode === 'allowlist' ? 'allow' : 'deny'})`);
  }
  // Denylist: deny what matches. Allowlist: deny what matches none (StringNotLike over a list).
  const single = rule.mode === 'denylist' ? 'StringLike' : 'StringNotLike';
  const multi = rule.mode === 'denylist' ? 'ForAnyValue:StringLike' : 'ForAnyValue:StringNotLike';
  // A call without a resize carries no new type: in allowlist mode StringNotLike would deny it, so require the key.
  const resizeCondition = rule.mode === 'denylist'
    ? { [single]: { [RESIZE_TYPE_KEY]: patterns } }
    : { Null: { [RESIZE_TYPE_KEY]: 'false' }, [single]: { [RESIZE_TYPE_KEY]: patterns } };
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyInstanceTypesOnLaunch',
      Effect: 'Deny',
      Action: [...TYPED_LAUNCH_ACTIONS, ...START_ACTIONS],
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { [single]: { 'ec2:InstanceType': patterns } },
    },
    {
      // A denylist does not match an absent key; attribute-based fleets send none.
      Sid: 'DenyLaunchWithoutInstanceType',
      Effect: 'Deny',
      Action: [...TYPED_LAUNCH_ACTIONS],
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { Null: { 'ec2:InstanceType': 'true' } },
    },
    {
      Sid: 'DenyResizeToInstanceTypes',
      Effect: 'Deny',
      Action: 'ec2:ModifyInstanceAttribute',
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: resizeCondition,
    },
    {
      Sid: 'DenyInstanceTypesInLaunchConfigurations',
      Effect: 'Deny',
      Action: 'autoscaling:CreateLaunchConfiguration',
      Resource: '*',
      Condition: { [single]: { 'autoscaling:InstanceType': patterns } },
    },
    {
      Sid: 'DenyInstanceTypesInAutoScalingOverrides',
      Effect: 'Deny',
      Action: ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'],
      Resource: '*',
      Condition: { [multi]: { 'autoscaling:InstanceTypes': patterns } },
    },
    { Sid: 'DenyLegacySpotApis', Effect: 'Deny', Action: [...UNFILTERABLE_SPOT_ACTIONS], Resource: '*' },
  ];
  return {
    name: 'ir-guardrails-deny-unapproved-instance-types',
    description:
      rule.mode === 'denylist'
        ? `Deny launching, starting or resizing to instance types matching ${patterns.length} denied patterns (EC2, Fleet, Auto Scaling).`
        : `Deny launching, starting or resizing to instance types outside the ${patterns.length} allowed patterns (EC2, Fleet, Auto Scaling).`,
    explanation,
    document: { Version: '2012-10-17', Statement: statements },
  };
}
