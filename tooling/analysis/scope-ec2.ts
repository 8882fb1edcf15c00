/**
 * One region's EC2 inventory: instances in every state, key pairs, AMIs and snapshots the
 * account owns, Spot requests, Spot Fleets and EC2 Fleets (with their instances), Auto Scaling
 * groups. Each listing is its own step, so
 * one denied or failing call becomes a StepFailure while the rest of the region is scoped.
 */
import {
  DescribeKeyPairsCommand,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  paginateDescribeSpotInstanceRequests,
} from '@aws-sdk/client-ec2';
import { TAGS } from '../../shared/names';
import type { AwsClients } from '../aws/clients';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { readFleetInstances, readFleets, readSpotFleetInstances, readSpotFleetRequests } from '../aws/ec2-state';
import type { InstanceRecord, RegionalResource, StepFailure } from '../model';
import {
  autoScalingGroupsOf,
  describeAllInstances,
  elasticAddressesByEni,
  errorMessage,
  toInstanceRecord,
  type ElasticAddress,
} from './instances';

/** What scoping found in one region. */
export interface RegionalInventory {
  readonly instances: InstanceRecord[];
  readonly keyPairs: RegionalResource[];
  readonly images: RegionalResource[];
  readonly snapshots: RegionalResource[];
  readonly spotRequests: RegionalResource[];
  readonly fleets: RegionalResource[];
  readonly autoScalingGroups: RegionalResource[];
  readonly failures: StepFailure[];
}

const iso = (d?: Date | string): string | undefined => (d === undefined ? undefined : new Date(d).toISOString());

/** Drop undefined values so `details` stays a plain string map. */
function details(entries: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== '') out[k] = String(v);
  return out;
}

