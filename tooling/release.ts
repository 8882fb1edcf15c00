/**
 * release: undo a containment from the journal. For every resource setting the containment
 * changed, the first applied entry holds the original state; release restores it, newest
 * change first (so an instance rejoins its Auto Scaling group before its scale-in protection
 * is lifted). What cannot be undone — released Elastic IPs, cancelled Spot requests,
 * snapshots, anything eradicated — is listed for the report instead.
 */
import { AttachInstancesCommand, DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand, ResumeProcessesCommand, SetInstanceProtectionCommand } from '@aws-sdk/client-auto-scaling';
import {
  AssociateAddressCommand,
  AssociateIamInstanceProfileCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  ModifyInstanceAttributeCommand,
  type ModifyInstanceAttributeCommandInput,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, RegisterTargetsCommand, type TargetDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteRolePolicyCommand, DeleteUserPolicyCommand, GetRolePolicyCommand, GetUserPolicyCommand, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { TAGS } from '../shared/names';
import { errorCode } from './aws/errors';
import type { Action, UndoRecord } from './case/executor';
import type { PhaseEnv } from './case/phase';
import type { IamPrincipal } from './contain/credentials';
import type { JournalEntry } from './model';

/** Undo records to apply, newest first, and what cannot be undone. */
export interface ReleasePlan {
  readonly undo: ReadonlyArray<{ readonly record: UndoRecord; readonly entry: JournalEntry }>;
  /** Sentences for the report: changes release cannot reverse. */
  readonly manual: readonly string[];
}

const CREDENTIAL_UNDO: ReadonlySet<string> = new Set(['access-key-activate', 'delete-inline-policy']);

/** Work out, from the journal alone, what release must restore. */
export function planRelease(entries: readonly JournalEntry[]): ReleasePlan {
  const applied = entries.filter((e) => e.outcome === 'applied' && !e.step.startsWith('release/'));
  const gone = new Set(applied.filter((e) => /^(ec2:TerminateInstances|iam:DeleteUser|ec2:ReleaseAddress)$/.test(e.action)).map((e) => e.target));
  const first = new Map<string, { record: UndoRecord; entry: JournalEntry; lastSeq: number }>();
  for (const e of applied) {
    const record = e.undo as UndoRecord | undefined;
    if (!e.reversible || !record?.key) continue;
    const seen = first.get(record.key);
    if (seen) seen.lastSeq = e.seq;
    else first.set(record.key, { record, entry: e, lastSeq: e.seq });
  }
  const manual: string[] = [];
  // eradicate --apply means the compromise was confirmed: giving the credentials back would hand them to the attacker.
  const confirmed = applied.some((e) => e.step.startsWith('eradicate/'));
  const undo = [...first.values()]
    .filter(({ record }) => {
      if (confirmed && CREDENTIAL_UNDO.has(record.kind)) {
        manual.push(
          record.kind === 'access-key-activate'
            ? `access key ${String(record.accessKeyId)} of ${String(record.userName)} left inactive: eradication confirmed the compromise; issue the user a new key instead`
            : `${String(record.policyName)} left on ${(record.principal as IamPrincipal).kind} ${(record.principal as IamPrincipal).name}: eradication confirmed the compromise; remove it by hand once its credentials are rotated`,
        );
        return false;
      }
      const owner = (record.instanceId ?? record.allocationId ?? (record.principal as IamPrincipal | undefined)?.name ?? record.userName) as string | undefined;
      const ownerGone = owner && (gone.has(owner) || gone.has(`user/${owner}`));
      if (ownerGone) manual.push(`${record.kind} on ${owner}: not restored, the resource was removed (${owner})`);
      return !ownerGone;
    })
    .sort((a, b) => b.lastSeq - a.lastSeq)
    .map(({ record, entry }) => ({ record, entry }));
  for (const e of applied.filter((x) => !x.reversible)) {
    if (e.action === 'ec2:ReleaseAddress') manual.push(`Elastic IP ${(e.request as { address?: { PublicIp?: string } }).address?.PublicIp ?? ''} (${e.target}) was released for good; allocate a new one if the workload needs it`);
    else if (e.action === 'ec2:CancelSpotInstanceRequests') manual.push(`Spot request ${e.target} was cancelled; request capacity again if the workload was legitimate`);
    else if (e.action === 'ec2:CreateSnapshot') manual.push(`Case snapshot of ${e.target} kept as evidence (delete it when the case closes)`);
    else if (e.action === 'ec2:CreateSecurityGroup') manual.push(`Isolation group ${e.target} created by irctl kept (harmless; delete when unused)`);
  }
  return { undo, manual: [...new Set(manual)] };
}

/** Restore everything reversible that the case's containment changed. Returns the manual leftovers. */
export async function releaseCase(env: PhaseEnv): Promise<readonly string[]> {
  const plan = planRelease(env.exec.options.journal.entries());
  if (plan.undo.length === 0) env.reporter.progress('release: the journal records no applied reversible containment step; nothing to undo.');
  // Sequential, newest first: the order matters (rejoin the group before lifting protection).
  for (const { record } of plan.undo) {
    const action = undoAction(env, record);
    if (action) await env.exec.run(action);
    else env.exec.fail('release/unknown', `journal undo kind "${record.kind}" (${record.key}) is unknown to this irctl version; restore it by hand`, { target: record.key });
  }
  for (const m of plan.manual) env.reporter.progress(`[manual] ${m}`);
  return plan.manual;
}

function undoAction(env: PhaseEnv, r: UndoRecord): Action | undefined {
  const region = r.region;
  const base = { region, reversible: true, undo: undefined } as const;
  const ec2 = region ? env.write.ec2(region) : undefined;
  const read = region ? env.read.ec2(region) : undefined;
  const instanceId = r.instanceId as string;
  switch (r.kind) {
    case 'eni-groups': {
      const eni = r.networkInterfaceId as string;
      const groups = r.groups as string[];
      return {
        ...base,
        step: 'release/eni-groups',
        action: 'ec2:ModifyNetworkInterfaceAttribute',
        target: eni,
        summary: `restore ${eni} to its original groups ${groups.join(', ')}`,
        request: { NetworkInterfaceId: eni, Groups: groups },
        isDone: async () => {
          const cur = (await read!.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }))).NetworkInterfaces?.[0];
          return sameSet((cur?.Groups ?? []).map((g) => g.GroupId!), groups);
        },
        dryRun: () => ec2!.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: groups, DryRun: true })),
        apply: () => ec2!.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: groups })),
      };
    }
    case 'eip-associate': {
      const req = { AllocationId: r.allocationId as string, NetworkInterfaceId: r.networkInterfaceId as string, PrivateIpAddress: r.privateIpAddress as string | undefined };
      return {
        ...base,
        step: 'release/eip-associate',
        action: 'ec2:AssociateAddress',
        target: req.AllocationId,
        summary: `re-associate Elastic IP ${req.AllocationId} with ${req.NetworkInterfaceId}`,
        request: req,
        isDone: async () => (await read!.send(new DescribeAddressesCommand({ AllocationIds: [req.AllocationId] }))).Addresses?.[0]?.NetworkInterfaceId === req.NetworkInterfaceId,
        dryRun: () => ec2!.send(new AssociateAddressCommand({ ...req, DryRun: true })),
        apply: () => ec2!.send(new AssociateAddressCommand(req)),
      };
    }
    case 'delete-on-termination': {
      const deviceName = r.deviceName as string;
      const value = r.value as boolean;
      const request = { InstanceId: instanceId, BlockDeviceMappings: [{ DeviceName: deviceName, Ebs: { DeleteOnTermination: value } }] };
      return {
        ...base,
        step: 'release/delete-on-termination',
        action: 'ec2:ModifyInstanceAttribute',
        target: instanceId,
        summary: `DeleteOnTermination=${value} on ${deviceName} again`,
        request,
        isDone: async () => {
          const inst = (await read!.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0];
          return inst?.BlockDeviceMappings?.find((b) => b.DeviceName === deviceName)?.Ebs?.DeleteOnTermination === value;
        },
        dryRun: () => ec2!.send(new ModifyInstanceAttributeCommand({ ...request, DryRun: true })),
        apply: () => ec2!.send(new ModifyInstanceAttributeCommand(request)),
      };
    }
    case 'shutdown-behavior':
    case 'instance-flag': {
      const attr = r.kind === 'shutdown-behavior' ? 'instanceInitiatedShutdownBehavior' : r.attribute === 'DisableApiTermination' ? 'disableApiTermination' : 'disableApiStop';
      const request: ModifyInstanceAttributeCommandInput =
        r.kind === 'shutdown-behavior'
          ? { InstanceId: instanceId, Attribute: 'instanceInitiatedShutdownBehavior', Value: String(r.value) }
          : { InstanceId: instanceId, [r.attribute as string]: { Value: r.value as boolean } };
      return {
        ...base,
        step: `release/${attr}`,
        action: 'ec2:ModifyInstanceAttribute',
        target: instanceId,
        summary: `${attr} back to ${String(r.value)}`,
        request,
        isDone: async () => {
          const out = await read!.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: attr }));
          const v = out.InstanceInitiatedShutdownBehavior?.Value ?? out.DisableApiTermination?.Value ?? out.DisableApiStop?.Value;
          return String(v) === String(r.value);
        },
        dryRun: () => ec2!.send(new ModifyInstanceAttributeCommand({ ...request, DryRun: true })),
        apply: () => ec2!.send(new ModifyInstanceAttributeCommand(request)),
      };
    }
    case 'asg-attach':
    case 'asg-unprotect':
    case 'asg-resume':
      return autoScalingUndo(env, r);
    case 'elb-register': {
      const target = r.target as TargetDescription;
      const arn = r.targetGroupArn as string;
      return {
        ...base,
        step: 'release/elb-register',
        action: 'elasticloadbalancing:RegisterTargets',
        target: arn,
        summary: `register ${target.Id} with ${arn.split(':').pop()} again`,
        request: { TargetGroupArn: arn, Targets: [target] },
        isDone: async () =>
          ((await env.read.elbv2(region!).send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? []).some(
            (d) => d.Target?.Id === target.Id && d.TargetHealth?.State !== 'draining',
          ),
        apply: () => env.write.elbv2(region!).send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [target] })),
      };
    }
    case 'profile-associate': {
      const arn = r.profileArn as string;
      return {
        ...base,
        step: 'release/profile-associate',
        action: 'ec2:AssociateIamInstanceProfile',
        target: instanceId,
        summary: `re-associate instance profile ${arn}`, // AssociateIamInstanceProfile has no DryRun: planned only
        request: { InstanceId: instanceId, IamInstanceProfile: { Arn: arn } },
        isDone: async () =>
          ((await read!.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] }))).IamInstanceProfileAssociations ?? []).some(
            (a) => a.State === 'associated' || a.State === 'associating',
          ),
        apply: () => ec2!.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Arn: arn } })),
      };
    }
    case 'delete-inline-policy': {
      const p = r.principal as IamPrincipal;
      const policyName = r.policyName as string;
      const exists = async () => {
        try {
          if (p.kind === 'user') await env.read.iam().send(new GetUserPolicyCommand({ UserName: p.name, PolicyName: policyName }));
          else await env.read.iam().send(new GetRolePolicyCommand({ RoleName: p.name, PolicyName: policyName }));
          return true;
        } catch (err) {
          if (/NoSuchEntity/.test(errorCode(err))) return false;
          throw err;
        }
      };
      return {
        ...base,
        step: 'release/delete-inline-policy',
        action: p.kind === 'user' ? 'iam:DeleteUserPolicy' : 'iam:DeleteRolePolicy',
        target: `${p.kind}/${p.name}`,
        summary: `remove ${policyName} from ${p.kind} ${p.name}`,
        request: { name: p.name, PolicyName: policyName },
        isDone: async () => !(await exists()),
        apply: () =>
          p.kind === 'user'
            ? env.write.iam().send(new DeleteUserPolicyCommand({ UserName: p.name, PolicyName: policyName }))
            : env.write.iam().send(new DeleteRolePolicyCommand({ RoleName: p.name, PolicyName: policyName })),
        verify: async () => !(await exists()),
      };
    }
    case 'access-key-activate': {
      const userName = r.userName as string;
      const keyId = r.accessKeyId as string;
      const status = async () => ((await env.read.iam().send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === keyId)?.Status;
      return {
        ...base,
        step: 'release/access-key-activate',
        action: 'iam:UpdateAccessKey',
        target: `user/${userName}/${keyId}`,
        summary: `re-activate access key ${keyId} of ${userName}`,
        request: { UserName: userName, AccessKeyId: keyId, Status: 'Active' },
        isDone: async () => (await status()) === 'Active',
        apply: () => env.write.iam().send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: keyId, Status: 'Active' })),
        verify: async () => (await status()) === 'Active',
      };
    }
    case 'containment-tag': {
      const tags = [{ Key: TAGS.containment, Value: 'released' }];
      return {
        ...base,
        step: 'release/tag',
        action: 'ec2:CreateTags',
        target: instanceId,
        summary: `tag ${TAGS.containment}=released (the case tag stays)`,
        request: { Resources: [instanceId], Tags: tags },
        isDone: async () =>
          !!(await read!.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]?.Instances?.[0]?.Tags?.some((t) => t.Key === TAGS.containment && t.Value === 'released'),
        dryRun: () => ec2!.send(new CreateTagsCommand({ Resources: [instanceId], Tags: tags, DryRun: true })),
        apply: () => ec2!.send(new CreateTagsCommand({ Resources: [instanceId], Tags: tags })),
      };
    }
    default:
      return undefined;
  }
}

