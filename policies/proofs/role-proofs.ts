/** Proof tables for the four IR roles: what each must do, what each must not, and the trust. */
import type { OrgConfig } from '../../config';
import { FORENSICS, IR_ROLE_PATH, IR_ROLES, TAGS } from '../../shared/names';
import { DETECTION, athenaWorkgroupArn, cloudtrailLogPrefix, evidenceBucketName, forensicsRegion, homeRegion, logArchiveBucketArn } from '../../shared/addresses';
import type { PolicyDocument } from '../document';
import { irRoleDefinitions, type IrRoleDefinition } from '../roles';
import { REVOCABLE_IR_ROLES, responderResourcePatterns } from '../roles/break-glass';
import { LOG_DESTRUCTION_ACTIONS, LONG_TERM_CREDENTIAL_ACTIONS } from '../roles/deploy';
import { EXEMPT_ROLE_CHANGE_ACTIONS } from '../scp/protect-security-services';
import { proofFixtures, concreteArn } from './fixtures';
import type { ProofRequest, ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const IMPLICIT = 'ImplicitlyDenied' as const;
const EXPLICIT = 'ExplicitlyDenied' as const;

function roleTable(role: IrRoleDefinition, id: string, title: string, rows: ProofRow[]): ProofTable {
  return { id, title, policyNames: role.policies.map((p) => p.name), policies: { identity: role.policies.map((p) => p.document) }, rows };
}

function byKey(config: OrgConfig) {
  const roles = irRoleDefinitions(config);
  return (key: IrRoleDefinition['key']) => roles.find((r) => r.key === key) as IrRoleDefinition;
}

/** Shorthand for a row; `resourcePolicy` is the bucket or key policy on the other side, if any. */
const row = (name: string, request: ProofRequest, expected: ProofRow['expected'], resourcePolicy?: PolicyDocument): ProofRow =>
  resourcePolicy ? { name, request, expected, resourcePolicy } : { name, request, expected };

/** AWS's default key policy: the owning account's IAM policies decide (KMS requires a key policy). */
function defaultKeyPolicy(account: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
}

/**
 * Stands in for the log-archive bucket and key policies, which grant the security account
 * (Athena runs there) reads and result writes: cross-account access needs both sides, and these
 * tables prove the identity side.
 */
function logArchiveGrant(securityAccount: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${securityAccount}:root` },
      Action: ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:DeleteObject', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
    }],
  };
}

/** The forensics account, or a concrete stand-in (proofs need one) when the config has none yet. */
const concreteForensicsAccount = (config: OrgConfig): string => config.accounts.forensics.id ?? '111111111111';

/** ARN of the evidence bucket the journal anchors go to. */
function concreteEvidenceBucketArn(config: OrgConfig): string {
  return `arn:aws:s3:::${evidenceBucketName(config, concreteForensicsAccount(config))}`;
}

/** Stands in for a key policy granting `principal` the key: these tables prove the identity side. */
function keyOpenTo(principal: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:*', Resource: '*' }] };
}

/** Encrypting a journal anchor: a data key of the evidence key only, through S3 only. */
function anchorKeyRows(config: OrgConfig, me: string): ProofRow[] {
  const f = proofFixtures(config);
  const forensics = concreteForensicsAccount(config);
  const region = forensicsRegion(config);
  const viaS3 = { 'kms:ViaService': `s3.${region}.amazonaws.com` };
  const key = (account: string) => ({ resource: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, resourceAccount: account });
  const evidenceAlias = { 'kms:ResourceAliases': [FORENSICS.evidenceKeyAlias] };
  return [
    row('encrypt an anchor: kms:GenerateDataKey of the evidence key via S3', { principal: me, action: 'kms:GenerateDataKey', ...key(forensics), context: { ...viaS3, ...evidenceAlias } }, ALLOWED, keyOpenTo(me)),
    row('cannot: kms:GenerateDataKey of another forensics-account key via S3', { principal: me, action: 'kms:GenerateDataKey', ...key(forensics), context: { ...viaS3, 'kms:ResourceAliases': ['alias/other'] } }, IMPLICIT, keyOpenTo(me)),
    row('cannot: kms:GenerateDataKey of a workload-account key via S3', { principal: me, action: 'kms:GenerateDataKey', ...key(f.workloadAccount), context: { ...viaS3, ...evidenceAlias } }, IMPLICIT, defaultKeyPolicy(f.workloadAccount)),
    row('cannot: kms:GenerateDataKey of the evidence key outside S3', { principal: me, action: 'kms:GenerateDataKey', ...key(forensics), context: evidenceAlias }, IMPLICIT, keyOpenTo(me)),
  ];
}

/** SecurityAnalyst: the playbook's reads are allowed; a table of writes is not. */
export function analystProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const me = f.irRole('analyst');
  const region = f.allowedRegion;
  const home = homeRegion(config);
  const instance = `arn:aws:ec2:${region}:${f.workloadAccount}:instance/i-0123456789abcdef0`;
  const inSecurity = f.irRole('analyst', f.securityAccount);
  const workgroup = athenaWorkgroupArn(config);
  const otherWorkgroup = `arn:aws:athena:${home}:${f.securityAccount}:workgroup/primary`;
  const results = `${logArchiveBucketArn(config, 'athena-results')}/${DETECTION.athenaWorkgroup}/q.csv`;
  const trailObject = `${logArchiveBucketArn(config, 'cloudtrail')}/${cloudtrailLogPrefix(config)}${f.workloadAccount}/CloudTrail/us-east-1/2026/01/01/x.json.gz`;
  const otherBucketObject = `arn:aws:s3:::some-other-bucket-${f.logArchiveAccount}/x.json`;
  const glueTable = `arn:aws:glue:${home}:${f.securityAccount}:table/${DETECTION.glueDatabase}/${DETECTION.cloudtrailTable}`;
  const logKey = `arn:aws:kms:${home}:${f.logArchiveAccount}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const reads: Array<[string, ProofRequest]> = [
    ['list instances', { principal: me, action: 'ec2:DescribeInstances', resource: '*' }],
    ['read user data', { principal: me, action: 'ec2:DescribeInstanceAttribute', resource: instance }],
    ['read console output', { principal: me, action: 'ec2:GetConsoleOutput', resource: instance }],
    ['list security groups', { principal: me, action: 'ec2:DescribeSecurityGroups', resource: '*' }],
    ['list Auto Scaling groups', { principal: me, action: 'autoscaling:DescribeAutoScalingGroups', resource: '*' }],
    ['read target health', { principal: me, action: 'elasticloadbalancing:DescribeTargetHealth', resource: '*' }],
    ['read a user', { principal: me, action: 'iam:GetUser', resource: `arn:aws:iam::${f.workloadAccount}:user/alice` }],
    ['list access keys', { principal: me, action: 'iam:ListAccessKeys', resource: `arn:aws:iam::${f.workloadAccount}:user/alice` }],
    ['read a role', { principal: me, action: 'iam:GetRole', resource: `arn:aws:iam::${f.workloadAccount}:role/app-server` }],
    ['find the account of an access key', { principal: me, action: 'sts:GetAccessKeyInfo', resource: '*' }],
    ['CloudTrail event history', { principal: me, action: 'cloudtrail:LookupEvents', resource: '*' }],
    ['GuardDuty findings', { principal: me, action: 'guardduty:GetFindings' }],
    ['list GuardDuty findings', { principal: me, action: 'guardduty:ListFindings' }],
    ['start an Athena query', { principal: inSecurity, action: 'athena:StartQueryExecution', resource: workgroup }],
    ['read Athena results', { principal: inSecurity, action: 'athena:GetQueryResults', resource: workgroup }],
    ['read the CloudTrail table', { principal: inSecurity, action: 'glue:GetTable', resource: glueTable }],
    ['read partitions', { principal: inSecurity, action: 'glue:GetPartitions', resource: glueTable }],
    ['read log objects (Athena)', { principal: inSecurity, action: 's3:GetObject', resource: trailObject, resourceAccount: f.logArchiveAccount }],
    ['write query results (Athena)', { principal: inSecurity, action: 's3:PutObject', resource: results, resourceAccount: f.logArchiveAccount }],
    ['decrypt logs through S3', { principal: inSecurity, action: 'kms:Decrypt', resource: logKey, resourceAccount: f.logArchiveAccount, context: { 'kms:ViaService': `s3.${home}.amazonaws.com` } }],
    ['list journal anchors (verify)', { principal: me, action: 's3:ListBucket', resource: concreteEvidenceBucketArn(config), context: { 's3:prefix': `${FORENSICS.anchorPrefix}/IR-1/` } }],
  ];
  const writes: Array<[string, ProofRequest]> = [
    ['terminate an instance', { principal: me, action: 'ec2:TerminateInstances', resource: instance }],
    ['stop an instance', { principal: me, action: 'ec2:StopInstances', resource: instance }],
    ['change instance attributes', { principal: me, action: 'ec2:ModifyInstanceAttribute', resource: instance }],
    ['move an ENI', { principal: me, action: 'ec2:ModifyNetworkInterfaceAttribute' }],
    ['snapshot a volume', { principal: me, action: 'ec2:CreateSnapshot' }],
    ['tag an instance', { principal: me, action: 'ec2:CreateTags', resource: instance }],
    ['launch an instance', { principal: me, action: 'ec2:RunInstances', resource: instance }],
    ['open a security group', { principal: me, action: 'ec2:AuthorizeSecurityGroupIngress' }],
    ['deactivate an access key', { principal: me, action: 'iam:UpdateAccessKey', resource: `arn:aws:iam::${f.workloadAccount}:user/alice` }],
    ['put a role policy', { principal: me, action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${f.workloadAccount}:role/app-server` }],
    ['create a user', { principal: me, action: 'iam:CreateUser', resource: `arn:aws:iam::${f.workloadAccount}:user/x` }],
    ['create an access key', { principal: me, action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${f.workloadAccount}:user/alice` }],
    ['detach an instance from its ASG', { principal: me, action: 'autoscaling:DetachInstances' }],
    ['deregister a target', { principal: me, action: 'elasticloadbalancing:DeregisterTargets' }],
    ['archive GuardDuty findings', { principal: me, action: 'guardduty:ArchiveFindings' }],
    ['update a detector', { principal: me, action: 'guardduty:UpdateDetector' }],
    ['stop CloudTrail', { principal: me, action: 'cloudtrail:StopLogging' }],
    ['delete a workgroup', { principal: inSecurity, action: 'athena:DeleteWorkGroup', resource: workgroup }],
    ['save a named query', { principal: inSecurity, action: 'athena:CreateNamedQuery', resource: workgroup }],
    ['change a Glue table', { principal: inSecurity, action: 'glue:UpdateTable', resource: glueTable }],
    ['query in another workgroup (no enforced result encryption)', { principal: inSecurity, action: 'athena:StartQueryExecution', resource: otherWorkgroup }],
    ['read another bucket of the log-archive account', { principal: inSecurity, action: 's3:GetObject', resource: otherBucketObject, resourceAccount: f.logArchiveAccount }],
    ['overwrite a CloudTrail log object', { principal: inSecurity, action: 's3:PutObject', resource: trailObject, resourceAccount: f.logArchiveAccount }],
    ['delete a log object', { principal: inSecurity, action: 's3:DeleteObject', resource: trailObject, resourceAccount: f.logArchiveAccount }],
    ['write results into another account', { principal: inSecurity, action: 's3:PutObject', resource: results, resourceAccount: f.workloadAccount }],
    ['decrypt outside S3', { principal: inSecurity, action: 'kms:Decrypt', resource: logKey, resourceAccount: f.logArchiveAccount }],
    ['delete a bucket', { principal: me, action: 's3:DeleteBucket' }],
    ['list the evidence bucket beyond the anchors', { principal: me, action: 's3:ListBucket', resource: concreteEvidenceBucketArn(config), context: { 's3:prefix': 'snapshots/' } }],
  ];
  const crossAccount = (r: ProofRequest) => (r.resourceAccount === f.logArchiveAccount ? logArchiveGrant(f.securityAccount) : undefined);
  const table = roleTable(byKey(config)('analyst'), 'role-security-analyst', 'SecurityAnalyst: reads the playbook needs, no writes', [
    ...reads.map(([n, r]) => row(`reads: ${n}`, r, ALLOWED, crossAccount(r))),
    ...writes.map(([n, r]) => row(`cannot: ${n}`, r, IMPLICIT, crossAccount(r))),
  ]);
  return table;
}

/** SecurityBreakGlass: every containment and eradication action allowed; unrelated and escalating actions not. */
export function breakGlassProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const me = f.irRole('breakGlass');
  const user = `arn:aws:iam::${f.workloadAccount}:user/compromised-ci`;
  const appRole = `arn:aws:iam::${f.workloadAccount}:role/app-server`;
  const ec2 = [
    'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:CreateSnapshot', 'ec2:CreateSnapshots', 'ec2:CreateTags',
    'ec2:ModifyNetworkInterfaceAttribute', 'ec2:ModifyInstanceAttribute', 'ec2:DisassociateAddress', 'ec2:ReleaseAddress',
    'ec2:DisassociateIamInstanceProfile', 'ec2:StopInstances', 'ec2:TerminateInstances', 'ec2:CancelSpotInstanceRequests',
    'ec2:CancelSpotFleetRequests', 'ec2:DeleteFleets', 'ec2:ModifySpotFleetRequest', 'ec2:ModifyFleet', 'ec2:DeleteKeyPair', 'ec2:DeregisterImage', 'ec2:DeleteSnapshot',
    'ec2:CopySnapshot', 'ec2:GetConsoleOutput', 'ec2:CreateNetworkAclEntry', 'ec2:ReplaceNetworkAclAssociation',
    'autoscaling:DetachInstances', 'autoscaling:EnterStandby', 'autoscaling:ExitStandby', 'autoscaling:SetInstanceProtection',
    'autoscaling:SuspendProcesses', 'autoscaling:ResumeProcesses', 'elasticloadbalancing:DeregisterTargets', 'sts:GetAccessKeyInfo',
  ];
  const users = [
    'iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy', 'iam:DeleteLoginProfile',
    'iam:DetachUserPolicy', 'iam:DeleteUser', 'iam:ListAccessKeys', 'iam:ListUserPolicies', 'iam:ListAttachedUserPolicies',
    'iam:DeactivateMFADevice', 'iam:DeleteSSHPublicKey', 'iam:DeleteSigningCertificate', 'iam:DeleteServiceSpecificCredential',
  ];
  const kmsViaEc2 = { 'kms:ViaService': `ec2.${f.allowedRegion}.amazonaws.com` };
  const rows: ProofRow[] = [
    ...ec2.map((action) => row(`contains: ${action}`, { principal: me, action }, ALLOWED)),
    ...users.map((action) => row(`user credentials: ${action}`, { principal: me, action, resource: user }, ALLOWED)),
    ...snapshotSharingRows(config, me),
    row('user credentials: iam:RemoveUserFromGroup', { principal: me, action: 'iam:RemoveUserFromGroup', resource: `arn:aws:iam::${f.workloadAccount}:group/developers` }, ALLOWED),
    row('revoke role sessions: iam:PutRolePolicy on a workload role', { principal: me, action: 'iam:PutRolePolicy', resource: appRole }, ALLOWED),
    row('revoke role sessions: iam:DeleteRolePolicy on a workload role', { principal: me, action: 'iam:DeleteRolePolicy', resource: appRole }, ALLOWED),
    ...['kms:CreateGrant', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext'].map((action) =>
      row(`re-encrypt snapshot copy: ${action} via EC2`, { principal: me, action, context: kmsViaEc2 }, ALLOWED, defaultKeyPolicy(f.workloadAccount))),
    row('cannot: kms:Decrypt outside EC2', { principal: me, action: 'kms:Decrypt' }, IMPLICIT, defaultKeyPolicy(f.workloadAccount)),
    row('anchor the journal head in the evidence bucket: s3:PutObject', { principal: me, action: 's3:PutObject', resource: `${concreteEvidenceBucketArn(config)}/${FORENSICS.anchorPrefix}/IR-1/00000042-${'a'.repeat(64)}.json` }, ALLOWED),
    row('cannot: s3:PutObject elsewhere in the evidence bucket', { principal: me, action: 's3:PutObject', resource: `${concreteEvidenceBucketArn(config)}/snapshots/x.json` }, IMPLICIT),
    ...anchorKeyRows(config, me),
    row('cannot: kms:GenerateDataKey outside S3', { principal: me, action: 'kms:GenerateDataKey' }, IMPLICIT, defaultKeyPolicy(f.workloadAccount)),
    row('cannot: iam:UpdateAssumeRolePolicy', { principal: me, action: 'iam:UpdateAssumeRolePolicy', resource: appRole }, IMPLICIT),
    row('cannot: iam:CreateUser', { principal: me, action: 'iam:CreateUser', resource: user }, IMPLICIT),
    row('cannot: iam:CreateAccessKey', { principal: me, action: 'iam:CreateAccessKey', resource: user }, IMPLICIT),
    row('cannot: iam:AttachRolePolicy AdministratorAccess', { principal: me, action: 'iam:AttachRolePolicy', resource: appRole, context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } }, IMPLICIT),
    row('cannot: iam:AttachUserPolicy AdministratorAccess', { principal: me, action: 'iam:AttachUserPolicy', resource: user, context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } }, IMPLICIT),
    row('cannot: iam:CreateRole', { principal: me, action: 'iam:CreateRole', resource: appRole }, IMPLICIT),
    ...irRoleRevocationRows(config, me),
    ...responderRows(config, me),
    ...instanceAttributeRows(config, me),
    ...isolationAndReleaseRows(config, me),
    ...['organizations:LeaveOrganization', 'organizations:AttachPolicy', 'organizations:DetachPolicy', 'organizations:DeletePolicy'].map((action) =>
      row(`cannot: ${action}`, { principal: me, action }, IMPLICIT)),
    ...['s3:DeleteBucket', 's3:GetObject', 'ec2:RunInstances', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateInternetGateway', 'kms:ScheduleKeyDeletion',
      'guardduty:DeleteDetector', 'cloudtrail:StopLogging', 'lambda:CreateFunction', 'ec2:ModifyInstanceMetadataOptions'].map((action) =>
      row(`cannot: ${action}`, { principal: me, action }, IMPLICIT)),
  ];
  return roleTable(byKey(config)('breakGlass'), 'role-security-break-glass', 'SecurityBreakGlass: every containment step, nothing unrelated', rows);
}

