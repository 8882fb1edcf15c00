/**
 * `terraform validate` of synthesized stacks with the real provider.
 *
 * Each validate loads the provider's schema (every AWS resource: seconds per run), so stacks are
 * validated in batches: each stack, unchanged but for its backend, becomes a child module of one
 * root configuration, and one `terraform validate` checks them all, each with its own provider
 * block. Diagnostics name the module's file, which maps back to the stack and, by line, to the
 * resource address.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { terraform, type Toolchain } from './toolchain';
import { addressesByLine, forLocalRun, requiredProviders, writeStack, type SynthStack } from './stacks';

/** One error or warning, located. */
export interface Finding {
  readonly stack: string;
  readonly severity: 'error' | 'warning';
  readonly address: string;
  readonly message: string;
}

interface ValidateJson {
  diagnostics: Array<{ severity: 'error' | 'warning'; summary: string; detail?: string; range?: { filename: string; start: { line: number } } }>;
}

/** Stacks per root configuration: bounds one validate's memory while sharing the schema load. */
const BATCH = 60;

/** Validate every stack; returns every error and warning (an empty list means all passed). */
export async function validateStacks(tc: Toolchain, stacks: readonly SynthStack[], label: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const eligible = stacks.filter((stack) => {
    const providers = requiredProviders(stack.json);
    if (providers.join() === 'aws') return true;
    findings.push({ stack: stack.id, severity: 'error', address: 'terraform.required_providers', message: `requires ${providers.join(', ')}; the check serves only hashicorp/aws` });
    return false;
  });
  for (let start = 0; start < eligible.length; start += BATCH) {
    const batch = eligible.slice(start, start + BATCH);
    const root = join(tc.workDir, `validate-${label}-${start / BATCH}`);
    const lines = new Map<string, { stack: string; addresses: string[] }>();
    const modules: Record<string, { source: string }> = {};
    batch.forEach((stack, i) => {
      const dir = `m${i}`;
      const text = writeStack(join(root, dir), forLocalRun(stack.json, tc.versions.providerVersion));
      lines.set(`${dir}/cdk.tf.json`, { stack: stack.id, addresses: addressesByLine(text) });
      modules[dir] = { source: `./${dir}` };
    });
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'main.tf.json'), JSON.stringify({ module: modules }, null, 2));
    const init = await terraform(tc, root, ['init', '-backend=false', '-input=false', '-no-color']);
    if (init.status !== 0) throw new Error(`terraform init failed in ${root}:\n${init.stderr || init.stdout}`);
    const run = await terraform(tc, root, ['validate', '-json', '-no-color']);
    let parsed: ValidateJson;
    try {
      parsed = JSON.parse(run.stdout) as ValidateJson;
    } catch {
      throw new Error(`terraform validate printed no JSON in ${root} (exit ${run.status}):\n${run.stderr}`);
    }
    for (const d of parsed.diagnostics) {
      const file = d.range?.filename.replace(/^\.\//, '');
      const where = file ? lines.get(file) : undefined;
      findings.push({
        stack: where?.stack ?? '(root of the batch)',
        severity: d.severity,
        address: where && d.range ? where.addresses[d.range.start.line - 1] : (file ?? '(no location)'),
        message: [d.summary, d.detail].filter(Boolean).join(': ').replace(/\s+/g, ' '),
      });
    }
    process.stderr.write(`  ${label}: ${Math.min(start + BATCH, eligible.length)}/${eligible.length} stacks validated\n`);
  }
  return findings;
}

/** A finding of one organization's run. */
export interface OrgFinding extends Finding {
  readonly org: string;
}

/**
 * Problem lines for the report: one per severity, address and message (a region in the address
 * read as `<region>`), naming every org, stack and region where it occurs; sorted, so the same
 * defect in 17 regions and two orgs is one line, not 34.
 */
export function groupFindings(findings: readonly OrgFinding[], regions: readonly string[]): string[] {
  const regionPattern = regions.length ? new RegExp([...regions].sort((a, b) => b.length - a.length).join('|'), 'g') : undefined;
  // line -> org -> stack -> regions found in the address
  const groups = new Map<string, Map<string, Map<string, Set<string>>>>();
  for (const f of findings) {
    const found = new Set(regionPattern ? (f.address.match(regionPattern) ?? []) : []);
    const line = `${f.severity} at ${regionPattern ? f.address.replace(regionPattern, '<region>') : f.address}: ${f.message}`;
    const byOrg = groups.get(line) ?? new Map<string, Map<string, Set<string>>>();
    const byStack = byOrg.get(f.org) ?? new Map<string, Set<string>>();
    byStack.set(f.stack, new Set([...(byStack.get(f.stack) ?? []), ...found]));
    groups.set(line, byOrg.set(f.org, byStack));
  }
  const where = (byStack: Map<string, Set<string>>) =>
    [...byStack].sort(([a], [b]) => a.localeCompare(b)).map(([stack, rs]) => (rs.size ? `${stack} (${[...rs].sort().join(', ')})` : stack)).join(', ');
  return [...groups].map(([line, byOrg]) => `${line} [${[...byOrg].map(([org, byStack]) => `${org} org: ${where(byStack)}`).join('; ')}]`).sort();
}
