/**
 * Synthesize a whole organization in-process into a temporary directory and return each
 * stack's Terraform JSON, keyed by stack ID.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import type { OrgConfig } from '../../config';
import { buildOrganization } from '../../stacks/organization';

/** Terraform JSON of one stack (loosely typed: tests index into it). */
export type StackJson = Record<string, any>;

/** Synthesize `config` and return every stack's JSON plus the manifest. */
export function synthOrg(config: OrgConfig): { stacks: Map<string, StackJson>; manifest: any } {
  const outdir = mkdtempSync(join(tmpdir(), 'irg-synth-'));
  try {
    const app = new App({ outdir, skipValidation: false });
    buildOrganization(app, config);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    const stacks = new Map<string, StackJson>();
    for (const [id, entry] of Object.entries<any>(manifest.stacks)) {
      stacks.set(id, JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8')));
    }
    return { stacks, manifest };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** All resources of one Terraform type in a stack, as `[name, body]` pairs. */
export function resourcesOf(stack: StackJson, type: string): Array<[string, any]> {
  return Object.entries(stack.resource?.[type] ?? {});
}
