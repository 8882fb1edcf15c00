/**
 * Where evidence rests in the clean room: a customer-managed key that snapshot copies are
 * re-encrypted with, an Object Lock bucket for artefacts, and the workstation profile that
 * reads them.
 */
import { Construct } from 'constructs';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { ForensicsAccountConfig, OrgConfig } from '../../config';
import { FORENSICS } from '../../shared/names';
import { evidenceBucketPolicy, evidenceKeyPolicy } from '../../policies/resource/clean-room';
import { workstationPolicy } from '../../policies/roles/service-roles';
import { workstationTrust } from '../../policies/trust/service-roles';
import type { CleanRoom } from '../../shared/addresses';
import { terraformPolicy } from '../plumbing/terraform-literal';

/** The config (evidence settings, org ID) and the clean room's names. */
export interface ForensicsEvidenceProps {
  readonly config: OrgConfig;
  readonly room: CleanRoom;
}

/** Evidence key, evidence bucket and forensic workstation profile. */
export class ForensicsEvidence extends Construct {
  readonly key: KmsKey;
  readonly bucket: S3Bucket;
  readonly workstationProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: ForensicsEvidenceProps) {
    super(scope, id);
    const { config, room } = props;
    const region = room.region;
    const evidence: ForensicsAccountConfig['evidence'] = config.accounts.forensics.evidence;

    this.key = new KmsKey(this, 'evidence-key', {
      region,
      description: 'IR evidence: snapshot copies and artefacts in the forensics clean room',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: terraformPolicy(evidenceKeyPolicy(config, room).document),
    });
    new KmsAlias(this, 'evidence-key-alias', { region, name: FORENSICS.evidenceKeyAlias, targetKeyId: this.key.keyId });

    // Object Lock can only be switched on when the bucket is created.
    this.bucket = new S3Bucket(this, 'evidence-bucket', { region, bucket: room.bucketName, objectLockEnabled: true });
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, 'evidence-ownership', { region, bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'evidence-public-access', {
      region,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'evidence-versioning', { region, bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'evidence-encryption', {
      region,
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketObjectLockConfigurationA(this, 'evidence-object-lock', {
      region,
      bucket,
      rule: { defaultRetention: { mode: evidence.objectLockMode, days: evidence.retentionDays } },
    });
    new S3BucketLifecycleConfiguration(this, 'evidence-lifecycle', {
      region,
      bucket,
      rule: [
        {
          id: 'evidence-to-glacier',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          transition: [{ days: evidence.glacierAfterDays, storageClass: 'GLACIER' }],
          noncurrentVersionTransition: [{ noncurrentDays: evidence.glacierAfterDays, storageClass: 'GLACIER' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'evidence-policy', { region, bucket, policy: terraformPolicy(evidenceBucketPolicy(config, room).document) });

    const role = new IamRole(this, 'workstation-role', {
      name: FORENSICS.workstationProfile,
      description: 'Forensic workstations in the clean room: Session Manager, read evidence',
      assumeRolePolicy: terraformPolicy(workstationTrust(room).document),
    });
    new IamRolePolicyAttachment(this, 'workstation-ssm', { role: role.name, policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' });
    new IamRolePolicy(this, 'workstation-evidence', { role: role.name, name: workstationPolicy(room).name, policy: terraformPolicy(workstationPolicy(room).document) });
    this.workstationProfile = new IamInstanceProfile(this, 'workstation-profile', { name: FORENSICS.workstationProfile, role: role.name });
  }
}
