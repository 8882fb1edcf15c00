/** SecurityBreakGlass: every containment and eradication step of the playbook, nothing else. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from '../scp/audited';
import { IR_ROLES_RESOURCE } from './scope';

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
Credentials: deactivate and delete access keys, attach an inline deny-all or revoke-older-sessions
policy to users and roles, remove login profiles and the rest of a rogue user, delete the user.
It cannot touch the IR roles themselves, change any trust policy, create users or keys, attach
managed policies to roles, or call Organizations; every write beyond these is implicitly denied.`;

/** The SecurityBreakGlass policies (snapshot sharing limited to the forensics account when its ID is known). */
export function breakGlassPolicies(config: OrgConfig): AuditedPolicy[] {
  const forensicsAccount = config.accounts.forensics.id;
  return [
    {
      name: 'ir-break-glass-containment',
      description: 'Containment and eradication of a compromised instance or credential (REFERENCE §7).',
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
            ],
            Resource: '*',
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
            Sid: 'RevokeRoleSessions',
            Effect: 'Allow',
            Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
            Resource: 'arn:aws:iam::*:role/*',
          },
          {
            // Responders never lock themselves out or widen their own access.
            Sid: 'NeverChangeIrRoles',
            Effect: 'Deny',
            NotAction: ['iam:Get*', 'iam:List*'],
            Resource: IR_ROLES_RESOURCE,
          },
        ],
      },
    },
  ];
}
