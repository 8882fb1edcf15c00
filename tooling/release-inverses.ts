/**
 * The inverse of each reversible containment step, one per undo kind. The table is typed by
 * the undo union, so a forward step without an inverse does not compile. Each inverse is an
 * Action like any other: check-then-act against the current state, dry run where EC2 has one.
 */
import {
  AttachInstancesCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetInstanceProtectionCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  AssociateAddressCommand,
  AssociateIamInstanceProfileCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyInstanceAttributeCommand,
  type ModifyInstanceAttributeCommandInput,
  ModifyNetworkInterfaceAttributeCommand,
  ReplaceNetworkAclAssociationCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteRolePolicyCommand, DeleteUserPolicyCommand, GetRolePolicyCommand, GetUserPolicyCommand, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { TAGS } from '../shared/names';
import { errorCode } from './aws/errors';
import type { Action } from './case/executor';
import type { PhaseEnv } from './case/phase';
import type { Inverse, UndoKind, UndoOf, UndoRecord } from './case/undo';
import { restoreFleetCapacity } from './contain/fleets';
import { isIrctlGroup } from './contain/network';


const regional = (r: { region: string }) => ({ region: r.region, reversible: true, undo: undefined }) as const;

/** One inverse per undo kind. */
export const INVERSES: { readonly [K in UndoKind]: Inverse<K> } = {
  'eni-groups': (env, r) => ({
    ...regional(r),
    step: 'release/eni-groups',
    action: 'ec2:ModifyNetworkInterfaceAttribute',
    target: r.networkInterfaceId,
    summary: `restore ${r.networkInterfaceId} of ${r.instanceId} to its original groups ${r.groups.join(', ')}`,
    request: { NetworkInterfaceId: r.networkInterfaceId, Groups: r.groups },
    isDone: async () => {
      await refuseIrctlGroups(env, r);
      const cur = (await env.read.ec2(r.region).send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [r.networkInterfaceId] }))).NetworkInterfaces?.[0];
      return sameSet((cur?.Groups ?? []).map((g) => g.GroupId!), r.groups);
    },
    dryRun: () => env.write.ec2(r.region).send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: r.networkInterfaceId, Groups: [...r.groups], DryRun: true })),
    apply: () => env.write.ec2(r.region).send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: r.networkInterfaceId, Groups: [...r.groups] })),
  }),
  'eip-associate': (env, r) => {
    const req = { AllocationId: r.allocationId, NetworkInterfaceId: r.networkInterfaceId, PrivateIpAddress: r.privateIpAddress };
    return {
      ...regional(r),
      step: 'release/eip-associate',
      action: 'ec2:AssociateAddress',
      target: r.allocationId,
      summary: `re-associate Elastic IP ${r.allocationId} with ${r.networkInterfaceId} of ${r.instanceId}`,
      request: req,
      isDone: async () => (await env.read.ec2(r.region).send(new DescribeAddressesCommand({ AllocationIds: [r.allocationId] }))).Addresses?.[0]?.NetworkInterfaceId === r.networkInterfaceId,
      dryRun: () => env.write.ec2(r.region).send(new AssociateAddressCommand({ ...req, DryRun: true })),
      apply: () => env.write.ec2(r.region).send(new AssociateAddressCommand(req)),
    };
  },
  'delete-on-termination': (env, r) => {
    const request = { InstanceId: r.instanceId, BlockDeviceMappings: [{ DeviceName: r.deviceName, Ebs: { DeleteOnTermination: r.value } }] };
    return {
      ...regional(r),
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
  },
  'shutdown-behavior': (env, r) =>
    instanceAttribute(env, r, 'instanceInitiatedShutdownBehavior', { InstanceId: r.instanceId, Attribute: 'instanceInitiatedShutdownBehavior', Value: r.value }, r.value),
  'instance-flag': (env, r) =>
    instanceAttribute(env, r, r.attribute === 'DisableApiTermination' ? 'disableApiTermination' : 'disableApiStop', { InstanceId: r.instanceId, [r.attribute]: { Value: r.value } }, r.value),
  'asg-resume': (env, r) => ({
    ...regional(r),
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
  }),
  'asg-unprotect': (env, r) => ({
    ...regional(r),
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
  }),
  'asg-attach': (env, r) => ({
    ...regional(r),
    step: 'release/asg-attach',
    action: 'autoscaling:AttachInstances',
    target: r.instanceId,
    summary: `attach ${r.instanceId} to ${r.autoScalingGroupName} again (desired capacity +1)`,
    request: { AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] },
    isDone: async () => (await asgMember(env, r.region, r.instanceId))?.AutoScalingGroupName === r.autoScalingGroupName,
    apply: () => env.write.autoScaling(r.region).send(new AttachInstancesCommand({ AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] })),
  }),
  'asg-exit-standby': (env, r) => ({
    ...regional(r),
    step: 'release/asg-exit-standby',
    action: 'autoscaling:ExitStandby',
    target: r.instanceId,
    summary: `return ${r.instanceId} from Standby to service in ${r.autoScalingGroupName}`,
    request: { AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] },
    isDone: async () => !(await asgMember(env, r.region, r.instanceId))?.LifecycleState?.startsWith('Standby'),
    apply: () => env.write.autoScaling(r.region).send(new ExitStandbyCommand({ AutoScalingGroupName: r.autoScalingGroupName, InstanceIds: [r.instanceId] })),
  }),
  'elb-register': (env, r) => ({
    ...regional(r),
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
  }),
  'profile-associate': (env, r) => ({
    ...regional(r),
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
  }),
  'network-acl-restore': (env, r) => {
    const current = async () => {
      const acls = (await env.read.ec2(r.region).send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [r.subnetId] }] }))).NetworkAcls ?? [];
      const acl = acls[0];
      return { aclId: acl?.NetworkAclId, associationId: acl?.Associations?.find((a) => a.SubnetId === r.subnetId)?.NetworkAclAssociationId };
    };
    return {
      ...regional(r),
      step: 'release/network-acl-restore',
      action: 'ec2:ReplaceNetworkAclAssociation',
      target: r.subnetId,
      summary: `put subnet ${r.subnetId} back on its network ACL ${r.networkAclId}`,
      request: { SubnetId: r.subnetId, NetworkAclId: r.networkAclId },
      isDone: async () => (await current()).aclId === r.networkAclId,
      dryRun: async () => env.write.ec2(r.region).send(new ReplaceNetworkAclAssociationCommand({ AssociationId: (await current()).associationId, NetworkAclId: r.networkAclId, DryRun: true })),
      apply: async () => env.write.ec2(r.region).send(new ReplaceNetworkAclAssociationCommand({ AssociationId: (await current()).associationId, NetworkAclId: r.networkAclId })),
    };
  },
  'fleet-capacity': restoreFleetCapacity,
  'containment-tag': (env, r) => {
    const tags = [{ Key: TAGS.containment, Value: 'released' }];
    return {
      ...regional(r),
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
  },
  'delete-inline-policy': (env, r) => {
    const p = r.principal;
    const exists = async () => {
      try {
        if (p.kind === 'user') await env.read.iam().send(new GetUserPolicyCommand({ UserName: p.name, PolicyName: r.policyName }));
        else await env.read.iam().send(new GetRolePolicyCommand({ RoleName: p.name, PolicyName: r.policyName }));
        return true;
      } catch (err) {
        if (/NoSuchEntity/.test(errorCode(err))) return false;
        throw err;
      }
    };
    return {
      reversible: true,
      step: 'release/delete-inline-policy',
      action: p.kind === 'user' ? 'iam:DeleteUserPolicy' : 'iam:DeleteRolePolicy',
      target: `${p.kind}/${p.name}`,
      summary: `remove ${r.policyName} from ${p.kind} ${p.name}`,
      request: { name: p.name, PolicyName: r.policyName },
      isDone: async () => !(await exists()),
      apply: () =>
        p.kind === 'user'
          ? env.write.iam().send(new DeleteUserPolicyCommand({ UserName: p.name, PolicyName: r.policyName }))
          : env.write.iam().send(new DeleteRolePolicyCommand({ RoleName: p.name, PolicyName: r.policyName })),
      verify: async () => !(await exists()),
    };
  },
  'access-key-activate': (env, r) => {
    const status = async () =>
      ((await env.read.iam().send(new ListAccessKeysCommand({ UserName: r.userName }))).AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === r.accessKeyId)?.Status;
    return {
      reversible: true,
      step: 'release/access-key-activate',
      action: 'iam:UpdateAccessKey',
      target: `user/${r.userName}/${r.accessKeyId}`,
      summary: `re-activate access key ${r.accessKeyId} of ${r.userName}`,
      request: { UserName: r.userName, AccessKeyId: r.accessKeyId, Status: 'Active' },
      isDone: async () => (await status()) === 'Active',
      apply: () => env.write.iam().send(new UpdateAccessKeyCommand({ UserName: r.userName, AccessKeyId: r.accessKeyId, Status: 'Active' })),
      verify: async () => (await status()) === 'Active',
    };
  },
};