/** Scope one region; never throws, failures are returned. */
export async function scopeRegion(clients: AwsClients, region: string): Promise<RegionalInventory> {
  const ec2 = clients.ec2(region);
  const inv: RegionalInventory = { instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [], autoScalingGroups: [], failures: [] };
  const step = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      inv.failures.push({ step: `scope/${name}`, region, message: errorMessage(error) });
    }
  };

  await Promise.all([
    step('instances', async () => {
      const instances = await describeAllInstances(clients, region);
      let groups = new Map<string, string>();
      let addresses = new Map<string, ElasticAddress>();
      const ids = instances.flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
      if (ids.length > 0) {
        // Instances are still worth reporting without these; ASG membership then comes from the tag only.
        try {
          groups = await autoScalingGroupsOf(clients, region, ids);
        } catch (error) {
          inv.failures.push({ step: 'scope/autoscaling-membership', region, message: errorMessage(error) });
        }
        try {
          addresses = await elasticAddressesByEni(clients, region);
        } catch (error) {
          inv.failures.push({ step: 'scope/elastic-ips', region, message: errorMessage(error) });
        }
      }
      for (const i of instances) {
        inv.instances.push(toInstanceRecord(region, i, { autoScalingGroup: groups.get(i.InstanceId ?? ''), addresses }));
      }
    }),
    step('key-pairs', async () => {
      const out = await ec2.send(new DescribeKeyPairsCommand({}));
      for (const k of out.KeyPairs ?? []) {
        inv.keyPairs.push({
          region,
          id: k.KeyPairId ?? k.KeyName ?? '',
          name: k.KeyName,
          createdAt: iso(k.CreateTime),
          details: details({ keyType: k.KeyType, fingerprint: k.KeyFingerprint }),
        });
      }
    }),
    step('images', async () => {
      for await (const page of paginateDescribeImages({ client: ec2 }, { Owners: ['self'] })) {
        for (const img of page.Images ?? []) {
          const snapshotIds = (img.BlockDeviceMappings ?? []).flatMap((b) => (b.Ebs?.SnapshotId ? [b.Ebs.SnapshotId] : []));
          inv.images.push({
            region,
            id: img.ImageId ?? '',
            name: img.Name,
            state: img.State,
            createdAt: iso(img.CreationDate),
            details: details({ snapshotIds: snapshotIds.join(','), description: img.Description, public: img.Public }),
          });
        }
      }
    }),
    step('snapshots', async () => {
      for await (const page of paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'] })) {
        for (const s of page.Snapshots ?? []) {
          inv.snapshots.push({
            region,
            id: s.SnapshotId ?? '',
            state: s.State,
            createdAt: iso(s.StartTime),
            // The case tag marks irctl's own evidence snapshots: never the attacker's.
            details: details({ volumeId: s.VolumeId, description: s.Description, encrypted: s.Encrypted, kmsKeyId: s.KmsKeyId, irctlCase: s.Tags?.find((t) => t.Key === TAGS.caseId)?.Value }),
          });
        }
      }
    }),
    step('spot-requests', async () => {
      for await (const page of paginateDescribeSpotInstanceRequests({ client: ec2 }, {})) {
        for (const r of page.SpotInstanceRequests ?? []) {
          inv.spotRequests.push({
            region,
            id: r.SpotInstanceRequestId ?? '',
            state: r.State,
            createdAt: iso(r.CreateTime),
            details: details({
              type: r.Type,
              instanceId: r.InstanceId,
              keyName: r.LaunchSpecification?.KeyName,
              instanceType: r.LaunchSpecification?.InstanceType,
              imageId: r.LaunchSpecification?.ImageId,
              status: r.Status?.Code,
            }),
          });
        }
      }
    }),
    step('spot-fleets', async () => {
      for (const f of await readSpotFleetRequests(ec2)) {
        // The fleet's instances: what ties them to an attacker's RequestSpotFleet (moto does not tag them).
        const members = await readSpotFleetInstances(ec2, f.SpotFleetRequestId ?? '');
        const specs = f.SpotFleetRequestConfig?.LaunchSpecifications ?? [];
        inv.fleets.push({
          region,
          id: f.SpotFleetRequestId ?? '',
          state: f.SpotFleetRequestState,
          createdAt: iso(f.CreateTime),
          details: details({
            fleetKind: 'spot-fleet',
            type: f.SpotFleetRequestConfig?.Type,
            targetCapacity: f.SpotFleetRequestConfig?.TargetCapacity,
            keyNames: [...new Set(specs.flatMap((s) => (s.KeyName ? [s.KeyName] : [])))].join(','),
            instanceIds: members.flatMap((m) => m.InstanceId ?? []).join(','),
          }),
        });
      }
    }),
    step('ec2-fleets', async () => {
      for (const f of await readFleets(ec2)) {
        const members = await readFleetInstances(ec2, f.FleetId ?? '');
        inv.fleets.push({
          region,
          id: f.FleetId ?? '',
          state: f.FleetState,
          createdAt: iso(f.CreateTime),
          details: details({
            fleetKind: 'ec2-fleet',
            type: f.Type,
            targetCapacity: f.TargetCapacitySpecification?.TotalTargetCapacity,
            instanceIds: members.flatMap((m) => m.InstanceId ?? []).join(','),
          }),
        });
      }
    }),
    step('auto-scaling-groups', async () => {
      const asg = clients.autoScaling(region);
      let NextToken: string | undefined;
      do {
        const page = await asg.send(new DescribeAutoScalingGroupsCommand({ NextToken }));
        for (const g of page.AutoScalingGroups ?? []) {
          inv.autoScalingGroups.push({
            region,
            id: g.AutoScalingGroupName ?? '',
            name: g.AutoScalingGroupName,
            state: g.Status ?? 'active',
            createdAt: iso(g.CreatedTime),
            details: details({
              minSize: g.MinSize,
              maxSize: g.MaxSize,
              desiredCapacity: g.DesiredCapacity,
              launchTemplate: g.LaunchTemplate?.LaunchTemplateName ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification?.LaunchTemplateName,
              launchConfiguration: g.LaunchConfigurationName,
              instanceIds: (g.Instances ?? []).flatMap((i) => i.InstanceId ?? []).join(','),
            }),
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }),
  ]);
  // Emulators (moto) leave SpotInstanceRequestId off instances; the request names its instance, so fill it in.
  const requestOf = new Map(inv.spotRequests.flatMap((r) => (r.details?.instanceId ? [[r.details.instanceId, r.id] as const] : [])));
  inv.instances.forEach((i, n) => {
    const requestId = requestOf.get(i.instanceId);
    if (!i.spotInstanceRequestId && requestId) inv.instances[n] = { ...i, spotInstanceRequestId: requestId };
  });
  return inv;
}
