/**
 * Ordering between response stacks and the stacks of other concerns: declared when those
 * were built first, absent (never an error) when they were not.
 */
import { AccountStack } from '../../stacks/account-stack';
import { OrgBuild } from '../../stacks/organization';
import { buildResponseReadiness } from '../../stacks/response';
import { exampleConfig, testApp } from './fixtures';

function build(prebuilt: Array<{ account: 'management' | 'security'; concern: string }>) {
  const org = new OrgBuild(testApp(), exampleConfig());
  for (const p of prebuilt) org.add(new AccountStack(org.app, { config: org.config, account: org.account(p.account), concern: p.concern }));
  buildResponseReadiness(org);
  return (id: string) => org.stack(id).dependencies.map((d) => d.node.id).sort();
}

it.each([
  { name: 'alone', prebuilt: [], expected: { 'forensics-clean-room': [], 'security-breakglass-alarm': [], 'management-breakglass-alarm': ['security-breakglass-alarm'] } },
  {
    name: 'after the SCP and alert stacks',
    prebuilt: [
      { account: 'management' as const, concern: 'scps' },
      { account: 'security' as const, concern: 'alerts' },
    ],
    expected: { 'forensics-clean-room': ['management-scps'], 'security-breakglass-alarm': ['security-alerts'], 'management-breakglass-alarm': ['security-breakglass-alarm'] },
  },
])('$name', ({ prebuilt, expected }) => {
  const deps = build(prebuilt);
  for (const [id, ids] of Object.entries(expected)) expect(deps(id)).toEqual(ids);
});

it('registers every response stack of the example org under its expected ID', () => {
  const org = new OrgBuild(testApp(), exampleConfig());
  buildResponseReadiness(org);
  expect(org.all().map((s) => s.node.id).sort()).toEqual([
    'analytics-dev-isolation',
    'forensics-clean-room',
    'management-breakglass-alarm',
    'management-ir-roles',
    'payments-prod-isolation',
    'security-breakglass-alarm',
  ]);
});
