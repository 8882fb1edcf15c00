/**
 * What an organization must have before the first deploy, outside Terraform: read by
 * `npm run preflight` (which checks it) and by the stacks' tests (which hold the stacks to it).
 */

/** Organizations trusted access the stacks rely on, with what breaks without it. */
export const TRUSTED_ACCESS: ReadonlyArray<{ readonly principal: string; readonly neededFor: string }> = [
  { principal: 'guardduty.amazonaws.com', neededFor: 'the GuardDuty delegated administrator and auto-enabling every member account' },
  { principal: 'config.amazonaws.com', neededFor: 'the Config delegated administrator' },
  { principal: 'config-multiaccountsetup.amazonaws.com', neededFor: 'the organization Config rules (IMDSv2, Flow Logs)' },
  { principal: 'cloudtrail.amazonaws.com', neededFor: 'the organization trail' },
  { principal: 'member.org.stacksets.cloudformation.amazonaws.com', neededFor: 'the service-managed StackSets (IR roles, Config recorders, break-glass alarm)' },
];

/** Organization policy types the stacks create policies of; each must be enabled on the root. */
export const REQUIRED_POLICY_TYPES = ['SERVICE_CONTROL_POLICY'] as const;

/** Name of the Config recorder the stacks deploy in every account and allowed region. */
export const CONFIG_RECORDER_NAME = 'default';
