/**
 * Principal patterns the guardrail SCPs exempt. SCPs see `aws:PrincipalArn` as the role ARN
 * (with its path), never the assumed-role session ARN, so these are role ARN patterns.
 */
import type { OrgConfig } from '../../config';
import { IR_ROLES, IR_ROLE_PATH, type IrRoleKey } from '../../shared/names';

/** ARN pattern matching one IR role in every account of the organization. */
export function irRoleArnPattern(role: IrRoleKey): string {
  return `arn:aws:iam::*:role${IR_ROLE_PATH}${IR_ROLES[role]}`;
}

/**
 * Roles that change the security services on purpose: SecurityDeploy, plus the role Terraform
 * assumes (`deployment.roleName`) when it is another one, because that is the identity the
 * stacks actually deploy with.
 */
export function deployerArnPatterns(config: OrgConfig): string[] {
  const deployRole = `arn:aws:iam::*:role/${config.deployment.roleName}`;
  return unique([irRoleArnPattern('deploy'), deployRole]);
}

/** Who may still act in a denied region: break-glass, the deployers and `exemptPrincipals`. */
export function regionExemptArnPatterns(config: OrgConfig): string[] {
  return unique([irRoleArnPattern('breakGlass'), ...deployerArnPatterns(config), ...config.exemptPrincipals]);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
