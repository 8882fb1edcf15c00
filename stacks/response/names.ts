/**
 * Which OUs and regions the response-readiness StackSets reach, derived from the config alone.
 * Names and ARNs live in shared/addresses.ts.
 */
import { targetId, usableRegions, type OrgConfig } from '../../config';

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
