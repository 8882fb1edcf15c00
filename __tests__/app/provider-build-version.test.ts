/**
 * tools/terraform-provider/build.sh must refuse a PROVIDER_VERSION label the module's own
 * version/VERSION contradicts. Each case runs a copy of the script with a fake Go module cache
 * and a fake provider cache (no Go, no network): either a cached binary is present, or the label
 * is wrong, so a case never starts a real build.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { providerVersions } from '../../scripts/terraform/toolchain';

const toolDir = resolve(__dirname, '..', '..', 'tools', 'terraform-provider');
const v = providerVersions();

function setUp(label: string, moduleSays: string, cachedBinary: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'irg-build-'));
  const tools = join(root, 'tools');
  mkdirSync(tools);
  for (const f of ['build.sh', 'go.mod']) copyFileSync(join(toolDir, f), join(tools, f));
  writeFileSync(join(tools, 'versions.env'), readFileSync(join(toolDir, 'versions.env'), 'utf8').replace(/^PROVIDER_VERSION=.*$/m, `PROVIDER_VERSION=${label}`));
  const modDir = join(root, 'gomod', `${v.module}@${v.moduleVersion}`, 'version');
  mkdirSync(modDir, { recursive: true });
  writeFileSync(join(modDir, 'VERSION'), `${moduleSays}\n`);
  const bin = join(root, 'cache', 'terraform-provider-aws', v.moduleVersion, `terraform-provider-aws_v${label}`);
  if (cachedBinary) {
    mkdirSync(join(bin, '..'), { recursive: true });
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
  }
  const run = () =>
    spawnSync('bash', [join(tools, 'build.sh')], {
      encoding: 'utf8',
      // PATH without go: a case that reached `go build` would fail at once instead of building.
      env: { PATH: '/usr/bin:/bin', HOME: root, GOMODCACHE: join(root, 'gomod'), IR_GUARDRAILS_CACHE: join(root, 'cache') },
    });
  return { bin, root, run };
}

it.each([
  { name: 'a cached binary under a label the module contradicts', cached: true },
  { name: 'a label the module contradicts, before any build starts', cached: false },
])('fails loudly on $name', ({ cached }) => {
  const { run, bin } = setUp('6.33.0', v.providerVersion, cached);
  const result = run();
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(`VERSION MISMATCH: versions.env says PROVIDER_VERSION=6.33.0, but ${v.module}@${v.moduleVersion} is provider ${v.providerVersion}`);
  expect(result.stdout).toBe('');
  expect(existsSync(`${bin}.version-verified`)).toBe(false);
});

it('serves a cached binary whose label agrees, checking once (a stamp beside it)', () => {
  const { run, bin, root } = setUp(v.providerVersion, v.providerVersion, true);
  expect(run()).toMatchObject({ status: 0, stdout: `${bin}\n` });
  expect(readFileSync(`${bin}.version-verified`, 'utf8').trim()).toBe(`${v.moduleVersion} ${v.providerVersion}`);
  // The stamp stands: a later run does not read the module again.
  writeFileSync(join(root, 'gomod', `${v.module}@${v.moduleVersion}`, 'version', 'VERSION'), '0.0.0\n');
  expect(run()).toMatchObject({ status: 0, stdout: `${bin}\n` });
});
