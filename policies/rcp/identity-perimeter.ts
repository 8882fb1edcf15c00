/** RCP: only the organization's identities reach the log archive, the evidence store and the IR roles. */
import type { OrgConfig } from '../../config';
import { cleanRoom, forensicsRegion, LOG_ARCHIVE_PURPOSES, logArchiveBucketArn, logArchiveKeysArn, ANY_IR_ROLE_ARN } from '../../shared/addresses';
import { FORENSICS } from '../../shared/names';
import type { AuditedPolicy } from '../scp/audited';
import { deployerArnPatterns } from '../scp/principals';

/** What the perimeter covers: buckets and their objects, keys, IR roles. */
export interface PerimeterResources {
  /** The buckets themselves (bucket-level calls). */
  readonly buckets: readonly string[];
  /** The buckets and their objects. */
  readonly storage: readonly string[];
  readonly keys: readonly string[];
  readonly roles: readonly string[];
}

/**
 * The evidence bucket's name holds the forensics account ID; while Organizations has yet to
 * create that account its bucket is matched by prefix and its key cannot be named (see explanation).
 */
export function perimeterResources(config: OrgConfig): PerimeterResources {
  const forensicsId = config.accounts.forensics.id;
  const room = forensicsId ? cleanRoom(config, forensicsId) : undefined;
  const evidenceBucket = room?.bucketArn ?? `arn:aws:s3:::${FORENSICS.evidenceBucketPrefix}-*-${forensicsRegion(config)}`;
  const buckets = [...LOG_ARCHIVE_PURPOSES.map((p) => logArchiveBucketArn(config, p)), evidenceBucket];
  return {
    buckets,
    storage: buckets.flatMap((b) => [b, `${b}/*`]),
    keys: [logArchiveKeysArn(config), ...(room ? [`arn:aws:kms:${room.region}:${room.accountId}:key/*`] : [])],
    roles: [ANY_IR_ROLE_ARN],
  };
}

/** Calls on the protected storage and keys; RCPs accept only some services (s3, kms, sts among them). */
export const PROTECTED_DATA_ACTIONS: readonly string[] = ['s3:*', 'kms:*'];
/** Assuming an IR role, with the session tags and source identity that come with it. */
export const ROLE_ENTRY_ACTIONS: readonly string[] = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

/**
 * What keeps the log archive delivering and its logs kept: disabling or deleting a key, rewriting a
 * key policy, and every bucket-configuration write (policy, versioning, Object Lock, lifecycle,
 * replication, encryption, ownership). Each wildcard matches only Write actions in iam-data.
 */
export const LOG_ARCHIVE_CONTROL_ACTIONS: readonly string[] = [
  'kms:Disable*', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 's3:PutBucket*', 's3:DeleteBucket*', 's3:Put*Configuration',
];

/** Plain-text explanation for auditors. */
export const explanation = `Keeps everyone outside the organization away from the evidence, whatever a bucket, key or trust policy says.
A resource control policy is a ceiling on what resources in member accounts may allow. This one denies
every S3 call on the log-archive buckets (CloudTrail, GuardDuty findings, Flow Logs, Athena results,
Config) and the forensics evidence bucket and their objects, every KMS call on the keys in the
log-archive account's home region and on the evidence keys, and sts:AssumeRole (with TagSession and
SetSourceIdentity) into any role under /incident-response/, to any principal whose aws:PrincipalOrgID is
not this organization. A mistaken bucket policy or a trust policy naming an outside account therefore
grants nothing.
AWS service principals are handled as AWS's data-perimeter guidance does. A service acting with its own
principal (CloudTrail writing the trail, Flow Logs delivering, GuardDuty exporting findings) carries no
aws:PrincipalOrgID, so the identity statement skips it (BoolIfExists aws:PrincipalIsAWSService false);
a second statement denies a service principal that acts for a source account outside the organization
(aws:SourceOrgID is not this organization while aws:SourceAccount is present), the confused-deputy case.
A service acting with a caller's credentials (S3 calling KMS for a reader, Athena writing results) is the
caller, who must be inside. When the forensics account is still to be created, the evidence bucket is
matched by its name prefix and the evidence key is not covered until the account ID is in the config.
Inside the organization, the same keys and buckets are reserved for the deployers (SecurityDeploy, the
deployment role, the StackSet execution role): disabling a key, scheduling its deletion or replacing its
key policy, and writing or deleting any bucket configuration (bucket policy, versioning, Object Lock,
lifecycle, replication, encryption, ownership, logging, notifications) are denied to every other
principal, an administrator of the log-archive account included; AWS service principals are skipped as
above. A disabled trail key or a bucket policy without CloudTrail's write grant stops delivery as surely
as StopLogging. This lives here rather than in the SCPs because every protected resource is an S3
bucket or a KMS key (which RCPs cover), because an RCP binds every caller, even one from the management
account, which SCPs never restrict, and because the root's SCPs are full. It therefore holds only
where resource control policies are enabled (orgPolicies.resourceControl.enabled); without them the
key and bucket policies are the only guard. Reading keys and bucket configuration stays allowed.`;

/** The identity-perimeter RCP for `config`. */
export function identityPerimeterRcp(config: OrgConfig): AuditedPolicy {
  const org = config.organization.id;
  const r = perimeterResources(config);
  const dataResources = [...r.storage, ...r.keys];
  return {
    name: 'ir-guardrails-rcp-identity-perimeter',
    description: 'Deny outsiders on the log archive, evidence store, their keys and the IR roles; their key and bucket configuration is the deployers\'.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyOutsideIdentitiesOnEvidence',
          Effect: 'Deny',
          Principal: '*',
          Action: [...PROTECTED_DATA_ACTIONS],
          Resource: dataResources,
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': org }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
        },
        {
          Sid: 'DenyServicesForOutsideAccountsOnEvidence',
          Effect: 'Deny',
          Principal: '*',
          Action: [...PROTECTED_DATA_ACTIONS],
          Resource: dataResources,
          Condition: {
            StringNotEqualsIfExists: { 'aws:SourceOrgID': org },
            Null: { 'aws:SourceAccount': 'false' },
            Bool: { 'aws:PrincipalIsAWSService': 'true' },
          },
        },
        {
          Sid: 'DenyLogArchiveControlExceptDeployers',
          Effect: 'Deny',
          Principal: '*',
          Action: [...LOG_ARCHIVE_CONTROL_ACTIONS],
          Resource: [...r.buckets, ...r.keys],
          Condition: { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
        },
        {
          Sid: 'DenyOutsideIdentitiesIntoIrRoles',
          Effect: 'Deny',
          Principal: '*',
          Action: [...ROLE_ENTRY_ACTIONS],
          Resource: [...r.roles],
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': org }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
        },
      ],
    },
  };
}
