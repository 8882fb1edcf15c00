/** Simulator proofs for the IR roles and their trust, on the example org and a wildcard-responder variant. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { analystProofs, analystUnderGuardrailsProofs, breakGlassProofs, breakGlassUnderGuardrailsProofs, deployAndAdminProofs, trustProofs } from '../../policies/proofs';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);

describeProofTables('example org', [
  analystProofs(example), analystUnderGuardrailsProofs(example), breakGlassProofs(example), breakGlassUnderGuardrailsProofs(example), ...deployAndAdminProofs(example), trustProofs(example),
]);

const wildcardResponders = exampleWith((raw) => {
  raw.irRoles.responderPrincipals = ['arn:aws:iam::222222222222:role/Responders', 'arn:aws:iam::222222222222:role/oncall/*'];
  raw.irRoles.maxSessionSeconds = 900;
});
describeProofTables('wildcard responder patterns, 15-minute sessions', [trustProofs(wildcardResponders)]);
