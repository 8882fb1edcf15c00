/**
 * What an organization must have before the first deploy, outside Terraform: read by
 * `npm run preflight` (which checks it) and by the stacks' tests (which hold the stacks to it).
 */
import type { OrgConfig } from '../config';

/** Organizations trusted access the stacks rely on, with what breaks without it. */
export const TRUSTED_ACCESS: ReadonlyArray<{ readonly principal: string; readonly neededFor: string }> = [
  { principal: 'guardduty.amazonaws.com', neededFor: 'the GuardDuty delegated administrator and auto-enabling every member account' },
  { principal: 'config.amazonaws.com', neededFor: 'the Config delegated administrator' },
  { principal: 'config-multiaccountsetup.amazonaws.com', neededFor: 'the organization Config rules (IMDSv2, Flow Logs)' },
  { principal: 'cloudtrail.amazonaws.com', neededFor: 'the organization trail' },
  { principal: 'member.org.stacksets.cloudformation.amazonaws.com', neededFor: 'the service-managed StackSets (IR roles, Config recorders, break-glass alarm)' },
];

/** The Organizations policy types the stacks can create policies of. */
export type OrgPolicyType = 'SERVICE_CONTROL_POLICY' | 'DECLARATIVE_POLICY_EC2' | 'RESOURCE_CONTROL_POLICY';

/**
 * Organization policy types the stacks create policies of under `config`; each must be enabled on
 * the root before the first deploy (Organizations refuses to create a policy of a disabled type).
 * SCPs always; the EC2 declarative policy and the RCP only when their `orgPolicies` switch is on.
 */
export function requiredPolicyTypes(config: OrgConfig): OrgPolicyType[] {
  return [
    'SERVICE_CONTROL_POLICY',
    ...(config.orgPolicies.declarativeEc2.enabled ? (['DECLARATIVE_POLICY_EC2'] as const) : []),
    ...(config.orgPolicies.resourceControl.enabled ? (['RESOURCE_CONTROL_POLICY'] as const) : []),
  ];
}

/** Name of the Config recorder the stacks deploy in every account and allowed region. */
export const CONFIG_RECORDER_NAME = 'default';
