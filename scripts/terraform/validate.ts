/**
 * `terraform validate` of synthesized stacks with the real provider. Each worker initializes one
 * working directory once, then validates stack after stack in it (every stack requires the same
 * single provider), so a 200-stack org costs one init per worker, not one per stack.
 */
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
  diagnostics: Array<{ severity: 'error' | 'warning'; summary: string; detail?: string; range?: { start: { line: number } } }>;
}

/** Validate every stack; returns every error and warning (an empty list means all passed). */
export async function validateStacks(tc: Toolchain, stacks: readonly SynthStack[], label: string, workers = 2): Promise<Finding[]> {
  const findings: Finding[] = [];
  const queue = [...stacks];
  let done = 0;
  const worker = async (n: number) => {
    const dir = join(tc.workDir, `validate-${label}-${n}`);
    let initialized = false;
    for (let stack = queue.shift(); stack; stack = queue.shift()) {
      const providers = requiredProviders(stack.json);
      if (providers.join() !== 'aws') {
        findings.push({ stack: stack.id, severity: 'error', address: 'terraform.required_providers', message: `requires ${providers.join(', ')}; the check serves only hashicorp/aws` });
        continue;
      }
      const text = writeStack(dir, forLocalRun(stack.json, tc.versions.providerVersion));
      if (!initialized) {
        const init = await terraform(tc, dir, ['init', '-backend=false', '-input=false', '-no-color']);
        if (init.status !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr || init.stdout}`);
        initialized = true;
      }
      const run = await terraform(tc, dir, ['validate', '-json', '-no-color']);
      let parsed: ValidateJson;
      try {
        parsed = JSON.parse(run.stdout) as ValidateJson;
      } catch {
        throw new Error(`terraform validate printed no JSON for ${stack.id} (exit ${run.status}):\n${run.stderr}`);
      }
      const lines = addressesByLine(text);
      for (const d of parsed.diagnostics) {
        const line = d.range?.start.line;
        findings.push({
          stack: stack.id,
          severity: d.severity,
          address: line ? lines[line - 1] : '(no location)',
          message: [d.summary, d.detail].filter(Boolean).join(': ').replace(/\s+/g, ' '),
        });
      }
      done += 1;
      if (done % 25 === 0 || done === stacks.length) process.stderr.write(`  ${label}: ${done}/${stacks.length} stacks validated\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, stacks.length) }, (_, n) => worker(n)));
  return findings;
}
