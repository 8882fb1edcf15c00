/**
 * A client middleware that records every AWS call (IAM action, region, input, error code).
 * Used by the tests' "no mutating call on rerun" check, the permission proof and the
 * benchmark's call counts; plugged in through `ClientSettings.onClient`.
 */

/** One recorded call. */
export interface CallRecord {
  /** IAM action, e.g. `ec2:DescribeInstances`. */
  readonly action: string;
  readonly region: string;
  readonly input: Record<string, unknown>;
  /** Error code when the call failed (DryRunOperation included). */
  readonly error?: string;
  /** Label of the client set that made it (e.g. the role). */
  readonly label?: string;
}

const SERVICE_PREFIX: Record<string, string> = {
  EC2Client: 'ec2',
  IAMClient: 'iam',
  STSClient: 'sts',
  AutoScalingClient: 'autoscaling',
  ElasticLoadBalancingV2Client: 'elasticloadbalancing',
  CloudTrailClient: 'cloudtrail',
  GuardDutyClient: 'guardduty',
  SSMClient: 'ssm',
  S3Client: 's3',
};

interface StackLike {
  add(mw: unknown, options: { step: string; name: string; priority?: string }): void;
}

/** An `onClient` hook appending each call to `calls`. */
export function recordCalls(calls: CallRecord[], label?: string): (client: { middlewareStack: unknown }) => void {
  return (client) => {
    const config = (client as unknown as { config: { region: () => Promise<string> } }).config;
    (client.middlewareStack as StackLike).add(
      (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
        async (args: { input: Record<string, unknown> }) => {
          const prefix = SERVICE_PREFIX[context.clientName ?? ''] ?? (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
          const action = `${prefix}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
          const region = await config.region();
          try {
            const out = await next(args);
            calls.push({ action, region, input: args.input, label });
            return out;
          } catch (err) {
            const e = err as { name?: string; Code?: string };
            calls.push({ action, region, input: args.input, label, error: e.Code ?? e.name ?? 'Error' });
            throw err;
          }
        },
      { step: 'initialize', name: 'irctlCallRecorder' },
    );
  };
}

/** Combine several `onClient` hooks. */
export function allHooks(...hooks: Array<((client: { middlewareStack: unknown }) => void) | undefined>): (client: { middlewareStack: unknown }) => void {
  return (client) => hooks.forEach((h) => h?.(client));
}

const READ_PREFIXES = /^(Describe|Get|List|Lookup|Search|Simulate)/;

/** True for calls that change state (a DryRun call changes nothing). */
export function isMutating(call: CallRecord): boolean {
  const op = call.action.split(':')[1] ?? '';
  return !READ_PREFIXES.test(op) && call.input.DryRun !== true && call.action !== 'sts:AssumeRole' && call.action !== 'sts:GetSessionToken';
}
