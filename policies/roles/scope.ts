/** Resource scopes the role policies share: where the IR data lives in the organization. */
import type { OrgConfig } from '../../config';
import type { PolicyStatement } from '../document';
import { ATHENA_RESULTS_BUCKET_MARKER, IR_ROLE_PATH } from '../../shared/names';

/** Every IR role in every account (IAM ARNs carry the path). */
export const IR_ROLES_RESOURCE = `arn:aws:iam::*:role${IR_ROLE_PATH}*`;

/** Athena workgroups and saved queries live in the security account. */
export function athenaResources(config: OrgConfig): string[] {
  return [`arn:aws:athena:*:${config.accounts.security.id}:workgroup/*`, `arn:aws:athena:*:${config.accounts.security.id}:datacatalog/*`];
}

/** The Glue catalog holding the CloudTrail and Flow Logs tables (security account). */
export function glueResources(config: OrgConfig): string[] {
  const account = config.accounts.security.id;
  return [`arn:aws:glue:*:${account}:catalog`, `arn:aws:glue:*:${account}:database/*`, `arn:aws:glue:*:${account}:table/*/*`];
}

/**
 * Log and Athena-results buckets live in the log-archive account. Bucket names belong to the
 * log-archive stack, so the policies scope by owning account instead of by name.
 */
export function logArchiveCondition(config: OrgConfig): Record<string, Record<string, string>> {
  return { StringEquals: { 'aws:ResourceAccount': config.accounts.logArchive.id } };
}

/** Objects in Athena results buckets (by the naming contract in shared/names.ts). */
export function athenaResultsObjects(): string[] {
  return [`arn:aws:s3:::*${ATHENA_RESULTS_BUCKET_MARKER}*/*`];
}

/**
 * What running Athena over the org's logs needs, as the caller: read the log-archive buckets,
 * write results only into results buckets (never into logs), decrypt only through S3.
 * Shared by SecurityAnalyst and SecurityAdmin.
 */
export function athenaLogAccessStatements(config: OrgConfig): PolicyStatement[] {
  return [
    {
      Sid: 'ReadLogArchive',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
      Resource: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'],
      Condition: logArchiveCondition(config),
    },
    {
      Sid: 'WriteQueryResults',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: athenaResultsObjects(),
      Condition: logArchiveCondition(config),
    },
    {
      Sid: 'DecryptLogsThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
    },
  ];
}
