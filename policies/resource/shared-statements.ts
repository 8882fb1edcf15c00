/** Statements several resource policies carry, written once so every bucket says them the same way. */
import type { PolicyStatement } from '../document';

/** Denies every request to the bucket or its objects that is not made over TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * Object Lock in GOVERNANCE mode yields to anyone allowed s3:BypassGovernanceRetention: without
 * this deny, any administrator of the owning account could delete locked versions. Only the
 * deployment role (`deployerArn`) keeps that power.
 */
export function denyVersionDeletesExceptDeployer(bucketArn: string, deployerArn: string): PolicyStatement {
  return exceptDeployer('DenyVersionDeletesAndLockBypass', ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'], `${bucketArn}/*`, deployerArn);
}

/**
 * A bucket without Object Lock loses its history to an expiring lifecycle rule or to versioning
 * suspended before a delete as surely as to a version delete: only the deployment role
 * (`deployerArn`, which applies the lifecycle Terraform declares) may change either.
 */
export function denyRetentionChangesExceptDeployer(bucketArn: string, deployerArn: string): PolicyStatement {
  return exceptDeployer('DenyRetentionChanges', ['s3:PutLifecycleConfiguration', 's3:PutBucketVersioning'], bucketArn, deployerArn);
}

function exceptDeployer(sid: string, actions: string[], resource: string, deployerArn: string): PolicyStatement {
  return { Sid: sid, Effect: 'Deny', Principal: '*', Action: actions, Resource: resource, Condition: { ArnNotEquals: { 'aws:PrincipalArn': deployerArn } } };
}

/** An account administers a key it owns; without this statement a key can lock everyone out. */
export function keyAdministration(sid: string, accountRootArn: string): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Principal: { AWS: accountRootArn }, Action: 'kms:*', Resource: '*' };
}
