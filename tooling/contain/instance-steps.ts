/**
 * Action builders for one instance: snapshots, load balancers, instance profile, Spot request
 * and tags, each reversible step with its inverse beside it (Auto Scaling and the instance
 * attributes have their own modules). Each reads its "done" state from the region snapshot
 * taken before acting, and carries the data release needs.
 */
import {
  CancelSpotInstanceRequestsCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DisassociateIamInstanceProfileCommand,
  type Instance,
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
} from '@aws-sdk/client-ec2';
import { DeregisterTargetsCommand, DescribeTargetHealthCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TAGS } from '../../shared/names';
import { notFound } from '../aws/errors';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';
import { type Inverse, inverseBase } from '../case/inverse';
import type { RegionState } from './state';

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
              { Key: TAGS.sourceInstance, Value: instance.InstanceId! },
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
    irreversible: true,
    request: { SpotInstanceRequestIds: [id] },
    isDone: async () => !req || ['cancelled', 'closed'].includes(req.State ?? ''),
    // Planned by reading the request, never by a DryRun cancel.
    check: async () => {
      const now = (await env.read.ec2(state.region).send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] })).catch(notFound))?.SpotInstanceRequests?.[0];
      return now ? undefined : `Spot request ${id} of ${instance.InstanceId} was not found in ${state.region}. Fix: check it with aws ec2 describe-spot-instance-requests --region ${state.region}, then rerun.`;
    },
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

/** Inverse of the elb-register undo record (release). */
export const reregisterTarget: Inverse<'elb-register'> = (env, r) => ({
  ...inverseBase(r),
  step: 'release/elb-register',
  action: 'elasticloadbalancing:RegisterTargets',
  target: r.targetGroupArn,
  summary: `register ${r.target.Id} with ${r.targetGroupArn.split(':').pop()} again`,
  request: { TargetGroupArn: r.targetGroupArn, Targets: [r.target] },
  isDone: async () =>
    ((await env.read.elbv2(r.region).send(new DescribeTargetHealthCommand({ TargetGroupArn: r.targetGroupArn }))).TargetHealthDescriptions ?? []).some(
      (d) => d.Target?.Id === r.target.Id && d.TargetHealth?.State !== 'draining',
    ),
  apply: () => env.write.elbv2(r.region).send(new RegisterTargetsCommand({ TargetGroupArn: r.targetGroupArn, Targets: [r.target] })),
});

/** Inverse of the profile-associate undo record (release). */
export const reassociateProfile: Inverse<'profile-associate'> = (env, r) => ({
  ...inverseBase(r),
  step: 'release/profile-associate',
  action: 'ec2:AssociateIamInstanceProfile',
  target: r.instanceId,
  summary: `re-associate instance profile ${r.profileArn}`, // AssociateIamInstanceProfile has no DryRun: planned only
  request: { InstanceId: r.instanceId, IamInstanceProfile: { Arn: r.profileArn } },
  isDone: async () =>
    ((await env.read.ec2(r.region).send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [r.instanceId] }] }))).IamInstanceProfileAssociations ?? []).some(
      (a) => a.State === 'associated' || a.State === 'associating',
    ),
  apply: () => env.write.ec2(r.region).send(new AssociateIamInstanceProfileCommand({ InstanceId: r.instanceId, IamInstanceProfile: { Arn: r.profileArn } })),
});

/** Inverse of the containment-tag undo record (release). */
export const tagReleased: Inverse<'containment-tag'> = (env, r) => {
  const tags = [{ Key: TAGS.containment, Value: 'released' }];
  return {
    ...inverseBase(r),
    step: 'release/tag',
    action: 'ec2:CreateTags',
    target: r.instanceId,
    summary: `tag ${TAGS.containment}=released (the case tag stays)`,
    request: { Resources: [r.instanceId], Tags: tags },
    isDone: async () =>
      !!(await env.read.ec2(r.region).send(new DescribeInstancesCommand({ InstanceIds: [r.instanceId] }))).Reservations?.[0]?.Instances?.[0]?.Tags?.some(
        (t) => t.Key === TAGS.containment && t.Value === 'released',
      ),
    dryRun: () => env.write.ec2(r.region).send(new CreateTagsCommand({ Resources: [r.instanceId], Tags: tags, DryRun: true })),
    apply: () => env.write.ec2(r.region).send(new CreateTagsCommand({ Resources: [r.instanceId], Tags: tags })),
  };
};