/** Stolen IR sessions are revocable (inline policies on the other three IR roles); nothing else on them, nothing on itself. */
function irRoleRevocationRows(config: OrgConfig, me: string): ProofRow[] {
  const f = proofFixtures(config);
  const ir = (name: string) => `arn:aws:iam::${f.workloadAccount}:role${IR_ROLE_PATH}${name}`;
  const rows: ProofRow[] = [];
  for (const action of ['iam:PutRolePolicy', 'iam:DeleteRolePolicy']) {
    for (const name of REVOCABLE_IR_ROLES) rows.push(row(`revoke IR role sessions: ${action} on ${name}`, { principal: me, action, resource: ir(name) }, ALLOWED));
    rows.push(row(`cannot: ${action} on SecurityBreakGlass itself`, { principal: me, action, resource: ir(IR_ROLES.breakGlass) }, EXPLICIT));
    rows.push(row(`cannot: ${action} on another role under the IR path`, { principal: me, action, resource: ir('LookAlike') }, IMPLICIT));
  }
  for (const action of ['iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:PutRolePermissionsBoundary']) {
    rows.push(row(`cannot: ${action} on SecurityAnalyst`, { principal: me, action, resource: ir(IR_ROLES.analyst) }, EXPLICIT));
  }
  return rows;
}

