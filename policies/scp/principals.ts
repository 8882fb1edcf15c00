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
  return unique([irRoleArnPattern('deploy'), deployRole, STACKSET_EXECUTION_ROLE_PATTERN]);
}

/**
 * The role service-managed StackSets run as in member accounts. The IR-role, break-glass-alarm
 * and Config-recorder StackSets deploy through it into every usable region, so it is a deployer.
 * Only CloudFormation can assume it, and the tamper SCP denies anyone else creating or changing
 * a role of that name.
 */
export const STACKSET_EXECUTION_ROLE_PATTERN = 'arn:aws:iam::*:role/stacksets-exec-*';

/** Every role under the IR path in every account: SecurityAdmin is exempt from the GuardDuty deny, the others elsewhere. */
export const IR_PATH_ROLE_PATTERN = `arn:aws:iam::*:role${IR_ROLE_PATH}*`;

/**
 * Role ARN patterns whose holders some guardrail exempts: the whole IR path (every IR role is
 * exempt from something) and the other exempt roles. Exemption by name is only as strong as the
 * control over those names, so the tamper SCP reserves them for the deployers.
 */
export function exemptRoleArnPatterns(config: OrgConfig): string[] {
  return unique([IR_PATH_ROLE_PATTERN, ...otherExemptRoleArnPatterns(config)]);
}

/** The exempt roles outside the IR path: deployment role, StackSet execution role, configured exempt and compute-platform roles. */
export function otherExemptRoleArnPatterns(config: OrgConfig): string[] {
  return unique([...regionExemptArnPatterns(config), ...config.instanceTypes.computePlatformPrincipals]).filter((p) => /^arn:aws:iam::[^:]*:role\//.test(p) && !p.startsWith(IR_PATH_ROLE_PATTERN.slice(0, -1)));
}

/**
 * Who may configure a launcher no SCP can filter by instance type (EKS node groups, Batch, Capacity
 * Blocks, ...): the deployers and the configured compute-platform roles (CI, an ML platform).
 */
export function computePlatformArnPatterns(config: OrgConfig): string[] {
  return unique([...deployerArnPatterns(config), ...config.instanceTypes.computePlatformPrincipals]);
}

/**
 * Who may still act in a denied region: break-glass, SecurityAnalyst (read-only by its own
 * policy: irctl scopes and validates there with it), the deployers and `exemptPrincipals`.
 */
export function regionExemptArnPatterns(config: OrgConfig): string[] {
  return unique([irRoleArnPattern('breakGlass'), irRoleArnPattern('analyst'), ...deployerArnPatterns(config), ...config.exemptPrincipals]);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
