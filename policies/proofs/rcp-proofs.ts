/** Proof table for the identity-perimeter RCP: outsiders denied even where the resource policy invites them. */
import type { OrgConfig } from '../../config';
import { identityPerimeterRcp } from '../rcp';
import type { PolicyDocument } from '../document';
import { cleanRoom, logArchiveBucketArn, logArchiveKeyAliasArn, logArchiveObjectsArn, type LogArchivePurpose } from '../../shared/addresses';
import { FORENSICS } from '../../shared/names';
import { proofFixtures } from './fixtures';
import type { ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const DENIED = 'ExplicitlyDenied' as const;

/** An account in another organization, and that organization. */
const OUTSIDER_ACCOUNT = '999999999999';
const OUTSIDER_ORG = 'o-outsider000';

/** The worst resource policy: it lets anyone do anything (what a mistake or an attacker would write). */
function openTo(actions: string, resource: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: actions, Resource: resource }] };
}
function openToServices(actions: string, resource: string, service: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: actions, Resource: resource }] };
}

/**
 * What keeps the log archive delivering: its keys and bucket configuration. An administrator inside
 * the organization (here one of the log-archive account itself) is denied; the deployment role is not.
 */
function logArchiveControlRows(config: OrgConfig, key: string, inside: Record<string, string>): ProofRow[] {
  const logArchive = config.accounts.logArchive.id;
  const admin = `arn:aws:iam::${logArchive}:role/Admin`;
  const deployer = `arn:aws:iam::${logArchive}:role/${config.deployment.roleName}`;
  const trailBucket = logArchiveBucketArn(config, 'cloudtrail');
  const keyPolicy = openTo('kms:*', '*');
  const bucketPolicy = openTo('s3:*', trailBucket);
  const row = (name: string, principal: string, action: string, resource: string, expected: typeof ALLOWED | typeof DENIED, resourcePolicy?: PolicyDocument, context: Record<string, string | string[]> = inside): ProofRow => ({
    name, request: { principal, action, resource, resourceAccount: logArchive, context }, expected, ...(resourcePolicy ? { resourcePolicy } : {}),
  });
  const rows: ProofRow[] = [];
  for (const action of ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy']) {
    rows.push(
      row(`in-org admin of the log-archive account: ${action} on a log-archive key`, admin, action, key, DENIED, keyPolicy),
      row(`deployment role: ${action} on a log-archive key`, deployer, action, key, ALLOWED, keyPolicy),
    );
  }
  for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning', 's3:PutReplicationConfiguration']) {
    rows.push(
      row(`in-org admin of the log-archive account: ${action} on the CloudTrail bucket`, admin, action, trailBucket, DENIED, bucketPolicy),
      row(`deployment role: ${action} on the CloudTrail bucket`, deployer, action, trailBucket, ALLOWED, bucketPolicy),
    );
  }
  // Stacks resolve the keys by alias at every apply: re-pointing an alias moves the trail to another key.
  const trailAlias = logArchiveKeyAliasArn(config, 'cloudtrail');
  for (const action of ['kms:UpdateAlias', 'kms:DeleteAlias', 'kms:CreateAlias']) {
    rows.push(
      row(`in-org admin of the log-archive account: ${action} on alias/ir-cloudtrail`, admin, action, trailAlias, DENIED),
      row(`deployment role: ${action} on alias/ir-cloudtrail`, deployer, action, trailAlias, ALLOWED),
    );
  }
  rows.push(
    row('in-org admin of the log-archive account: kms:UpdateAlias authorized on the current target key', admin, 'kms:UpdateAlias', key, DENIED, keyPolicy),
    row('deployment role: kms:UpdateAlias authorized on the target key (both alias and key are checked)', deployer, 'kms:UpdateAlias', key, ALLOWED, keyPolicy),
  );
  rows.push(row('in-org admin of the log-archive account: kms:CreateAlias of an alias of its own', admin, 'kms:CreateAlias', trailAlias.replace(/alias\/.*$/, 'alias/team-key'), ALLOWED));
  // A delete marker hides a log from Athena and hunting at once; lifecycle expiry destroys it later.
  const logPurposes: LogArchivePurpose[] = ['cloudtrail', 'guardduty-findings', 'flow-logs', 'dns-query-logs', 'config'];
  for (const purpose of logPurposes) {
    const object = logArchiveObjectsArn(config, purpose).replace(/\*$/, 'AWSLogs/x.json.gz');
    rows.push(row(`in-org admin of the log-archive account: s3:DeleteObject (delete marker) in the ${purpose} bucket`, admin, 's3:DeleteObject', object, DENIED, openTo('s3:*', object)));
  }
  const trailLog = logArchiveObjectsArn(config, 'cloudtrail').replace(/\*$/, 'AWSLogs/x.json.gz');
  const results = logArchiveObjectsArn(config, 'athena-results').replace(/\*$/, 'q/1.csv');
  rows.push(
    row('deployment role: s3:DeleteObject in the CloudTrail bucket', deployer, 's3:DeleteObject', trailLog, ALLOWED, openTo('s3:*', trailLog)),
    row('in-org admin: s3:DeleteObject of an Athena query result (results are not logs)', admin, 's3:DeleteObject', results, ALLOWED, openTo('s3:*', results)),
  );
  rows.push(
    row('in-org admin of the log-archive account: kms:Decrypt with a log-archive key (reading stays allowed)', admin, 'kms:Decrypt', key, ALLOWED, keyPolicy),
    row('in-org admin of the log-archive account: s3:GetBucketPolicy on the CloudTrail bucket', admin, 's3:GetBucketPolicy', trailBucket, ALLOWED, bucketPolicy),
    {
      name: 'in-org admin: s3:PutBucketPolicy on an unrelated bucket of its own',
      request: { principal: admin, action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::team-scratch', resourceAccount: logArchive, context: inside },
      expected: ALLOWED, resourcePolicy: openTo('s3:*', 'arn:aws:s3:::team-scratch'),
    },
  );
  return rows;
}