/** The inverse action of one undo record. */
export function inverseOf(env: PhaseEnv, r: UndoRecord): Action | undefined {
  const build = INVERSES[r.kind] as Inverse<UndoKind> | undefined;
  return build?.(env, r as never);
}

function instanceAttribute(
  env: PhaseEnv,
  r: { region: string; instanceId: string },
  attr: 'instanceInitiatedShutdownBehavior' | 'disableApiTermination' | 'disableApiStop',
  request: ModifyInstanceAttributeCommandInput,
  value: string | boolean,
): Action {
  return {
    ...regional(r),
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

async function asgMember(env: PhaseEnv, region: string, instanceId: string) {
  return ((await env.read.autoScaling(region).send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }))).AutoScalingInstances ?? [])[0];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}

/** A journal written before irctl journaled intents may name irctl's own group as an original: restoring it would leave the ENI open. */
async function refuseIrctlGroups(env: PhaseEnv, r: UndoOf<'eni-groups'>): Promise<void> {
  const found = (await env.read.ec2(r.region).send(new DescribeSecurityGroupsCommand({ GroupIds: [...r.groups] }))).SecurityGroups ?? [];
  const own = found.filter((g) => isIrctlGroup(g) || g.Tags?.some((t) => t.Key === TAGS.isolationRole));
  if (own.length === 0) return;
  throw new Error(
    `the journal names irctl's own group ${own.map((g) => `${g.GroupId} (${g.GroupName})`).join(', ')} as the original of ${r.networkInterfaceId}; restoring it would leave ${r.instanceId} open to all traffic, so release left it isolated. ` +
      `Fix: attach the workload's real security groups by hand: aws ec2 modify-network-interface-attribute --network-interface-id ${r.networkInterfaceId} --groups <group-ids> --region ${r.region}`,
  );
}
