/** Resource scopes the role policies share: where the IR data lives in the organization, by exact address. */
import type { OrgConfig } from '../../config';
import type { PolicyStatement } from '../document';
import {
  ANY_IR_ROLE_ARN,
  LOG_ARCHIVE_PURPOSES,
  athenaDataCatalogsArn,
  athenaWorkgroupArn,
  glueLogTablesArns,
  homeRegion,
  logArchiveBucketArn,
  logArchiveKeysArn,
  logArchiveObjectsArn,
} from '../../shared/addresses';

/** Every IR role in every account (IAM ARNs carry the path). */
export const IR_ROLES_RESOURCE = ANY_IR_ROLE_ARN;

/** The investigation workgroup and the data catalogs it reads (security account). */
export function athenaResources(config: OrgConfig): string[] {
  return [athenaWorkgroupArn(config), athenaDataCatalogsArn(config)];
}

/** The Glue catalog, database and tables over the log archive (security account). */
export function glueResources(config: OrgConfig): string[] {
  return glueLogTablesArns(config);
}

/**
 * The owning account as well as the name: bucket names are global, and one squatted before the
 * log archive created it would otherwise receive query results.
 */
export function logArchiveCondition(config: OrgConfig): Record<string, Record<string, string>> {
  return { StringEquals: { 'aws:ResourceAccount': config.accounts.logArchive.id } };
}

/** Objects of the Athena results bucket. */
export function athenaResultsObjects(config: OrgConfig): string[] {
  return [logArchiveObjectsArn(config, 'athena-results')];
}

/**
 * What running Athena over the org's logs needs, as the caller: read the log-archive buckets,
 * write results only into the results bucket (never into logs), decrypt only the log-archive
 * keys and only through S3. Shared by SecurityAnalyst and SecurityAdmin.
 */
export function athenaLogAccessStatements(config: OrgConfig): PolicyStatement[] {
  return [
    {
      Sid: 'ReadLogArchive',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
      Resource: LOG_ARCHIVE_PURPOSES.flatMap((p) => [logArchiveBucketArn(config, p), logArchiveObjectsArn(config, p)]),
      Condition: logArchiveCondition(config),
    },
    {
      Sid: 'WriteQueryResults',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: athenaResultsObjects(config),
      Condition: logArchiveCondition(config),
    },
    {
      Sid: 'DecryptLogsThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: logArchiveKeysArn(config),
      Condition: { StringEquals: { 'kms:ViaService': `s3.${homeRegion(config)}.amazonaws.com` } },
    },
  ];
}
