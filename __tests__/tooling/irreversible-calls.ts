/**
 * The calls irctl makes that cannot be undone, for tests asserting a plan sent none of them (not
 * even with DryRun: an API or emulator that ignores DryRun would act for good). Test code.
 */
export const IRREVERSIBLE_CALLS: readonly string[] = [
  'ec2:CancelSpotFleetRequests',
  'ec2:DeleteFleets',
  'ec2:CancelSpotInstanceRequests',
  'ec2:TerminateInstances',
  'ec2:ReleaseAddress',
  'ec2:DeleteKeyPair',
  'ec2:DeregisterImage',
  'ec2:DeleteSnapshot',
  'autoscaling:UpdateAutoScalingGroup',
  'autoscaling:DeleteAutoScalingGroup',
  'iam:DeleteUser',
  'iam:DeleteAccessKey',
];
