/** Trust policy shared by the four IR roles: configured responders, with recent MFA. */
import type { OrgConfig } from '../../config';
import type { PolicyDocument, PolicyStatement } from '../document';

/**
 * Only fresh MFA: a responder who signed in with MFA more than this long ago must re-authenticate.
 * Equal to the longest session the role grants, so a session never outlives its MFA by more.
 */
export function mfaMaxAgeSeconds(config: OrgConfig): number {
  return config.irRoles.maxSessionSeconds;
}

/** Plain-text explanation for auditors. */
export const TRUST_EXPLANATION = `The configured responder principals (irRoles.responderPrincipals) may assume each IR role and set
a source identity, so CloudTrail names the human, only with MFA present and at most one session
length old. Exact ARNs are named as principals; patterns with a wildcard (which a Principal cannot
hold) are matched on aws:PrincipalArn and only inside the organization. Nobody else, and no
service, may assume the roles.`;

/**
 * Responder principals may assume the role (and set a source identity, so CloudTrail names the
 * human) only with MFA present and recent. A trust policy's Principal cannot hold wildcards, so
 * configured patterns with `*` are admitted through ArnLike aws:PrincipalArn, limited to the org.
 */
export function responderTrustPolicy(config: OrgConfig): PolicyDocument {
  const patterns = config.irRoles.responderPrincipals;
  const exact = patterns.filter((p) => !p.includes('*'));
  const wildcard = patterns.filter((p) => p.includes('*'));
  const mfa = {
    Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    NumericLessThan: { 'aws:MultiFactorAuthAge': String(mfaMaxAgeSeconds(config)) },
  };
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
  const statements: PolicyStatement[] = [];
  if (exact.length > 0) {
    statements.push({ Sid: 'RespondersWithMfa', Effect: 'Allow', Principal: { AWS: exact }, Action: actions, Condition: mfa });
  }
  if (wildcard.length > 0) {
    statements.push({
      Sid: 'ResponderPatternsWithMfa',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: actions,
      Condition: {
        ...mfa,
        ArnLike: { 'aws:PrincipalArn': wildcard },
        StringEquals: { 'aws:PrincipalOrgID': config.organization.id },
      },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
