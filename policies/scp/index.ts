/**
 * The guardrail SCP pack: pure functions from the org config to the exact JSON AWS receives.
 * Each rule lives in its own file with its explanation for auditors; `packGuardrails` fits the
 * rules' statements into as few SCP documents as the configured limits allow.
 */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { denyGpuBuildEnvironmentsScp } from './deny-gpu-build-environments';
import { denyPaidCapacityScp } from './deny-paid-capacity';
import { denyQuotaIncreasesScp } from './deny-quota-increases';
import { denySageMakerInstanceTypesScp } from './deny-sagemaker-instance-types';
import { denyUnapprovedInstanceTypesScp } from './deny-unapproved-instance-types';
import { denyUnapprovedRegionsScp } from './deny-unapproved-regions';
import { denyUntypedLaunchersScp } from './deny-untyped-launchers';
import { denyUserKeysOffNetworkScp } from './deny-user-keys-off-network';
import { pinLaunchTemplateVersionsScp } from './pin-launch-template-versions';
import { protectAlertingScp } from './protect-alerting';
import { protectSecurityServicesScp } from './protect-security-services';
import { requireImdsv2Scp } from './require-imdsv2';

export type { AuditedPolicy } from './audited';
export { denyUnapprovedRegionsScp } from './deny-unapproved-regions';
export { denyUnapprovedInstanceTypesScp } from './deny-unapproved-instance-types';
export { protectSecurityServicesScp } from './protect-security-services';
export { requireImdsv2Scp } from './require-imdsv2';
export { forensicsOuScp } from './forensics-ou';
export { pinLaunchTemplateVersionsScp } from './pin-launch-template-versions';
export { denyUntypedLaunchersScp } from './deny-untyped-launchers';
export { denyPaidCapacityScp } from './deny-paid-capacity';
export { denySageMakerInstanceTypesScp } from './deny-sagemaker-instance-types';
export { denyGpuBuildEnvironmentsScp } from './deny-gpu-build-environments';
export { denyQuotaIncreasesScp } from './deny-quota-increases';
export { protectAlertingScp } from './protect-alerting';
export { denyUserKeysOffNetworkScp } from './deny-user-keys-off-network';
export { packGuardrails, type PackedScp, type PackResult } from './pack';
export { irRoleArnPattern, deployerArnPatterns, regionExemptArnPatterns, computePlatformArnPatterns } from './principals';

/**
 * Every guardrail rule attached to each `scp.targets` entry, in a stable order (the packer keeps
 * it). Each is one rule with one explanation; the packer decides which SCP document carries it.
 */
export function guardrailScps(config: OrgConfig): AuditedPolicy[] {
  const perimeter = denyUserKeysOffNetworkScp(config);
  return [
    denyUnapprovedRegionsScp(config),
    denyUnapprovedInstanceTypesScp(config),
    pinLaunchTemplateVersionsScp(),
    denyUntypedLaunchersScp(config),
    denyPaidCapacityScp(config),
    denySageMakerInstanceTypesScp(config),
    denyGpuBuildEnvironmentsScp(config),
    denyQuotaIncreasesScp(config),
    protectSecurityServicesScp(config),
    protectAlertingScp(config),
    requireImdsv2Scp(),
    ...(perimeter ? [perimeter] : []),
  ];
}
