/**
 * Build only the detection stacks for a config and return each stack's Terraform JSON, so
 * detection tests stay fast and independent of the other concerns.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, parseOrgConfig, type OrgConfig } from '../../../config';
import { buildDetection } from '../../../stacks/detection';
import { accountStacksIn } from '../../../stacks/organization';
import type { StackJson } from '../../support/synth';
import { renderTerraformLiteral } from '../../support/terraform-template';

export type { StackJson } from '../../support/synth';

/** Synthesized Terraform and the policies inside it are loosely typed JSON; tests index into them. */
 
export type Tf = any;
export { resourcesOf } from '../../support/synth';

/** The detection stacks of `config`: JSON per stack ID, plus each stack's declared dependencies. */
export function synthDetection(config: OrgConfig): { stacks: Map<string, StackJson>; dependencies: Map<string, string[]> } {
  const outdir = mkdtempSync(join(tmpdir(), 'irg-detection-'));
  try {
    const app = Testing.stubVersion(new App({ outdir, stackTraces: false }));
    buildDetection(app, config);
    const stacks = new Map<string, StackJson>();
    const dependencies = new Map<string, string[]>();
    for (const stack of accountStacksIn(app)) {
      stacks.set(stack.node.id, JSON.parse(Testing.synth(stack, true)));
      dependencies.set(stack.node.id, stack.dependencies.map((d) => d.node.id));
    }
    return { stacks, dependencies };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The committed example organization. */
export function exampleConfig(): OrgConfig {
  return loadOrgConfig();
}

/** The example config with some top-level sections replaced (validated like a real file). */
export function exampleWith(overrides: (raw: Tf) => void): OrgConfig {
  const raw = JSON.parse(JSON.stringify(exampleRaw()));
  overrides(raw);
  return parseOrgConfig(raw);
}

function exampleRaw(): unknown {
  return parseYaml(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
}

/** A stack by ID; throws with the list of stacks when it is missing. */
export function stackOf(stacks: Map<string, StackJson>, id: string): StackJson {
  const stack = stacks.get(id);
  if (!stack) throw new Error(`no stack ${id}; have ${[...stacks.keys()].join(', ')}`);
  return stack;
}

/** Parse an IAM/SNS/S3 policy string from the synthesized JSON, as AWS receives it (Terraform escapes resolved). */
export function parsePolicy(text: string): { Statement: Tf[] } {
  return JSON.parse(renderTerraformLiteral(text));
}
