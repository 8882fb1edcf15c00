/**
 * The clean room's resource and identity policies as plain JSON, built from the config with
 * no Terraform tokens, so the text tests assert is the text AWS receives. ARNs are derived
 * from names (names.ts), which is why the forensics account ID must be known at synth.
 */
import type { OrgConfig } from '../../config';
import { serviceRoleTrust, type PolicyDocument } from '../../policies/document';
import { FORENSICS, IR_ROLE_PATH } from '../../shared/names';
import { type CleanRoom } from '../../shared/addresses';

export { cleanRoom, type CleanRoom } from '../../shared/addresses';

/** Any IR role (under the IR path) in any account of the organization. */
const irRolePrincipalPattern = `arn:aws:iam::*:role${IR_ROLE_PATH}*`;

/**
 * Evidence key policy. Member accounts of the organization may use the key only through EC2
 * in the clean room's region: that is what CopySnapshot with this KmsKeyId needs to
 * re-encrypt a snapshot (default `aws/ebs` snapshots cannot be shared) before it is shared
 * with the forensics account. Grants only for AWS resources, so no principal can mint a
 * standing grant for itself. IR roles may also write evidence objects through S3.
 */
export function evidenceKeyPolicy(config: OrgConfig, room: CleanRoom): PolicyDocument {
  const orgId = config.organization.id;
  const viaEc2 = `ec2.${room.region}.amazonaws.com`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        // Without this the key is unmanageable; IAM policies in the forensics account then decide.
        Sid: 'ForensicsAccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${room.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'OrgMembersReEncryptSnapshotCopiesViaEc2',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId, 'kms:ViaService': viaEc2 } },
      },
      {
        Sid: 'OrgMembersGrantEc2ForSnapshotCopies',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': orgId, 'kms:ViaService': viaEc2 },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      },
      {
        Sid: 'IrRolesWriteEvidenceViaS3',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:GenerateDataKey', 'kms:DescribeKey'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': orgId, 'kms:ViaService': `s3.${room.region}.amazonaws.com` },
          ArnLike: { 'aws:PrincipalArn': irRolePrincipalPattern },
        },
      },
      {
        // CloudWatch Logs encrypts the clean room's flow-log group with this key.
        Sid: 'CloudWatchLogsEncryptsFlowLogs',
        Effect: 'Allow',
        Principal: { Service: `logs.${room.region}.amazonaws.com` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: {
          ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': room.flowLogGroupArn },
        },
      },
    ],
  };
}

/** Evidence bucket policy: TLS only; IR roles of the org may add evidence, nobody may delete a version. */
export function evidenceBucketPolicy(config: OrgConfig, room: CleanRoom): PolicyDocument {
  const objects = `${room.bucketArn}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [room.bucketArn, objects],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'IrRolesAddEvidence',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['s3:PutObject', 's3:GetBucketLocation', 's3:ListBucket'],
        Resource: [room.bucketArn, objects],
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': config.organization.id },
          ArnLike: { 'aws:PrincipalArn': irRolePrincipalPattern },
        },
      },
      {
        // GOVERNANCE retention yields to anyone allowed s3:BypassGovernanceRetention; this
        // leaves that (and deleting versions) to the org's deployment role alone.
        Sid: 'DenyVersionDeletesAndLockBypass',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
        Resource: objects,
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${room.accountId}:role/${config.deployment.roleName}` } },
      },
    ],
  };
}

/**
 * S3 gateway endpoint policy: the clean room reaches the evidence bucket and nothing else in
 * S3, so a tool run on a forensic workstation cannot ship evidence to another bucket.
 */
export function s3EndpointPolicy(room: CleanRoom): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EvidenceBucketOnly',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
        Resource: [room.bucketArn, `${room.bucketArn}/*`],
      },
    ],
  };
}

/** Trust policy of the forensic workstation role: EC2 in the forensics account. */
export function workstationTrust(room: CleanRoom): PolicyDocument {
  return serviceRoleTrust('ec2.amazonaws.com', room.accountId);
}

/**
 * Workstation permissions beyond SSM: read evidence and decrypt it with the evidence key,
 * named by its alias so the document holds no generated key ID.
 */
export function workstationPolicy(room: CleanRoom): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListEvidence', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'], Resource: room.bucketArn },
      { Sid: 'ReadEvidence', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${room.bucketArn}/*` },
      {
        Sid: 'DecryptEvidence',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: `arn:aws:kms:${room.region}:${room.accountId}:key/*`,
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': FORENSICS.evidenceKeyAlias } },
      },
    ],
  };
}

/** Trust policy of the flow-log delivery role. */
export function flowLogsTrust(room: CleanRoom): PolicyDocument {
  return serviceRoleTrust('vpc-flow-logs.amazonaws.com', room.accountId);
}

/** Flow-log delivery into the one log group. */
export function flowLogsPolicy(room: CleanRoom): PolicyDocument {
  const group = room.flowLogGroupArn;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
        Resource: [group, `${group}:*`],
      },
    ],
  };
}
