/**
 * A generated large organization for benchmarks: 100 accounts (4 core + 96 workloads in
 * four OUs, each workload with a VPC), every commercial region allowed and watched.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG_PATH, type OrgConfigInput } from '../config';
import { COMMERCIAL_REGIONS } from '../config/regions';

/** Config document for an org of `accounts` accounts (at least 5). */
export function largeOrgConfig(accounts = 100): OrgConfigInput {
  const base = parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as OrgConfigInput;
  const ous = ['Workloads-Prod', 'Workloads-Dev', 'Workloads-Test', 'Sandbox'];
  const workloads = Array.from({ length: accounts - 4 }, (_, i) => ({
    name: `workload-${String(i).padStart(3, '0')}`,
    id: String(700000000000 + i),
    ou: ous[i % ous.length],
    vpcs: [{ id: `vpc-${(0x0a000000000000000n + BigInt(i)).toString(16).padStart(17, '0')}`, region: COMMERCIAL_REGIONS[i % COMMERCIAL_REGIONS.length] }],
  }));
  return {
    ...base,
    organizationalUnits: [
      ...(base.organizationalUnits ?? []).filter((o) => !ous.includes(o.name)),
      ...ous.map((name, i) => ({ name, id: `ou-ex12-large00${i}` })),
    ],
    accounts: { ...base.accounts, workloads },
    regions: { allowed: [...COMMERCIAL_REGIONS], detection: 'all' },
  };
}
