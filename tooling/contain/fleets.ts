/**
 * Spot Fleets and EC2 Fleets relaunch what is terminated (docs/runbook.md): find the fleets that
 * own the instances and cancel them — keeping the instances, which are evidence — before
 * anything is terminated. Ownership comes from the fleets' own instance lists (moto does not
 * tag fleet instances) and from the `aws:ec2spot:fleet-request-id` / `aws:ec2:fleet-id` tags.
 */
import { CancelSpotFleetRequestsCommand, DeleteFleetsCommand, type Instance } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients';
import { readFleetInstances, readFleets, readSpotFleetInstances, readSpotFleetRequests } from '../aws/ec2-state';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';

/** A fleet that launched one of the instances. */
export interface FleetOwner {
  readonly kind: 'spot-fleet' | 'ec2-fleet';
  readonly id: string;
  /** Fleet state when read (cancelled ones need nothing). */
  readonly state: string;
}

const SPOT_FLEET_TAG = 'aws:ec2spot:fleet-request-id';
const EC2_FLEET_TAG = 'aws:ec2:fleet-id';
const LIVE_SPOT_FLEET = new Set(['submitted', 'active', 'modifying']);
const LIVE_EC2_FLEET = new Set(['submitted', 'active', 'modifying']);

/** Map instance ID → owning fleet, for live fleets in a region. */
export async function readFleetOwners(clients: AwsClients, region: string, instances: readonly Instance[]): Promise<Map<string, FleetOwner>> {
  const ec2 = clients.ec2(region);
  const owners = new Map<string, FleetOwner>();
  const [spotFleets, fleets] = await Promise.all([readSpotFleetRequests(ec2), readFleets(ec2)]);
  const liveSpot = spotFleets.filter((f) => LIVE_SPOT_FLEET.has(f.SpotFleetRequestState ?? ''));
  const liveFleets = fleets.filter((f) => LIVE_EC2_FLEET.has(f.FleetState ?? ''));
  await Promise.all([
    ...liveSpot.map(async (f) => {
      for (const i of await readSpotFleetInstances(ec2, f.SpotFleetRequestId!)) owners.set(i.InstanceId!, { kind: 'spot-fleet', id: f.SpotFleetRequestId!, state: f.SpotFleetRequestState! });
    }),
    ...liveFleets.map(async (f) => {
      for (const i of await readFleetInstances(ec2, f.FleetId!)) owners.set(i.InstanceId!, { kind: 'ec2-fleet', id: f.FleetId!, state: f.FleetState! });
    }),
  ]);
  for (const i of instances) {
    const tag = (k: string) => i.Tags?.find((t) => t.Key === k)?.Value;
    const spot = tag(SPOT_FLEET_TAG);
    const fleet = tag(EC2_FLEET_TAG);
    if (owners.has(i.InstanceId!)) continue;
    const liveSpotFleet = spot ? liveSpot.find((f) => f.SpotFleetRequestId === spot) : undefined;
    const liveFleet = fleet ? liveFleets.find((f) => f.FleetId === fleet) : undefined;
    if (liveSpotFleet) owners.set(i.InstanceId!, { kind: 'spot-fleet', id: spot!, state: liveSpotFleet.SpotFleetRequestState ?? '' });
    else if (liveFleet) owners.set(i.InstanceId!, { kind: 'ec2-fleet', id: fleet!, state: liveFleet.FleetState ?? '' });
  }
  return owners;
}

/** Cancel the fleet that owns an instance, keeping its instances running (they are evidence). */
export function cancelFleetAction(env: PhaseEnv, region: string, owner: FleetOwner, step: string): Action {
  const ec2 = env.write.ec2(region);
  const base = { step, region, target: owner.id, reversible: false, isDone: async () => false } as const;
  if (owner.kind === 'spot-fleet') {
    const request = { SpotFleetRequestIds: [owner.id], TerminateInstances: false };
    return {
      ...base,
      action: 'ec2:CancelSpotFleetRequests',
      summary: `cancel Spot Fleet ${owner.id} (instances kept) so it does not relaunch capacity`,
      request,
      dryRun: () => ec2.send(new CancelSpotFleetRequestsCommand({ ...request, DryRun: true })),
      apply: () => ec2.send(new CancelSpotFleetRequestsCommand(request)),
    };
  }
  const request = { FleetIds: [owner.id], TerminateInstances: false };
  return {
    ...base,
    action: 'ec2:DeleteFleets',
    summary: `delete EC2 Fleet ${owner.id} (instances kept) so it does not relaunch capacity`,
    request,
    dryRun: () => ec2.send(new DeleteFleetsCommand({ ...request, DryRun: true })),
    apply: () => ec2.send(new DeleteFleetsCommand(request)),
  };
}
