/**
 * EC2 instances as the investigation needs them: one InstanceRecord per instance with its
 * ENIs, volumes, profile, Spot request and Auto Scaling group.
 */
import { DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAddressesCommand, type Instance } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/clients';
import { readInstances } from '../aws/ec2-state';
import { notAnAwsAnswer } from '../aws/errors';
import type { InstanceRecord } from '../model';

/** Convert an EC2 API instance into the shared record (ASG filled in separately). */
export function toInstanceRecord(
  region: string,
  instance: Instance,
  extra: { readonly autoScalingGroup?: string; readonly addresses?: ReadonlyMap<string, ElasticAddress> } = {},
): InstanceRecord {
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  return {
    region,
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'unknown',
    instanceType: instance.InstanceType ?? 'unknown',
    launchTime: instance.LaunchTime?.toISOString(),
    imageId: instance.ImageId,
    keyName: instance.KeyName,
    vpcId: instance.VpcId,
    subnetId: instance.SubnetId,
    networkInterfaces: (instance.NetworkInterfaces ?? []).map((eni) => ({
      id: eni.NetworkInterfaceId ?? '',
      groupIds: (eni.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
      deviceIndex: eni.Attachment?.DeviceIndex,
      publicIp: eni.Association?.PublicIp,
      allocationId: extra.addresses?.get(eni.NetworkInterfaceId ?? '')?.allocationId,
      associationId: extra.addresses?.get(eni.NetworkInterfaceId ?? '')?.associationId,
    })),
    volumeIds: (instance.BlockDeviceMappings ?? []).flatMap((b) => (b.Ebs?.VolumeId ? [b.Ebs.VolumeId] : [])),
    iamInstanceProfileArn: instance.IamInstanceProfile?.Arn,
    lifecycle: instance.InstanceLifecycle,
    spotInstanceRequestId: instance.SpotInstanceRequestId,
    // The tag is there even when DescribeAutoScalingInstances is denied or fails.
    autoScalingGroup: extra.autoScalingGroup ?? tags['aws:autoscaling:groupName'],
    tags,
  };
}

/** An Elastic IP as containment needs it (release needs the allocation, disassociation the association). */
export interface ElasticAddress {
  readonly allocationId?: string;
  readonly associationId?: string;
}

/** Elastic IPs by the ENI they are associated with (the instance API does not return allocation IDs). */
export async function elasticAddressesByEni(clients: AwsClients, region: string): Promise<Map<string, ElasticAddress>> {
  const out = await clients.ec2(region).send(new DescribeAddressesCommand({}));
  const byEni = new Map<string, ElasticAddress>();
  for (const a of out.Addresses ?? []) {
    if (a.NetworkInterfaceId) byEni.set(a.NetworkInterfaceId, { allocationId: a.AllocationId, associationId: a.AssociationId });
  }
  return byEni;
}

/** Every instance in a region (all states), paginated. */
export async function describeAllInstances(clients: AwsClients, region: string, instanceIds?: string[]): Promise<Instance[]> {
  return readInstances(clients.ec2(region), { instanceIds });
}

/** ASG name per instance ID (DescribeAutoScalingInstances takes at most 50 IDs per call). */
export async function autoScalingGroupsOf(clients: AwsClients, region: string, instanceIds: readonly string[]): Promise<Map<string, string>> {
  const groups = new Map<string, string>();
  for (let i = 0; i < instanceIds.length; i += 50) {
    const batch = instanceIds.slice(i, i + 50);
    let NextToken: string | undefined;
    do {
      const page = await clients
        .autoScaling(region)
        .send(new DescribeAutoScalingInstancesCommand({ InstanceIds: batch, NextToken }));
      for (const asi of page.AutoScalingInstances ?? []) {
        if (asi.InstanceId && asi.AutoScalingGroupName) groups.set(asi.InstanceId, asi.AutoScalingGroupName);
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return groups;
}

/** Whether an SDK error means "no such instance" (as opposed to a denied or failed call). */
export function isInstanceNotFound(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string } | undefined)?.name ?? '';
  return name === 'InvalidInstanceID.NotFound' || name === 'InvalidInstanceID.Malformed';
}

/** Message of any thrown value, for StepFailure and facts. */
export function errorMessage(error: unknown): string {
  const foreign = notAnAwsAnswer(error);
  if (foreign) return foreign;
  if (error instanceof Error) return `${error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}`;
  return String(error);
}
