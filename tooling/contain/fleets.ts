/**
 * Spot Fleets and EC2 Fleets of type `maintain` relaunch what is stopped or terminated
 * (docs/runbook.md). Containment holds such a fleet reversibly at target capacity 0 without
 * terminating the excess (ModifySpotFleetRequest / ModifyFleet; `request` and `instant` fleets
 * never replenish and AWS modifies only `maintain` ones), and its inverse, beside it, puts the
 * capacity back. Cancelling a fleet cannot be undone: eradicate does it, confirmed, before
 * anything is terminated, keeping the instances (evidence). Ownership comes from the fleets'
 * instance lists (moto does not tag fleet instances) and the `aws:ec2spot:fleet-request-id` /
 * `aws:ec2:fleet-id` tags.
 */
import {
  CancelSpotFleetRequestsCommand,
  DeleteFleetsCommand,
  DescribeFleetsCommand,
  DescribeSpotFleetRequestsCommand,
  type Instance,
  ModifyFleetCommand,
  ModifySpotFleetRequestCommand,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients';
import { notFound } from '../aws/errors';
import { readFleetInstances, readFleets, readSpotFleetInstances, readSpotFleetRequests } from '../aws/ec2-state';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';
import type { Inverse } from '../case/inverse';

/** A fleet that launched one of the instances. */
export interface FleetOwner {
  readonly kind: 'spot-fleet' | 'ec2-fleet';
  readonly id: string;
  /** Fleet state when read (cancelled ones need nothing). */
  readonly state: string;
  /** `maintain` (replenishes), `request` or `instant` (never relaunch). */
  readonly type: string;
  /** Target capacity when read (what release restores). */
  readonly targetCapacity: number;
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
      for (const i of await readSpotFleetInstances(ec2, f.SpotFleetRequestId!)) owners.set(i.InstanceId!, spotOwner(f));
    }),
    ...liveFleets.map(async (f) => {
      for (const i of await readFleetInstances(ec2, f.FleetId!)) owners.set(i.InstanceId!, fleetOwner(f));
    }),
  ]);
  for (const i of instances) {
    const tag = (k: string) => i.Tags?.find((t) => t.Key === k)?.Value;
    const spot = tag(SPOT_FLEET_TAG);
    const fleet = tag(EC2_FLEET_TAG);
    if (owners.has(i.InstanceId!)) continue;
    const liveSpotFleet = spot ? liveSpot.find((f) => f.SpotFleetRequestId === spot) : undefined;
    const liveFleet = fleet ? liveFleets.find((f) => f.FleetId === fleet) : undefined;
    if (liveSpotFleet) owners.set(i.InstanceId!, spotOwner(liveSpotFleet));
    else if (liveFleet) owners.set(i.InstanceId!, fleetOwner(liveFleet));
  }
  return owners;
}

type SpotFleet = Awaited<ReturnType<typeof readSpotFleetRequests>>[number];
type Fleet = Awaited<ReturnType<typeof readFleets>>[number];

function spotOwner(f: SpotFleet): FleetOwner {
  return { kind: 'spot-fleet', id: f.SpotFleetRequestId!, state: f.SpotFleetRequestState ?? '', type: f.SpotFleetRequestConfig?.Type ?? 'maintain', targetCapacity: f.SpotFleetRequestConfig?.TargetCapacity ?? 0 };
}

function fleetOwner(f: Fleet): FleetOwner {
  return { kind: 'ec2-fleet', id: f.FleetId!, state: f.FleetState ?? '', type: f.Type ?? 'maintain', targetCapacity: f.TargetCapacitySpecification?.TotalTargetCapacity ?? 0 };
}

/**
 * One fleet as it is now (undefined: not found). EC2 answers an unknown ID with
 * InvalidSpotFleetRequestId.NotFound / InvalidFleetId.NotFound (moto with an empty list); any
 * other error (a denied read) is thrown, never taken for "gone".
 */
export async function readFleetOwner(env: PhaseEnv, region: string, kind: FleetOwner['kind'], id: string): Promise<FleetOwner | undefined> {
  const ec2 = env.read.ec2(region);
  if (kind === 'spot-fleet') {
    const f = (await ec2.send(new DescribeSpotFleetRequestsCommand({ SpotFleetRequestIds: [id] })).catch(notFound))?.SpotFleetRequestConfigs?.[0];
    return f ? spotOwner(f) : undefined;
  }
  const f = (await ec2.send(new DescribeFleetsCommand({ FleetIds: [id] })).catch(notFound))?.Fleets?.[0];
  return f ? fleetOwner(f) : undefined;
}

/** True while a fleet can still launch (not cancelled or deleted). */
export function fleetLive(owner: FleetOwner): boolean {
  return (owner.kind === 'spot-fleet' ? LIVE_SPOT_FLEET : LIVE_EC2_FLEET).has(owner.state);
}

async function currentCapacity(env: PhaseEnv, region: string, kind: FleetOwner['kind'], id: string): Promise<number | undefined> {
  return (await readFleetOwner(env, region, kind, id))?.targetCapacity;
}

/**
 * Hold a replenishing fleet at capacity 0, instances kept: reversible (undefined: a fleet type
 * that never relaunches). `launched`: the fleet's instances now, kept in the undo record so a
 * release of one of them can say the fleet stays held.
 */
