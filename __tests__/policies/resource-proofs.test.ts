/**
 * Simulator proofs for the resource policies (log-archive buckets and keys, topics, the
 * break-glass bus, the clean room), the service-role trusts and the containment policies, on the
 * example org and on a variant with an opt-in region, no flow-logged VPC and another deployment role.
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { resourceProofTables } from '../../policies/proofs';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

describeProofTables('example org', resourceProofTables(loadOrgConfig(EXAMPLE_CONFIG_PATH)));

const variant = exampleWith((raw) => {
  raw.deployment.roleName = 'TerraformDeployer';
  raw.regions = { allowed: ['eu-west-1', 'eu-south-2'], detection: 'all' };
  raw.organization.homeRegion = 'eu-west-1';
  for (const w of raw.accounts.workloads) w.vpcs = w.vpcs.map((v: any) => ({ ...v, region: 'eu-west-1', flowLogs: false }));
});
describeProofTables('opt-in region, no flow logs, TerraformDeployer', resourceProofTables(variant));
