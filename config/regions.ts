/**
 * AWS commercial regions (partition `aws`) known to this project, and which of them are
 * opt-in. Kept by hand: adding a region here is how the org config learns about it.
 */
export const COMMERCIAL_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-south-1', 'eu-south-2', 'eu-north-1',
  'af-south-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
] as const;

export type CommercialRegion = (typeof COMMERCIAL_REGIONS)[number];

/** Regions that are disabled until an account opts in; their service principals are regional. */
export const OPT_IN_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'eu-central-2',
  'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
]);

export function isCommercialRegion(name: string): name is CommercialRegion {
  return (COMMERCIAL_REGIONS as readonly string[]).includes(name);
}

/** True when the region needs `<service>.<region>.amazonaws.com` principals in resource policies. */
export function isOptInRegion(name: string): boolean {
  return OPT_IN_REGIONS.has(name);
}