export function holdFleetAction(env: PhaseEnv, region: string, owner: FleetOwner, step: string, launched?: readonly string[]): Action | undefined {
  if (owner.type !== 'maintain') return undefined;
  const ec2 = env.write.ec2(region);
  const common = {
    step,
    region,
    target: owner.id,
    reversible: true,
    undo: { key: `fleet:${owner.id}`, region, kind: 'fleet-capacity', fleetKind: owner.kind, fleetId: owner.id, targetCapacity: owner.targetCapacity, ...(launched ? { instanceIds: launched } : {}) },
    isDone: async () => (await currentCapacity(env, region, owner.kind, owner.id)) === 0,
  } as const;
  if (owner.kind === 'spot-fleet') {
    const request = { SpotFleetRequestId: owner.id, TargetCapacity: 0, ExcessCapacityTerminationPolicy: 'noTermination' as const };
    // ModifySpotFleetRequest has no DryRun: planned only.
    return { ...common, action: 'ec2:ModifySpotFleetRequest', summary: `hold Spot Fleet ${owner.id} at target capacity 0 (was ${owner.targetCapacity}; instances kept) so it relaunches nothing`, request, apply: () => ec2.send(new ModifySpotFleetRequestCommand(request)) };
  }
  const request = { FleetId: owner.id, TargetCapacitySpecification: { TotalTargetCapacity: 0 }, ExcessCapacityTerminationPolicy: 'no-termination' as const };
  return {
    ...common,
    action: 'ec2:ModifyFleet',
    summary: `hold EC2 Fleet ${owner.id} at target capacity 0 (was ${owner.targetCapacity}; instances kept) so it relaunches nothing`,
    request,
    dryRun: () => ec2.send(new ModifyFleetCommand({ ...request, DryRun: true })),
    apply: () => ec2.send(new ModifyFleetCommand(request)),
  };
}

/** Inverse of holdFleetAction: the fleet's target capacity back to what it was. */
export const restoreFleetCapacity: Inverse<'fleet-capacity'> = (env, r) => {
  const ec2 = env.write.ec2(r.region);
  const common = {
    step: 'release/fleet-capacity',
    region: r.region,
    target: r.fleetId,
    reversible: true,
    summary: `target capacity of ${r.fleetKind === 'spot-fleet' ? 'Spot Fleet' : 'EC2 Fleet'} ${r.fleetId} back to ${r.targetCapacity}`,
    isDone: async () => (await currentCapacity(env, r.region, r.fleetKind, r.fleetId)) === r.targetCapacity,
  } as const;
  if (r.fleetKind === 'spot-fleet') {
    const request = { SpotFleetRequestId: r.fleetId, TargetCapacity: r.targetCapacity };
    return { ...common, action: 'ec2:ModifySpotFleetRequest', request, apply: () => ec2.send(new ModifySpotFleetRequestCommand(request)) };
  }
  const request = { FleetId: r.fleetId, TargetCapacitySpecification: { TotalTargetCapacity: r.targetCapacity } };
  return { ...common, action: 'ec2:ModifyFleet', request, dryRun: () => ec2.send(new ModifyFleetCommand({ ...request, DryRun: true })), apply: () => ec2.send(new ModifyFleetCommand(request)) };
};

/** Cancel the fleet that owns an instance, keeping its instances running (they are evidence). Irreversible: eradicate only. */
export function cancelFleetAction(env: PhaseEnv, region: string, owner: FleetOwner, step: string): Action {
  const ec2 = env.write.ec2(region);
  const what = owner.kind === 'spot-fleet' ? 'Spot Fleet' : 'EC2 Fleet';
  // No DryRun, ever: moto's CancelSpotFleetRequests ignores it, and a cancelled fleet cannot be reopened. The plan reads the fleet instead.
  const check = async () => {
    const now = await readFleetOwner(env, region, owner.kind, owner.id);
    if (!now) return `${what} ${owner.id} was not found in ${region}. Fix: check the fleet ID and region (aws ec2 describe-${owner.kind === 'spot-fleet' ? 'spot-fleet-requests' : 'fleets'} --region ${region}), then rerun.`;
    return undefined;
  };
  const isDone = async () => {
    const now = await readFleetOwner(env, region, owner.kind, owner.id);
    return !!now && !fleetLive(now);
  };
  const base = { step, region, target: owner.id, reversible: false, irreversible: true, isDone, check } as const;
  if (owner.kind === 'spot-fleet') {
    const request = { SpotFleetRequestIds: [owner.id], TerminateInstances: false };
    return {
      ...base,
      action: 'ec2:CancelSpotFleetRequests',
      summary: `cancel Spot Fleet ${owner.id} (instances kept) so it does not relaunch capacity`,
      request,
      apply: () => ec2.send(new CancelSpotFleetRequestsCommand(request)),
    };
  }
  const request = { FleetIds: [owner.id], TerminateInstances: false };
  return {
    ...base,
    action: 'ec2:DeleteFleets',
    summary: `delete EC2 Fleet ${owner.id} (instances kept) so it does not relaunch capacity`,
    request,
    apply: () => ec2.send(new DeleteFleetsCommand(request)),
  };
}
