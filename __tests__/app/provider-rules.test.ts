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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockProblems, stackSchemaProblems, type CompactSchema } from '../../scripts/terraform/schema';
import { providerVersions } from '../../scripts/terraform/toolchain';

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
  {
    // terraform validate: "bucket": conflicts with bucket_prefix.
    name: 'a bucket cannot set both bucket and bucket_prefix',
    resourceType: 'aws_s3_bucket',
    problem: (body) => ('bucket' in body && 'bucket_prefix' in body ? 'sets bucket and bucket_prefix' : undefined),
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

/** The provider's schema for the types the project synthesizes (npm run schema:terraform writes it). */
const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'provider-schema.json'), 'utf8')) as CompactSchema;

describe.each(orgs)('$org organization', ({ stacks }) => {
  it.each(RULES)('$name', (rule) => {
    expect(violations(stacks, rule)).toEqual([]);
  });

  it('every resource and data source fits the provider schema (arguments known, required ones set, types, blocks)', () => {
    expect([...stacks].flatMap(([id, json]) => stackSchemaProblems(schema, json).map((p) => `${id}: ${p}`))).toEqual([]);
  });
});

it('the schema fixture is of the provider version check:terraform builds', () => {
  const v = providerVersions();
  expect([schema.providerVersion, schema.module, schema.moduleVersion]).toEqual([v.providerVersion, v.module, v.moduleVersion]);
});

describe('the schema check catches what terraform validate would', () => {
  const bucket = schema.resources.aws_s3_bucket;
  const flowLog = schema.resources.aws_flow_log;
  const role = schema.resources.aws_iam_role;
  it.each([
    { name: 'an unknown argument', block: bucket, body: { bucket: 'b', bukcet_policy: 'x' }, expected: ['r.bukcet_policy: unknown argument or block (not in the provider schema)'] },
    { name: 'a missing required argument', block: role, body: { name: 'r' }, expected: ['r.assume_role_policy: required argument missing'] },
    { name: 'a value of the wrong type', block: bucket, body: { bucket: 'b', force_destroy: 'maybe' }, expected: ['r.force_destroy: is "maybe", not a bool'] },
    { name: 'a map of the wrong shape', block: bucket, body: { bucket: 'b', tags: ['a'] }, expected: ['r.tags: is not a map'] },
    { name: 'a computed-only attribute set', block: bucket, body: { bucket: 'b', arn: 'arn:aws:s3:::b' }, expected: ['r.arn: is computed by the provider and cannot be set'] },
    {
      name: 'an unknown argument in a nested block',
      block: flowLog,
      body: { traffic_type: 'ALL', destination_options: { file_format: 'plain-text', partitions: 1 } },
      expected: ['r.destination_options[0].partitions: unknown argument or block (not in the provider schema)'],
    },
    { name: 'a block given more often than allowed', block: flowLog, body: { traffic_type: 'ALL', destination_options: [{}, {}] }, expected: ['r.destination_options: given 2 time(s); the provider wants 0..1'] },
    { name: 'interpolations and meta-arguments', block: bucket, body: { bucket: '${var.x}', force_destroy: '${var.y}', depends_on: ['aws_x.y'], '//': {} }, expected: [] },
  ])('$name', ({ block, body, expected }) => {
    expect(blockProblems(block, body, 'r')).toEqual(expected);
  });
});

it('the rules themselves catch what they describe', () => {
  const bad = new Map<string, StackJson>([
    ['management-ir-roles', { resource: { aws_cloudformation_stack_set_instance: { x: { region: 'us-east-1', stack_set_instance_region: 'us-east-1' } } } }],
    ['log-archive-detection', { resource: { aws_s3_bucket: { x: { bucket: 'b', bucket_prefix: 'b-' } } } }],
  ]);
  for (const rule of RULES) expect([rule.name, violations(bad, rule)]).toEqual([rule.name, [expect.any(String)]]);
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
