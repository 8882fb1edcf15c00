/** Every proof table, for the tests and for the auditors' report (`npm run policies`). */
import type { OrgConfig } from '../../config';
import { analystProofs, breakGlassProofs, deployAndAdminProofs, trustProofs } from './role-proofs';
import { analystUnderGuardrailsProofs, breakGlassUnderGuardrailsProofs } from './role-guardrail-proofs';
import { resourceProofTables } from './resource-proofs';
import { forensicsProofs, imdsProofs, instanceTypeProofs, regionProofs, tamperProofs } from './scp-proofs';
import { launchPathProofs } from './launch-path-proofs';
import { alertingProofs } from './alerting-proofs';
import { networkPerimeterProofs } from './perimeter-proofs';
import { rcpProofs } from './rcp-proofs';
import type { ProofTable } from './types';

export type { Expected, ProofRequest, ProofRow, ProofTable } from './types';
export { proofFixtures, globMatches, concreteArn } from './fixtures';
export * from './scp-proofs';
export * from './role-proofs';
export * from './role-guardrail-proofs';
export * from './launch-path-proofs';
export * from './alerting-proofs';
export * from './perimeter-proofs';
export * from './rcp-proofs';
export * from './resource-proofs';

/** All proof tables for `config`: SCPs, IR roles, then resource policies, service-role trusts and containment. */
export function allProofTables(config: OrgConfig): ProofTable[] {
  const perimeter = networkPerimeterProofs(config);
  return [
    ...(perimeter ? [perimeter] : []),
    regionProofs(config), instanceTypeProofs(config), ...launchPathProofs(config), tamperProofs(config), alertingProofs(config), imdsProofs(config), forensicsProofs(config),
    ...(config.orgPolicies.resourceControl.enabled ? [rcpProofs(config)] : []),
    analystProofs(config), analystUnderGuardrailsProofs(config), breakGlassProofs(config), breakGlassUnderGuardrailsProofs(config), ...deployAndAdminProofs(config), trustProofs(config),
    ...resourceProofTables(config),
  ];
}
