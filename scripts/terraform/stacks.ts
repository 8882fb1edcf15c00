/**
 * Synthesized stacks as the Terraform check sees them: the app's own output for an org config,
 * in deployment order, and each stack's JSON rewritten for a local run (no backend, the provider
 * version that was built, and for moto a provider pointed at the emulator).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import type { OrgConfig } from '../../config';
import { buildOrganization } from '../../stacks/organization';

/** Terraform JSON of one stack; the check only rewrites a few top-level blocks. */
export type TerraformJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SynthStack {
  readonly id: string;
  readonly json: TerraformJson;
  /** Stacks this one depends on (the manifest's declared order). */
  readonly dependencies: readonly string[];
}

/** Synthesize `config` into `outdir` exactly as `npm run synth` does; stacks in deployment order. */
export function synthesize(config: OrgConfig, outdir: string): SynthStack[] {
  const app = new App({ outdir, skipValidation: false });
  buildOrganization(app, config);
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }>;
  };
  const byId = new Map(
    Object.entries(manifest.stacks).map(([id, entry]) => [
      id,
      { id, json: JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8')) as TerraformJson, dependencies: entry.dependencies },
    ]),
  );
  const ordered: SynthStack[] = [];
  const visit = (id: string, path: string[]) => {
    if (ordered.some((s) => s.id === id)) return;
    if (path.includes(id)) throw new Error(`stack dependency cycle: ${[...path, id].join(' -> ')}`);
    const stack = byId.get(id);
    if (!stack) throw new Error(`stack ${path.at(-1)} depends on ${id}, which was not synthesized`);
    for (const dep of stack.dependencies) visit(dep, [...path, id]);
    ordered.push(stack);
  };
  for (const id of [...byId.keys()].sort()) visit(id, []);
  return ordered;
}

/** The provider types a stack requires; the check builds only hashicorp/aws. */
export function requiredProviders(json: TerraformJson): string[] {
  return Object.values<{ source: string }>(json.terraform?.required_providers ?? {}).map((p) => p.source);
}

/**
 * The stack for a local run: backend removed (state stays in the working directory), the AWS
 * provider's version constraint set to the built version, and optionally the provider replaced.
 */
export function forLocalRun(json: TerraformJson, providerVersion: string, provider?: Record<string, unknown>): TerraformJson {
  const out = structuredClone(json);
  delete out.terraform.backend;
  out.terraform.required_providers.aws.version = providerVersion;
  if (provider) out.provider = { aws: [provider] };
  return out;
}

/** Write a stack as pretty JSON (so diagnostics' line numbers map back to addresses). */
export function writeStack(dir: string, json: TerraformJson): string {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(join(dir, 'cdk.tf.json'), text);
  return text;
}

/**
 * The Terraform address at each line of pretty JSON written by writeStack: `aws_x.name` for a
 * resource, `data.aws_x.name`, `provider.aws`, `output.name`, or the top-level block.
 */
export function addressesByLine(text: string): string[] {
  const path: string[] = [];
  return text.split('\n').map((line) => {
    const key = /^( *)"((?:[^"\\]|\\.)*)":/.exec(line);
    if (key) {
      const depth = key[1].length / 2 - 1;
      path.length = depth;
      path[depth] = key[2];
    }
    const [block, a, b] = path;
    if (block === 'resource' && a && b) return `${a}.${b}`;
    if (block === 'data' && a && b) return `data.${a}.${b}`;
    if ((block === 'provider' || block === 'output' || block === 'variable') && a) return `${block}.${a}`;
    return block ?? '(top level)';
  });
}
