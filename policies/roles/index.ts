/**
 * The four incident-response roles as plain JSON: trust, least-privilege policies and the
 * IAM size limits they must fit. Consumed by the IR-role stacks and the response tooling.
 */
import type { OrgConfig } from '../../config';
import { IR_ROLE_PATH, IR_ROLES, type IrRoleKey } from '../../shared/names';
import { policySize, type NamedPolicy, type PolicyDocument } from '../document';
import { adminPolicies } from './admin';
import { analystPolicies } from './analyst';
import { breakGlassPolicies } from './break-glass';
import { deployPolicies } from './deploy';
import type { AuditedPolicy } from '../scp/audited';
import { TRUST_EXPLANATION, responderTrustPolicy } from './trust';

export { responderTrustPolicy, mfaMaxAgeSeconds } from './trust';

/** The trust policy the four IR roles share, as the auditors' report shows it. */
export function irRolesTrust(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-roles-trust',
    description: 'Who may assume the four IR roles: the configured responder principals, with recent MFA.',
    explanation: TRUST_EXPLANATION,
    document: responderTrustPolicy(config),
  };
}

/** One IR role as the stacks create it. */
export interface IrRoleDefinition {
  readonly key: IrRoleKey;
  readonly name: string;
  readonly path: typeof IR_ROLE_PATH;
  readonly description: string;
  readonly maxSessionSeconds: number;
  readonly trust: PolicyDocument;
  readonly policies: NamedPolicy[];
}

const DESCRIPTIONS: Record<IrRoleKey, string> = {
  analyst: 'Incident response: read-only investigation (describes, CloudTrail lookups, GuardDuty findings, Athena).',
  deploy: 'Incident response: deploys the aws-ir-guardrails stacks.',
  breakGlass: 'Incident response: containment and eradication. Every assumption pages the security team.',
  admin: 'Incident response: administers Athena, Glue and GuardDuty.',
};

/** The four IR roles for `config`, in IR_ROLES order. */
export function irRoleDefinitions(config: OrgConfig): IrRoleDefinition[] {
  const policies: Record<IrRoleKey, NamedPolicy[]> = {
    analyst: analystPolicies(config),
    deploy: deployPolicies(config),
    breakGlass: breakGlassPolicies(config),
    admin: adminPolicies(config),
  };
  const trust = responderTrustPolicy(config);
  return (Object.keys(IR_ROLES) as IrRoleKey[]).map((key) => ({
    key,
    name: IR_ROLES[key],
    path: IR_ROLE_PATH,
    description: DESCRIPTIONS[key],
    maxSessionSeconds: config.irRoles.maxSessionSeconds,
    trust,
    policies: policies[key],
  }));
}

/** IAM limits (characters, whitespace excluded by IAM; we count minified JSON, which is stricter). */
export const IAM_LIMITS = { managedPolicy: 6144, roleInlineTotal: 10240, trustPolicy: 2048 } as const;

/** Every way a role definition breaks an IAM size limit; empty when it fits. */
export function roleSizeProblems(role: IrRoleDefinition): string[] {
  const problems: string[] = [];
  for (const p of role.policies) {
    const size = policySize(p.document);
    if (size > IAM_LIMITS.managedPolicy) problems.push(`${role.name}: policy ${p.name} is ${size} characters; a managed policy holds ${IAM_LIMITS.managedPolicy}`);
  }
  const total = role.policies.reduce((sum, p) => sum + policySize(p.document), 0);
  if (total > IAM_LIMITS.roleInlineTotal) problems.push(`${role.name}: inline policies total ${total} characters; a role holds ${IAM_LIMITS.roleInlineTotal}`);
  const trust = policySize(role.trust);
  if (trust > IAM_LIMITS.trustPolicy) problems.push(`${role.name}: trust policy is ${trust} characters; the default quota is ${IAM_LIMITS.trustPolicy}`);
  return problems;
}
