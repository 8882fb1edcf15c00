/**
 * cdktf entry point (`npm run synth` runs it directly with tsx; `cdktf deploy` through the CLI,
 * with byte-identical output): load the org config (IR_GUARDRAILS_CONFIG, cdktf context `config`, or the
 * committed example), build every stack, synthesize. A `--context` override, which cdktf drops, stops it. A bad config or a guardrail limit exits
 * non-zero with every problem listed, before anything is written.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { ConfigError, loadOrgConfig, resolveConfigPath } from './config';
import { ancestorCommandLines, ignoredOverride, ignoredOverrideMessage } from './config/ignored-flags';
import { GuardrailError } from './stacks/guards';
import { buildOrganization } from './stacks/organization';

/**
 * The `config` context value: the cdktf CLI passes cdktf.json's context as JSON in
 * CDKTF_CONTEXT_JSON; run directly (`npm run synth`), read cdktf.json ourselves.
 */
function contextConfigPath(): string | undefined {
  const fromCli = process.env.CDKTF_CONTEXT_JSON;
  const context = (fromCli ? JSON.parse(fromCli) : (JSON.parse(readFileSync(join(__dirname, 'cdktf.json'), 'utf8')) as { context?: unknown }).context ?? {}) as Record<string, unknown>;
  return typeof context.config === 'string' ? context.config : undefined;
}

function main(): void {
  const override = ignoredOverride(process.argv.slice(2), ancestorCommandLines());
  if (override) {
    process.stderr.write(`${ignoredOverrideMessage(override)}\n`);
    process.exit(1);
  }
  const config = loadOrgConfig(resolveConfigPath(contextConfigPath()));
  const app = new App();
  try {
    buildOrganization(app, config);
  } catch (err) {
    removeEmptyStacksDir(app.outdir);
    throw err;
  }
  app.synth();
  // Under the cdktf CLI (deploy, diff) the CLI prints annotations; run directly, say them here.
  if (!process.env.CDKTF_OUTDIR) printWarnings(app.outdir);
}

/** Warnings the stacks recorded (errors already stopped synth), from the manifest just written. */
function printWarnings(outdir: string): void {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { annotations: Array<{ level: string; message: string }> }>;
  };
  for (const [id, stack] of Object.entries(manifest.stacks)) {
    for (const a of stack.annotations) if (a.level === 'WARNING') process.stderr.write(`[${id}] warning: ${a.message}\n`);
  }
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
