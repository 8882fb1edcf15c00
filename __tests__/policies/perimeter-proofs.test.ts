/** Simulator proofs for the optional network perimeter: CIDRs only, VPC endpoints only, both; off by default. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { networkPerimeterProofs, type ProofTable } from '../../policies/proofs';
import { denyUserKeysOffNetworkScp } from '../../policies/scp';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

const withPerimeter = (perimeter: object): ProofTable => {
  const table = networkPerimeterProofs(exampleWith((raw) => (raw.networkPerimeter = perimeter)));
  if (!table) throw new Error('perimeter configured but no table');
  return table;
};

describe('network perimeter', () => {
  it('is off in the example config', () => {
    expect(denyUserKeysOffNetworkScp(loadOrgConfig(EXAMPLE_CONFIG_PATH))).toBeUndefined();
    expect(networkPerimeterProofs(loadOrgConfig(EXAMPLE_CONFIG_PATH))).toBeUndefined();
  });
});

describeProofTables('CIDRs only', [withPerimeter({ corporateCidrs: ['203.0.113.0/24'] })]);
describeProofTables('VPC endpoints only', [withPerimeter({ vpcEndpoints: ['vpce-0123456789abcdef0'] })]);
describeProofTables('CIDRs and VPC endpoints', [withPerimeter({ corporateCidrs: ['203.0.113.0/24', '2001:db8::/32'], vpcEndpoints: ['vpce-0123456789abcdef0'] })]);
