/**
 * The clean room's resource policies: the evidence key, the evidence bucket and the S3 gateway
 * endpoint. Placed by the clean-room stack in the forensics account, whose ID must be known.
 */
import type { OrgConfig } from '../../config';
import { ANY_IR_ROLE_ARN, accountRootArn, deploymentRoleArn, type CleanRoom } from '../../shared/addresses';
import type { AuditedPolicy } from '../scp/audited';
import { denyInsecureTransport, denyVersionDeletesExceptDeployer, keyAdministration } from './shared-statements';

/**
 * Evidence key policy. Member accounts of the organization may use the key only through EC2
 * in the clean room's region: that is what CopySnapshot with this KmsKeyId needs to
 * re-encrypt a snapshot (default `aws/ebs` snapshots cannot be shared) before it is shared
 * with the forensics account. Grants only for AWS resources, so no principal can mint a
 * standing grant for itself. IR roles may also write evidence objects through S3.
 */
export function evidenceKeyPolicy(config: OrgConfig, room: CleanRoom): AuditedPolicy {
  const orgId = config.organization.id;
  const viaEc2 = `ec2.${room.region}.amazonaws.com`;
  return {
    name: 'clean-room-evidence-key',
    description: 'Evidence key: org members re-encrypt snapshot copies via EC2, IR roles write evidence via S3.',
    explanation: `The forensics account administers the key. Any principal of the organization (aws:PrincipalOrgID)
may use it only through EC2 in the clean room's region (kms:ViaService): copying a snapshot with
this key is how irctl re-encrypts evidence so it can be shared with the forensics account. Grants
only for AWS resources (kms:GrantIsForAWSResource), so nobody mints a standing grant. IR roles
(under /incident-response/) of the organization may generate data keys through S3 in that region
to write evidence objects. CloudWatch Logs may use it for the clean room's flow-log group only.
Nobody may decrypt directly, and nobody outside the organization may use it at all.`,
    document: {
      Version: '2012-10-17',
      Statement: [
        // Without this the key is unmanageable; IAM policies in the forensics account then decide.
        keyAdministration('ForensicsAccountAdministers', accountRootArn(room.accountId)),
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
            ArnLike: { 'aws:PrincipalArn': ANY_IR_ROLE_ARN },
          },
        },
        {
          // CloudWatch Logs encrypts the clean room's flow-log group with this key.
          Sid: 'CloudWatchLogsEncryptsFlowLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${room.region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': room.flowLogGroupArn } },
        },
      ],
    },
  };
}

/** Evidence bucket policy: TLS only; IR roles of the org may add evidence, nobody but the deployer may delete a version. */
export function evidenceBucketPolicy(config: OrgConfig, room: CleanRoom): AuditedPolicy {
  const objects = `${room.bucketArn}/*`;
  return {
    name: 'clean-room-evidence-bucket',
    description: 'Evidence bucket: IR roles of the organization add evidence over TLS; versions are never deleted.',
    explanation: `IR roles (under /incident-response/) of the organization may add objects and list the bucket,
over TLS only. Nobody else is granted anything by the bucket; reading evidence is for the forensics
account's own principals (the workstation role). Object Lock keeps versions for the configured
retention; deleting a version or bypassing governance retention is denied to everyone but the
forensics account's deployment role.`,
    document: {
      Version: '2012-10-17',
      Statement: [
        denyInsecureTransport(room.bucketArn),
        {
          Sid: 'IrRolesAddEvidence',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['s3:PutObject', 's3:GetBucketLocation', 's3:ListBucket'],
          Resource: [room.bucketArn, objects],
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': config.organization.id },
            ArnLike: { 'aws:PrincipalArn': ANY_IR_ROLE_ARN },
          },
        },
        denyVersionDeletesExceptDeployer(room.bucketArn, deploymentRoleArn(config, room.accountId)),
      ],
    },
  };
}

/**
 * S3 gateway endpoint policy: the clean room reaches the evidence bucket and nothing else in
 * S3, so a tool run on a forensic workstation cannot ship evidence to another bucket.
 */
export function s3EndpointPolicy(room: CleanRoom): AuditedPolicy {
  return {
    name: 'clean-room-s3-endpoint',
    description: 'S3 gateway endpoint of the clean room: the evidence bucket only.',
    explanation: `The clean room has no internet path; S3 is reached only through this gateway endpoint, which
admits reads, writes and listings of the evidence bucket and nothing else, so a tool run on a
forensic workstation cannot ship evidence to another bucket.`,
    document: {
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
    },
  };
}
