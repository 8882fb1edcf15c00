/** Simulator proofs for the alerting dependencies rule on the example org and with another deployment role. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { alertingProofs } from '../../policies/proofs';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

describeProofTables('example org', [alertingProofs(loadOrgConfig(EXAMPLE_CONFIG_PATH))]);
describeProofTables('another deployment role', [alertingProofs(exampleWith((raw) => (raw.deployment.roleName = 'TerraformDeployer')))]);