/**
 * The evidence key is the project's, found by its alias (its ID is random); the per-case keys responders
 * create in the forensics account are theirs, yet still closed to outsiders.
 */
function forensicsKeyRows(config: OrgConfig, forensicsId: string, inside: Record<string, string>, outside: Record<string, string>): ProofRow[] {
  const room = cleanRoom(config, forensicsId);
  const evidenceKey = `arn:aws:kms:${room.region}:${forensicsId}:key/99999999-2222-3333-4444-555555555555`;
  const caseKey = `arn:aws:kms:${room.region}:${forensicsId}:key/88888888-2222-3333-4444-555555555555`;
  const admin = `arn:aws:iam::${forensicsId}:role/incident-response/SecurityAdmin`;
  const breakGlass = `arn:aws:iam::${forensicsId}:role/incident-response/SecurityBreakGlass`;
  const deployer = `arn:aws:iam::${forensicsId}:role/${config.deployment.roleName}`;
  const keyPolicy = openTo('kms:*', '*');
  const evidenceAliases = { ...inside, 'kms:ResourceAliases': [FORENSICS.evidenceKeyAlias] };
  const caseAliases = { ...inside, 'kms:ResourceAliases': ['alias/case-0001'] };
  const keyRow = (name: string, principal: string, action: string, resource: string, context: Record<string, string | string[]>, expected: typeof ALLOWED | typeof DENIED, resourcePolicy: PolicyDocument | undefined = keyPolicy): ProofRow => ({
    name, request: { principal, action, resource, resourceAccount: forensicsId, region: room.region, context }, expected, ...(resourcePolicy ? { resourcePolicy } : {}),
  });
  return [
    keyRow('SecurityAdmin: kms:PutKeyPolicy on the evidence key (alias/ir-forensic-evidence)', admin, 'kms:PutKeyPolicy', evidenceKey, evidenceAliases, DENIED),
    keyRow('SecurityBreakGlass: kms:ScheduleKeyDeletion of the evidence key', breakGlass, 'kms:ScheduleKeyDeletion', evidenceKey, evidenceAliases, DENIED),
    keyRow('deployment role: kms:PutKeyPolicy on the evidence key', deployer, 'kms:PutKeyPolicy', evidenceKey, evidenceAliases, ALLOWED),
    keyRow('SecurityAdmin: kms:PutKeyPolicy on a per-case key it created', admin, 'kms:PutKeyPolicy', caseKey, caseAliases, ALLOWED),
    keyRow('SecurityBreakGlass: kms:ScheduleKeyDeletion of a scratch key without alias', breakGlass, 'kms:ScheduleKeyDeletion', caseKey, inside, ALLOWED),
    keyRow('outsider decrypts with a per-case key whose key policy is open', `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/attacker`, 'kms:Decrypt', caseKey, outside, DENIED),
    keyRow('SecurityAdmin: kms:UpdateAlias alias/ir-forensic-evidence (irctl copies evidence under it)', admin, 'kms:UpdateAlias', room.keyAliasArn, inside, DENIED, undefined),
    keyRow('SecurityAdmin: kms:CreateAlias for a per-case key', admin, 'kms:CreateAlias', room.keyAliasArn.replace(/alias\/.*$/, 'alias/case-0001'), inside, ALLOWED, undefined),
  ];
}

