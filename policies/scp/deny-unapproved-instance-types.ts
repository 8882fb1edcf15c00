/** SCP (b): no instance type outside policy, on every launch path a miner uses. */
import { instanceTypeRule, type OrgConfig } from '../../config';
import type { PolicyStatement } from '../document';
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
export const explanation = `Denies launching an instance type outside policy on every launch path.
RunInstances, CreateFleet and StartInstances are denied on arn:aws:ec2:*:*:instance/* when
ec2:InstanceType matches the denylist (or, in allowlist mode, matches none of the allowed patterns).
Resizing is a launch path too: a stopped t3.micro changed to a GPU type with ModifyInstanceAttribute
and started again would be a GPU instance nobody launched. ModifyInstanceAttribute is denied when
the new type (ec2:Attribute/InstanceType) is outside policy; other attribute changes (security
groups, termination protection) stay allowed whatever the instance's current type, because
responders make them on miners. StartInstances is checked against the type the instance has, so
a stopped instance of a denied type, however it got that type, is not started again (resizing it
to an allowed type first is allowed). A launch from a launch
template is a RunInstances call whose instance/* resource carries the template's type, so it is
covered; CreateLaunchTemplate and CreateLaunchTemplateVersion expose no instance-type key, so
templates can be written but never launched with a denied type. Auto Scaling is covered where it
exposes the type: CreateLaunchConfiguration (autoscaling:InstanceType) and Create/UpdateAutoScalingGroup
overrides (autoscaling:InstanceTypes); groups built from a launch template are checked by AWS against
the caller's RunInstances permission. The legacy Spot APIs RequestSpotInstances and RequestSpotFleet
expose no instance-type key and Spot Fleet launches through a service-linked role that SCPs do not
restrict, so both are denied outright; Spot stays available through RunInstances and CreateFleet.
No principal is exempt: responders never need a GPU instance.`;

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
        ? `Deny launching instance types matching ${patterns.length} denied patterns on every launch path.`
        : `Deny launching instance types outside the ${patterns.length} allowed patterns on every launch path.`,
    explanation,
    document: { Version: '2012-10-17', Statement: statements },
  };
}
