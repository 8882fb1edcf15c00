/**
 * The stacks need only what `npm run preflight` checks: the organization policy types they
 * create are exactly requiredPolicyTypes(config), for each combination of the switches, every service they delegate or fan out through has trusted
 * access in TRUSTED_ACCESS, and every Config recorder they deploy carries CONFIG_RECORDER_NAME.
 */
import { Testing } from 'cdktf';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, type OrgConfig } from '../../config';
import { CONFIG_RECORDER_NAME, requiredPolicyTypes, TRUSTED_ACCESS } from '../../shared/prerequisites';
import { ScpStack } from '../../stacks/scps';
import { exampleWith } from '../policies/variants';
import { synthOrg, resourcesOf, type StackJson } from '../support/synth';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const { stacks } = synthOrg(example);
const all = (type: string) => [...stacks.values()].flatMap((s: StackJson) => resourcesOf(s, type).map(([, body]) => body));
const trusted = new Set(TRUSTED_ACCESS.map((t) => t.principal));
const policyTypes = (bodies: Array<{ type: string }>) => [...new Set(bodies.map((p) => p.type))].sort();

it('the organization policy types the whole app creates are exactly the ones preflight checks on the root', () => {
  const created = policyTypes(all('aws_organizations_policy'));
  // The example switches every type on, so this covers all three.
  expect(created).toEqual(['DECLARATIVE_POLICY_EC2', 'RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY']);
  expect(created).toEqual([...requiredPolicyTypes(example)].sort());
});

it('only the SCP stack creates organization policies', () => {
  const owners = [...stacks.entries()].filter(([, s]) => resourcesOf(s, 'aws_organizations_policy').length > 0).map(([id]) => id);
  expect(owners).toEqual(['management-scps']);
});

const switches: Array<{ name: string; config: OrgConfig }> = [
  { name: 'declarative policy off', config: exampleWith((raw) => (raw.orgPolicies.declarativeEc2.enabled = false)) },
  { name: 'RCP off', config: exampleWith((raw) => (raw.orgPolicies.resourceControl.enabled = false)) },
  { name: 'both off', config: exampleWith((raw) => (raw.orgPolicies = { declarativeEc2: { enabled: false }, resourceControl: { enabled: false } })) },
];

it.each(switches)('$name: the stacks create exactly the types preflight then requires, no more', ({ config }) => {
  // Only the SCP stack creates organization policies (held for the whole app above).
  const json = JSON.parse(Testing.synth(new ScpStack(Testing.app(), config)));
  const created = policyTypes(Object.values(json.resource.aws_organizations_policy));
  expect(created).toEqual([...requiredPolicyTypes(config)].sort());
  expect(created).toContain('SERVICE_CONTROL_POLICY');
});

it('every delegated administrator service has trusted access in the preflight list', () => {
  const principals = all('aws_organizations_delegated_administrator').map((d) => d.service_principal);
  expect(principals.length).toBeGreaterThan(0);
  for (const p of principals) expect(trusted).toContain(p);
});

it('service-managed StackSets, GuardDuty and the organization trail have their trusted access listed', () => {
  expect(all('aws_cloudformation_stack_set').every((s) => s.permission_model === 'SERVICE_MANAGED')).toBe(true);
  expect(trusted).toContain('member.org.stacksets.cloudformation.amazonaws.com');
  expect(all('aws_guardduty_organization_admin_account').length).toBeGreaterThan(0);
  expect(trusted).toContain('guardduty.amazonaws.com');
  expect(all('aws_cloudtrail').every((t) => t.is_organization_trail === true)).toBe(true);
  expect(trusted).toContain('cloudtrail.amazonaws.com');
});

it('the management account recorders use the name preflight expects', () => {
  const names = all('aws_config_configuration_recorder').map((r) => r.name);
  expect(names.length).toBeGreaterThan(0);
  expect(new Set(names)).toEqual(new Set([CONFIG_RECORDER_NAME]));
});
