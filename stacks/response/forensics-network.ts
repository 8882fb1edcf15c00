/**
 * The clean room's network: a VPC with private subnets only, no internet or NAT gateway and
 * no default route, reaching AWS solely through VPC endpoints; Flow Logs on everything.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { s3EndpointPolicy } from '../../policies/resource/clean-room';
import { cleanRoomFlowLogsPolicy } from '../../policies/roles/service-roles';
import { cleanRoomFlowLogsTrust } from '../../policies/trust/service-roles';
import type { CleanRoom } from '../../shared/addresses';
import { RESPONSE } from '../../shared/addresses';
import { flowLogFormat } from '../plumbing/flow-log-format';
import { terraformLiteral, terraformPolicy } from '../plumbing/terraform-literal';

/** Interface endpoints the clean room needs: Session Manager (ssm, ssmmessages, ec2messages), KMS, Logs, STS. */
export const CLEAN_ROOM_INTERFACE_ENDPOINTS = ['ssm', 'ssmmessages', 'ec2messages', 'kms', 'logs', 'sts'] as const;

/** Where the clean-room network goes and what encrypts its logs. */
export interface ForensicsNetworkProps {
  readonly room: CleanRoom;
  readonly vpcCidr: string;
  /** Key that encrypts the flow-log group. */
  readonly logKeyArn: string;
  /** Availability zones with a private subnet each. @default 2 */
  readonly azCount?: number;
  /** Days flow logs stay in CloudWatch Logs. @default 365 */
  readonly flowLogRetentionDays?: number;
}

/** VPC, private subnets, endpoints and flow logs of the forensics clean room. */
export class ForensicsNetwork extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];

  constructor(scope: Construct, id: string, private readonly props: ForensicsNetworkProps) {
    super(scope, id);
    const azCount = props.azCount ?? 2;
    if (azCount < 2) throw new Error('the forensics VPC needs subnets in at least 2 availability zones');
    const region = props.room.region;

    // DNS support and hostnames are what private DNS on interface endpoints relies on.
    this.vpc = new Vpc(this, 'vpc', {
      region,
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: 'ir-forensics-clean-room' },
    });
    // The default group allows all egress between its members; nothing may fall back to it.
    new DefaultSecurityGroup(this, 'default-sg', { region, vpcId: this.vpc.id, ingress: [], egress: [] });

    const zones = new DataAwsAvailabilityZones(this, 'zones', {
      region,
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    // The only route table: no routes beyond `local` (and the S3 gateway's prefix list).
    const routes = new RouteTable(this, 'private-routes', { region, vpcId: this.vpc.id, tags: { Name: 'ir-forensics-private' } });
    this.subnets = privateSubnetCidrs(props.vpcCidr, azCount).map((cidr, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        region,
        vpcId: this.vpc.id,
        cidrBlock: cidr,
        availabilityZone: Fn.element(zones.names, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `ir-forensics-private-${i}` },
      });
      new RouteTableAssociation(this, `private-${i}-routes`, { region, subnetId: subnet.id, routeTableId: routes.id });
      return subnet;
    });

    this.endpoints(routes);
    this.flowLogs();
  }

  private endpoints(routes: RouteTable): void {
    const { room, vpcCidr } = this.props;
    const region = room.region;
    const endpointSg = new SecurityGroup(this, 'endpoint-sg', {
      region,
      vpcId: this.vpc.id,
      name: 'ir-forensics-endpoints',
      description: 'HTTPS to the VPC endpoints from inside the clean room only',
      ingress: [
        {
          description: 'HTTPS from the clean-room VPC',
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [vpcCidr],
          ipv6CidrBlocks: [],
          prefixListIds: [],
          securityGroups: [],
          selfAttribute: false,
        },
      ],
      // Endpoints answer; they never open connections, so no egress rule at all.
      egress: [],
    });
    for (const service of CLEAN_ROOM_INTERFACE_ENDPOINTS) {
      new VpcEndpoint(this, `endpoint-${service}`, {
        region,
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.subnets.map((s) => s.id),
        securityGroupIds: [endpointSg.id],
        tags: { Name: `ir-forensics-${service}` },
      });
    }
    new VpcEndpoint(this, 'endpoint-s3', {
      region,
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [routes.id],
      policy: terraformPolicy(s3EndpointPolicy(room).document),
      tags: { Name: 'ir-forensics-s3-evidence-only' },
    });
  }

  private flowLogs(): void {
    const { room } = this.props;
    const region = room.region;
    const group = new CloudwatchLogGroup(this, 'flow-log-group', {
      region,
      name: RESPONSE.flowLogGroup,
      retentionInDays: this.props.flowLogRetentionDays ?? 365,
      kmsKeyId: this.props.logKeyArn,
    });
    const role = new IamRole(this, 'flow-log-role', {
      name: RESPONSE.flowLogRole,
      assumeRolePolicy: terraformPolicy(cleanRoomFlowLogsTrust(room).document),
    });
    const delivery = new IamRolePolicy(this, 'flow-log-delivery', { role: role.name, name: cleanRoomFlowLogsPolicy(room).name, policy: terraformPolicy(cleanRoomFlowLogsPolicy(room).document) });
    new FlowLog(this, 'flow-log', {
      region,
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      logFormat: terraformLiteral(flowLogFormat()),
      // The role's grant must exist before delivery starts, or the flow log begins in an access error.
      dependsOn: [delivery],
    });
  }
}

/**
 * Equal private subnets carved from the start of the VPC CIDR: the VPC split in four (two
 * spare quarters for later), or in eight beyond four zones.
 */
export function privateSubnetCidrs(vpcCidr: string, count: number): string[] {
  const [address, prefixText] = vpcCidr.split('/');
  const prefix = Number(prefixText);
  if (prefix < 16) throw new Error(`vpcCidr ${vpcCidr} is larger than AWS allows for a VPC (/16 at most)`);
  const newBits = count <= 4 ? 2 : 3;
  if (count > 2 ** newBits) throw new Error(`at most ${2 ** newBits} private subnets`);
  const subnetPrefix = prefix + newBits;
  if (subnetPrefix > 28) throw new Error(`vpcCidr ${vpcCidr} is too small: subnets would be /${subnetPrefix} (AWS minimum /28)`);
  const raw = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const base = raw - (raw % 2 ** (32 - prefix)); // host bits in the config mean the network itself
  const size = 2 ** (32 - subnetPrefix);
  return Array.from({ length: count }, (_, i) => `${toDotted(base + i * size)}/${subnetPrefix}`);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
