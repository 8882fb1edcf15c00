/**
 * The real Terraform AWS provider, built once from its Go module (tools/terraform-provider),
 * served to `terraform init` offline from a filesystem mirror in a temporary directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const toolDir = join(root, 'tools', 'terraform-provider');

/** tools/terraform-provider/versions.env: the one place the check's versions live. */
export interface ProviderVersions {
  /** Go module the binary is built from (the Upbound fork of the provider). */
  readonly module: string;
  readonly moduleVersion: string;
  /** Provider version that module is (its version/VERSION); the mirror serves it as this. */
  readonly providerVersion: string;
  /** Provider version the @cdktf/provider-aws bindings pin in every synthesized stack. */
  readonly bindingsVersion: string;
}

export function providerVersions(): ProviderVersions {
  const vars = Object.fromEntries(
    readFileSync(join(toolDir, 'versions.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  const get = (key: string) => {
    if (!vars[key]) throw new Error(`tools/terraform-provider/versions.env has no ${key}`);
    return vars[key];
  };
  return {
    module: get('PROVIDER_MODULE'),
    moduleVersion: get('PROVIDER_MODULE_VERSION'),
    providerVersion: get('PROVIDER_VERSION'),
    bindingsVersion: get('BINDINGS_PROVIDER_VERSION'),
  };
}

/** A terraform binary with a CLI config that installs hashicorp/aws from the local mirror only. */
export interface Toolchain {
  readonly versions: ProviderVersions;
  readonly providerBinary: string;
  readonly terraformVersion: string;
  /** Environment for every terraform call (CLI config, plugin cache, no telemetry, no prompts). */
  readonly env: NodeJS.ProcessEnv;
  readonly workDir: string;
}

/** Build (or reuse) the provider, then write the mirror and CLI config into a fresh temp dir. */
export function prepareToolchain(): Toolchain {
  const versions = providerVersions();
  const terraform = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (terraform.error || terraform.status !== 0) {
    throw new Error('terraform is not on PATH: install Terraform >= 1.10 (or build github.com/hashicorp/terraform v1.11.4 with `go install`)');
  }
  const terraformVersion = (JSON.parse(terraform.stdout) as { terraform_version: string }).terraform_version;

  // build.sh prints progress on stderr (inherited) and the binary's path on stdout.
  const build = spawnSync('bash', [join(toolDir, 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (build.status !== 0) throw new Error(`building the Terraform AWS provider failed (exit ${build.status}); see the messages above`);
  const providerBinary = build.stdout.trim().split('\n').pop()!;

  const workDir = mkdtempSync(join(tmpdir(), 'irg-terraform-'));
  const platformDir = join(workDir, 'mirror', 'registry.terraform.io', 'hashicorp', 'aws', versions.providerVersion, 'linux_amd64');
  mkdirSync(platformDir, { recursive: true });
  symlinkSync(providerBinary, join(platformDir, `terraform-provider-aws_v${versions.providerVersion}`));
  const pluginCache = join(workDir, 'plugin-cache');
  mkdirSync(pluginCache);
  const cliConfig = join(workDir, 'terraform.rc');
  writeFileSync(
    cliConfig,
    [
      `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
      'provider_installation {',
      `  filesystem_mirror {`,
      `    path    = ${JSON.stringify(join(workDir, 'mirror'))}`,
      `    include = ["registry.terraform.io/hashicorp/aws"]`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return {
    versions,
    providerBinary,
    terraformVersion,
    workDir,
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    },
  };
}

/** What one terraform command printed and how it exited. */
export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run terraform in `cwd`; resolves on any exit (callers read status and output). */
export function terraform(tc: Toolchain, cwd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<TerraformRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', args, { cwd, env: { ...tc.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ status: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}
