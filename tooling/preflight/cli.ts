/**
 * `npm run preflight`: read-only checks of the organization before the first deploy, run with
 * the management account's credentials. Prints every problem with its fix; exits 1 if any,
 * 2 on a bad config or flag.
 */
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadOrgConfig, resolveConfigPath } from '../../config';
import { AwsClients } from '../aws/clients';
import { runPreflight, type PreflightReport } from './checks';

export interface PreflightIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Human-readable report: what passed, then each problem and its fix. */
export function formatReport(report: PreflightReport): string {
  const lines = report.passed.map((p) => `ok    ${p}`);
  for (const p of report.problems) lines.push(`FAIL  [${p.check}] ${p.problem}`, `      fix: ${p.fix}`);
  lines.push('', report.problems.length ? `${report.problems.length} problem(s) in the way of the first deploy.` : 'Ready for the first deploy.');
  return `${lines.join('\n')}\n`;
}

/** Parse flags, run every check, print; resolves to the exit code. */
export async function main(argv: readonly string[], io: PreflightIo = process): Promise<number> {
  // The SDK's Node-version notice is in the README, not on every run's stderr (as in irctl).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const program = new Command('preflight')
    .description('Check the organization is ready for the first deploy (read-only; management account credentials)')
    .option('--config <path>', 'org config (default: IR_GUARDRAILS_CONFIG, else config/org.example.yaml)')
    .option('--endpoint <url>', 'send every AWS call to this endpoint (a local emulator for drills)')
    .option('--json', 'print one JSON document instead of text')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    program.parse([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const opts = program.opts<{ config?: string; endpoint?: string; json?: boolean }>();
  let config;
  try {
    // The flag wins over IR_GUARDRAILS_CONFIG: it is the more specific choice.
    config = loadOrgConfig(opts.config ? resolve(opts.config) : resolveConfigPath());
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const clients = new AwsClients({ endpoint: opts.endpoint, homeRegion: config.organization.homeRegion, maxAttempts: 4 });
  const report = await runPreflight(config, clients);
  io.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.problems.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`preflight: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