/** A break-glass holder cannot widen the responder principals they came from. */
function responderRows(config: OrgConfig, me: string): ProofRow[] {
  const f = proofFixtures(config);
  return responderResourcePatterns(config).flatMap((pattern) => {
    const arn = concreteArn(pattern, f.securityAccount);
    const kind = arn.includes(':user/') ? 'User' : 'Role';
    const actions = [`iam:Put${kind}Policy`, `iam:Attach${kind}Policy`, `iam:Delete${kind}Policy`, `iam:Detach${kind}Policy`];
    return actions.map((action) => row(`cannot: ${action} on responder ${arn}`, { principal: me, action, resource: arn }, EXPLICIT));
  });
}

/** Containment changes groups, protection and shutdown behaviour; never type, user data, kernel or ramdisk. */
function instanceAttributeRows(config: OrgConfig, me: string): ProofRow[] {
  const f = proofFixtures(config);
  const instance = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:instance/i-0123456789abcdef0`;
  const modify = (key: string, value: string): ProofRequest => ({ principal: me, action: 'ec2:ModifyInstanceAttribute', resource: instance, context: { [`ec2:Attribute/${key}`]: value } });
  return [
    row('contains: disable API termination', modify('DisableApiTermination', 'true'), ALLOWED),
    row('contains: shutdown behaviour stop', modify('InstanceInitiatedShutdownBehavior', 'stop'), ALLOWED),
    row('cannot: resize an instance (ModifyInstanceAttribute instanceType)', modify('InstanceType', 'p5.48xlarge'), EXPLICIT),
    row('cannot: resize an instance to an ordinary type either', modify('InstanceType', 't3.micro'), EXPLICIT),
    row('cannot: replace user data', modify('UserData', 'IyEvYmluL3NoCmN1cmwgZXZpbA=='), EXPLICIT),
    row('cannot: change the kernel', modify('Kernel', 'aki-0123456789abcdef0'), EXPLICIT),
    row('cannot: change the ramdisk', modify('Ramdisk', 'ari-0123456789abcdef0'), EXPLICIT),
  ];
}

/** Isolation groups irctl creates where the stacks did not reach, and the release path; each bounded. */
function isolationAndReleaseRows(config: OrgConfig, me: string): ProofRow[] {
  const f = proofFixtures(config);
  const group = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:security-group/sg-0123456789abcdef0`;
  const role = `arn:aws:iam::${f.workloadAccount}:role/app-server`;
  const tagKey = TAGS.isolationRole;
  const rules = ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress'];
  return [
    ...['isolation', 'transition'].map((purpose) =>
      row(`contains: create the ${purpose} group, tagged on creation`, { principal: me, action: 'ec2:CreateSecurityGroup', resource: group, context: { [`aws:RequestTag/${tagKey}`]: purpose } }, ALLOWED)),
    row('cannot: create an untagged security group', { principal: me, action: 'ec2:CreateSecurityGroup', resource: group }, IMPLICIT),
    row('cannot: create a group tagged for another purpose', { principal: me, action: 'ec2:CreateSecurityGroup', resource: group, context: { [`aws:RequestTag/${tagKey}`]: 'web' } }, IMPLICIT),
    ...rules.map((action) => row(`contains: ${action} on a transition group`, { principal: me, action, resource: group, context: { [`aws:ResourceTag/${tagKey}`]: 'transition' } }, ALLOWED)),
    ...rules.map((action) => row(`cannot: ${action} on an ordinary group`, { principal: me, action, resource: group, context: { [`aws:ResourceTag/${tagKey}`]: 'web' } }, IMPLICIT)),
    ...['ec2:AssociateAddress', 'ec2:AssociateIamInstanceProfile', 'autoscaling:AttachInstances', 'elasticloadbalancing:RegisterTargets'].map((action) =>
      row(`releases: ${action}`, { principal: me, action }, ALLOWED)),
    row('releases: iam:PassRole of an instance role to EC2', { principal: me, action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } }, ALLOWED),
    row('cannot: iam:PassRole to Lambda', { principal: me, action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, IMPLICIT),
  ];
}

