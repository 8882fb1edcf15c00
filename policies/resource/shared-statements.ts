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
  return {
    Sid: 'DenyVersionDeletesAndLockBypass',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
    Resource: `${bucketArn}/*`,
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': deployerArn } },
  };
}

/** An account administers a key it owns; without this statement a key can lock everyone out. */
export function keyAdministration(sid: string, accountRootArn: string): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Principal: { AWS: accountRootArn }, Action: 'kms:*', Resource: '*' };
}
