/** SecurityBreakGlass: every containment and eradication step of the playbook, nothing else. */
import type { OrgConfig } from '../../config';
import { evidenceBucketArn, forensicsKeysArn, forensicsRegion, irRoleArn } from '../../shared/addresses';
import { CONTAINMENT_POLICIES, FORENSICS, IR_ROLES, TAGS } from '../../shared/names';
import type { PolicyStatement } from '../document';
import type { AuditedPolicy } from '../scp/audited';
import { IR_ROLES_RESOURCE } from './scope';

/** The IR roles whose stolen sessions break-glass may revoke (an inline deny): all but itself. */
export const REVOCABLE_IR_ROLES = [IR_ROLES.analyst, IR_ROLES.admin, IR_ROLES.deploy] as const;

/**
 * Ways to give an IAM principal more permissions (or take a deny away) that break-glass holds for
 * containment. Denied on the responder principals, so a holder cannot widen their own origin.
 */
export const RESPONDER_ESCALATION_ACTIONS: readonly string[] = [
  'iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:AttachRolePolicy', 'iam:AttachUserPolicy',
  'iam:DeleteRolePolicy', 'iam:DeleteUserPolicy', 'iam:DetachRolePolicy', 'iam:DetachUserPolicy',
];

/**
 * Instance attributes containment never changes, each a separate key (`ec2:Attribute/<Name>`,
 * iam-data), so each needs its own statement: a new type (GPU by resize), new user data, kernel or
 * ramdisk (code run at the next boot). Containment changes groups, termination and stop
 * protection, shutdown behaviour and DeleteOnTermination only.
 */
export const FORBIDDEN_INSTANCE_ATTRIBUTES: readonly string[] = ['InstanceType', 'UserData', 'Kernel', 'Ramdisk'];

/**
 * IAM ARN patterns for the configured responder principals: users and roles as configured (an
 * assumed-role pattern becomes its role, with or without a path), and every user and role of an
 * account whose root is trusted, since any of them may be the origin.
 */
export function responderResourcePatterns(config: OrgConfig): string[] {
  const out = config.irRoles.responderPrincipals.flatMap((p): string[] => {
    const [, , , , account, resource = ''] = p.split(':');
    if (resource === 'root') return [`arn:aws:iam::${account}:role/*`, `arn:aws:iam::${account}:user/*`];
    const assumed = /^assumed-role\/([^/]+)/.exec(resource);
    if (assumed) return [`arn:aws:iam::${account}:role/${assumed[1]}`, `arn:aws:iam::${account}:role/*/${assumed[1]}`];
    return [`arn:aws:iam::${account}:${resource}`];
  });
  return [...new Set(out)];
}

/** Plain-text explanation for auditors. */
export const explanation = `Containment and eradication, as the response playbook performs them.
Compute: snapshot volumes before anything destructive, tag evidence with the case ID, move each
network interface to the transition and then the isolation security group (or cut the subnet
with a network ACL), change instance attributes (termination protection, shutdown behaviour,
DeleteOnTermination), release Elastic IPs, detach the instance profile, stop and terminate,
cancel the Spot requests, Spot Fleets and EC2 Fleets that would relaunch a miner, and delete key
pairs, AMIs and snapshots an attacker created. Snapshot copies are re-encrypted with the
forensics key (KMS only through EC2) and shared with the forensics account only, never publicly
(until the forensics account has an ID in the config, with any account, still never publicly). Auto Scaling:
detach or stand by, protect from scale-in, suspend processes. Load balancers: deregister targets.
In a VPC without the deployed isolation groups it creates them, tagged with their isolation
role, and may set rules only on groups carrying that tag. Release (after a false positive) gives
back Elastic IPs, instance profiles (passing their role to EC2 only), Auto Scaling membership and
load balancer registration. At the end of each phase it adds the case journal's head under
irctl-anchors/ in the forensics evidence bucket (a data key of the evidence key, by its alias, through S3
only); it cannot read, replace or delete anything there.
Instance attributes: it may not change an instance's type, user data, kernel or ramdisk (a resize
to a GPU type or code run at the next boot); the playbook changes groups, termination and stop
protection, shutdown behaviour and DeleteOnTermination only.
Credentials: deactivate and delete access keys, attach an inline deny-all or revoke-older-sessions
policy to users and roles, remove login profiles and the rest of a rogue user, delete the user.
A stolen session of SecurityAnalyst, SecurityAdmin or SecurityDeploy must be revocable too, so it
may put and delete inline policies on those three roles (the revocation policy is
${CONTAINMENT_POLICIES.revokeOlderSessions}). IAM has no condition key for an inline policy's name or content, so this
cannot be limited to that policy: a holder could write an Allow there too. The explicit denies in
those roles' own policies still bind, the tamper SCP keeps their trust and managed policies
deployer-only, and every use is in CloudTrail under a break-glass session that pages the security
team. Nothing else on the IR roles is
allowed, and nothing at all on SecurityBreakGlass itself. It may not add, attach, delete or detach
policies of the configured responder principals (the identities that assume the IR roles), so a
break-glass holder cannot widen their own origin; a compromised responder is contained from the
security account by its administrators. It cannot change any trust policy, create users or keys,
attach managed policies to roles, or call Organizations; every write beyond these is implicitly denied.`;

