/**
 * cdktf entry point: load the org config (IR_GUARDRAILS_CONFIG, cdktf context `config`, or the
 * committed example), build every stack, synthesize. A bad config or a guardrail limit exits
 * non-zero with every problem listed, before anything is written.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { ConfigError, loadOrgConfig, resolveConfigPath } from './config';
import { GuardrailError } from './stacks/guards';
import { buildOrganization } from './stacks/organization';

/** cdktf passes `--context` values as JSON in this variable; read it before App touches the disk. */
function contextConfigPath(): string | undefined {
  const context = JSON.parse(process.env.CDKTF_CONTEXT_JSON ?? '{}') as Record<string, unknown>;
  return typeof context.config === 'string' ? context.config : undefined;
}

function main(): void {
  const config = loadOrgConfig(resolveConfigPath(contextConfigPath()));
  const app = new App();
  try {
    buildOrganization(app, config);
  } catch (err) {
    removeEmptyStacksDir(app.outdir);
    throw err;
  }
  app.synth();
}

/** `new App()` creates `<outdir>/stacks`; leave no trace of a build that failed. */
function removeEmptyStacksDir(outdir: string): void {
  const stacks = join(outdir, 'stacks');
  if (existsSync(stacks) && readdirSync(stacks).length === 0) rmSync(stacks, { recursive: true });
  if (existsSync(outdir) && readdirSync(outdir).length === 0) rmSync(outdir, { recursive: true });
}

try {
  main();
} catch (err) {
  if (err instanceof ConfigError || err instanceof GuardrailError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
