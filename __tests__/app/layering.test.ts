/**
 * The layering the project relies on: `policies/` is pure JSON-producing code auditors read,
 * `tooling/` ships without the stacks, only tests/bench/scripts may use the AGPL simulator, and
 * nothing outside `__tests__/` imports the test kit (development helpers live in `dev/`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const rules: Array<{ dir: string; forbidden: RegExp; why: string }> = [
  { dir: 'policies', forbidden: /(^|\/)stacks(\/|$)|^cdktf|^@cdktf\//, why: 'policies are plain JSON with no Terraform inside' },
  { dir: 'tooling', forbidden: /(^|\/)stacks(\/|$)|^cdktf|^@cdktf\//, why: 'tooling never imports from stacks' },
  { dir: 'stacks', forbidden: /(^|\/)tooling(\/|$)/, why: 'stacks do not depend on the response tooling' },
  { dir: 'policies', forbidden: /^@cloud-copilot\/iam-simulate/, why: 'the simulator is AGPL: tests and reports only' },
  { dir: 'tooling', forbidden: /^@cloud-copilot\/iam-simulate/, why: 'the simulator is AGPL: tests and reports only' },
  { dir: 'stacks', forbidden: /^@cloud-copilot\/iam-simulate|^@cdktf\/provider-aws$/, why: 'no simulator; deep provider imports only' },
  { dir: 'shared', forbidden: /(^|\/)(stacks|policies|tooling)(\/|$)|^cdktf|^@cdktf\//, why: 'shared names and addresses sit below policies, stacks and tooling' },
  ...['config', 'shared', 'policies', 'stacks', 'tooling', 'bench', 'scripts', 'dev'].map((dir) => ({
    dir,
    forbidden: /(^|\/)__tests__(\/|$)|^\.\.?\/(?:\.\.\/)*support\//,
    why: 'only tests import the test kit; development helpers live in dev/',
  })),
  ...['config', 'shared', 'policies', 'stacks', 'tooling'].map((dir) => ({ dir, forbidden: /(^|\/)dev(\/|$)/, why: 'dev/ (moto, simulator, attack scenario) never ships' })),
];

describe.each(rules)('$dir/ imports', ({ dir, forbidden, why }) => {
  it.each(tsFiles(join(root, dir)).map((f) => relative(root, f)))(`%s: ${why}`, (file) => {
    expect(imports(join(root, file)).filter((i) => forbidden.test(i))).toEqual([]);
  });
});

describe('the import graph of the shipped and development code', () => {
  const dirs = ['config', 'shared', 'policies', 'stacks', 'tooling', 'dev', 'bench', 'scripts'];
  const files = [join(root, 'main.ts'), ...dirs.flatMap((d) => tsFiles(join(root, d)))];
  const resolveImport = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined;
    const base = resolve(from, '..', spec);
    return [`${base}.ts`, join(base, 'index.ts')].find((f) => files.includes(f));
  };
  const edges = new Map(files.map((f) => [f, imports(f).flatMap((s) => resolveImport(f, s) ?? [])]));

  it('has no cycle', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(root, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
