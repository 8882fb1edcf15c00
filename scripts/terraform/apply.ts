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

/** What the check reads of `terraform show -json <plan>`. */
export interface PlanJson {
  resource_changes?: ResourceChange[];
  configuration?: { root_module?: { resources?: Array<{ address: string; expressions?: Record<string, unknown> }> } };
}

/** Terraform shows no change between null, "", [] and {}; neither does this comparison. */
const empty = (v: unknown): unknown =>
  v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0) ? null : v;

/** after_unknown marks an unknown value `true`, at the attribute or anywhere inside it. */
const hasUnknown = (v: unknown): boolean => v === true || (v !== null && typeof v === 'object' && Object.values(v).some(hasUnknown));

const isReplacement = (c: ResourceChange) => c.change.actions.includes('delete') && c.change.actions.includes('create');

/**
 * Whether an unknown value of `attribute` is a change. A value unknown until apply is one unless
 * the provider computes it anew for a replacement object (id, arn): then nothing in the
 * configuration sets it. Without the configuration every unknown value counts. tags_all always
 * counts: it is derived from tags and the provider's default_tags, both configuration.
 */
function unknownIsChange(c: ResourceChange, attribute: string, configured: ReadonlySet<string> | undefined): boolean {
  if (!isReplacement(c) || attribute === 'tags_all' || !configured) return true;
  return configured.has(attribute);
}

/**
 * Top-level attributes a planned change touches: those forcing replacement, those whose value
 * changes, and those whose new value is unknown until apply (see unknownIsChange). `configured`
 * is what the resource's configuration sets (from the plan's `configuration` block).
 */
export function changedAttributes(c: ResourceChange, configured?: ReadonlySet<string>): string[] {
  return describedAttributes(c, configured).map((a) => a.name);
}

function describedAttributes(c: ResourceChange, configured?: ReadonlySet<string>): Array<{ name: string; unknown: boolean }> {
  const changed = new Map<string, boolean>((c.change.replace_paths ?? []).map((p) => [String(p[0]), false]));
  const before = c.change.before ?? {};
  const after = c.change.after ?? {};
  const unknown = c.change.after_unknown ?? {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])) {
    if (hasUnknown(unknown[k])) {
      if (unknownIsChange(c, k, configured)) changed.set(k, true);
    } else if (JSON.stringify(empty(before[k])) !== JSON.stringify(empty(after[k]))) {
      changed.set(k, changed.get(k) ?? false);
    }
  }
  return [...changed].map(([name, isUnknown]) => ({ name, unknown: isUnknown })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The tolerated diff that explains every attribute a change touches, if any. */
export function explainedBy(c: ResourceChange, tolerated: readonly ToleratedDiff[], configured?: ReadonlySet<string>): ToleratedDiff | undefined {
  const changed = changedAttributes(c, configured);
  return tolerated.find((t) => t.resourceType === c.type && changed.length > 0 && changed.every((a) => t.attributes.includes(a)));
}

/** A re-plan's changes split into those an emulator gap explains and real perpetual diffs, each naming every changed attribute. */
export function reviewReplan(plan: PlanJson, tolerated: readonly ToleratedDiff[]): { tolerated: Array<{ change: string; reason: string }>; unexplained: string[] } {
  const configured = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, new Set(Object.keys(r.expressions ?? {}))]));
  const review = { tolerated: [] as Array<{ change: string; reason: string }>, unexplained: [] as string[] };
  for (const c of plan.resource_changes ?? []) {
    if (c.change.actions.every((a) => a === 'no-op' || a === 'read')) continue;
    const config = configured.get(c.address);
    const attributes = describedAttributes(c, config).map((a) => (a.unknown ? `${a.name}: known after apply` : a.name));
    const change = `${c.address} (${attributes.join(', ') || `${c.change.actions.join('/')} with no attribute named`})`;
    const gap = explainedBy(c, tolerated, config);
    if (gap) review.tolerated.push({ change, reason: gap.reason });
    else review.unexplained.push(change);
  }
  return review;
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
    const review = reviewReplan(JSON.parse(shown.stdout) as PlanJson, tolerated);
    const tol = review.tolerated.map((t) => `${t.change}: ${t.reason}`);
    if (review.unexplained.length) {
      const detail = tail((await terraform(tc, dir, ['show', '-no-color', 'replan.tfplan'], env)).stdout, 80);
      done('plan', [`perpetual diff after apply: ${review.unexplained.join('; ')}\n${detail}`], tol);
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
