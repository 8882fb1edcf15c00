/**
 * Test harness for irctl's write phases against moto: a case opened without role assumption,
 * every AWS call recorded, a fixed clock, and a full describe of the account for
 * before/after comparisons.
 */
import { PassThrough } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSpotInstanceRequestsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  GetInstanceProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { AwsClients } from '../../tooling/aws/clients';
import { allHooks, type CallRecord, recordCalls } from '../../tooling/aws/record';
import { SessionBroker } from '../../tooling/aws/session';
import type { Executor } from '../../tooling/case/executor';
import { withWriteCase } from '../../tooling/case/open';
import { memoryReporter } from '../../tooling/case/output';
import type { PhaseEnv } from '../../tooling/case/phase';
import type { CaseContext } from '../../tooling/model';
import { type AttackScenario, SCENARIO_ACCOUNT, SCENARIO_REGIONS } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS } from '../../dev/moto';
import type { Clock } from '../../tooling/clock';
import { main } from '../../tooling/cli';
import type { RuntimeHooks } from '../../tooling/case/runtime';
import { steppingClock } from '../support/clocks';

export { steppingClock } from '../support/clocks';

/** A case context in a fresh temporary directory. */
export function newCase(caseId = 'IR-2026-0042', regions: readonly string[] = SCENARIO_REGIONS): CaseContext {
  return {
    caseId,
    accountId: SCENARIO_ACCOUNT,
    regions,
    window: { start: new Date('2026-11-20T00:00:00Z'), end: new Date('2026-11-23T00:00:00Z') },
    caseDir: mkdtempSync(join(tmpdir(), `irctl-${caseId}-`)),
  };
}

/** Options of one harness run. */
export interface HarnessRun {
  readonly endpoint: string;
  readonly ctx: CaseContext;
  readonly apply: boolean;
  readonly yesIrreversible?: boolean;
  /** Calls made during the run are appended here. */
  readonly calls?: CallRecord[];
  /** Extra client hook (fault injection). */
  readonly onClient?: (client: { middlewareStack: unknown }) => void;
  /** @default steppingClock() */
  readonly clock?: Clock;
}

/** Run a write phase against moto as irctl's CLI would with --no-assume. */
export async function runPhase(run: HarnessRun, fn: (env: PhaseEnv) => Promise<unknown>): Promise<{ exec: Executor; lines: string[]; warnings: string[] }> {
  const clients = new AwsClients({ endpoint: run.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 2, onClient: allHooks(run.calls ? recordCalls(run.calls) : undefined, run.onClient) });
  const sessions = new SessionBroker(clients, { caseId: run.ctx.caseId, accountId: run.ctx.accountId, assume: false });
  const reporter = memoryReporter();
  const { exec } = await withWriteCase(
    { ctx: run.ctx, sessions, reporter, apply: run.apply, yesIrreversible: run.yesIrreversible ?? false, clock: run.clock ?? steppingClock() },
    fn,
  );
  return { exec, lines: reporter.lines, warnings: reporter.warnings };
}

function strip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === '$metadata' || k === 'Timestamp' ? undefined : v)));
}

/** Everything the scenario touches, described; equal before and after means nothing changed. */
export async function describeAll(endpoint: string, scenario: AttackScenario): Promise<unknown> {
  const cfg = (region: string) => ({ endpoint, region, credentials: MOTO_CREDENTIALS });
  const out: Record<string, unknown> = {};
  for (const region of SCENARIO_REGIONS) {
    const ec2 = new EC2Client(cfg(region));
    const ids = scenario.instances.filter((i) => i.region === region).map((i) => i.instanceId);
    const attrs = await Promise.all(
      ids.flatMap((InstanceId) =>
        (['disableApiTermination', 'disableApiStop', 'instanceInitiatedShutdownBehavior'] as const).map((Attribute) => ec2.send(new DescribeInstanceAttributeCommand({ InstanceId, Attribute }))),
      ),
    );
    out[region] = {
      instances: await ec2.send(new DescribeInstancesCommand({})),
      attrs,
      groups: await ec2.send(new DescribeSecurityGroupsCommand({})),
      enis: await ec2.send(new DescribeNetworkInterfacesCommand({})),
      addresses: await ec2.send(new DescribeAddressesCommand({})),
      volumes: await ec2.send(new DescribeVolumesCommand({})),
      snapshots: await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] })),
      spot: await ec2.send(new DescribeSpotInstanceRequestsCommand({})),
      keys: await ec2.send(new DescribeKeyPairsCommand({})),
      images: await ec2.send(new DescribeImagesCommand({ Owners: ['self'] })),
      asg: await new AutoScalingClient(cfg(region)).send(new DescribeAutoScalingGroupsCommand({})),
      asgInstances: await new AutoScalingClient(cfg(region)).send(new DescribeAutoScalingInstancesCommand({})),
    };
  }
  (out['us-east-1'] as Record<string, unknown>).targets = await new ElasticLoadBalancingV2Client(cfg('us-east-1')).send(new DescribeTargetHealthCommand({ TargetGroupArn: scenario.targetGroupArn }));
  const iam = new IAMClient(cfg('us-east-1'));
  const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
  out.iam = {
    users,
    perUser: await Promise.all(
      users.map(async (u) => ({
        keys: await iam.send(new ListAccessKeysCommand({ UserName: u.UserName })),
        inline: await iam.send(new ListUserPoliciesCommand({ UserName: u.UserName })),
        attached: await iam.send(new ListAttachedUserPoliciesCommand({ UserName: u.UserName })),
      })),
    ),
    role: await iam.send(new ListRolePoliciesCommand({ RoleName: scenario.instanceRole })),
    profile: await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: scenario.instanceRole })),
  };
  return strip(out);
}

/** Streams for irctl's `main` that collect what it prints; read `out`/`err` after it returns. */
export function captureOutput(): { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; readonly out: string; readonly err: string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { out: '', err: '' };
  stdout.on('data', (d: Buffer) => (text.out += d.toString()));
  stderr.on('data', (d: Buffer) => (text.err += d.toString()));
  return { stdout, stderr, get out() { return text.out; }, get err() { return text.err; } };
}

/** irctl's command line against moto without role assumption: `common` flags (case, case dir, regions) then `args`; output captured. */
export async function runIrctl(endpoint: string, common: readonly string[], args: readonly string[], hooks: RuntimeHooks = {}): Promise<{ code: number; out: string; err: string }> {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--no-assume', '--endpoint', endpoint, ...common, ...args], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock(), ...hooks },
  });
  return { code, out: io.out, err: io.err };
}
