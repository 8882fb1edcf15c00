/**
 * Synth benchmark: wall time and peak RSS of the app process (`main.ts`, as `cdktf synth` runs
 * it) for the committed example org and a generated 100-account org in every commercial region.
 * Each case runs in a fresh process, measured by GNU time. Target (example org): 3 s, 400 MB.
 *
 *   npm run bench            # 3 runs per case
 *   BENCH_RUNS=5 npm run bench
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { EXAMPLE_CONFIG_PATH } from '../config';
import { largeOrgConfig } from './large-org';

const root = resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);

interface Sample {
  wallSeconds: number;
  peakMb: number;
  stacks: number;
}

function runOnce(configPath: string): Sample {
  const outdir = mkdtempSync(join(tmpdir(), 'irg-bench-'));
  try {
    // One process, as the cdktf CLI's `app` command would run it, minus npx/tsx's launcher process.
    const result = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, '--require', 'tsx/cjs', 'main.ts'], {
      cwd: root,
      env: { ...process.env, IR_GUARDRAILS_CONFIG: configPath, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`synth failed for ${configPath}:\n${result.stderr}`);
    const [wall, maxKb] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
    return { wallSeconds: wall, peakMb: maxKb / 1024, stacks: Object.keys(manifest.stacks).length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function report(name: string, configPath: string, target?: { seconds: number; mb: number }): void {
  const samples = Array.from({ length: runs }, () => runOnce(configPath));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const wall = median(samples.map((s) => s.wallSeconds));
  const peak = median(samples.map((s) => s.peakMb));
  const verdict = target ? (wall <= target.seconds && peak <= target.mb ? 'within target' : 'OVER TARGET') : '';
  console.log(
    `${name.padEnd(36)} stacks=${String(samples[0].stacks).padStart(4)}  wall median ${wall.toFixed(2)} s ` +
      `(min ${Math.min(...samples.map((s) => s.wallSeconds)).toFixed(2)})  peak RSS median ${peak.toFixed(0)} MB  ${verdict}` +
      (target ? ` (target ${target.seconds} s, ${target.mb} MB)` : ''),
  );
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'irg-bench-config-'));
  const large = join(dir, 'large-org.yaml');
  writeFileSync(large, stringify(largeOrgConfig(100)));
  console.log(`synth benchmark: ${runs} run(s) per case, node ${process.version}`);
  report('example org', EXAMPLE_CONFIG_PATH, { seconds: 3, mb: 400 });
  report('large org (100 accts, all regions)', large);
  rmSync(dir, { recursive: true, force: true });
}

main();
