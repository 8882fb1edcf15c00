/**
 * The AWS provider's schema, compacted to the resource and data-source types the project
 * synthesizes, and a check of a stack's Terraform JSON against it: what `terraform validate`
 * reports from the schema alone (unknown argument, missing required argument, a computed-only
 * attribute set, a value of the wrong type, a block given too few or too many times), in
 * milliseconds instead of a provider build. Conflicts between arguments are not in the schema
 * (see __tests__/app/provider-rules.test.ts).
 */

/** A cty type as `terraform providers schema -json` writes it. */
export type CtyType = string | [string, CtyType] | ['object', Record<string, CtyType>] | ['object', Record<string, CtyType>, string[]] | ['tuple', CtyType[]];

export interface CompactAttribute {
  readonly type: CtyType;
  /** required: must be set; optional: may be set; computed: set by the provider only. */
  readonly mode: 'required' | 'optional' | 'computed';
}

export interface CompactBlock {
  readonly attributes: Record<string, CompactAttribute>;
  readonly blocks: Record<string, { readonly nesting: string; readonly min: number; readonly max: number; readonly block: CompactBlock }>;
}

/** The committed fixture: provenance plus one block per type. */
export interface CompactSchema {
  readonly provider: string;
  readonly providerVersion: string;
  readonly module: string;
  readonly moduleVersion: string;
  readonly generatedBy: string;
  readonly resources: Record<string, CompactBlock>;
  readonly dataSources: Record<string, CompactBlock>;
}

interface RawBlock {
  attributes?: Record<string, { type?: CtyType; nested_type?: unknown; required?: boolean; optional?: boolean; computed?: boolean }>;
  block_types?: Record<string, { nesting_mode: string; min_items?: number; max_items?: number; block: RawBlock }>;
}

/** One block of `terraform providers schema -json`, without descriptions and deprecation notes. */
export function compactBlock(raw: RawBlock): CompactBlock {
  const attributes: Record<string, CompactAttribute> = {};
  for (const [name, a] of Object.entries(raw.attributes ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
    // The AWS provider has no nested attribute types today; should one appear, its value is not type-checked.
    attributes[name] = { type: a.type ?? 'dynamic', mode: a.required ? 'required' : a.optional ? 'optional' : 'computed' };
  }
  const blocks: CompactBlock['blocks'] = {};
  for (const [name, b] of Object.entries(raw.block_types ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
    blocks[name] = { nesting: b.nesting_mode, min: b.min_items ?? 0, max: b.max_items ?? 0, block: compactBlock(b.block) };
  }
  return { attributes, blocks };
}

/** Terraform's meta-arguments, valid on every resource (and `//`, cdktf's metadata comment). */
const META = new Set(['//', 'count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);

const isToken = (v: unknown) => typeof v === 'string' && v.includes('${');

/** Why `value` cannot be a value of `type` (undefined when it can). Interpolations fit any type. */
function typeProblem(type: CtyType, value: unknown): string | undefined {
  if (value === null || isToken(value) || type === 'dynamic') return undefined;
  if (typeof type === 'string') {
    const ok =
      type === 'string' ? ['string', 'number', 'boolean'].includes(typeof value)
      : type === 'number' ? typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
      : type === 'bool' ? typeof value === 'boolean' || value === 'true' || value === 'false'
      : true;
    return ok ? undefined : `is ${JSON.stringify(value)}, not a ${type}`;
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) return `is not a ${kind}`;
    for (const [i, v] of value.entries()) {
      const p = typeProblem(inner as CtyType, v);
      if (p) return `element ${i} ${p}`;
    }
    return undefined;
  }
  if (kind === 'map' || kind === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return `is not ${kind === 'map' ? 'a map' : 'an object'}`;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const t = kind === 'map' ? (inner as CtyType) : (inner as Record<string, CtyType>)[k];
      if (t === undefined) return `has unknown attribute "${k}"`;
      const p = typeProblem(t, v);
      if (p) return `"${k}" ${p}`;
    }
  }
  return undefined;
}

/** Every schema problem of one resource or data-source body (or nested block), with its path. */
export function blockProblems(schema: CompactBlock, body: Record<string, unknown>, path: string, topLevel = true): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if ((topLevel && META.has(key)) || key === 'dynamic') continue;
    const attribute = schema.attributes[key];
    const block = schema.blocks[key];
    if (attribute) {
      if (attribute.mode === 'computed') problems.push(`${path}.${key}: is computed by the provider and cannot be set`);
      const p = typeProblem(attribute.type, value);
      if (p) problems.push(`${path}.${key}: ${p}`);
    } else if (block) {
      const bodies = value === null ? [] : Array.isArray(value) ? value : [value];
      if (bodies.length < block.min || (block.max > 0 && bodies.length > block.max)) {
        problems.push(`${path}.${key}: given ${bodies.length} time(s); the provider wants ${block.min}..${block.max || 'any'}`);
      }
      bodies.forEach((b, i) => {
        if (b === null || typeof b !== 'object' || Array.isArray(b)) problems.push(`${path}.${key}[${i}]: is not a block body`);
        else problems.push(...blockProblems(block.block, b as Record<string, unknown>, `${path}.${key}[${i}]`, false));
      });
    } else {
      problems.push(`${path}.${key}: unknown argument or block (not in the provider schema)`);
    }
  }
  const dynamic = new Set(Object.keys((body.dynamic as Record<string, unknown> | undefined) ?? {}));
  for (const [name, a] of Object.entries(schema.attributes)) {
    if (a.mode === 'required' && (body[name] === undefined || body[name] === null)) problems.push(`${path}.${name}: required argument missing`);
  }
  for (const [name, b] of Object.entries(schema.blocks)) {
    if (b.min > 0 && !(name in body) && !dynamic.has(name)) problems.push(`${path}.${name}: required block missing (at least ${b.min})`);
  }
  return problems;
}

/** Terraform JSON of a stack, as far as the schema check reads it. */
type StackJson = { resource?: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, Record<string, Record<string, unknown>>> };

/** Every schema problem in a stack: its resources and data sources, each by address. */
export function stackSchemaProblems(schema: CompactSchema, stack: StackJson): string[] {
  const problems: string[] = [];
  for (const [kind, types, prefix] of [['resource', stack.resource, ''], ['data source', stack.data, 'data.']] as const) {
    for (const [type, instances] of Object.entries(types ?? {})) {
      const block = (kind === 'resource' ? schema.resources : schema.dataSources)[type];
      if (!block) {
        problems.push(`${prefix}${type}: ${kind} type not in the schema fixture (regenerate it: npm run schema:terraform)`);
        continue;
      }
      for (const [name, body] of Object.entries(instances)) problems.push(...blockProblems(block, body, `${prefix}${type}.${name}`));
    }
  }
  return problems;
}
