/**
 * Deploy at scale, measured: `terraform plan` with the real AWS provider against moto.
 *
 *   1. the largest stacks of the example org, one at a time: wall time and peak memory of
 *      terraform plus its provider plugin (the sum over the process tree, sampled; PSS, which
 *      shares the provider binary's pages among concurrent plans, and RSS, which does not);
 *   2. every stack of the generated 100-account org, planned the way `cdktf deploy '*'`
 *      schedules them — all stacks whose dependencies are done, at once — capped at each
 *      parallelism in BENCH_PARALLELISM (default 1,2,4): total wall time and peak memory.
 *
 * Plans run against moto with no prior state, so they measure provider start-up, configuration
 * (assume role, identity), data-source reads and graph work, not a refresh of live resources.
 * What the data sources read (log-archive KMS aliases, GuardDuty detectors) is created in moto
 * first, so every plan completes; a plan that still fails is printed as FAILED.
 *
 *   npm run bench:terraform
 *   BENCH_PARALLELISM=4 BENCH_LIMIT=40 npm run bench:terraform   # a quicker partial run
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG_PATH, parseOrgConfig, type OrgConfigInput } from '../config';
import { startEmulator, type Emulator } from '../scripts/terraform/emulator';
import { motoProvider } from '../scripts/terraform/apply';
import { recreateOrgInMoto } from '../scripts/terraform/moto-org';
import { forLocalRun, synthesize, writeStack, type SynthStack } from '../scripts/terraform/stacks';
import { prepareToolchain, type Toolchain } from '../scripts/terraform/toolchain';
import { largeOrgConfig } from './large-org';
import { positiveInteger, positiveIntegers } from './bench-env';
import { seedDataSources } from '../scripts/terraform/moto-data';

/** A process tree's memory (MB): RSS counts shared pages once per process, PSS splits them among sharers. */
interface TreeMemory {
  readonly rssMb: number;
  readonly pssMb: number;
}

/** Memory of a process and all its descendants, from /proc (PSS from smaps_rollup). */
function treeMemory(rootPid: number): TreeMemory {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      rss.set(Number(entry), (Number(fields[21]) * 4096) / 1024 / 1024);
    } catch {
      /* exited meanwhile */
    }
  }
  let rssMb = 0;
  let pssMb = 0;
  for (const [pid, mb] of rss) {
    for (let p: number | undefined = pid; p && p > 1; p = parents.get(p)) {
      if (p === rootPid) {
        rssMb += mb;
        pssMb += pssOf(pid) ?? mb;
        break;
      }
    }
  }
  return { rssMb, pssMb };
}

/** Proportional set size (MB) of one process, or undefined if it exited or the kernel lacks smaps_rollup. */
function pssOf(pid: number): number | undefined {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

interface PlanSample {
  readonly ok: boolean;
  readonly seconds: number;
  readonly error?: string;
}

/**
 * Sample the memory of every running plan every 200 ms; keep the peak of each sum. Concurrent
 * plans each map the same 1.2 GB provider binary: RSS counts those pages once per plan, PSS
 * shares them out, so the PSS peak is what the machine needs and the RSS peak overstates it.
 */
class MemorySampler {
  peakMb = 0;
  peakPssMb = 0;
  private readonly pids = new Set<number>();
  private readonly timer = setInterval(() => {
    const now = [...this.pids].map(treeMemory);
    this.peakMb = Math.max(this.peakMb, now.reduce((sum, m) => sum + m.rssMb, 0));
    this.peakPssMb = Math.max(this.peakPssMb, now.reduce((sum, m) => sum + m.pssMb, 0));
  }, 200);
  track(pid: number) {
    this.pids.add(pid);
  }
  untrack(pid: number) {
    this.pids.delete(pid);
  }
  stop() {
    clearInterval(this.timer);
  }
}

async function plan(tc: Toolchain, emulator: Emulator, stack: SynthStack, sampler: MemorySampler): Promise<PlanSample> {
  const dir = join(tc.workDir, 'bench', stack.id);
  writeStack(dir, forLocalRun(stack.json, tc.versions.providerVersion, motoProvider(stack.json.provider.aws[0], emulator.endpoint)));
  const env = { ...tc.env, HTTP_PROXY: emulator.proxy, HTTPS_PROXY: emulator.proxy, NO_PROXY: '' };
  const run = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = spawn('terraform', args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      if (child.pid) sampler.track(child.pid);
      child.on('close', (code) => {
        if (child.pid) sampler.untrack(child.pid);
        resolve({ code: code ?? 1, stderr });
      });
    });
  const init = await run(['init', '-input=false', '-no-color']);
  if (init.code !== 0) return { ok: false, seconds: 0, error: `init: ${init.stderr.trim().split('\n').pop()}` };
  const started = Date.now();
  const result = await run(['plan', '-input=false', '-no-color', '-lock=false']);
  const seconds = (Date.now() - started) / 1000;
  return result.code === 0 ? { ok: true, seconds } : { ok: false, seconds, error: result.stderr.trim().split('\n').filter(Boolean).slice(0, 3).join(' ') };
}