function autoScalingUndo(env: PhaseEnv, r: UndoRecord): Action {
  const region = r.region!;
  const asg = env.write.autoScaling(region);
  const name = r.autoScalingGroupName as string;
  const instanceId = r.instanceId as string;
  const member = async () =>
    ((await env.read.autoScaling(region).send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] }))).AutoScalingInstances ?? [])[0];
  const base = { region, reversible: true } as const;
  if (r.kind === 'asg-attach') {
    return {
      ...base,
      step: 'release/asg-attach',
      action: 'autoscaling:AttachInstances',
      target: instanceId,
      summary: `attach ${instanceId} to ${name} again (desired capacity +1)`,
      request: { AutoScalingGroupName: name, InstanceIds: [instanceId] },
      isDone: async () => (await member())?.AutoScalingGroupName === name,
      apply: () => asg.send(new AttachInstancesCommand({ AutoScalingGroupName: name, InstanceIds: [instanceId] })),
    };
  }
  if (r.kind === 'asg-unprotect') {
    const value = r.value as boolean;
    return {
      ...base,
      step: 'release/asg-protection',
      action: 'autoscaling:SetInstanceProtection',
      target: instanceId,
      summary: `scale-in protection of ${instanceId} back to ${value}`,
      request: { AutoScalingGroupName: name, InstanceIds: [instanceId], ProtectedFromScaleIn: value },
      isDone: async () => {
        const m = await member();
        return !m || m.ProtectedFromScaleIn === value;
      },
      apply: () => asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: name, InstanceIds: [instanceId], ProtectedFromScaleIn: value })),
    };
  }
  const processes = r.processes as string[];
  return {
    ...base,
    step: 'release/asg-resume',
    action: 'autoscaling:ResumeProcesses',
    target: name,
    summary: `resume ${processes.join(', ')} on ${name}`,
    request: { AutoScalingGroupName: name, ScalingProcesses: processes },
    isDone: async () => {
      const g = (await env.read.autoScaling(region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
      const suspended = new Set((g?.SuspendedProcesses ?? []).map((p) => p.ProcessName));
      return processes.every((p) => !suspended.has(p));
    },
    apply: () => asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: processes })),
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}
