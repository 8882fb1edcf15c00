/**
 * Argument rules of the real AWS provider (6.x) that the cdktf bindings do not enforce, each
 * learned from `npm run check:terraform` (terraform validate with the real provider). The
 * bindings type-check every argument on its own; the provider also rejects combinations.
 * This keeps the fast suite a guard for what only the slow check would otherwise catch,
 * over every stack of the example and of the generated 100-account organization.
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, parseOrgConfig } from '../../config';
import { largeOrgConfig } from '../../bench/large-org';
import { synthOrg, type StackJson } from '../support/synth';

interface ProviderRule {
  readonly name: string;
  readonly resourceType: string;
  /** The problem with one resource body, or undefined when the provider accepts it. */
  readonly problem: (body: Record<string, unknown>) => string | undefined;
}

const RULES: readonly ProviderRule[] = [
  {
    // terraform validate: "region": conflicts with stack_set_instance_region (provider 6).
    name: 'a StackSet instance cannot set both region and stack_set_instance_region',
    resourceType: 'aws_cloudformation_stack_set_instance',
    problem: (body) => ('region' in body && 'stack_set_instance_region' in body ? 'sets region and stack_set_instance_region' : undefined),
  },
];

const orgs = [
  { org: 'example', stacks: synthOrg(loadOrgConfig(EXAMPLE_CONFIG_PATH)).stacks },
  { org: '100-account', stacks: synthOrg(parseOrgConfig(largeOrgConfig(100))).stacks },
];

function violations(stacks: Map<string, StackJson>, rule: ProviderRule): string[] {
  const found: string[] = [];
  for (const [id, json] of stacks) {
    for (const [name, body] of Object.entries<Record<string, unknown>>(json.resource?.[rule.resourceType] ?? {})) {
      const problem = rule.problem(body);
      if (problem) found.push(`${id}: ${rule.resourceType}.${name} ${problem}`);
    }
  }
  return found;
}

describe.each(orgs)('$org organization', ({ stacks }) => {
  it.each(RULES)('$name', (rule) => {
    expect(violations(stacks, rule)).toEqual([]);
  });
});

it('the rules themselves catch what they describe', () => {
  const bad = new Map<string, StackJson>([
    ['management-ir-roles', { resource: { aws_cloudformation_stack_set_instance: { x: { region: 'us-east-1', stack_set_instance_region: 'us-east-1' } } } }],
  ]);
  for (const rule of RULES) expect(violations(bad, rule)).toHaveLength(1);
});
