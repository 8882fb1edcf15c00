/**
 * Holding an instance's Auto Scaling group — processes suspended, scale-in protection, detached
 * (above the minimum) or in Standby (at it) — and, beside each step, the inverse release runs.
 */
import {
  AttachInstancesCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';
import { type Inverse, inverseBase } from '../case/inverse';
import type { RegionState } from './state';

/** Processes that would replace or relaunch an instance we are holding. */
export const SUSPENDED_PROCESSES = ['ReplaceUnhealthy', 'Launch', 'AZRebalance', 'HealthCheck'] as const;

/**
 * Hold an Auto Scaling instance: suspend the processes that would replace or relaunch it,
 * protect it from scale-in, then take it out of service. AWS refuses to detach with
 * ShouldDecrementDesiredCapacity when that would take desired capacity below the minimum, and
 * detaching without decrementing makes the group launch a replacement (once Launch resumes).
 * So: above the minimum, detach and decrement; at the minimum, EnterStandby without
 * decrementing (always accepted; Launch is suspended, so no replacement while it is held).
 */
export function autoScalingActions(env: PhaseEnv, state: RegionState, instanceId: string, step = 'contain-instances'): { group?: Action; instance: Action[] } {
  const membership = state.asgInstances.get(instanceId);
  if (!membership) return { instance: [] };
  const asg = env.write.autoScaling(state.region);
  const name = membership.AutoScalingGroupName!;
  const info = state.asgGroups.get(name);
  const suspended = new Set((info?.SuspendedProcesses ?? []).map((p) => p.ProcessName!));
  const toSuspend = SUSPENDED_PROCESSES.filter((p) => !suspended.has(p));
  const base = { region: state.region, reversible: true } as const;
  const group: Action = {
    ...base,
    step: `${step}/asg-suspend`,
    action: 'autoscaling:SuspendProcesses',
    target: name,
    summary: `suspend ${SUSPENDED_PROCESSES.join(', ')} on ${name} so it neither replaces nor relaunches`,
    request: { AutoScalingGroupName: name, ScalingProcesses: toSuspend },
    undo: { key: `asg-processes:${name}`, kind: 'asg-resume', region: state.region, autoScalingGroupName: name, processes: toSuspend },
    isDone: async () => toSuspend.length === 0,
    apply: () => asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: [...toSuspend] })),
  };
  const protect: Action = {
    ...base,
    step: `${step}/asg-protect`,
    action: 'autoscaling:SetInstanceProtection',
    target: instanceId,
    summary: `protect ${instanceId} from scale-in in ${name}`,
    request: { AutoScalingGroupName: name, InstanceIds: [instanceId], ProtectedFromScaleIn: true },
    undo: { key: `asg-protect:${instanceId}`, kind: 'asg-unprotect', region: state.region, autoScalingGroupName: name, instanceId, value: membership.ProtectedFromScaleIn ?? false },
    isDone: async () => membership.ProtectedFromScaleIn === true,
    apply: () => asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: name, InstanceIds: [instanceId], ProtectedFromScaleIn: true })),
  };
  const inStandby = (membership.LifecycleState ?? '').startsWith('Standby');
  const desired = info?.DesiredCapacity ?? 0;
  const atMinimum = desired - 1 < (info?.MinSize ?? 0);
  if (inStandby || atMinimum) {
    const standby: Action = {
      ...base,
      step: `${step}/asg-standby`,
      action: 'autoscaling:EnterStandby',
      target: instanceId,
      summary: `put ${instanceId} in Standby in ${name} (desired capacity ${desired} is at the minimum, so it cannot be detached with a decrement; kept, no replacement while Launch is suspended)`,
      request: { AutoScalingGroupName: name, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: false },
      undo: { key: `asg-member:${instanceId}`, kind: 'asg-exit-standby', region: state.region, autoScalingGroupName: name, instanceId },
      isDone: async () => inStandby,
      apply: () => asg.send(new EnterStandbyCommand({ AutoScalingGroupName: name, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: false })),
    };
    return { group, instance: [protect, standby] };
  }
  const detach: Action = {
    ...base,
    step: `${step}/asg-detach`,
    action: 'autoscaling:DetachInstances',
    target: instanceId,
    summary: `detach ${instanceId} from ${name} (desired capacity ${desired} decremented, no replacement)`,
    request: { AutoScalingGroupName: name, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: true },
    undo: { key: `asg-member:${instanceId}`, kind: 'asg-attach', region: state.region, autoScalingGroupName: name, instanceId },
    isDone: async () => false, // membership came from the snapshot: it is still attached
    apply: () => asg.send(new DetachInstancesCommand({ AutoScalingGroupName: name, InstanceIds: [instanceId], ShouldDecrementDesiredCapacity: true })),
  };
  return { group, instance: [protect, detach] };
}

