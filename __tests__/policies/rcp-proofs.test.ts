/** Simulator proofs for the identity-perimeter RCP, on the example org and with a forensics account still to be created. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { rcpProofs } from '../../policies/proofs';
import { identityPerimeterRcp, perimeterResources } from '../../policies/rcp';
import { policySize } from '../../policies/document';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const toBeCreated = exampleWith((raw) => {
  delete raw.accounts.forensics.id;
  raw.accounts.forensics.create = { email: 'forensics@example.com', accountName: 'forensics' };
});

describeProofTables('example org', [rcpProofs(example)]);
describeProofTables('forensics account still to be created', [rcpProofs(toBeCreated)]);

describe('identity-perimeter RCP document', () => {
  it('follows the RCP grammar: Deny only, Principal "*", no NotAction or NotPrincipal, within 5,120 characters', () => {
    const { document } = identityPerimeterRcp(example);
    for (const s of document.Statement) {
      expect(s).toMatchObject({ Effect: 'Deny', Principal: '*' });
      expect(s.NotAction).toBeUndefined();
      expect(s.NotPrincipal).toBeUndefined();
      for (const a of [s.Action ?? []].flat()) expect(a).toMatch(/^(s3|kms|sts):/);
    }
    expect(policySize(document)).toBeLessThanOrEqual(5120);
  });

  it('covers the evidence bucket by prefix and no evidence key while the forensics account has no ID', () => {
    const r = perimeterResources(toBeCreated);
    expect(r.storage).toContain('arn:aws:s3:::ir-evidence-*-us-east-1/*');
    expect(r.keys).toEqual(['arn:aws:kms:us-east-1:333333333333:key/*']);
    expect(perimeterResources(example).keys).toContain('arn:aws:kms:us-east-1:444444444444:key/*');
    expect(r.aliasedKeys).toEqual([]);
    expect(identityPerimeterRcp(toBeCreated).document.Statement.map((s) => s.Sid)).not.toContain('DenyProjectKeyControlExceptDeployers');
  });

  it('reserves only the aliased evidence key in the forensics account, every key in the log-archive account', () => {
    const r = perimeterResources(example);
    expect(r.archiveKeys).toEqual(['arn:aws:kms:us-east-1:333333333333:key/*']);
    expect(r.aliasedKeys).toEqual(['arn:aws:kms:us-east-1:444444444444:key/*']);
    expect(r.projectKeyAliases).toEqual(['alias/ir-forensic-evidence']);
  });
});