/** Evidence snapshots go to the forensics account only, never public, never elsewhere. */
function snapshotSharingRows(config: OrgConfig, me: string): ProofRow[] {
  const forensics = config.accounts.forensics.id;
  const share = (context: Record<string, string | string[]>): ProofRequest => ({ principal: me, action: 'ec2:ModifySnapshotAttribute', context });
  return [
    ...(forensics ? [row('share an evidence snapshot with the forensics account', share({ 'ec2:Attribute': 'createVolumePermission', 'ec2:Add/userId': forensics }), ALLOWED)] : []),
    row('stop sharing a snapshot', share({ 'ec2:Attribute': 'createVolumePermission', 'ec2:Remove/userId': '999999999999' }), ALLOWED),
    row('cannot: make a snapshot public', share({ 'ec2:Attribute': 'createVolumePermission', 'ec2:Add/group': 'all' }), IMPLICIT),
    ...(forensics
      ? [row('cannot: share a snapshot with another account', share({ 'ec2:Attribute': 'createVolumePermission', 'ec2:Add/userId': ['999999999999'] }), IMPLICIT),
]
      : []),
  ];
}

/** SecurityDeploy and SecurityAdmin: what they manage, and the lines they cannot cross. */
export function deployAndAdminProofs(config: OrgConfig): ProofTable[] {
  const f = proofFixtures(config);
  const get = byKey(config);
  const deploy = f.irRole('deploy');
  const admin = f.irRole('admin', f.securityAccount);
  const irRole = f.irRole('analyst');
  return [
    roleTable(get('deploy'), 'role-security-deploy', 'SecurityDeploy: deploys the stacks, never org-level', [
      ...['guardduty:CreateDetector', 'ec2:CreateFlowLogs', 'ec2:CreateSecurityGroup', 'ec2:CreateVpcEndpoint', 's3:CreateBucket', 'kms:CreateKey',
        'iam:CreateRole', 'iam:PassRole', 'config:PutConfigurationRecorder', 'athena:CreateWorkGroup', 'glue:CreateTable',
        'sns:CreateTopic', 'events:PutRule', 'cloudwatch:PutMetricAlarm', 'cloudformation:CreateStackSet', 'organizations:ListAccounts'].map((action) =>
        row(`deploys: ${action}`, { principal: deploy, action }, ALLOWED)),
      ...['organizations:LeaveOrganization', 'account:EnableRegion', 'organizations:DetachPolicy', 'organizations:CreateAccount'].map((action) =>
        row(`cannot: ${action}`, { principal: deploy, action }, EXPLICIT)),
      ...LONG_TERM_CREDENTIAL_ACTIONS.map((action) => row(`no long-term credentials: ${action}`, { principal: deploy, action }, EXPLICIT)),
      ...LOG_DESTRUCTION_ACTIONS.map((action) => row(`never destroys logs: ${action}`, { principal: deploy, action }, EXPLICIT)),
      ...['s3:PutBucketPolicy', 's3:PutLifecycleConfiguration', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'iam:PutRolePolicy', 'iam:DeleteRole'].map((action) =>
        row(`deploys: ${action} (a stack's own resources)`, { principal: deploy, action, ...(action.startsWith('iam:') ? { resource: `arn:aws:iam::${f.workloadAccount}:role/ir-config-recorder` } : {}) }, ALLOWED,
          action.startsWith('kms:') ? defaultKeyPolicy(f.workloadAccount) : undefined)),
      ...exemptRoleChangeRows(config, deploy),
      row('cannot: iam:UpdateAssumeRolePolicy on an IR role', { principal: deploy, action: 'iam:UpdateAssumeRolePolicy', resource: irRole }, EXPLICIT),
      row('cannot: lambda:CreateFunction (not a deployed service)', { principal: deploy, action: 'lambda:CreateFunction' }, IMPLICIT),
    ]),
    roleTable(get('admin'), 'role-security-admin', 'SecurityAdmin: administers Athena, Glue and GuardDuty', [
      ...['athena:CreateWorkGroup', 'athena:CreateNamedQuery', 'glue:CreateTable', 'glue:UpdateTable', 'guardduty:CreateFilter',
        'guardduty:UpdateDetector', 'guardduty:ArchiveFindings', 'guardduty:GetFindings'].map((action) =>
        row(`administers: ${action}`, { principal: admin, action }, ALLOWED)),
      ...['guardduty:DeleteDetector', 'guardduty:DisassociateFromAdministratorAccount', 'guardduty:StopMonitoringMembers',
        'guardduty:DeleteMembers', 'guardduty:DisassociateMembers'].map((action) => row(`cannot: ${action} (administering is not switching off)`, { principal: admin, action }, EXPLICIT)),
      ...['guardduty:CreateMembers', 'guardduty:StartMonitoringMembers', 'guardduty:UpdateMemberDetectors'].map((action) =>
        row(`administers: ${action}`, { principal: admin, action }, ALLOWED)),
      ...['ec2:TerminateInstances', 'iam:CreateUser', 'iam:PutRolePolicy', 's3:DeleteBucket', 'organizations:LeaveOrganization'].map((action) =>
        row(`cannot: ${action}`, { principal: admin, action }, IMPLICIT)),
    ]),
  ];
}

