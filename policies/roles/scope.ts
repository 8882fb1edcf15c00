/** Resource scopes the role policies share: where the IR data lives in the organization. */
import type { OrgConfig } from '../../config';
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
