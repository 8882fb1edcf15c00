/**
 * Benchmark: wall time and AWS calls to contain 1 instance vs 50 instances across 5 regions on
 * moto, with 100 ms of latency added to every AWS call (a client middleware, here only) so the
 * figures reflect round trips rather than moto's speed. Target: 50 take < 3x the time of 1, and
 * calls per instance stay flat. Run: npm run bench:contain
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { launchMiners, prepareMinerNetwork } from '../dev/attack-scenario';
import { MOTO_CREDENTIALS, startMoto } from '../dev/moto';
import { AwsClients } from '../tooling/aws/clients';
import { allHooks, type CallRecord, isMutating, recordCalls } from '../tooling/aws/record';
import { SessionBroker } from '../tooling/aws/session';
import { withWriteCase } from '../tooling/case/open';
import { memoryReporter } from '../tooling/case/output';
import { containInstances } from '../tooling/contain/instances';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

/** Adds `ms` before every AWS call (benchmark only). */
function latency(ms: number) {
  return (client: { middlewareStack: unknown }) => {
    (client.middlewareStack as { add: (mw: unknown, o: { step: string; name: string }) => void }).add(
      (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
        await new Promise((r) => setTimeout(r, ms));
        return next(args);
      },
      { step: 'initialize', name: 'benchLatency' },
    );
  };
}

async function seed(endpoint: string, count: number): Promise<string[]> {
  // moto builds a region's backend on first use; do that for every region before timing, so
  // neither run pays it inside the measurement.
  await Promise.all(
    REGIONS.map(async (region) => {
      const cfg = { endpoint, region, credentials: MOTO_CREDENTIALS };
      await new EC2Client(cfg).send(new DescribeVpcsCommand({}));
      await new AutoScalingClient(cfg).send(new DescribeAutoScalingGroupsCommand({}));
      await new ElasticLoadBalancingV2Client(cfg).send(new DescribeTargetGroupsCommand({}));
    }),
  );
  const ids: string[] = [];
  const perRegion = REGIONS.map((_, i) => Math.floor(count / REGIONS.length) + (i < count % REGIONS.length ? 1 : 0));
  await Promise.all(
    REGIONS.map(async (region, r) => {
      if (perRegion[r] === 0) return;
      // The attack scenario's miners (GPU type, attacker key pair, pool UserData) in its network, with the stacks' groups.
      const network = await prepareMinerNetwork(endpoint, region, { stackGroups: true });
      ids.push(...(await launchMiners(endpoint, network, perRegion[r])));
    }),
  );
  return ids;
}

interface Figures {
  readonly count: number;
  readonly latency: number;
  readonly ms: number;
  readonly calls: number;
  readonly mutating: number;
  readonly failures: number;
}

async function measure(count: number, latencyMs: number): Promise<Figures> {
  const moto = await startMoto();
  try {
    const ids = await seed(moto.endpoint, count);
    const calls: CallRecord[] = [];
    const clients = new AwsClients({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, onClient: allHooks(recordCalls(calls), latencyMs ? latency(latencyMs) : undefined) });
    const ctx = { caseId: `BENCH-${count}`, accountId: '123456789012', regions: REGIONS, window: { start: new Date(0), end: new Date() }, caseDir: mkdtempSync(join(tmpdir(), 'irctl-bench-')) };
    const sessions = new SessionBroker(clients, { caseId: ctx.caseId, accountId: ctx.accountId, assume: false });
    const started = performance.now();
    const { exec } = await withWriteCase({ ctx, sessions, reporter: memoryReporter(), apply: true, yesIrreversible: true }, (env) => containInstances(env, { instanceIds: ids }));
    const ms = performance.now() - started;
    return { count, latency: latencyMs, ms, calls: calls.length, mutating: calls.filter(isMutating).length, failures: exec.failures.length };
  } finally {
    await moto.stop();
  }
}

async function main(): Promise<void> {
  // The same runs without added latency give the emulator's own CPU time (moto is one Python
  // process on a shared machine): what is left is the cost of round trips, which is what
  // concurrency and batching are supposed to hide.
  const one = await measure(1, LATENCY_MS);
  const fifty = await measure(50, LATENCY_MS);
  const oneBare = await measure(1, 0);
  const fiftyBare = await measure(50, 0);
  const rows = [one, fifty, oneBare, fiftyBare].map((r) => ({
    instances: r.count,
    'latency ms': r.latency,
    'wall s': (r.ms / 1000).toFixed(2),
    'API calls': r.calls,
    'calls/instance': (r.calls / r.count).toFixed(1),
    'writes/instance': (r.mutating / r.count).toFixed(1),
    failures: r.failures,
  }));
  console.table(rows);
  const ratio = fifty.ms / one.ms;
  console.log(`50 vs 1: ${ratio.toFixed(2)}x the wall time (target < 3x) — ${ratio < 3 ? 'MET' : 'NOT MET'}; ${LATENCY_MS} ms added per call, ${REGIONS.length} regions`);
  const latencyOne = one.ms - oneBare.ms;
  const latencyFifty = fifty.ms - fiftyBare.ms;
  console.log(`time due to latency (with minus without): 1 → ${(latencyOne / 1000).toFixed(2)} s, 50 → ${(latencyFifty / 1000).toFixed(2)} s (${(latencyFifty / latencyOne).toFixed(2)}x); emulator CPU for 50: ${(fiftyBare.ms / 1000).toFixed(2)} s`);
  if ([one, fifty, oneBare, fiftyBare].some((r) => r.failures)) throw new Error('containment failed during the benchmark; figures are not meaningful');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