/** SecurityDeploy never creates or changes a role a guardrail exempts: StackSets and the management deployment role do. */
function exemptRoleChangeRows(config: OrgConfig, deploy: string): ProofRow[] {
  const f = proofFixtures(config);
  const roles = [
    ...(Object.values(IR_ROLES) as string[]).map((name) => `arn:aws:iam::${f.workloadAccount}:role${IR_ROLE_PATH}${name}`),
    f.deploymentRole, `arn:aws:iam::${f.workloadAccount}:role/stacksets-exec-0123456789abcdef`, ...f.exemptPrincipals,
  ];
  return EXEMPT_ROLE_CHANGE_ACTIONS.flatMap((action) =>
    roles.map((resource) => row(`cannot: ${action} on exempt role ${resource.split(':role/')[1]}`, { principal: deploy, action, resource }, EXPLICIT)));
}

/** Trust: configured responders with fresh MFA get in; without MFA, or anyone else, do not. */
export function trustProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const role = byKey(config)('breakGlass');
  const target = f.irRole('breakGlass');
  const responder = concreteArn(config.irRoles.responderPrincipals[0], f.securityAccount);
  const maxAge = config.irRoles.maxSessionSeconds;
  const assumeAllowed: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
  const assume = (principal: string, context: Record<string, string>): ProofRequest => ({
    principal, action: 'sts:AssumeRole', resource: target, resourceAccount: f.workloadAccount,
    context: { 'aws:PrincipalOrgID': config.organization.id, ...context },
  });
  const fresh = { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '300' };
  const rows: ProofRow[] = [
    ...config.irRoles.responderPrincipals.map((p) => row(`responder ${p} with fresh MFA`, assume(concreteArn(p, f.securityAccount), fresh), ALLOWED)),
    row('responder without MFA', assume(responder, { 'aws:MultiFactorAuthPresent': 'false' }), IMPLICIT),
    row('responder, MFA key absent (access keys)', assume(responder, {}), IMPLICIT),
    row(`responder with MFA older than ${maxAge} s`, assume(responder, { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': String(maxAge + 1) }), IMPLICIT),
    row('another role in the security account, with MFA', assume(`arn:aws:iam::${f.securityAccount}:role/SomeoneElse`, fresh), IMPLICIT),
    row('a principal outside the organization, with MFA', assume('arn:aws:iam::999999999999:role/Responders', { ...fresh, 'aws:PrincipalOrgID': 'o-attacker0000' }), IMPLICIT),
    row('a workload role in the same account, with MFA', assume(f.appRole, fresh), IMPLICIT),
  ];
  return {
    id: 'role-trust', title: 'IR role trust: configured responders with MFA', policyNames: ['ir-roles-trust'],
    policies: { identity: [assumeAllowed], resourcePolicy: role.trust }, rows,
  };
}
