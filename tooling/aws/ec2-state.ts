/**
 * Paged reads of EC2 state that scope (inventory) and containment (what relaunches a miner)
 * both need. Every listing follows NextToken to the end: a fleet on the second page is the
 * fleet that relaunches the miner a responder just terminated. Calls that take a list of IDs or
 * names take it in chunks of what AWS accepts (Auto Scaling groups: 50 names).
 */
import { paginateDescribeAutoScalingGroups, type AutoScalingClient, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import {
  DescribeFleetInstancesCommand,
  DescribeSpotFleetInstancesCommand,
  paginateDescribeFleets,
  paginateDescribeInstances,
  paginateDescribeSpotFleetRequests,
  type ActiveInstance,
  type EC2Client,
  type FleetData,
  type Filter,
  type Instance,
  type SpotFleetRequestConfig,
} from '@aws-sdk/client-ec2';

/** Every instance matching `filters` (all instances when none), every page. */
export async function readInstances(ec2: EC2Client, input: { readonly instanceIds?: string[]; readonly filters?: Filter[] } = {}): Promise<Instance[]> {
  const out: Instance[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2 }, { InstanceIds: input.instanceIds, Filters: input.filters })) {
    for (const reservation of page.Reservations ?? []) out.push(...(reservation.Instances ?? []));
  }
  return out;
}

/** Every Spot Fleet request of the region (all states), every page. */
export async function readSpotFleetRequests(ec2: EC2Client): Promise<SpotFleetRequestConfig[]> {
  const out: SpotFleetRequestConfig[] = [];
  for await (const page of paginateDescribeSpotFleetRequests({ client: ec2 }, {})) out.push(...(page.SpotFleetRequestConfigs ?? []));
  return out;
}

/** Every EC2 Fleet of the region (all states), every page. */
export async function readFleets(ec2: EC2Client): Promise<FleetData[]> {
  const out: FleetData[] = [];
  for await (const page of paginateDescribeFleets({ client: ec2 }, {})) out.push(...(page.Fleets ?? []));
  return out;
}

/** The running instances of one Spot Fleet, every page (the SDK has no paginator for this call). */
export async function readSpotFleetInstances(ec2: EC2Client, spotFleetRequestId: string): Promise<ActiveInstance[]> {
  const out: ActiveInstance[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeSpotFleetInstancesCommand({ SpotFleetRequestId: spotFleetRequestId, NextToken }));
    out.push(...(page.ActiveInstances ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** The running instances of one EC2 Fleet, every page (the SDK has no paginator for this call). */
export async function readFleetInstances(ec2: EC2Client, fleetId: string): Promise<ActiveInstance[]> {
  const out: ActiveInstance[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeFleetInstancesCommand({ FleetId: fleetId, NextToken }));
    out.push(...(page.ActiveInstances ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

/** DescribeAutoScalingGroups takes at most this many names per call. */
export const MAX_GROUP_NAMES_PER_CALL = 50;

/**
 * The Auto Scaling groups named `names` (absent ones are left out): 50 names per call, every page
 * of each (`pageSize` is MaxRecords, 50 by default, at most 100).
 */
export async function readAutoScalingGroups(autoScaling: AutoScalingClient, names: readonly string[], options: { readonly pageSize?: number } = {}): Promise<AutoScalingGroup[]> {
  const pages = await Promise.all(
    chunks([...new Set(names)], MAX_GROUP_NAMES_PER_CALL).map(async (chunk) => {
      const out: AutoScalingGroup[] = [];
      for await (const page of paginateDescribeAutoScalingGroups({ client: autoScaling, pageSize: options.pageSize }, { AutoScalingGroupNames: chunk })) {
        out.push(...(page.AutoScalingGroups ?? []));
      }
      return out;
    }),
  );
  return pages.flat();
}

/** Split a list into chunks of at most `size` (the most IDs or names one Describe call takes). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
