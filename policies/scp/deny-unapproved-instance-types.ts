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
 * Legacy Spot APIs. Neither RequestSpotInstances nor RequestSpotFleet exposes the instance type
 * as a condition key, and Spot Fleet launches through its service-linked role, which SCPs never
 * restrict. They cannot be filtered by type, so they are denied outright; Spot capacity stays
 * available through RunInstances (InstanceMarketOptions) and CreateFleet, which are filtered.
 */
export const UNFILTERABLE_SPOT_ACTIONS: readonly string[] = ['ec2:RequestSpotInstances', 'ec2:RequestSpotFleet'];

/** Plain-text explanation for auditors. */
export const explanation = `Denies launching an instance type outside policy on every launch path.
RunInstances and CreateFleet are denied on arn:aws:ec2:*:*:instance/* when ec2:InstanceType matches
the denylist (or, in allowlist mode, matches none of the allowed patterns). A launch from a launch
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
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyInstanceTypesOnLaunch',
      Effect: 'Deny',
      Action: [...TYPED_LAUNCH_ACTIONS],
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { [single]: { 'ec2:InstanceType': patterns } },
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
