/**
 * Instance attributes containment sets — volumes kept on termination, shutdown stops instead of
 * terminating, termination and stop protection — and, beside each, the inverse release runs.
 */
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, type Instance, ModifyInstanceAttributeCommand, type ModifyInstanceAttributeCommandInput } from '@aws-sdk/client-ec2';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';
import { type Inverse, inverseBase } from '../case/inverse';
import type { RegionState } from './state';

/** Keep volumes on termination, stop instead of terminate on shutdown, termination and stop protection (not Spot). */
export function protectionActions(env: PhaseEnv, state: RegionState, instance: Instance): Action[] {
  const ec2 = env.write.ec2(state.region);
  const id = instance.InstanceId!;
  const attrs = state.attributes.get(id);
  const base = { region: state.region, target: id, reversible: true } as const;
  const actions: Action[] = (instance.BlockDeviceMappings ?? [])
    .filter((b) => b.Ebs?.VolumeId)
    .map((b) => {
      const request = { InstanceId: id, BlockDeviceMappings: [{ DeviceName: b.DeviceName, Ebs: { DeleteOnTermination: false } }] };
      return {
        ...base,
        step: 'contain-instances/keep-volumes',
        action: 'ec2:ModifyInstanceAttribute',
        summary: `DeleteOnTermination=false on ${b.Ebs!.VolumeId} (${b.DeviceName})`,
        request,
        undo: { key: `dot:${id}:${b.DeviceName}`, kind: 'delete-on-termination', region: state.region, instanceId: id, deviceName: b.DeviceName!, value: b.Ebs!.DeleteOnTermination ?? true },
        isDone: async () => b.Ebs!.DeleteOnTermination === false,
        dryRun: () => ec2.send(new ModifyInstanceAttributeCommand({ ...request, DryRun: true })),
        apply: () => ec2.send(new ModifyInstanceAttributeCommand(request)),
      };
    });
  const shutdown = { InstanceId: id, Attribute: 'instanceInitiatedShutdownBehavior' as const, Value: 'stop' };
  actions.push({
    ...base,
    step: 'contain-instances/shutdown-stops',
    action: 'ec2:ModifyInstanceAttribute',
    summary: 'shutdown from inside the instance stops it instead of terminating it',
    request: shutdown,
    undo: { key: `shutdown:${id}`, kind: 'shutdown-behavior', region: state.region, instanceId: id, value: attrs?.shutdownBehavior ?? 'stop' },
    isDone: async () => attrs?.shutdownBehavior === 'stop',
    dryRun: () => ec2.send(new ModifyInstanceAttributeCommand({ ...shutdown, DryRun: true })),
    apply: () => ec2.send(new ModifyInstanceAttributeCommand(shutdown)),
  });
  // Spot instances cannot get termination or stop protection: skip them rather than fail.
  if (instance.InstanceLifecycle === 'spot') return actions;
  for (const [attr, done, label] of [
    ['DisableApiTermination', attrs?.disableApiTermination, 'termination'],
    ['DisableApiStop', attrs?.disableApiStop, 'stop'],
  ] as const) {
    const request = { InstanceId: id, [attr]: { Value: true } };
    actions.push({
      ...base,
      step: `contain-instances/${label}-protection`,
      action: 'ec2:ModifyInstanceAttribute',
      summary: `enable ${label} protection`,
      request,
      undo: { key: `${attr}:${id}`, kind: 'instance-flag', region: state.region, instanceId: id, attribute: attr, value: done ?? false },
      isDone: async () => done === true,
      dryRun: () => ec2.send(new ModifyInstanceAttributeCommand({ ...request, DryRun: true })),
      apply: () => ec2.send(new ModifyInstanceAttributeCommand(request)),
    });
  }
  return actions;
}

/** Inverse of the delete-on-termination undo record (release). */
export const restoreDeleteOnTermination: Inverse<'delete-on-termination'> = (env, r) => {
  const request = { InstanceId: r.instanceId, BlockDeviceMappings: [{ DeviceName: r.deviceName, Ebs: { DeleteOnTermination: r.value } }] };
  return {
    ...inverseBase(r),
    step: 'release/delete-on-termination',
    action: 'ec2:ModifyInstanceAttribute',
    target: r.instanceId,
    summary: `DeleteOnTermination=${r.value} on ${r.deviceName} again`,
    request,
    isDone: async () => {
      const inst = (await env.read.ec2(r.region).send(new DescribeInstancesCommand({ InstanceIds: [r.instanceId] }))).Reservations?.[0]?.Instances?.[0];
      return inst?.BlockDeviceMappings?.find((b) => b.DeviceName === r.deviceName)?.Ebs?.DeleteOnTermination === r.value;
    },
    dryRun: () => env.write.ec2(r.region).send(new ModifyInstanceAttributeCommand({ ...request, DryRun: true })),
    apply: () => env.write.ec2(r.region).send(new ModifyInstanceAttributeCommand(request)),
  };
};

/** Inverse of the shutdown-behavior undo record (release). */
export const restoreShutdownBehavior: Inverse<'shutdown-behavior'> = (env, r) =>
  instanceAttribute(env, r, 'instanceInitiatedShutdownBehavior', { InstanceId: r.instanceId, Attribute: 'instanceInitiatedShutdownBehavior', Value: r.value }, r.value);

/** Inverse of the instance-flag undo record (release). */
export const restoreInstanceFlag: Inverse<'instance-flag'> = (env, r) =>
  instanceAttribute(env, r, r.attribute === 'DisableApiTermination' ? 'disableApiTermination' : 'disableApiStop', { InstanceId: r.instanceId, [r.attribute]: { Value: r.value } }, r.value);

function instanceAttribute(
  env: PhaseEnv,
  r: { region: string; instanceId: string },
  attr: 'instanceInitiatedShutdownBehavior' | 'disableApiTermination' | 'disableApiStop',
  request: ModifyInstanceAttributeCommandInput,
  value: string | boolean,
): Action {
  return {
    ...inverseBase(r),
    step: `release/${attr}`,
    action: 'ec2:ModifyInstanceAttribute',
    target: r.instanceId,
    summary: `${attr} back to ${String(value)}`,
    request,
    isDone: async () => {
      const out = await env.read.ec2(r.region).send(new DescribeInstanceAttributeCommand({ InstanceId: r.instanceId, Attribute: attr }));
      const v = out.InstanceInitiatedShutdownBehavior?.Value ?? out.DisableApiTermination?.Value ?? out.DisableApiStop?.Value;
      return String(v) === String(value);
    },
    dryRun: () => env.write.ec2(r.region).send(new ModifyInstanceAttributeCommand({ ...request, DryRun: true })),
    apply: () => env.write.ec2(r.region).send(new ModifyInstanceAttributeCommand(request)),
  };
}
