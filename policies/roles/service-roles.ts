/**
 * Permission policies of the service roles the stacks create (their trust is in policies/trust/):
 * each may do one thing, on one named resource.
 */
import type { OrgConfig } from '../../config';
import { FORENSICS } from '../../shared/names';
import { breakGlassBusArn, configDeliveryObjectsArn, homeFindingsBusArn, logArchiveBucketArn, type CleanRoom } from '../../shared/addresses';
import type { AuditedPolicy } from '../scp/audited';

/** The findings forwarder may put events on the home region's default bus and nothing else. */
export function findingsForwarderPolicy(config: OrgConfig): AuditedPolicy {
  return {
    name: 'put-home-bus',
    description: 'Findings forwarder: put events on the security account\'s home-region default bus.',
    explanation: 'EventBridge rules outside the home region forward findings with this role; it may put events on one bus only.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: homeFindingsBusArn(config) }] },
  };
}

/** A break-glass forwarder may put events on the security account's break-glass bus and nothing else. */
export function breakGlassForwarderPolicy(config: OrgConfig): AuditedPolicy {
  return {
    name: 'forward-to-security-bus',
    description: 'Break-glass forwarder: put events on the security account\'s break-glass bus.',
    explanation: 'Each account\'s break-glass rule forwards with this role; it may put events on the break-glass bus only.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: breakGlassBusArn(config) }] },
  };
}

/**
 * A Config recorder delivers into its own account's prefix of the Config bucket. `account` is an
 * account ID, or in CloudFormation the intrinsic `{ Ref: 'AWS::AccountId' }`.
 */
export function configDeliveryPolicy(config: OrgConfig, account: unknown): AuditedPolicy {
  const bucket = logArchiveBucketArn(config, 'config');
  // In a StackSet template the account is an intrinsic: the ARN around it is split at the marker.
  const [before, after] = configDeliveryObjectsArn(config, '\u0000').split('\u0000');
  const objects = typeof account === 'string' ? configDeliveryObjectsArn(config, account) : { 'Fn::Join': ['', [before, account, after]] };
  return {
    name: 'deliver-to-log-archive',
    description: 'Config recorder: deliver into its own account\'s prefix of the log archive\'s Config bucket.',
    explanation: `The recorder checks the Config bucket and writes only under AWSLogs/<its own account>/Config/, so
a recorder cannot overwrite another account's configuration history. Reading resource
configurations comes from the AWS managed policy AWS_ConfigRole.`,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: bucket },
        { Effect: 'Allow', Action: 's3:PutObject', Resource: objects as string },
      ],
    },
  };
}

/**
 * Workstation permissions beyond SSM: read evidence and decrypt it with the evidence key,
 * named by its alias so the document holds no generated key ID.
 */
export function workstationPolicy(room: CleanRoom): AuditedPolicy {
  return {
    name: 'read-evidence',
    description: 'Forensic workstation: read the evidence bucket and decrypt with the evidence key.',
    explanation: `Workstations list and read evidence (every version) and decrypt with the key whose alias is
${FORENSICS.evidenceKeyAlias} in the forensics account; they write nothing. Session Manager access
comes from the AWS managed policy AmazonSSMManagedInstanceCore.`,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListEvidence', Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'], Resource: room.bucketArn },
        { Sid: 'ReadEvidence', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${room.bucketArn}/*` },
        {
          Sid: 'DecryptEvidence',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: room.keysArn,
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': FORENSICS.evidenceKeyAlias } },
        },
      ],
    },
  };
}

/** Flow-log delivery into the clean room's one log group. */
export function cleanRoomFlowLogsPolicy(room: CleanRoom): AuditedPolicy {
  const group = room.flowLogGroupArn;
  return {
    name: 'deliver-flow-logs',
    description: 'Clean-room flow logs: write into the clean room\'s flow-log group.',
    explanation: 'VPC Flow Logs create streams and put events in the clean room\'s one log group, nothing else.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
          Resource: [group, `${group}:*`],
        },
      ],
    },
  };
}
