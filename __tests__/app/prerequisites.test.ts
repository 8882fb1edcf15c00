/**
 * The stacks need only what `npm run preflight` checks: every organization policy type they
 * create is in REQUIRED_POLICY_TYPES, every service they delegate or fan out through has trusted
 * access in TRUSTED_ACCESS, and every Config recorder they deploy carries CONFIG_RECORDER_NAME.
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { CONFIG_RECORDER_NAME, REQUIRED_POLICY_TYPES, TRUSTED_ACCESS } from '../../shared/prerequisites';
import { synthOrg, resourcesOf, type StackJson } from '../support/synth';

const { stacks } = synthOrg(loadOrgConfig(EXAMPLE_CONFIG_PATH));
const all = (type: string) => [...stacks.values()].flatMap((s: StackJson) => resourcesOf(s, type).map(([, body]) => body));
const trusted = new Set(TRUSTED_ACCESS.map((t) => t.principal));

it('every organization policy type the stacks create is one preflight checks on the root', () => {
  const types = new Set(all('aws_organizations_policy').map((p) => p.type));
  expect(types.size).toBeGreaterThan(0);
  for (const type of types) expect(REQUIRED_POLICY_TYPES).toContain(type);
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
