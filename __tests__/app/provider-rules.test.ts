/**
 * Argument rules of the real AWS provider (6.x) that the cdktf bindings do not enforce, each
 * learned from `npm run check:terraform` (terraform validate with the real provider). The
 * bindings type-check every argument on its own; the provider also rejects combinations.
 * This keeps the fast suite a guard for what only the slow check would otherwise catch,
 * over every stack of the example and of the generated 100-account organization.
 * Among them: every literal (policy documents above all) reaches Terraform escaped, so an IAM
 * policy variable such as `${aws:PrincipalAccount}` is not read as an interpolation
 * ("Extra characters after interpolation expression").
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, parseOrgConfig } from '../../config';
import { largeOrgConfig } from '../../bench/large-org';
import { synthOrg, type StackJson } from '../support/synth';
import { foreignTemplateSequences } from '../support/terraform-template';

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

/** Does this JSON value hold an IAM-shaped document (an object with a Statement) anywhere? */
function holdsPolicy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsPolicy);
  if (value && typeof value === 'object') return 'Statement' in value || Object.values(value).some(holdsPolicy);
  return false;
}

/** Parsed JSON of a string that is a JSON object or array, else undefined. */
function jsonOf(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Every string in the stacks' resources and data sources holding a template sequence that is not
 * cdktf's own reference, as `<stack> <path>: <sequence>`; `policiesSeen` counts the policy strings walked.
 */
function foreignSequences(stacks: Map<string, StackJson>): { found: string[]; policiesSeen: number } {
  const found: string[] = [];
  let policiesSeen = 0;
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      const json = jsonOf(value);
      const policy = json !== undefined && holdsPolicy(json);
      if (policy) policiesSeen++;
      for (const s of foreignTemplateSequences(value)) found.push(`${where}${policy ? ' (policy)' : ''}: ${s.text}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, `${where}.${k}`);
    }
  };
  for (const [id, json] of stacks) {
    visit(json.resource ?? {}, `${id} resource`);
    visit(json.data ?? {}, `${id} data`);
  }
  return { found, policiesSeen };
}

describe.each(orgs)('$org organization: literals', ({ stacks }) => {
  it('hands Terraform no template sequence but cdktf references (policy variables escaped as $${)', () => {
    const { found, policiesSeen } = foreignSequences(stacks);
    expect(policiesSeen).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });
});

it('the literal walk catches an unescaped policy variable and accepts the escaped one and cdktf references', () => {
  const policy = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: resource }] });
  const stack = (body: Record<string, unknown>): Map<string, StackJson> => new Map([['x', { resource: { aws_s3_bucket_policy: { p: body } } }]]);
  expect(foreignSequences(stack({ policy: policy('arn:aws:s3:::b/${aws:PrincipalAccount}/*') })).found).toHaveLength(1);
  expect(foreignSequences(stack({ policy: policy('arn:aws:s3:::b/$${aws:PrincipalAccount}/*'), bucket: '${aws_s3_bucket.b.id}' })).found).toEqual([]);
  expect(foreignSequences(stack({ template_body: JSON.stringify({ Resources: { R: { Properties: { PolicyDocument: JSON.parse(policy('%{x}')) } } } }) })).found).toHaveLength(1);
});
