/**
 * The inline policies irctl attaches while containing credentials (`irctl contain-credentials`,
 * `irctl run`): a deny-all for a stolen user, and a revocation of sessions issued before a moment.
 */
import { CONTAINMENT_POLICIES } from '../../shared/names';
import type { AuditedPolicy } from '../scp/audited';

/** Deny-all inline policy for a compromised IAM user. */
export function denyAllPolicy(): AuditedPolicy {
  return {
    name: CONTAINMENT_POLICIES.denyAll,
    description: 'Inline on a compromised IAM user: deny every action.',
    explanation: `irctl contain-credentials attaches this to the IAM user that owns a stolen access key (and to
backdoor users scope found), after deactivating its keys. An explicit deny beats every allow the
user has, so keys that were copied elsewhere or reactivated are useless. irctl release removes
it after a false positive, unless eradicate confirmed the compromise.`,
    document: { Version: '2012-10-17', Statement: [{ Sid: 'IrDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }] },
  };
}

/** Deny every request signed with credentials issued before `now` (UTC). */
export function revokeOlderSessionsPolicy(now: Date): AuditedPolicy {
  return {
    name: CONTAINMENT_POLICIES.revokeOlderSessions,
    description: 'Inline on a compromised user or role: deny requests with credentials issued before containment.',
    explanation: `Temporary credentials cannot be revoked one by one; instead irctl denies every request whose
credentials were issued before the moment of containment (aws:TokenIssueTime). Sessions that
were stolen stop working; legitimate users of a role simply obtain new credentials. The deny-all
does not cover this, since aws:TokenIssueTime does not apply to long-term keys: both are needed.`,
    document: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'IrRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } } }],
    },
  };
}

/** Both containment policies, as irctl would write them at `containedAt`. */
export function containmentPolicies(containedAt: Date): { readonly denyAll: AuditedPolicy; readonly revokeOlderSessions: AuditedPolicy } {
  return { denyAll: denyAllPolicy(), revokeOlderSessions: revokeOlderSessionsPolicy(containedAt) };
}
