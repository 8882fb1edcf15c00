/**
 * `management-trail`: the organization trail. Every region, global service events, log file
 * validation, KMS, delivered to the log archive's locked bucket. It lives in the management
 * account because only there can a trail cover the organization (delegated administrators can
 * too, but then the trail dies with the delegation).
 */
import type { Construct } from 'constructs';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import type { OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { LogArchiveStack } from './log-archive';
import { DETECTION } from '../../shared/addresses';

/** `management-trail`: the organization trail in the home region. */
export class ManagementTrailStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly management: TargetAccount; readonly archive: LogArchiveStack }) {
    super(scope, { config: props.config, account: props.management, concern: 'trail' });
    // CloudTrail checks its bucket and key when the trail is created: reading them from the archive orders this stack after it.
    const key = new DataAwsKmsKey(this, 'trail-key', { keyId: props.archive.keyAliasArn(this, 'cloudtrail') });
    new Cloudtrail(this, 'organization-trail', {
      name: DETECTION.trailName,
      s3BucketName: props.archive.bucket(this, 'cloudtrail').name,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: key.arn,
    });
  }
}
