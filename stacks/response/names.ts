/**
 * Every name and ARN the response-readiness stacks share, derived from the config alone.
 * Stacks never read each other's outputs: two stacks that must agree on a name both call
 * a function here, so `cdktf deploy` order matters only for existence, never for values.
 */
import { targetId, usableRegions, type OrgConfig } from '../../config';
import { ALERT_RULES, FORENSICS, IR_ROLE_PATH, IR_ROLES } from '../../shared/names';

/** Fixed names of what the response stacks create. */
export const RESPONSE = {
  irRolesStackSet: 'ir-guardrails-ir-roles',
  breakGlassStackSet: 'ir-guardrails-breakglass-alarm',
  /** Custom bus in the security account (home region) that collects break-glass events org-wide. */
  breakGlassBus: ALERT_RULES.breakGlassBus,
  breakGlassRule: ALERT_RULES.breakGlass,
  /** Role EventBridge uses to forward to the security bus; per region in StackSet accounts (IAM names are global). */
  forwarderRole: 'ir-breakglass-forwarder',
  flowLogGroup: '/ir-guardrails/forensics/vpc-flow-logs',
  flowLogRole: 'ir-forensics-flow-logs',
} as const;

/** ARN of the central alert topic the detection stack creates in the security account. */
export { alertTopicArn } from '../detection/names';

/** ARN of the security account's break-glass event bus. */
export function breakGlassBusArn(config: OrgConfig): string {
  return `arn:aws:events:${config.organization.homeRegion}:${config.accounts.security.id}:event-bus/${RESPONSE.breakGlassBus}`;
}

/** ARN of an IR role in one account. */
export function irRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role${IR_ROLE_PATH}${roleName}`;
}

/**
 * What every break-glass alarm rule matches on the role ARN. A suffix on the bare name, so
 * an AssumeRole that spells the ARN without the path (STS resolves roles by name) matches too.
 */
export const BREAK_GLASS_ROLE_SUFFIX = `/${IR_ROLES.breakGlass}`;

/** Region of the clean room (and of its evidence bucket and key): the home region. */
export function forensicsRegion(config: OrgConfig): string {
  return config.organization.homeRegion;
}

/** Evidence bucket name in the forensics account (see FORENSICS.evidenceBucketPrefix). */
export function evidenceBucketName(config: OrgConfig, forensicsAccountId: string): string {
  return `${FORENSICS.evidenceBucketPrefix}-${forensicsAccountId}-${forensicsRegion(config)}`;
}

/**
 * OU IDs the StackSets target: `irRoles.stackSetTargets`, or by default every OU that holds a
 * member account (the root when any member sits directly under it). An OU whose ancestor is
 * also targeted is dropped: StackSets deploy to nested OUs already, and two targets for one
 * account make the instances fight over the same stack.
 */
export function stackSetTargetOus(config: OrgConfig): Array<{ name: string; id: string }> {
  const { security, logArchive, forensics, workloads } = config.accounts;
  const names = config.irRoles.stackSetTargets ?? [...new Set([security.ou, logArchive.ou, forensics.ou, ...workloads.map((w) => w.ou)])];
  if (names.includes('root')) return [{ name: 'root', id: config.organization.rootId }];
  const parentOf = new Map(config.organizationalUnits.map((o) => [o.name, o.parent]));
  const targeted = new Set(names);
  const hasTargetedAncestor = (name: string): boolean => {
    const seen = new Set<string>();
    for (let p = parentOf.get(name); p !== undefined && p !== 'root' && !seen.has(p); p = parentOf.get(p)) {
      if (targeted.has(p)) return true;
      seen.add(p);
    }
    return false;
  };
  return names.filter((n) => !hasTargetedAncestor(n)).map((name) => ({ name, id: targetId(config, name) }));
}

/**
 * Regions with a break-glass rule. AssumeRole lands in the region of the STS endpoint used,
 * and STS answers in every enabled region (the region-deny SCP exempts it), so: every region
 * enabled by default, plus the opt-in regions workloads may use. Neither `regions.allowed` nor
 * `regions.detection` limits where an attacker can call STS. An opt-in region outside
 * `regions.allowed` stays disabled (the SCP pack denies account:EnableRegion), has no STS
 * endpoint to call, and a stack instance there would only fail.
 */
export function breakGlassAlarmRegions(config: OrgConfig): string[] {
  return [...usableRegions(config)];
}
