/**
 * Simulator proofs for the guardrail SCPs and the Forensics OU SCP, on the example org and on
 * variants (allowlist mode, KMS/Config not exempt, wildcard exempt principals).
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { forensicsProofs, imdsProofs, instanceTypeProofs, regionProofs, tamperProofs } from '../../policies/proofs';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);

describeProofTables('example org', [regionProofs(example), instanceTypeProofs(example), tamperProofs(example), imdsProofs(example), forensicsProofs(example)]);

const allowlist = exampleWith((raw) => {
  raw.instanceTypes = { mode: 'allowlist', allow: ['t3.*', 'm5.large', 'm5.xlarge', 'c6i.*'] };
});
describeProofTables('allowlist mode', [instanceTypeProofs(allowlist)]);

const customDenylist = exampleWith((raw) => {
  raw.instanceTypes = { mode: 'denylist', deny: ['p*', 'g*', 'c7gn.*'] };
});
describeProofTables('custom denylist', [instanceTypeProofs(customDenylist)]);

const strictRegions = exampleWith((raw) => {
  raw.scp = { ...raw.scp, regionDenyExemptsKmsAndConfig: false };
  raw.exemptPrincipals = ['arn:aws:iam::*:role/PlatformEmergencyAccess', 'arn:aws:iam::555555555555:role/ops/*'];
  raw.deployment.roleName = 'TerraformDeployer';
});
describeProofTables('KMS/Config not exempt, more exempt principals, another deployment role', [regionProofs(strictRegions), tamperProofs(strictRegions)]);

const platform = exampleWith((raw) => {
  raw.instanceTypes = { ...raw.instanceTypes, computePlatformPrincipals: ['arn:aws:iam::*:role/ml-platform/*', 'arn:aws:iam::*:role/ci-runner'] };
});
describeProofTables('compute-platform roles reserved for the deployers', [tamperProofs(platform)]);

describe('allowlist rows really differ from the denylist', () => {
  it('t3.large is allowed and m5.24xlarge denied in allowlist mode, by the table', () => {
    const rows = instanceTypeProofs(allowlist).rows;
    expect(rows.find((r) => r.name === 'RunInstances t3.large')?.expected).toBe('Allowed');
    expect(rows.find((r) => r.name === 'RunInstances m5.24xlarge')?.expected).toBe('ExplicitlyDenied');
  });
});
