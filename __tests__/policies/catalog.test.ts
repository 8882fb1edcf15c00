/**
 * The auditors' index is complete: every policy document the synthesized stacks hand AWS (in
 * Terraform resources and inside StackSet templates) is in the catalog byte for byte, every
 * catalog entry's stack exists, and every resource, trust and containment document has a proof table.
 */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { policyCatalog } from '../../policies/catalog';
import { policyJson } from '../../policies/document';
import { allProofTables } from '../../policies/proofs';
import { synthOrg } from '../support/synth';

const config = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const catalog = policyCatalog(config);
const { stacks } = synthOrg(config);

/** Terraform attributes that carry a policy document, by resource type. */
const POLICY_ATTRIBUTES: Record<string, string> = {
  aws_organizations_policy: 'content',
  aws_s3_bucket_policy: 'policy',
  aws_kms_key: 'policy',
  aws_sns_topic_policy: 'policy',
  aws_cloudwatch_event_bus_policy: 'policy',
  aws_iam_role: 'assume_role_policy',
  aws_iam_role_policy: 'policy',
  aws_iam_policy: 'policy',
  aws_vpc_endpoint: 'policy',
};

const unescape = (text: string) => text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');

/** CloudFormation intrinsics for "this account", resolved to the management account the catalog shows. */
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

/** Every policy document a stack places, as `[where, minified JSON]`. */
function placedDocuments(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [id, stack] of stacks) {
    for (const [type, attribute] of Object.entries(POLICY_ATTRIBUTES)) {
      for (const [name, body] of Object.entries<any>(stack.resource?.[type] ?? {})) {
        if (typeof body[attribute] === 'string') out.push([`${id} ${type}.${name}`, unescape(body[attribute])]);
      }
    }
    for (const [name, body] of Object.entries<any>(stack.resource?.aws_cloudformation_stack_set ?? {})) {
      const template = JSON.parse(unescape(body.template_body));
      for (const [logical, resource] of Object.entries<any>(template.Resources)) {
        const p = resource.Properties;
        const docs = [p.PolicyDocument, p.AssumeRolePolicyDocument, ...(p.Policies ?? []).map((x: any) => x.PolicyDocument)].filter(Boolean);
        for (const doc of docs) out.push([`${id} StackSet ${name} ${logical}`, JSON.stringify(resolveAccount(doc))]);
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
    for (const type of Object.keys(POLICY_ATTRIBUTES)) expect(where.some((w) => w.includes(` ${type}.`))).toBe(true);
    expect(where.some((w) => w.includes('StackSet'))).toBe(true);
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
