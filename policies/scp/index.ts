/**
 * The guardrail SCP pack: pure functions from the org config to the exact JSON AWS receives.
 * Each policy lives in its own file with its explanation for auditors.
 */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { denyUnapprovedInstanceTypesScp } from './deny-unapproved-instance-types';
import { denyUnapprovedRegionsScp } from './deny-unapproved-regions';
import { protectSecurityServicesScp } from './protect-security-services';
import { requireImdsv2Scp } from './require-imdsv2';

export type { AuditedPolicy } from './audited';
export { denyUnapprovedRegionsScp } from './deny-unapproved-regions';
export { denyUnapprovedInstanceTypesScp } from './deny-unapproved-instance-types';
export { protectSecurityServicesScp } from './protect-security-services';
export { requireImdsv2Scp } from './require-imdsv2';
export { forensicsOuScp } from './forensics-ou';
export { irRoleArnPattern, deployerArnPatterns, regionExemptArnPatterns } from './principals';

/** The four guardrail SCPs attached to every `scp.targets` entry, in a stable order. */
export function guardrailScps(config: OrgConfig): AuditedPolicy[] {
  return [
    denyUnapprovedRegionsScp(config),
    denyUnapprovedInstanceTypesScp(config),
    protectSecurityServicesScp(config),
    requireImdsv2Scp(),
  ];
}
