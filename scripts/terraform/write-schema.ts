/**
 * `npm run schema:terraform`: regenerate __tests__/app/fixtures/provider-schema.json from
 * `terraform providers schema -json` with the provider check:terraform builds (cached; never a
 * cold build here if the cache is warm), kept to the resource and data-source types the example
 * and the generated 100-account organization synthesize. The fast suite checks every stack
 * against it. Run after changing the provider version or adding a resource type.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, parseOrgConfig } from '../../config';
import { largeOrgConfig } from '../../bench/large-org';
import { compactBlock, type CompactSchema } from './schema';
import { synthesize } from './stacks';
import { prepareToolchain, terraform } from './toolchain';

export const SCHEMA_FIXTURE = resolve(__dirname, '..', '..', '__tests__', 'app', 'fixtures', 'provider-schema.json');

/** JSON with one line per type, so a regenerated fixture's diff shows which types changed. */
function diffable(fixture: CompactSchema): string {
  const section = (types: Record<string, unknown>) => `{\n${Object.entries(types).map(([t, b]) => `    ${JSON.stringify(t)}: ${JSON.stringify(b)}`).join(',\n')}\n  }`;
  const { resources, dataSources, ...provenance } = fixture;
  const head = Object.entries(provenance).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${[...head, `  "resources": ${section(resources)}`, `  "dataSources": ${section(dataSources)}`].join(',\n')}\n}\n`;
}

async function main(): Promise<void> {
  const tc = prepareToolchain();
  try {
    const types = { resource: new Set<string>(), data: new Set<string>() };
    for (const [label, config] of [['example', loadOrgConfig(EXAMPLE_CONFIG_PATH)], ['100-account', parseOrgConfig(largeOrgConfig(100))]] as const) {
      for (const stack of synthesize(config, join(tc.workDir, `synth-${label}`))) {
        for (const t of Object.keys(stack.json.resource ?? {})) types.resource.add(t);
        for (const t of Object.keys(stack.json.data ?? {})) types.data.add(t);
      }
    }
    const dir = join(tc.workDir, 'schema');
    mkdirSync(dir);
    const v = tc.versions;
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { source: 'aws', version: v.providerVersion } } } }));
    const init = await terraform(tc, dir, ['init', '-backend=false', '-input=false', '-no-color']);
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
    const shown = await terraform(tc, dir, ['providers', 'schema', '-json']);
    if (shown.status !== 0) throw new Error(`terraform providers schema failed:\n${shown.stderr}`);
    const raw = JSON.parse(shown.stdout) as { provider_schemas: Record<string, { resource_schemas: Record<string, { block: object }>; data_source_schemas: Record<string, { block: object }> }> };
    const aws = raw.provider_schemas['registry.terraform.io/hashicorp/aws'];
    const pick = (kind: 'resource' | 'data', all: Record<string, { block: object }>) =>
      Object.fromEntries(
        [...types[kind]].sort().map((t) => {
          if (!all[t]) throw new Error(`provider ${v.providerVersion} has no ${kind} type ${t}`);
          return [t, compactBlock(all[t].block)];
        }),
      );
    const fixture: CompactSchema = {
      provider: 'registry.terraform.io/hashicorp/aws',
      providerVersion: v.providerVersion,
      module: v.module,
      moduleVersion: v.moduleVersion,
      generatedBy: `npm run schema:terraform (terraform ${tc.terraformVersion} providers schema -json)`,
      resources: pick('resource', aws.resource_schemas),
      dataSources: pick('data', aws.data_source_schemas),
    };
    writeFileSync(SCHEMA_FIXTURE, diffable(fixture));
    console.log(`wrote ${SCHEMA_FIXTURE}: ${types.resource.size} resource and ${types.data.size} data-source types of provider ${v.providerVersion}`);
  } finally {
    rmSync(tc.workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
