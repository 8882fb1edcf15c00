/**
 * One batched read of everything containment needs in a region, taken before acting. Actions
 * check this snapshot (check-then-act), which keeps the number of calls per instance flat:
 * 50 instances in a region cost the same handful of Describe calls as one.
 */
import { type AutoScalingInstanceDetails, type AutoScalingGroup, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  type Address,
  DescribeAddressesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSpotInstanceRequestsCommand,
  DescribeVolumesCommand,
  type IamInstanceProfileAssociation,
  type Instance,
  type Snapshot,
  type SpotInstanceRequest,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import { TAGS } from '../../shared/names';
import type { AwsClients } from '../aws/clients';
import { chunks, readAutoScalingGroups, readInstances } from '../aws/ec2-state';
import type { EvidencePrefetch } from '../evidence/collect';
import { type FleetOwner, readFleetOwners } from './fleets';

/** Instance attributes DescribeInstances does not return. */
export interface InstanceAttributes {
  readonly shutdownBehavior?: string;
  readonly disableApiTermination: boolean;
  readonly disableApiStop: boolean;
}

/** A load balancer registration of an instance. */
export interface TargetRegistration {
  readonly targetGroupArn: string;
  readonly port?: number;
}

/** Everything containment reads in one region. */
export interface RegionState {
  readonly region: string;
  readonly instances: readonly Instance[];
  /** Case snapshots by volume ID. */
  readonly snapshots: ReadonlyMap<string, Snapshot>;
  readonly addresses: readonly Address[];
  readonly profileAssociations: ReadonlyMap<string, IamInstanceProfileAssociation>;
  readonly asgInstances: ReadonlyMap<string, AutoScalingInstanceDetails>;
  readonly asgGroups: ReadonlyMap<string, AutoScalingGroup>;
  readonly targets: ReadonlyMap<string, readonly TargetRegistration[]>;
  readonly attributes: ReadonlyMap<string, InstanceAttributes>;
  /** Volumes attached to the instances, their security groups and every profile association (evidence reuses them). */
  readonly evidence: EvidencePrefetch;
  /** Live Spot Fleets / EC2 Fleets by the instance they launched. */
  readonly fleets: ReadonlyMap<string, FleetOwner>;
  /** Spot requests by the instance they launched. */
  readonly spotRequests: ReadonlyMap<string, SpotInstanceRequest>;
}

/** Find instances by ID in a region (a filter, so unknown IDs give no error here). */
export async function findInstances(clients: AwsClients, region: string, instanceIds: readonly string[]): Promise<Instance[]> {
  if (instanceIds.length === 0) return [];
  const found: Instance[] = [];
  for (const chunk of chunks(instanceIds, 200)) found.push(...(await readInstances(clients.ec2(region), { filters: [{ Name: 'instance-id', Values: chunk }] })));
  return found.filter((i) => i.State?.Name !== 'terminated');
}

/** Read the containment state of `instances` (already found in `region`). */
export async function readRegionState(clients: AwsClients, region: string, instances: readonly Instance[], caseId: string): Promise<RegionState> {
  const ids = instances.map((i) => i.InstanceId!);
  const ec2 = clients.ec2(region);
  const groupIds = [...new Set(instances.flatMap((i) => (i.NetworkInterfaces ?? []).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupId!))))];
  const [snapshots, addresses, associations, asgInstances, targets, attributes, spot, volumes, securityGroups, fleets] = await Promise.all([
    ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAGS.caseId}`, Values: [caseId] }] })),
    concatChunks(ids, 200, async (c) => (await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: c }] }))).Addresses ?? []),
    concatChunks(ids, 200, async (c) =>
      (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: c }] }))).IamInstanceProfileAssociations ?? [],
    ),
    // DescribeAutoScalingInstances takes at most 50 IDs per call.
    concatChunks(ids, 50, async (c) => (await clients.autoScaling(region).send(new DescribeAutoScalingInstancesCommand({ InstanceIds: c }))).AutoScalingInstances ?? []),
    readTargets(clients, region, new Set(ids)),
    readAttributes(clients, region, ids),
    // By instance ID: DescribeInstances does not always carry SpotInstanceRequestId (moto omits it).
    concatChunks(ids, 200, async (c) => (await ec2.send(new DescribeSpotInstanceRequestsCommand({ Filters: [{ Name: 'instance-id', Values: c }] }))).SpotInstanceRequests ?? []),
    concatChunks(ids, 200, async (c) => (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: c }] }))).Volumes ?? []),
    concatChunks(groupIds, 200, async (c) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: c }))).SecurityGroups ?? []),
    readFleetOwners(clients, region, instances),
  ]);
  const asgNames = [...new Set(asgInstances.map((a) => a.AutoScalingGroupName!))];
  const groups = await readAutoScalingGroups(clients.autoScaling(region), asgNames);
  return {
    region,
    instances,
    snapshots: new Map((snapshots.Snapshots ?? []).filter((s) => s.State !== 'error').map((s) => [s.VolumeId!, s])),
    addresses,
    profileAssociations: new Map(
      associations.filter((a) => a.State === 'associated' || a.State === 'associating').map((a) => [a.InstanceId!, a]),
    ),
    asgInstances: new Map(asgInstances.map((a) => [a.InstanceId!, a])),
    asgGroups: new Map(groups.map((g) => [g.AutoScalingGroupName!, g])),
    targets,
    attributes,
    evidence: { volumes, securityGroups, associations },
    fleets,
    spotRequests: new Map(spot.map((s) => [s.InstanceId!, s])),
  };
}

async function readTargets(clients: AwsClients, region: string, ids: ReadonlySet<string>): Promise<Map<string, TargetRegistration[]>> {
  const elb = clients.elbv2(region);
  const out = new Map<string, TargetRegistration[]>();
  let marker: string | undefined;
  const groups: string[] = [];
  do {
    const page = await elb.send(new DescribeTargetGroupsCommand({ Marker: marker }));
    groups.push(...(page.TargetGroups ?? []).filter((g) => (g.TargetType ?? 'instance') === 'instance').map((g) => g.TargetGroupArn!));
    marker = page.NextMarker;
  } while (marker);
  await Promise.all(
    groups.map(async (arn) => {
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      for (const d of health.TargetHealthDescriptions ?? []) {
        const id = d.Target?.Id;
        if (!id || !ids.has(id) || d.TargetHealth?.State === 'draining') continue;
        out.set(id, [...(out.get(id) ?? []), { targetGroupArn: arn, port: d.Target?.Port }]);
      }
    }),
  );
  return out;
}

async function readAttributes(clients: AwsClients, region: string, ids: readonly string[]): Promise<Map<string, InstanceAttributes>> {
  const ec2 = clients.ec2(region);
  const gate = pLimit(10);
  const entries = await Promise.all(
    ids.map((id) => gate(async () => {
      const get = (Attribute: 'instanceInitiatedShutdownBehavior' | 'disableApiTermination' | 'disableApiStop') =>
        ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute }));
      const [shutdown, term, stop] = await Promise.all([get('instanceInitiatedShutdownBehavior'), get('disableApiTermination'), get('disableApiStop')]);
      return [
        id,
        {
          shutdownBehavior: shutdown.InstanceInitiatedShutdownBehavior?.Value,
          disableApiTermination: truthy(term.DisableApiTermination?.Value),
          disableApiStop: truthy(stop.DisableApiStop?.Value),
        },
      ] as const;
    })),
  );
  return new Map(entries);
}

// moto answers some boolean attributes as strings.
function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

async function concatChunks<T>(ids: readonly string[], size: number, read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  if (ids.length === 0) return [];
  return (await Promise.all(chunks(ids, size).map(read))).flat();
}
