/**
 * apply → plan (must show no changes) → destroy, of the stacks moto can host, against a live
 * moto server. The provider keeps the stack's own assume_role and allowed_account_ids, so each
 * stack really lands in its account of the moto organization; only endpoints and keys change.
 */
import { join } from 'node:path';
import { MOTO_KEYS } from './moto-org';
import { forLocalRun, writeStack, type SynthStack, type TerraformJson } from './stacks';
import { terraform, type Toolchain } from './toolchain';
import type { Emulator } from './emulator';

/** Provider endpoint keys of every service the stacks use. Anything else hits the proxy and is refused. */
const SERVICES = [
  'athena', 'budgets', 'ce', 'cloudformation', 'cloudtrail', 'cloudwatch', 'configservice', 'ec2', 'events', 'glue',
  'guardduty', 'iam', 'kms', 'logs', 'organizations', 'route53resolver', 's3', 's3control', 'sns', 'sqs', 'sts',
] as const;

/** The stack's AWS provider pointed at moto: same region, role, allowed accounts and tags. */
export function motoProvider(original: TerraformJson, endpoint: string): Record<string, unknown> {
  const { region, assume_role, allowed_account_ids, default_tags } = original;
  return {
    region,
    assume_role,
    allowed_account_ids,
    default_tags,
    access_key: MOTO_KEYS.accessKeyId,
    secret_key: MOTO_KEYS.secretAccessKey,
    skip_credentials_validation: true,
    skip_metadata_api_check: 'true',
    skip_region_validation: true,
    s3_use_path_style: true,
    endpoints: [Object.fromEntries(SERVICES.map((s) => [s, endpoint]))],
  };
}

/** A planned change moto causes, not the stack: tolerated, with the reason shown in every run. */
export interface ToleratedDiff {
  readonly resourceType: string;
  /** Top-level attributes whose difference (or forced replacement) moto explains. */
  readonly attributes: readonly string[];
  readonly reason: string;
}

export interface StackOutcome {
  readonly stack: string;
  readonly resources: number;
  readonly phase: 'apply' | 'plan' | 'destroy' | 'ok';
  /** Why it failed (empty when ok). */
  readonly problems: string[];
  /** Changes the re-plan showed that the tolerated list explains. */
  readonly tolerated: string[];
  readonly seconds: number;
}

export interface ResourceChange {
  address: string;
  type: string;
  change: { actions: string[]; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; after_unknown?: Record<string, unknown>; replace_paths?: unknown[][] };
}

interface PlanJson {
  resource_changes?: ResourceChange[];
}

/** Terraform shows no change between null, "", [] and {}; neither does this comparison. */
const empty = (v: unknown): unknown =>
  v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0) ? null : v;

/** Top-level attributes a planned change touches: those forcing replacement and those whose value changes. */
export function changedAttributes(c: ResourceChange): string[] {
  const keys = new Set<string>((c.change.replace_paths ?? []).map((p) => String(p[0])));
  const before = c.change.before ?? {};
  const after = c.change.after ?? {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (c.change.after_unknown?.[k] === true) continue; // computed anew by the replacement itself
    if (JSON.stringify(empty(before[k])) !== JSON.stringify(empty(after[k]))) keys.add(k);
  }
  return [...keys].sort();
}

/** The tolerated diff that explains every attribute a change touches, if any. */
export function explainedBy(c: ResourceChange, tolerated: readonly ToleratedDiff[]): ToleratedDiff | undefined {
  const changed = changedAttributes(c);
  return tolerated.find((t) => t.resourceType === c.type && changed.length > 0 && changed.every((a) => t.attributes.includes(a)));
}

const tail = (text: string, lines = 40) => text.trim().split('\n').slice(-lines).join('\n');