const resourceCount = (s: SynthStack) => Object.values<Record<string, unknown>>(s.json.resource ?? {}).reduce((n, r) => n + Object.keys(r).length, 0);

/** The org recreated in moto, with what its data sources read (so plans complete), synthesized. */
async function orgStacks(tc: Toolchain, emulator: Emulator, input: OrgConfigInput, label: string): Promise<SynthStack[]> {
  await fetch(`${emulator.endpoint}/moto-api/reset`, { method: 'POST' });
  const config = parseOrgConfig(await recreateOrgInMoto(emulator.endpoint, input));
  const stacks = synthesize(config, join(tc.workDir, `synth-${label}`));
  const seeded = await seedDataSources(tc, emulator, stacks, config.deployment.roleName);
  console.log(`(${label} org: seeded moto with ${seeded.length} KMS aliases and GuardDuty detectors the data sources read)`);
  return stacks;
}

/** Plan all stacks as cdktf deploy schedules them (ready stacks together), at most `parallelism` at a time. */
async function planAll(tc: Toolchain, emulator: Emulator, stacks: readonly SynthStack[], parallelism: number) {
  const sampler = new MemorySampler();
  const done = new Set<string>();
  const running = new Set<string>();
  const failures: string[] = [];
  const started = Date.now();
  await new Promise<void>((resolveAll) => {
    const pump = () => {
      if (done.size === stacks.length) return resolveAll();
      for (const s of stacks) {
        if (running.size >= parallelism) break;
        if (done.has(s.id) || running.has(s.id) || !s.dependencies.every((d) => done.has(d))) continue;
        running.add(s.id);
        void plan(tc, emulator, s, sampler).then((r) => {
          if (!r.ok) failures.push(`${s.id}: ${r.error}`);
          running.delete(s.id);
          done.add(s.id);
          pump();
        });
      }
    };
    pump();
  });
  sampler.stop();
  return { seconds: (Date.now() - started) / 1000, peakMb: sampler.peakMb, peakPssMb: sampler.peakPssMb, failures };
}

async function main(): Promise<void> {
  // Settings first: a malformed one must fail before minutes of set-up.
  const levels = positiveIntegers('BENCH_PARALLELISM', process.env.BENCH_PARALLELISM, [1, 2, 4]);
  const limit = positiveInteger('BENCH_LIMIT', process.env.BENCH_LIMIT);
  const tc = prepareToolchain();
  const emulator = await startEmulator();
  try {
    console.log(`terraform plan benchmark: terraform ${tc.terraformVersion}, provider ${tc.versions.providerVersion}, against moto, no prior state`);
    const example = parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as OrgConfigInput;
    const exampleStacks = await orgStacks(tc, emulator, example, 'example');
    const largest = [...exampleStacks].sort((a, b) => resourceCount(b) - resourceCount(a)).slice(0, 4);
    console.log('\nlargest stacks of the example org, one plan at a time:');
    for (const stack of largest) {
      const sampler = new MemorySampler();
      const r = await plan(tc, emulator, stack, sampler);
      sampler.stop();
      console.log(
        `  ${stack.id.padEnd(30)} ${String(resourceCount(stack)).padStart(4)} resources  plan ${r.seconds.toFixed(1).padStart(5)} s  peak RSS ${sampler.peakMb.toFixed(0).padStart(5)} MB  PSS ${sampler.peakPssMb.toFixed(0).padStart(5)} MB` +
          (r.ok ? '' : `  (PLAN FAILED on moto, the time is time-to-error: ${r.error})`),
      );
    }

    const allLarge = await orgStacks(tc, emulator, largeOrgConfig(100), 'large');
    // BENCH_LIMIT plans only the first N stacks in deployment order (a quicker, partial figure).
    const large = allLarge.slice(0, limit ?? allLarge.length);
    if (large.length < allLarge.length) console.log(`(BENCH_LIMIT: planning ${large.length} of ${allLarge.length} stacks)`);
    console.log(`\n100-account org: ${large.length} stacks, planned as cdktf deploy schedules them:`);
    for (const p of levels) {
      const r = await planAll(tc, emulator, large, p);
      console.log(
        `  parallelism ${String(p).padStart(3)}: total ${r.seconds.toFixed(0).padStart(5)} s  peak PSS ${r.peakPssMb.toFixed(0).padStart(6)} MB (${(r.peakPssMb / p).toFixed(0)} MB per concurrent plan)  peak RSS sum ${r.peakMb.toFixed(0).padStart(6)} MB` +
          (r.failures.length ? `  ${r.failures.length} PLANS FAILED on moto, e.g. ${r.failures[0]}` : ''),
      );
    }
  } finally {
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
