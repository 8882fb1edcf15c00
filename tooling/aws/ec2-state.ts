/**
 * Paged reads of EC2 state that scope (inventory) and containment (what relaunches a miner)
 * both need. Every listing follows NextToken to the end: a fleet on the second page is the
 * fleet that relaunches the miner a responder just terminated.
 */
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