/** Apply and re-plan `stacks` in order (dependencies first); returns per-stack outcomes. Destroys nothing. */
export async function applyStacks(tc: Toolchain, emulator: Emulator, stacks: readonly SynthStack[], tolerated: readonly ToleratedDiff[]): Promise<StackOutcome[]> {
  const env = { HTTP_PROXY: emulator.proxy, HTTPS_PROXY: emulator.proxy, http_proxy: emulator.proxy, https_proxy: emulator.proxy, NO_PROXY: '', no_proxy: '' };
  const outcomes: StackOutcome[] = [];
  for (const stack of stacks) {
    const started = Date.now();
    const dir = join(tc.workDir, 'apply', stack.id);
    const resources = Object.values<Record<string, unknown>>(stack.json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);
    const done = (phase: StackOutcome['phase'], problems: string[], tol: string[] = []) => {
      const outcome = { stack: stack.id, resources, phase, problems, tolerated: tol, seconds: (Date.now() - started) / 1000 };
      outcomes.push(outcome);
      process.stderr.write(`  ${stack.id}: ${problems.length ? `FAILED at ${phase}` : 'applied, re-planned clean'} (${outcome.seconds.toFixed(0)} s)\n`);
      for (const t of tol) process.stderr.write(`      tolerated: ${t}\n`);
    };
    writeStack(dir, forLocalRun(stack.json, tc.versions.providerVersion, motoProvider(stack.json.provider.aws[0], emulator.endpoint)));
    const init = await terraform(tc, dir, ['init', '-input=false', '-no-color'], env);
    if (init.status !== 0) throw new Error(`terraform init failed for ${stack.id}:\n${init.stderr}`);
    const apply = await terraform(tc, dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=10'], env);
    if (apply.status !== 0) {
      done('apply', [tail(apply.stderr || apply.stdout)]);
      continue;
    }
    const plan = await terraform(tc, dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=replan.tfplan'], env);
    if (plan.status === 1) {
      done('plan', [tail(plan.stderr || plan.stdout)]);
      continue;
    }
    if (plan.status === 0) {
      done('ok', []);
      continue;
    }
    const shown = await terraform(tc, dir, ['show', '-json', 'replan.tfplan'], env);
    const changes = ((JSON.parse(shown.stdout) as PlanJson).resource_changes ?? []).filter((c) => !c.change.actions.every((a) => a === 'no-op' || a === 'read'));
    const unexplained = changes.filter((c) => !explainedBy(c, tolerated));
    const tol = changes.filter((c) => explainedBy(c, tolerated)).map((c) => `${c.address} (${changedAttributes(c).join(', ')}): ${explainedBy(c, tolerated)!.reason}`);
    if (unexplained.length) {
      const detail = tail((await terraform(tc, dir, ['show', '-no-color', 'replan.tfplan'], env)).stdout, 80);
      done('plan', [`perpetual diff after apply: ${unexplained.map((c) => `${c.address} (${changedAttributes(c).join(', ')})`).join('; ')}\n${detail}`], tol);
    } else {
      done('ok', [], tol);
    }
  }
  return outcomes;
}

/** Destroy applied stacks in reverse order; returns the stacks whose destroy failed, with why. */
export async function destroyStacks(tc: Toolchain, emulator: Emulator, stackIds: readonly string[]): Promise<Array<{ stack: string; problem: string }>> {
  const env = { HTTP_PROXY: emulator.proxy, HTTPS_PROXY: emulator.proxy, NO_PROXY: '', no_proxy: '' };
  const failed: Array<{ stack: string; problem: string }> = [];
  for (const id of [...stackIds].reverse()) {
    const run = await terraform(tc, join(tc.workDir, 'apply', id), ['destroy', '-auto-approve', '-input=false', '-no-color'], env);
    if (run.status !== 0) failed.push({ stack: id, problem: tail(run.stderr || run.stdout) });
    process.stderr.write(`  ${id}: ${run.status === 0 ? 'destroyed' : 'DESTROY FAILED'}\n`);
  }
  return failed;
}