/** Inverse of the asg-resume undo record (release). */
export const resumeProcesses: Inverse<'asg-resume'> = (env, r) => ({
  ...inverseBase(r),
  step: 'release/asg-resume',
  action: 'autoscaling:ResumeProcesses',
  target: r.autoScalingGroupName,
  summary: `resume ${r.processes.join(', ')} on ${r.autoScalingGroupName}`,
  request: { AutoScalingGroupName: r.autoScalingGroupName, ScalingProcesses: r.processes },
  isDone: async () => {
    const g = (await env.read.autoScaling(r.region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [r.autoScalingGroupName] }))).AutoScalingGroups?.[0];
    const suspended = new Set((g?.SuspendedProcesses ?? []).map((p) => p.ProcessName));
    return r.processes.every((p) => !suspended.has(p));
  },
  apply: () => env.write.autoScaling(r.region).send(new ResumeProcessesCommand({ AutoScalingGroupName: r.autoScalingGroupName, ScalingProcesses: [...r.processes] })),
});

/** Inverse of the asg-unprotect undo record (release). */
export const restoreScaleInProtection: Inverse<'asg-unprotect'> = (env, r) => ({
  ...inverseBase(r),
  step: 'release/asg-protection',
  action: 'autoscaling:SetInstanceProtection',
  target: r.instanceId,
  summary: `scale-in protection of ${r.instanceId} back to ${r.value}`,
  request: { AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId], ProtectedFromScaleIn: r.value },
  isDone: async () => {
    const m = await asgMember(env, r.region, r.instanceId);
    return !m || m.ProtectedFromScaleIn === r.value;
  },
  apply: () => env.write.autoScaling(r.region).send(new SetInstanceProtectionCommand({ AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId], ProtectedFromScaleIn: r.value })),
});

/** Inverse of the asg-attach undo record (release). */
export const reattachInstance: Inverse<'asg-attach'> = (env, r) => ({
  ...inverseBase(r),
  step: 'release/asg-attach',
  action: 'autoscaling:AttachInstances',
  target: r.instanceId,
  summary: `attach ${r.instanceId} to ${r.autoScalingGroupName} again (desired capacity +1)`,
  request: { AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] },
  isDone: async () => (await asgMember(env, r.region, r.instanceId))?.AutoScalingGroupName === r.autoScalingGroupName,
  apply: () => env.write.autoScaling(r.region).send(new AttachInstancesCommand({ AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] })),
});

/** Inverse of the asg-exit-standby undo record (release). */
export const exitStandby: Inverse<'asg-exit-standby'> = (env, r) => ({
  ...inverseBase(r),
  step: 'release/asg-exit-standby',
  action: 'autoscaling:ExitStandby',
  target: r.instanceId,
  summary: `return ${r.instanceId} from Standby to service in ${r.autoScalingGroupName}`,
  request: { AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] },
  isDone: async () => !(await asgMember(env, r.region, r.instanceId))?.LifecycleState?.startsWith('Standby'),
  apply: () => env.write.autoScaling(r.region).send(new ExitStandbyCommand({ AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] })),
});

async function asgMember(env: PhaseEnv, region: string, instanceId: string) {
  return ((await env.read.autoScaling(region).send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }))).AutoScalingInstances ?? [])[0];
}
