/** SCP rule: Auto Scaling groups name a launch template version, so every version they launch was checked. */
import type { AuditedPolicy } from './audited';

/** The group calls that choose a launch template version (iam-data: autoscaling:LaunchTemplateVersionSpecified). */
export const GROUP_TEMPLATE_ACTIONS: readonly string[] = ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'];

/** Plain-text explanation for auditors. */
export const explanation = `Requires every Auto Scaling group built from a launch template to name a version number.
AWS checks the caller's RunInstances permission against the template when a group is created or
updated, and never again. A group that follows $Latest or $Default launches each new template version
through the Auto Scaling service-linked role, which no SCP restricts; a template version with a GPU type
written after the group was created would be launched unchecked. CreateAutoScalingGroup and
UpdateAutoScalingGroup are therefore denied when autoscaling:LaunchTemplateVersionSpecified is false
(the request uses $Latest or $Default). Groups built from a launch configuration send no such key
and are governed by the launch-configuration statements of the instance-type rule.
What it costs users: changing a template no longer rolls out by itself. Each new version must be
named in an UpdateAutoScalingGroup call (in Terraform, version = aws_launch_template.x.latest_version
instead of "$Latest"), which is a checked call. An instance refresh is reserved for the deployers and
the compute platform by the untyped-launchers rule (its desired configuration can name $Latest and
carries no version key), so a workload team replaces instances by scaling or terminating them.
An update that names no template (a capacity change) carries no such key and is allowed, so existing
groups keep scaling until they are pinned; that AWS sends no key then is one of the live-account checks.
No principal is exempt: the deployers pin versions too.`;

/** The pinned-version rule (independent of config). */
export function pinLaunchTemplateVersionsScp(): AuditedPolicy {
  return {
    name: 'ir-guardrails-pin-launch-template-versions',
    description: 'Deny Auto Scaling groups that follow a launch template\'s $Latest or $Default version.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyUnpinnedLaunchTemplateVersions',
          Effect: 'Deny',
          Action: [...GROUP_TEMPLATE_ACTIONS],
          Resource: '*',
          Condition: { Bool: { 'autoscaling:LaunchTemplateVersionSpecified': 'false' } },
        },
      ],
    },
  };
}
