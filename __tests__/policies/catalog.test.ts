/**
 * The auditors' index is complete: every policy document the synthesized stacks hand AWS (in
 * any attribute of any Terraform resource, and inside StackSet templates) is in the catalog byte
 * for byte (StackSet documents after the account rendering generated/README.md states), every
 * catalog entry's stack exists, and every resource, trust and containment document has a proof table.
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { policyCatalog } from '../../policies/catalog';
import { policyJson } from '../../policies/document';
import { allProofTables } from '../../policies/proofs';
import { synthOrg } from '../support/synth';
import { renderTerraformLiteral } from '../support/terraform-template';

const config = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const catalog = policyCatalog(config);
const { stacks } = synthOrg(config);

/** Resource types known to place documents: the generic walk below must find each (so it is not empty). */
const PLACING_TYPES = [
  'aws_organizations_policy', 'aws_s3_bucket_policy', 'aws_kms_key', 'aws_sns_topic_policy', 'aws_cloudwatch_event_bus_policy',
  'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_policy', 'aws_vpc_endpoint', 'aws_cloudformation_stack_set',
];

/**
 * CloudFormation intrinsics for "this account", resolved to the management account's ID: the
 * rendering generated/README.md documents (what the management account itself receives).
 */
function resolveAccount(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveAccount);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.Ref === 'AWS::AccountId') return config.accounts.management.id;
    const join = o['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return (join[1].map(resolveAccount) as string[]).join(join[0]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveAccount(v)]));
  }
  return value;
}

const isDocument = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && 'Statement' in v;

/** Every policy-shaped object inside a parsed CloudFormation template (any property, any depth). */
function documentsInTemplate(value: unknown, where: string, out: Array<[string, string]>): void {
  if (isDocument(value)) {
    out.push([where, JSON.stringify(resolveAccount(value))]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => documentsInTemplate(v, `${where}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) documentsInTemplate(v, `${where}.${k}`, out);
  }
}

/**
 * Every policy document a stack places, as `[where, text AWS receives]`, found by walking every
 * attribute of every resource: a string that is a JSON document with a Statement (rendered as
 * Terraform renders it; an unescaped \${ throws), an Organizations policy's content (declarative
 * policies have no Statement), or a document inside a StackSet template (accounts rendered).
 */
function placedDocuments(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (value: unknown, where: string, organizationsContent: boolean): void => {
    if (typeof value === 'string') {
      if (!/^\s*\{/.test(value)) return;
      const text = renderTerraformLiteral(value);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      if (isDocument(parsed) || organizationsContent) out.push([where, text]);
      else if (parsed && typeof parsed === 'object' && 'Resources' in parsed) documentsInTemplate(parsed, `${where} (template)`, out);
      else if (JSON.stringify(parsed).includes('"Statement"')) throw new Error(`${where}: a document nested in JSON this walk does not know`);
    } else if (isDocument(value)) {
      out.push([where, JSON.stringify(value)]);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, false));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, `${where}.${k}`, organizationsContent && k === 'content');
    }
  };
  for (const [id, stack] of stacks) {
    for (const [type, resources] of Object.entries<Record<string, unknown>>(stack.resource ?? {})) {
      for (const [name, body] of Object.entries(resources)) {
        for (const [attribute, value] of Object.entries(body as Record<string, unknown>)) {
          visit(value, `${id} ${type}.${name}.${attribute}`, type === 'aws_organizations_policy' && attribute === 'content');
        }
      }
    }
  }
  return out;
}

describe('the policy catalog', () => {
  const known = new Set(catalog.map((e) => policyJson(e.policy.document)));

  it.each(placedDocuments())('%s is in the catalog', (_where, json) => {
    expect(known.has(json)).toBe(true);
  });

  it('finds documents of every placing kind (the walk above is not empty)', () => {
    const where = placedDocuments().map(([w]) => w);
    for (const type of PLACING_TYPES) expect(where.some((w) => w.includes(` ${type}.`))).toBe(true);
    expect(where.some((w) => w.includes('(template)'))).toBe(true);
  });

  it('names every stack that places a document after a stack that exists', () => {
    const placed = catalog.flatMap((e) => [...e.placedBy.matchAll(/stack `([^`]+)`/g)].map((m) => m[1]));
    expect(placed.length).toBeGreaterThan(0);
    for (const id of placed) expect([...stacks.keys()]).toContain(id);
  });

  it('gives every document a unique name within its kind, and a size within its limit', () => {
    const keys = catalog.map((e) => `${e.kind}/${e.policy.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of catalog) expect(policyJson(e.policy.document).length).toBeLessThanOrEqual(e.limit);
  });

  it('proves every resource, trust and containment document with a table', () => {
    const proven = new Set(allProofTables(config).flatMap((t) => t.policyNames));
    // A declarative policy is not IAM: its proof is the documented-grammar test and the live checks.
    const unproven = catalog.filter((e) => e.kind !== 'role' && e.kind !== 'declarative' && !proven.has(e.policy.name)).map((e) => e.policy.name);
    expect(unproven).toEqual([]);
  });

  it('holds no Terraform interpolation in any document', () => {
    for (const e of catalog) expect(policyJson(e.policy.document)).not.toMatch(/\$\{(?!aws:)|%\{/);
  });
});
