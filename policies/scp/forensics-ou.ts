/** SCP for the Forensics OU: the clean room never gets a path to or from the internet. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { deployerArnPatterns } from './principals';

/** Every way a VPC reaches the internet or another network; the clean room needs none. */
export const NETWORK_EXIT_ACTIONS: readonly string[] = [
  'ec2:CreateInternetGateway', 'ec2:AttachInternetGateway', 'ec2:CreateEgressOnlyInternetGateway',
  'ec2:CreateNatGateway', 'ec2:AllocateAddress', 'ec2:AssociateAddress',
  'ec2:CreateVpcPeeringConnection', 'ec2:AcceptVpcPeeringConnection',
  'ec2:CreateTransitGatewayVpcAttachment', 'ec2:AcceptTransitGatewayVpcAttachment',
  'ec2:CreateVpnGateway', 'ec2:AttachVpnGateway', 'ec2:CreateCarrierGateway', 'ec2:CreateClientVpnEndpoint',
  // A default VPC comes with an internet gateway and public subnets.
  'ec2:CreateDefaultVpc', 'ec2:CreateDefaultSubnet',
  'globalaccelerator:CreateAccelerator',
];

/** Changes that can make evidence public; the forensics stack sets them once, as a deployer. */
export const EVIDENCE_EXPOSURE_ACTIONS: readonly string[] = [
  's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketPublicAccessBlock',
  's3:PutAccountPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:PutAccessPointPolicy',
  'ec2:ModifySnapshotAttribute', 'ec2:ModifyImageAttribute',
  'ec2:DisableSnapshotBlockPublicAccess', 'ec2:DisableImageBlockPublicAccess',
];

/**
 * A Lambda function outside a VPC runs on AWS's network with internet access, whatever the clean
 * room's VPC allows. `lambda:VpcIds` (iam-data: CreateFunction, UpdateFunctionConfiguration) is
 * absent when the request carries no VPC configuration.
 */
export const LAMBDA_CONFIG_ACTIONS: readonly string[] = ['lambda:CreateFunction', 'lambda:UpdateFunctionConfiguration'];

/** Plain-text explanation for auditors. */
export const explanation = `Keeps the forensics clean room closed to the internet.
For every principal in the Forensics OU: no internet, egress-only, NAT, carrier, VPN or transit
gateway, no VPC peering, no Elastic IPs, no default VPC (it comes with an internet gateway), no
Global Accelerator, no instance launched with a public IP, no subnet switched to public IPs on
launch, and no S3 ACL changes (the evidence bucket enforces bucket-owner ownership, so ACLs are
never needed).
Only the deploying roles may change S3 bucket policies, public-access blocks, ownership controls,
access point policies, and the sharing attributes and public-access blocks of snapshots and AMIs:
the forensics stack sets these once, and anyone else changing them could publish evidence.
Lambda functions must be created and updated with a VPC configuration (lambda:VpcIds present): a
function outside a VPC has internet access no route table controls. The key is absent when an
update omits the VPC settings, so every UpdateFunctionConfiguration in the clean room repeats them.
Accepting a RAM resource-share invitation is denied: a shared subnet, transit gateway or resolver
rule from another account would join the clean room to a network this policy does not see.
Security group ingress from 0.0.0.0/0 cannot be expressed in an SCP (AuthorizeSecurityGroupIngress
exposes no CIDR condition key); with every path above denied, such a rule has nothing to admit.`;

/** The Forensics OU SCP for `config`. */
export function forensicsOuScp(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-guardrails-forensics-no-internet',
    description: 'Deny any internet path, public IP, Lambda outside a VPC, RAM share or public evidence in the forensics clean room.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyNetworkExits', Effect: 'Deny', Action: [...NETWORK_EXIT_ACTIONS], Resource: '*' },
        {
          Sid: 'DenyPublicIpOnLaunch',
          Effect: 'Deny',
          Action: 'ec2:RunInstances',
          Resource: 'arn:aws:ec2:*:*:network-interface/*',
          Condition: { Bool: { 'ec2:AssociatePublicIpAddress': 'true' } },
        },
        {
          Sid: 'DenyPublicSubnets',
          Effect: 'Deny',
          Action: 'ec2:ModifySubnetAttribute',
          Resource: '*',
          Condition: { StringEquals: { 'ec2:Attribute/MapPublicIpOnLaunch': 'true' } },
        },
        { Sid: 'DenyS3Acls', Effect: 'Deny', Action: ['s3:PutBucketAcl', 's3:PutObjectAcl'], Resource: '*' },
        {
          Sid: 'DenyLambdaOutsideVpc',
          Effect: 'Deny',
          Action: [...LAMBDA_CONFIG_ACTIONS],
          Resource: '*',
          Condition: { Null: { 'lambda:VpcIds': 'true' } },
        },
        { Sid: 'DenyAcceptingResourceShares', Effect: 'Deny', Action: 'ram:AcceptResourceShareInvitation', Resource: '*' },
        {
          Sid: 'DenyEvidenceExposureExceptDeployers',
          Effect: 'Deny',
          Action: [...EVIDENCE_EXPOSURE_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) } },
        },
      ],
    },
  };
}
