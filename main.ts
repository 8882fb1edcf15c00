/**
 * cdktf entry point: load the org config (IR_GUARDRAILS_CONFIG, cdktf context `config`, or the
 * committed example), build every stack, synthesize. A bad config exits non-zero before
 * anything is written.
 */
import { App } from 'cdktf';
import { ConfigError, loadOrgConfig, resolveConfigPath } from './config';
import { GuardrailError } from './stacks/guards';
import { buildOrganization } from './stacks/organization';

function main(): void {
  const app = new App();
  const contextPath = app.node.tryGetContext('config') as string | undefined;
  const config = loadOrgConfig(resolveConfigPath(contextPath));
  buildOrganization(app, config);
  app.synth();
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