/** The SecurityBreakGlass policies (snapshot sharing limited to the forensics account when its ID is known). */
export function breakGlassPolicies(config: OrgConfig): AuditedPolicy[] {
  const forensicsAccount = config.accounts.forensics.id;
  return [
    {
      name: 'ir-break-glass-containment',
      description: 'Containment and eradication of a compromised instance or credential, as the response playbook performs them.',
      explanation,
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            // Check-then-act: every step reads state first (describes, IAM reads, key owner).
            Sid: 'ReadBeforeActing',
            Effect: 'Allow',
            Action: ['ec2:Describe*', 'ec2:GetConsoleOutput', 'autoscaling:Describe*', 'elasticloadbalancing:Describe*', 'iam:Get*', 'iam:List*', 'sts:GetAccessKeyInfo', 'sts:GetCallerIdentity', 'cloudtrail:LookupEvents'],
            Resource: '*',
          },
          {
            // Steps "evidence" and "isolate": snapshot first, tag, move ENIs, NACL cut, protect the instance.
            Sid: 'ContainInstances',
            Effect: 'Allow',
            Action: [
              'ec2:CreateSnapshot', 'ec2:CreateSnapshots', 'ec2:CreateTags', 'ec2:ModifyNetworkInterfaceAttribute',
              'ec2:ModifyInstanceAttribute', 'ec2:DisassociateAddress', 'ec2:ReleaseAddress', 'ec2:DisassociateIamInstanceProfile',
              'ec2:StopInstances', 'ec2:CreateNetworkAcl', 'ec2:CreateNetworkAclEntry', 'ec2:ReplaceNetworkAclAssociation',
              // Hold a replenishing Spot Fleet / EC2 Fleet at capacity 0 (and give it back on release).
              'ec2:ModifySpotFleetRequest', 'ec2:ModifyFleet',
            ],
            Resource: '*',
          },
          {
            // Step "isolate" in a VPC the stacks did not reach: create the isolation/transition groups,
            // tagged as such on creation, and set their rules. Rules only on groups carrying that tag.
            Sid: 'CreateIsolationGroups',
            Effect: 'Allow',
            Action: 'ec2:CreateSecurityGroup',
            Resource: '*',
            Condition: { StringEquals: { [`aws:RequestTag/${TAGS.isolationRole}`]: ['isolation', 'transition'] } },
          },
          {
            Sid: 'SetIsolationGroupRules',
            Effect: 'Allow',
            Action: ['ec2:RevokeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress'],
            Resource: '*',
            Condition: { StringEquals: { [`aws:ResourceTag/${TAGS.isolationRole}`]: ['isolation', 'transition'] } },
          },
          {
            // Step "release" (false positive): give back what containment took, from the journal.
            Sid: 'ReleaseContainment',
            Effect: 'Allow',
            Action: ['ec2:AssociateAddress', 'ec2:AssociateIamInstanceProfile', 'autoscaling:AttachInstances', 'elasticloadbalancing:RegisterTargets'],
            Resource: '*',
          },
          {
            // AssociateIamInstanceProfile passes the profile's role; to EC2 only, never to other services.
            Sid: 'PassRolesBackToInstances',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: '*',
            Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
          },
          {
            // Step "eradicate": cancel relaunchers first, then terminate and remove attacker artefacts.
            Sid: 'EradicateInstances',
            Effect: 'Allow',
            Action: [
              'ec2:CancelSpotInstanceRequests', 'ec2:CancelSpotFleetRequests', 'ec2:DeleteFleets', 'ec2:TerminateInstances',
              'ec2:DeleteKeyPair', 'ec2:DeregisterImage', 'ec2:DeleteSnapshot',
            ],
            Resource: '*',
          },
          {
            // Step "evidence": copy snapshots, re-encrypted with the forensics key.
            Sid: 'CopyEvidenceSnapshots',
            Effect: 'Allow',
            Action: 'ec2:CopySnapshot',
            Resource: '*',
          },
          {
            // Step "evidence": share copies with the clean room only, never publicly (disk images are exfiltration).
            Sid: 'ShareSnapshotsWithForensicsOnly',
            Effect: 'Allow',
            Action: 'ec2:ModifySnapshotAttribute',
            Resource: '*',
            Condition: {
              Null: { 'ec2:Add/group': 'true' },
              // IfExists: removing a share carries no Add key and stays allowed. ec2:Add/userId is single-valued (iam-data).
              ...(forensicsAccount ? { StringEqualsIfExists: { 'ec2:Add/userId': forensicsAccount } } : {}),
            },
          },
          {
            // Journal integrity: each phase writes the journal's head under the anchor prefix of the
            // Object Lock evidence bucket (adding, never overwriting or deleting: the lock keeps it).
            Sid: 'AnchorJournalHeads',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: `${evidenceBucketArn(config)}/${FORENSICS.anchorPrefix}/*`,
          },
          {
            // The evidence bucket is encrypted with the evidence key: a put needs a data key of that key (named by its alias), through S3 only.
            Sid: 'EncryptAnchorsViaS3',
            Effect: 'Allow',
            Action: 'kms:GenerateDataKey',
            Resource: forensicsKeysArn(config),
            Condition: {
              StringEquals: { 'kms:ViaService': `s3.${forensicsRegion(config)}.amazonaws.com` },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': FORENSICS.evidenceKeyAlias },
            },
          },
          {
            // aws/ebs-encrypted snapshots cannot be shared: re-encrypt on copy. KMS only through EC2.
            Sid: 'ReencryptSnapshotCopies',
            Effect: 'Allow',
            Action: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKeyWithoutPlaintext'],
            Resource: '*',
            Condition: { StringLike: { 'kms:ViaService': 'ec2.*.amazonaws.com' } },
          },
          {
            // Step "isolate" for ASG members: termination protection does not stop Auto Scaling.
            Sid: 'HoldAutoScaling',
            Effect: 'Allow',
            Action: [
              'autoscaling:DetachInstances', 'autoscaling:EnterStandby', 'autoscaling:ExitStandby',
              'autoscaling:SetInstanceProtection', 'autoscaling:SuspendProcesses', 'autoscaling:ResumeProcesses',
              'elasticloadbalancing:DeregisterTargets',
            ],
            Resource: '*',
          },
          {
            // Eradication of an Auto Scaling group the attacker created: sized to 0 once its instances are held, deleted after them.
            Sid: 'EradicateAttackerGroups',
            Effect: 'Allow',
            Action: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:DeleteAutoScalingGroup'],
            Resource: '*',
          },
          {
            // Step "credentials": deactivate keys (kept for hunting), deny-all inline policy, then remove a rogue user.
            Sid: 'ContainUsers',
            Effect: 'Allow',
            Action: [
              'iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:DetachUserPolicy',
              'iam:DeleteLoginProfile', 'iam:DeactivateMFADevice', 'iam:DeleteSSHPublicKey', 'iam:DeleteSigningCertificate',
              'iam:DeleteServiceSpecificCredential', 'iam:DeleteUser',
            ],
            Resource: 'arn:aws:iam::*:user/*',
          },
          {
            // DeleteUser fails while the user is in a group; the resource here is the group.
            Sid: 'RemoveUsersFromGroups',
            Effect: 'Allow',
            Action: 'iam:RemoveUserFromGroup',
            Resource: 'arn:aws:iam::*:group/*',
          },
          {
            // Step "credentials" for roles: inline deny with aws:TokenIssueTime revokes older sessions.
            // Outside the IR path only; the IR roles that may be revoked are named in the next statement.
            Sid: 'RevokeRoleSessions',
            Effect: 'Allow',
            Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
            NotResource: IR_ROLES_RESOURCE,
          },
          {
            // A stolen IR session must be revocable too. No IAM key names the inline policy, so the name is not enforced.
            Sid: 'RevokeIrRoleSessions',
            Effect: 'Allow',
            Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
            Resource: REVOCABLE_IR_ROLES.map((name) => irRoleArn('*', name)),
          },
          {
            // Responders never lock themselves out or widen their own access: nothing but revocation on IR roles...
            Sid: 'NeverChangeIrRoles',
            Effect: 'Deny',
            NotAction: ['iam:Get*', 'iam:List*', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
            Resource: IR_ROLES_RESOURCE,
          },
          {
            // ...and nothing at all on break-glass itself.
            Sid: 'NeverChangeItself',
            Effect: 'Deny',
            NotAction: ['iam:Get*', 'iam:List*'],
            Resource: irRoleArn('*', IR_ROLES.breakGlass),
          },
          {
            // A holder must not grant their own origin principal more (or take a deny away from it).
            Sid: 'NeverWidenResponders',
            Effect: 'Deny',
            Action: [...RESPONDER_ESCALATION_ACTIONS],
            Resource: responderResourcePatterns(config),
          },
          ...FORBIDDEN_INSTANCE_ATTRIBUTES.map((name): PolicyStatement => ({
            Sid: `NeverChangeInstance${name}`,
            Effect: 'Deny',
            Action: 'ec2:ModifyInstanceAttribute',
            Resource: '*',
            Condition: { Null: { [`ec2:Attribute/${name}`]: 'false' } },
          })),
        ],
      },
    },
  ];
}