/** Outsiders, insiders and services on each protected resource; an unprotected bucket as the control. */
export function rcpProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = identityPerimeterRcp(config);
  const org = config.organization.id;
  const logArchive = config.accounts.logArchive.id;
  const trailObject = `${logArchiveBucketArn(config, 'cloudtrail')}/AWSLogs/${org}/${f.workloadAccount}/CloudTrail/us-east-1/2026/01/01/x.json.gz`;
  const key = `arn:aws:kms:${config.organization.homeRegion}:${logArchive}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const outsider = `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/attacker`;
  const analyst = f.irRole('analyst', f.securityAccount);
  const inside = { 'aws:PrincipalOrgID': org, 'aws:PrincipalIsAWSService': 'false' };
  const outside = { 'aws:PrincipalOrgID': OUTSIDER_ORG, 'aws:PrincipalIsAWSService': 'false' };
  const trailPolicy = openTo('s3:*', trailObject);
  const s3Row = (name: string, principal: string, action: string, context: Record<string, string>, expected: typeof ALLOWED | typeof DENIED, resourcePolicy = trailPolicy): ProofRow => ({
    name, request: { principal, action, resource: trailObject, resourceAccount: logArchive, context }, expected, resourcePolicy,
  });
  const service = 'cloudtrail.amazonaws.com';
  const serviceWrite = openToServices('s3:PutObject', trailObject, service);
  const rows: ProofRow[] = [
    s3Row('outsider reads CloudTrail logs the bucket policy opens to everyone', outsider, 's3:GetObject', outside, DENIED),
    s3Row('outsider deletes CloudTrail logs', outsider, 's3:DeleteObject', outside, DENIED),
    s3Row('account outside any organization reads CloudTrail logs', outsider, 's3:GetObject', { 'aws:PrincipalIsAWSService': 'false' }, DENIED),
    s3Row('SecurityAnalyst (inside the organization) reads CloudTrail logs', analyst, 's3:GetObject', inside, ALLOWED),
    s3Row('CloudTrail delivers the organization trail', service, 's3:PutObject', { 'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': config.accounts.management.id, 'aws:SourceOrgID': org }, ALLOWED, serviceWrite),
    s3Row('CloudTrail delivers for an account outside the organization (confused deputy)', service, 's3:PutObject', { 'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': OUTSIDER_ACCOUNT, 'aws:SourceOrgID': OUTSIDER_ORG }, DENIED, serviceWrite),
    s3Row('a service acting for no source account', service, 's3:PutObject', { 'aws:PrincipalIsAWSService': 'true' }, ALLOWED, serviceWrite),
    {
      name: 'outsider decrypts with a log-archive key whose key policy is open',
      request: { principal: outsider, action: 'kms:Decrypt', resource: key, resourceAccount: logArchive, context: outside },
      expected: DENIED, resourcePolicy: openTo('kms:*', '*'),
    },
    {
      name: 'SecurityAnalyst decrypts with a log-archive key',
      request: { principal: analyst, action: 'kms:Decrypt', resource: key, resourceAccount: logArchive, context: inside },
      expected: ALLOWED, resourcePolicy: openTo('kms:*', '*'),
    },
    {
      name: 'outsider reads an unrelated bucket opened to everyone (the RCP names the evidence only)',
      request: { principal: outsider, action: 's3:GetObject', resource: 'arn:aws:s3:::public-website/index.html', resourceAccount: f.workloadAccount, context: outside },
      expected: ALLOWED, resourcePolicy: openTo('s3:GetObject', 'arn:aws:s3:::public-website/*'),
    },
  ];
  rows.push(...logArchiveControlRows(config, key, inside));
  const forensicsId = config.accounts.forensics.id;
  if (forensicsId) {
    const evidence = `${cleanRoom(config, forensicsId).bucketArn}/case-0001/disk.raw`;
    const evidencePolicy = openTo('s3:*', evidence);
    rows.push(
      { name: 'outsider reads evidence the bucket policy opens to everyone', request: { principal: outsider, action: 's3:GetObject', resource: evidence, resourceAccount: forensicsId, context: outside }, expected: DENIED, resourcePolicy: evidencePolicy },
      { name: 'SecurityAdmin reads evidence', request: { principal: f.irRole('admin', f.securityAccount), action: 's3:GetObject', resource: evidence, resourceAccount: forensicsId, context: inside }, expected: ALLOWED, resourcePolicy: evidencePolicy },
      ...forensicsKeyRows(config, forensicsId, inside, outside),
    );
  }
  for (const role of ['breakGlass', 'admin'] as const) {
    const target = f.irRole(role);
    const trust: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Resource: '*' }] };
    rows.push(
      { name: `outsider assumes ${target.split('/').pop()} whose trust policy names everyone`, request: { principal: outsider, action: 'sts:AssumeRole', resource: target, resourceAccount: f.workloadAccount, context: outside }, expected: DENIED, resourcePolicy: trust },
      { name: `a responder in the security account assumes ${target.split('/').pop()}`, request: { principal: `arn:aws:iam::${f.securityAccount}:role/Responders`, action: 'sts:AssumeRole', resource: target, resourceAccount: f.workloadAccount, context: inside }, expected: ALLOWED, resourcePolicy: trust },
    );
  }
  return { id: 'rcp-identity-perimeter', title: 'Identity perimeter on the log archive, evidence and IR roles (RCP)', policyNames: [policy.name], policies: { rcps: [policy.document] }, rows };
}
