/** RCP: only the organization's identities reach the log archive, the evidence store and the IR roles. */
import type { OrgConfig } from '../../config';
import {
  cleanRoom, evidenceBucketArn, LOG_ARCHIVE_PURPOSES, logArchiveBucketArn, logArchiveKeyAliasesArn, logArchiveKeysArn, logArchiveObjectsArn, ANY_IR_ROLE_ARN, type LogArchivePurpose,
} from '../../shared/addresses';
import { FORENSICS } from '../../shared/names';
import type { PolicyStatement } from '../document';
import type { AuditedPolicy } from '../scp/audited';
import { deployerArnPatterns } from '../scp/principals';

/** What the perimeter covers: buckets and their objects, keys, IR roles. */
export interface PerimeterResources {
  /** The buckets themselves (bucket-level calls). */
  readonly buckets: readonly string[];
  /** The buckets and their objects. */
  readonly storage: readonly string[];
  /** Objects of the buckets that hold logs (not Athena results, not evidence). */
  readonly logObjects: readonly string[];
  /** Every key in the log-archive account's home region and in the forensics account (outsiders only). */
  readonly keys: readonly string[];
  /** The keys reserved for the deployers whatever their alias: the log-archive account's. */
  readonly archiveKeys: readonly string[];
  /** Keys reserved for the deployers only while they carry one of `projectKeyAliases`: the forensics account's. */
  readonly aliasedKeys: readonly string[];
  /** The aliases the stacks give the project's keys there. */
  readonly projectKeyAliases: readonly string[];
  /** Alias ARNs the stacks resolve at every apply (and irctl uses): only the deployers re-point them. */
  readonly aliases: readonly string[];
  readonly roles: readonly string[];
}

/** The log-archive buckets whose objects are logs; Athena results are scratch output that analysts may delete. */
export const LOG_PURPOSES: readonly LogArchivePurpose[] = LOG_ARCHIVE_PURPOSES.filter((p) => p !== 'athena-results');

/**
 * The evidence bucket's name holds the forensics account ID; while Organizations has yet to
 * create that account its bucket is matched by prefix and its key cannot be named (see explanation).
 */
export function perimeterResources(config: OrgConfig): PerimeterResources {
  const forensicsId = config.accounts.forensics.id;
  const room = forensicsId ? cleanRoom(config, forensicsId) : undefined;
  const evidenceBucket = evidenceBucketArn(config);
  const buckets = [...LOG_ARCHIVE_PURPOSES.map((p) => logArchiveBucketArn(config, p)), evidenceBucket];
  const forensicsKeys = room ? [room.keysArn] : [];
  return {
    buckets,
    storage: buckets.flatMap((b) => [b, `${b}/*`]),
    logObjects: LOG_PURPOSES.map((p) => logArchiveObjectsArn(config, p)),
    keys: [logArchiveKeysArn(config), ...forensicsKeys],
    archiveKeys: [logArchiveKeysArn(config)],
    aliasedKeys: forensicsKeys,
    projectKeyAliases: room ? [FORENSICS.evidenceKeyAlias] : [],
    // Every log-archive key alias is alias/ir-<purpose>; in the forensics account only the evidence key's.
    aliases: [logArchiveKeyAliasesArn(config), ...(room ? [room.keyAliasArn] : [])],
    roles: [ANY_IR_ROLE_ARN],
  };
}

/** Calls on the protected storage and keys; RCPs accept only some services (s3, kms, sts among them). */
export const PROTECTED_DATA_ACTIONS: readonly string[] = ['s3:*', 'kms:*'];
/** Assuming an IR role, with the session tags and source identity that come with it. */
export const ROLE_ENTRY_ACTIONS: readonly string[] = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

/**
 * What keeps the log archive delivering: disabling a key or its rotation, scheduling its deletion,
 * rewriting its key policy. Each wildcard matches only Write actions in iam-data.
 */
export const KEY_CONTROL_ACTIONS: readonly string[] = ['kms:Disable*', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'];
/** Bucket configuration writes, and delete markers on log objects (s3:DeleteObject is authorized on the object). */
export const BUCKET_CONTROL_ACTIONS: readonly string[] = ['s3:PutBucket*', 's3:DeleteBucket*', 's3:Put*Configuration', 's3:DeleteObject'];
/** Re-pointing, deleting or creating a project key's alias (authorized on the alias and on the keys). */
export const ALIAS_CONTROL_ACTIONS: readonly string[] = ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'];
/** Everything the control statements reserve for the deployers. */
export const LOG_ARCHIVE_CONTROL_ACTIONS: readonly string[] = [...KEY_CONTROL_ACTIONS, ...BUCKET_CONTROL_ACTIONS, ...ALIAS_CONTROL_ACTIONS];

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
Inside the organization, the log archive and the project's keys are reserved for the deployers
(SecurityDeploy, the deployment role, the StackSet execution role); AWS service principals are skipped
as above. Denied to every other principal, an administrator of the log-archive account included:
disabling a key or its rotation, scheduling its deletion or replacing its key policy, for every key in
the log-archive account's home region (whatever its alias) and, in the forensics account, for the key
whose aliases include alias/ir-forensic-evidence (kms:ResourceAliases); per-case keys responders create
there stay theirs. Creating, re-pointing or deleting the aliases alias/ir-* in the log-archive account
and alias/ir-forensic-evidence in the forensics account (the stacks find the archive keys by alias at
every apply, and irctl encrypts evidence copies under the evidence alias: a re-pointed alias moves the
trail or the evidence to a key an attacker holds). Writing or deleting any bucket configuration of the
log-archive and evidence buckets (bucket policy, versioning, Object Lock, lifecycle, replication,
encryption, ownership, logging, notifications). And s3:DeleteObject on the objects of the buckets that
hold logs (CloudTrail, GuardDuty findings, Flow Logs, DNS query logs, Config): in a versioned bucket it
writes a delete marker, which hides the log from Athena and irctl hunt at once and lets lifecycle
expire it later; Athena query results stay deletable. A disabled trail key or a bucket policy without
CloudTrail's write grant stops delivery as surely as StopLogging.
This lives here rather than in the SCPs because every protected resource is an S3 bucket or a KMS key
or alias (which RCPs cover), because an RCP binds every caller, even one from the management
account, which SCPs never restrict, and because the root's SCPs are full. It therefore holds only
where resource control policies are enabled (orgPolicies.resourceControl.enabled); without them the
key and bucket policies are the only guard. Reading keys and bucket configuration stays allowed.`;

/** The identity-perimeter RCP for `config`. */
export function identityPerimeterRcp(config: OrgConfig): AuditedPolicy {
  const org = config.organization.id;
  const r = perimeterResources(config);
  const dataResources = [...r.storage, ...r.keys];
  const exceptDeployers = { ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } };
  // In the forensics account responders create per-case keys of their own: only the aliased evidence key is reserved.
  const projectKeyControl: PolicyStatement[] = r.aliasedKeys.length === 0 ? [] : [{
    Sid: 'DenyProjectKeyControlExceptDeployers',
    Effect: 'Deny',
    Principal: '*',
    Action: [...KEY_CONTROL_ACTIONS],
    Resource: [...r.aliasedKeys],
    Condition: { ...exceptDeployers, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [...r.projectKeyAliases] } },
  }];
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
          Action: [...KEY_CONTROL_ACTIONS, ...BUCKET_CONTROL_ACTIONS, ...ALIAS_CONTROL_ACTIONS],
          Resource: [...r.buckets, ...r.logObjects, ...r.archiveKeys, ...r.aliases],
          Condition: exceptDeployers,
        },
        ...projectKeyControl,
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
