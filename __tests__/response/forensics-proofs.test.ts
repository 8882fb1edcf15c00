/**
 * Simulator proofs (@cloud-copilot/iam-simulate) for the clean room's resource policies: who
 * may use the evidence key and the evidence bucket, under which conditions, and who may not.
 * Identity policies are allow-all here, so each decision is the resource policy's alone.
 */
import { cleanRoom, evidenceBucketPolicy, evidenceKeyPolicy } from '../../stacks/response/forensics-policies';
import { simulate, type Decision, type SimRequest } from '../support/simulate';
import { exampleConfig } from './fixtures';

const config = exampleConfig();
const FORENSICS_ID = '444444444444';
const room = cleanRoom(config, FORENSICS_ID);
const KEY_ARN = `arn:aws:kms:us-east-1:${FORENSICS_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OBJECT_ARN = `${room.bucketArn}/case-42/manifest.json`;
const BREAK_GLASS = 'arn:aws:iam::555555555555:role/incident-response/SecurityBreakGlass';
const WORKLOAD_ROLE = 'arn:aws:iam::555555555555:role/app-server';
const IN_ORG = { 'aws:PrincipalOrgID': 'o-exampleorg1' };
const VIA_EC2 = { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' };

type Row = { name: string; request: SimRequest; expected: Decision };

const keyRows: Row[] = [
  { name: 'org member copies a snapshot: ReEncryptTo via EC2', request: { principal: BREAK_GLASS, action: 'kms:ReEncryptTo', resource: KEY_ARN, context: { ...IN_ORG, ...VIA_EC2 } }, expected: 'Allowed' },
  { name: 'org member: GenerateDataKeyWithoutPlaintext via EC2', request: { principal: BREAK_GLASS, action: 'kms:GenerateDataKeyWithoutPlaintext', resource: KEY_ARN, context: { ...IN_ORG, ...VIA_EC2 } }, expected: 'Allowed' },
  {
    name: 'org member: CreateGrant via EC2 for an AWS resource',
    request: { principal: BREAK_GLASS, action: 'kms:CreateGrant', resource: KEY_ARN, context: { ...IN_ORG, ...VIA_EC2, 'kms:GrantIsForAWSResource': 'true' } },
    expected: 'Allowed',
  },
  {
    name: 'org member: CreateGrant via EC2 not for an AWS resource',
    request: { principal: BREAK_GLASS, action: 'kms:CreateGrant', resource: KEY_ARN, context: { ...IN_ORG, ...VIA_EC2, 'kms:GrantIsForAWSResource': 'false' } },
    expected: 'ImplicitlyDenied',
  },
  { name: 'org member: Decrypt directly (no service)', request: { principal: BREAK_GLASS, action: 'kms:Decrypt', resource: KEY_ARN, context: { ...IN_ORG } }, expected: 'ImplicitlyDenied' },
  { name: 'org member: ReEncryptTo via EC2 in another region', request: { principal: BREAK_GLASS, action: 'kms:ReEncryptTo', resource: KEY_ARN, context: { ...IN_ORG, 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' } }, expected: 'ImplicitlyDenied' },
  {
    name: 'principal outside the org: ReEncryptTo via EC2',
    request: { principal: 'arn:aws:iam::999999999999:role/incident-response/SecurityBreakGlass', action: 'kms:ReEncryptTo', resource: KEY_ARN, context: { 'aws:PrincipalOrgID': 'o-otherorg123', ...VIA_EC2 } },
    expected: 'ImplicitlyDenied',
  },
  { name: 'org member: ScheduleKeyDeletion', request: { principal: BREAK_GLASS, action: 'kms:ScheduleKeyDeletion', resource: KEY_ARN, context: { ...IN_ORG } }, expected: 'ImplicitlyDenied' },
  {
    name: 'IR role writes evidence: GenerateDataKey via S3',
    request: { principal: BREAK_GLASS, action: 'kms:GenerateDataKey', resource: KEY_ARN, context: { ...IN_ORG, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    expected: 'Allowed',
  },
  {
    name: 'workload role: GenerateDataKey via S3',
    request: { principal: WORKLOAD_ROLE, action: 'kms:GenerateDataKey', resource: KEY_ARN, context: { ...IN_ORG, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    expected: 'ImplicitlyDenied',
  },
];

const secure = { 'aws:SecureTransport': 'true' };
const bucketRows: Row[] = [
  { name: 'IR role in the org adds evidence over TLS', request: { principal: BREAK_GLASS, action: 's3:PutObject', resource: OBJECT_ARN, resourceAccount: FORENSICS_ID, context: { ...IN_ORG, ...secure } }, expected: 'Allowed' },
  { name: 'IR role over plain HTTP', request: { principal: BREAK_GLASS, action: 's3:PutObject', resource: OBJECT_ARN, resourceAccount: FORENSICS_ID, context: { ...IN_ORG, 'aws:SecureTransport': 'false' } }, expected: 'ExplicitlyDenied' },
  { name: 'workload role in the org adds an object', request: { principal: WORKLOAD_ROLE, action: 's3:PutObject', resource: OBJECT_ARN, resourceAccount: FORENSICS_ID, context: { ...IN_ORG, ...secure } }, expected: 'ImplicitlyDenied' },
  { name: 'IR role reads evidence from another account', request: { principal: BREAK_GLASS, action: 's3:GetObject', resource: OBJECT_ARN, resourceAccount: FORENSICS_ID, context: { ...IN_ORG, ...secure } }, expected: 'ImplicitlyDenied' },
  {
    name: 'forensics account admin deletes a version',
    request: { principal: `arn:aws:iam::${FORENSICS_ID}:role/Admin`, action: 's3:DeleteObjectVersion', resource: OBJECT_ARN, context: { ...secure } },
    expected: 'ExplicitlyDenied',
  },
  {
    name: 'forensics account admin bypasses governance retention',
    request: { principal: `arn:aws:iam::${FORENSICS_ID}:role/Admin`, action: 's3:BypassGovernanceRetention', resource: OBJECT_ARN, context: { ...secure } },
    expected: 'ExplicitlyDenied',
  },
  {
    name: 'the deployment role may delete a version (retention still applies)',
    request: { principal: `arn:aws:iam::${FORENSICS_ID}:role/OrganizationAccountAccessRole`, action: 's3:DeleteObjectVersion', resource: OBJECT_ARN, context: { ...secure } },
    expected: 'Allowed',
  },
];

describe.each([
  { policy: 'evidence key policy', document: evidenceKeyPolicy(config, room), rows: keyRows },
  { policy: 'evidence bucket policy', document: evidenceBucketPolicy(config, room), rows: bucketRows },
])('$policy', ({ document, rows }) => {
  it.each(rows)('$name → $expected', async ({ request, expected }) => {
    const outcome = await simulate({ resourceAccount: FORENSICS_ID, ...request }, { resourcePolicy: document });
    expect(outcome.ignoredContextKeys).toEqual([]);
    expect(outcome.decision).toBe(expected);
  });
});
