/**
 * The app as a whole: every stack reaches its own account through the deployment role, state
 * goes where the config says, and a broken config stops `main.ts` before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, parseOrgConfig, type OrgConfig } from '../../config';
import { synthOrg } from '../support/synth';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = resolve(__dirname, '..', '..');
const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const accountIds = new Set([
  example.accounts.management.id,
  example.accounts.security.id,
  example.accounts.logArchive.id,
  example.accounts.forensics.id,
  ...example.accounts.workloads.map((w) => w.id),
]);

function withBackend(backend: unknown): OrgConfig {
  const raw = parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
  raw.deployment.stateBackend = backend;
  return parseOrgConfig(raw);
}

describe('synthesized example organization', () => {
  const { stacks, manifest } = synthOrg(example);

  it('has stacks', () => {
    expect(stacks.size).toBeGreaterThan(0);
  });

  it.each([...stacks.keys()])('%s has exactly one provider, assuming the deployment role in its own account', (id) => {
    const providers = stacks.get(id)!.provider.aws;
    expect(providers).toHaveLength(1);
    const [provider] = providers;
    const [account] = provider.allowed_account_ids;
    expect(accountIds.has(account)).toBe(true);
    expect(provider.assume_role[0].role_arn).toBe(`arn:aws:iam::${account}:role/OrganizationAccountAccessRole`);
    expect(provider.default_tags[0].tags).toMatchObject({ 'ir-guardrails:managed-by': 'aws-ir-guardrails', 'cost-center': 'security' });
    expect(id.startsWith(`${[...Object.values(example.accounts)].flat().find((a: any) => a.id === account)!.name}-`)).toBe(true);
  });

  it.each([...stacks.keys()])('%s keeps its state in its own local file', (id) => {
    expect(stacks.get(id)!.terraform.backend.local.path).toBe(`terraform-state/${id}.tfstate`);
  });

  it('declares dependencies only on stacks that exist', () => {
    for (const entry of Object.values<any>(manifest.stacks)) {
      for (const dep of entry.dependencies) expect(stacks.has(dep)).toBe(true);
    }
  });
});

it('uses an S3 backend with native locking when configured', () => {
  const config = withBackend({ type: 's3', bucket: 'example-tf-state', region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/TerraformState' });
  const { stacks } = synthOrg(config);
  expect(stacks.size).toBeGreaterThan(0);
  for (const [id, stack] of stacks) {
    expect(stack.terraform.backend.s3).toMatchObject({
      bucket: 'example-tf-state',
      key: `aws-ir-guardrails/${id}.tfstate`,
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
      assume_role: { role_arn: 'arn:aws:iam::111111111111:role/TerraformState' },
    });
  }
});

describe('main.ts', () => {
  function runMain(configText: string, args: string[] = []): { status: number | null; stderr: string; outdir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'irg-main-'));
    const configPath = join(dir, 'org.yaml');
    writeFileSync(configPath, configText);
    const outdir = join(dir, 'out');
    const result = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'main.ts', ...args], {
      cwd: root,
      env: { ...process.env, IR_GUARDRAILS_CONFIG: configPath, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stderr: result.stderr, outdir };
  }

  it('exits non-zero on a broken config, lists every problem, writes nothing', () => {
    const broken = readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')
      .replace('id: "222222222222", ou: Security', 'id: "2222", ou: Security')
      .replace('allowed: [us-east-1, us-west-2, eu-west-1]', 'allowed: [us-east-1, us-weird-2]')
      .replace('ou: Workloads-Dev\n', 'ou: Sandbox\n');
    const { status, stderr, outdir } = runMain(broken);
    expect(status).toBe(1);
    expect(stderr).toMatch(/accounts\.security\.id/);
    expect(stderr).toMatch(/regions\.allowed\.1: unknown region "us-weird-2"/);
    expect(stderr).toMatch(/accounts\.workloads\.1\.ou: names OU "Sandbox"/);
    expect(existsSync(outdir) ? readdirSync(outdir) : []).toEqual([]);
  });

  it('refuses a --context override it would otherwise ignore, naming the ways that work', () => {
    const { status, stderr, outdir } = runMain(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'), ['--context', 'config=my-org.yaml']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/"--context config=my-org\.yaml" was ignored[\s\S]*IR_GUARDRAILS_CONFIG=[\s\S]*cdktf\.json/);
    expect(existsSync(outdir) ? readdirSync(outdir) : []).toEqual([]);
  });

  it('synthesizes the example into the requested directory', () => {
    const { status, stderr, outdir } = runMain(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(readdirSync(outdir)).toContain('manifest.json');
  });
});
