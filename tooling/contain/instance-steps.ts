/**
 * Action builders for one instance: snapshots, Auto Scaling, load balancers, protections,
 * instance profile and tags. Each reads its "done" state from the region snapshot taken
 * before acting, and carries the data release needs.
 */
import {
  DetachInstancesCommand,
  EnterStandbyCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CancelSpotInstanceRequestsCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DisassociateIamInstanceProfileCommand,
  type Instance,
  ModifyInstanceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DeregisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TAGS } from '../../shared/names';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';
import type { RegionState } from './state';

/** Processes that would replace or relaunch an instance we are holding. */
export const SUSPENDED_PROCESSES = ['ReplaceUnhealthy', 'Launch', 'AZRebalance', 'HealthCheck'] as const;

/** CreateSnapshot for every attached volume lacking a case snapshot (evidence before change). */
export function snapshotActions(env: PhaseEnv, state: RegionState, instance: Instance, step = 'contain-instances/snapshot'): Action[] {
  const ec2 = env.write.ec2(state.region);
  return (instance.BlockDeviceMappings ?? [])
    .filter((b) => b.Ebs?.VolumeId)
    .map((b) => {
      const volumeId = b.Ebs!.VolumeId!;
      const request = {
        VolumeId: volumeId,
        Description: `irctl ${env.ctx.caseId}: ${instance.InstanceId} ${b.DeviceName}`,
        TagSpecifications: [
          {
            ResourceType: 'snapshot' as const,
            Tags: [
              { Key: TAGS.caseId, Value: env.ctx.caseId },
              { Key: 'ir:source-instance', Value: instance.InstanceId! },
              { Key: 'ir:source-device', Value: b.DeviceName ?? '' },
            ],
          },
        ],
      };
      return {
        step,
        action: 'ec2:CreateSnapshot',
        region: state.region,
        target: volumeId,
        summary: `snapshot ${volumeId} (${b.DeviceName}) of ${instance.InstanceId}, tagged with the case`,
        reversible: false,
        request,
        isDone: async () => state.snapshots.has(volumeId),
        dryRun: () => ec2.send(new CreateSnapshotCommand({ ...request, DryRun: true })),
        apply: () => ec2.send(new CreateSnapshotCommand(request)),
      };
    });
}

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

/** Deregister the instance from every ELBv2 target group it serves. */
export function loadBalancerActions(env: PhaseEnv, state: RegionState, instanceId: string): Action[] {
  const elb = env.write.elbv2(state.region);
  return (state.targets.get(instanceId) ?? []).map((t) => {
    const target = { Id: instanceId, ...(t.port ? { Port: t.port } : {}) };
    return {
      step: 'contain-instances/elb-deregister',
      action: 'elasticloadbalancing:DeregisterTargets',
      region: state.region,
      target: t.targetGroupArn,
      summary: `deregister ${instanceId}${t.port ? `:${t.port}` : ''} from ${t.targetGroupArn.split(':').pop()}`,
      reversible: true,
      request: { TargetGroupArn: t.targetGroupArn, Targets: [target] },
      undo: { key: `tg:${t.targetGroupArn}:${instanceId}:${t.port ?? ''}`, kind: 'elb-register', region: state.region, instanceId, targetGroupArn: t.targetGroupArn, target },
      isDone: async () => false, // registrations came from the snapshot: still registered
      apply: () => elb.send(new DeregisterTargetsCommand({ TargetGroupArn: t.targetGroupArn, Targets: [target] })),
    };
  });
}

/** Remove the instance profile so no new credentials reach the box (the old ones are revoked separately). */
export function profileAction(env: PhaseEnv, state: RegionState, instanceId: string): Action | undefined {
  const assoc = state.profileAssociations.get(instanceId);
  if (!assoc) return undefined;
  const ec2 = env.write.ec2(state.region);
  return {
    step: 'contain-instances/profile-disassociate',
    action: 'ec2:DisassociateIamInstanceProfile',
    region: state.region,
    target: instanceId,
    summary: `remove instance profile ${assoc.IamInstanceProfile?.Arn} (${assoc.AssociationId})`,
    reversible: true,
    request: { AssociationId: assoc.AssociationId },
    undo: { key: `profile:${instanceId}`, kind: 'profile-associate', region: state.region, instanceId, profileArn: assoc.IamInstanceProfile!.Arn! },
    isDone: async () => false, // association came from the snapshot: still associated
    // DisassociateIamInstanceProfile has no DryRun parameter: planned only.
    apply: () => ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: assoc.AssociationId })),
  };
}

/** Cancel the Spot request that launched the instance, so terminating it does not relaunch it (eradicate only: it cannot be undone). */
export function spotRequestAction(env: PhaseEnv, state: RegionState, instance: Instance): Action | undefined {
  const req = state.spotRequests.get(instance.InstanceId!);
  const id = req?.SpotInstanceRequestId ?? instance.SpotInstanceRequestId;
  if (!id) return undefined;
  const ec2 = env.write.ec2(state.region);
  return {
    step: 'eradicate/cancel-spot-request',
    action: 'ec2:CancelSpotInstanceRequests',
    region: state.region,
    target: id,
    summary: `cancel ${req?.Type ?? ''} Spot request ${id} so terminated capacity is not relaunched`,
    reversible: false,
    request: { SpotInstanceRequestIds: [id] },
    isDone: async () => !req || ['cancelled', 'closed'].includes(req.State ?? ''),
    dryRun: () => ec2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id], DryRun: true })),
    apply: () => ec2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] })),
  };
}

/** Stamp the case and containment state on the instance (last: it marks a completed containment). */
export function tagAction(env: PhaseEnv, state: RegionState, instance: Instance, value: 'contained' | 'released'): Action {
  const ec2 = env.write.ec2(state.region);
  const id = instance.InstanceId!;
  const tags = [
    { Key: TAGS.caseId, Value: env.ctx.caseId },
    { Key: TAGS.containment, Value: value },
  ];
  const has = (k: string, v: string) => (instance.Tags ?? []).some((t) => t.Key === k && t.Value === v);
  return {
    step: value === 'contained' ? 'contain-instances/tag' : 'release/tag',
    action: 'ec2:CreateTags',
    region: state.region,
    target: id,
    summary: `tag ${TAGS.caseId}=${env.ctx.caseId}, ${TAGS.containment}=${value}`,
    reversible: true,
    request: { Resources: [id], Tags: tags },
    undo: value === 'contained' ? { key: `tag:${id}`, kind: 'containment-tag', region: state.region, instanceId: id } : undefined,
    isDone: async () => tags.every((t) => has(t.Key, t.Value)),
    dryRun: () => ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tags, DryRun: true })),
    apply: () => ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tags })),
  };
}
