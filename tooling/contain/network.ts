/**
 * Network isolation: changing a security group does not end tracked
 * connections, so each ENI moves first to the allow-all transition group (flows become
 * untracked) and then to the no-traffic isolation group. Each ENI is changed on its own
 * because ModifyInstanceAttribute Groups fails on instances with several ENIs. The groups
 * come from the stacks (found by tag in the VPC); where missing, irctl creates them with the
 * deterministic names from shared/names.ts so a rerun finds them instead of duplicating.
 */
import {
  DescribeNetworkInterfacesCommand,
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type Instance,
  type IpPermission,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { MANAGED_BY, SECURITY_GROUPS, TAGS } from '../../shared/names';
import type { Action } from '../case/executor';
import type { Once, PhaseEnv } from '../case/phase';
import { type Inverse, inverseBase } from '../case/inverse';
import type { UndoOf } from '../case/undo';

/** Group IDs in one VPC; undefined when planning and the group does not exist yet. */
export interface IsolationGroups {
  readonly isolation?: string;
  readonly transition?: string;
}

type Purpose = keyof typeof SECURITY_GROUPS;

const ALL_TRAFFIC_V4: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const ALL_TRAFFIC_V6: IpPermission = { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] };

/** Find (or create, journaled) the isolation and transition groups of a VPC; once per VPC. */
export function isolationGroups(env: PhaseEnv, once: Once, region: string, vpcId: string): Promise<IsolationGroups> {
  return once.run(`sg/${region}/${vpcId}`, async () => {
    const existing = await describeGroups(env, region, vpcId);
    const isolation = existing.isolation ?? (await createGroup(env, region, vpcId, 'isolation'));
    const transition = existing.transition ?? (await createGroup(env, region, vpcId, 'transition'));
    return { isolation, transition };
  });
}

async function describeGroups(env: PhaseEnv, region: string, vpcId: string): Promise<{ isolation?: string; transition?: string }> {
  const out = await env.read.ec2(region).send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const groups = out.SecurityGroups ?? [];
  const find = (purpose: Purpose): SecurityGroup | undefined =>
    groups.find((g) => g.Tags?.some((t) => t.Key === TAGS.isolationRole && t.Value === purpose)) ?? groups.find((g) => g.GroupName === SECURITY_GROUPS[purpose]);
  const isolation = find('isolation');
  const transition = find('transition');
  if (isolation && ((isolation.IpPermissionsEgress?.length ?? 0) > 0 || (isolation.IpPermissions ?? []).some(opensToWorld))) {
    // An isolation group that lets traffic out is not one; refuse rather than pretend to isolate.
    throw new Error(
      `security group ${isolation.GroupId} (${SECURITY_GROUPS.isolation}) in ${vpcId} allows traffic; it cannot isolate. Fix: remove its egress and world-open ingress rules (or redeploy the stacks) and rerun.`,
    );
  }
  return { isolation: isolation?.GroupId, transition: transition?.GroupId };
}

function opensToWorld(p: IpPermission): boolean {
  return (p.IpRanges ?? []).some((r) => r.CidrIp === '0.0.0.0/0') || (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === '::/0');
}

async function createGroup(env: PhaseEnv, region: string, vpcId: string, purpose: Purpose): Promise<string | undefined> {
  const ec2 = env.write.ec2(region);
  const name = SECURITY_GROUPS[purpose];
  let groupId: string | undefined;
  const request = {
    GroupName: name,
    VpcId: vpcId,
    Description: purpose === 'isolation' ? 'irctl isolation: no traffic' : 'irctl transition: allow all so tracked flows become untracked',
    TagSpecifications: [
      {
        ResourceType: 'security-group' as const,
        Tags: [
          { Key: TAGS.managedBy, Value: MANAGED_BY },
          { Key: TAGS.isolationRole, Value: purpose },
          { Key: TAGS.caseId, Value: env.ctx.caseId },
        ],
      },
    ],
  };
  const rules: Array<{ action: string; summary: string; send: (groupId: string, dryRun: boolean) => Promise<unknown>; done: (g: SecurityGroup) => boolean }> =
    purpose === 'isolation'
      ? [
          {
            action: 'ec2:RevokeSecurityGroupEgress',
            summary: 'revoke the default allow-all egress',
            send: (id, DryRun) => ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [ALL_TRAFFIC_V4], DryRun })),
            done: (g) => (g.IpPermissionsEgress ?? []).length === 0,
          },
        ]
      : [
          {
            action: 'ec2:AuthorizeSecurityGroupIngress',
            summary: 'allow all inbound (v4 and v6)',
            send: (id, DryRun) => ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ALL_TRAFFIC_V4, ALL_TRAFFIC_V6], DryRun })),
            done: (g) => (g.IpPermissions ?? []).some((p) => p.IpProtocol === '-1' && opensToWorld(p)),
          },
          {
            action: 'ec2:AuthorizeSecurityGroupEgress',
            summary: 'allow all outbound IPv6 (IPv4 is the default rule)',
            send: (id, DryRun) => ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [ALL_TRAFFIC_V6], DryRun })),
            done: (g) => (g.IpPermissionsEgress ?? []).some((p) => (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === '::/0')),
          },
        ];
  const lookup = async (): Promise<SecurityGroup | undefined> => {
    const out = await env.read.ec2(region).send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: [name] }] }));
    return out.SecurityGroups?.[0];
  };
  const create: Action = {
    step: 'contain-instances/create-isolation-group',
    action: 'ec2:CreateSecurityGroup',
    region,
    target: `${vpcId}/${name}`,
    summary: `create ${purpose} group ${name} (the stacks did not deploy one in this VPC)`,
    reversible: false,
    request,
    isDone: async () => {
      groupId = (await lookup())?.GroupId;
      return !!groupId;
    },
    dryRun: () => ec2.send(new CreateSecurityGroupCommand({ ...request, DryRun: true })),
    apply: async () => {
      const out = await ec2.send(new CreateSecurityGroupCommand(request));
      groupId = out.GroupId;
      return out;
    },
  };
  const outcome = await env.exec.run(create);
  if (outcome === 'failed' || !groupId) return undefined;
  const id = groupId;
  const ruleActions: Action[] = rules.map((r) => ({
    step: 'contain-instances/create-isolation-group',
    action: r.action,
    region,
    target: id,
    summary: r.summary,
    reversible: false,
    request: { GroupId: id },
    isDone: async () => {
      const g = await lookup();
      return !!g && r.done(g);
    },
    dryRun: () => r.send(id, true),
    apply: () => r.send(id, false),
  }));
  // A half-built group must not be used: an isolation group with egress left open isolates nothing.
  const complete = await env.exec.sequence(ruleActions);
  if (!complete && env.exec.applying) throw new Error(`${purpose} group ${id} in ${vpcId} is incomplete; not using it. Fix the error above and rerun.`);
  return id;
}

/** The two-step move of every ENI of an instance: transition group, then isolation group. */
export function eniIsolationActions(env: PhaseEnv, region: string, instance: Instance, groups: IsolationGroups): Action[][] {
  const ec2 = env.write.ec2(region);
  return (instance.NetworkInterfaces ?? []).map((eni) => {
    const eniId = eni.NetworkInterfaceId!;
    const current = (eni.Groups ?? []).map((g) => g.GroupId!).sort();
    const only = (id?: string) => !!id && current.length === 1 && current[0] === id;
    const original = originalGroups(env, eniId, eni.Groups ?? [], groups);
    const move = (purpose: Purpose, groupId: string | undefined, isDone: () => boolean): Action => ({
      step: `contain-instances/isolate-eni-${purpose}`,
      action: 'ec2:ModifyNetworkInterfaceAttribute',
      region,
      target: eniId,
      summary: `move ${eniId} of ${instance.InstanceId} to the ${purpose} group ${groupId ?? `(${SECURITY_GROUPS[purpose]}, to be created)`}`,
      // Without a known original there is nothing release could restore: say so rather than record irctl's own group.
      reversible: !!original,
      request: { NetworkInterfaceId: eniId, Groups: [groupId ?? SECURITY_GROUPS[purpose]] },
      undo: original ? { key: `eni-groups:${eniId}`, kind: 'eni-groups', region, networkInterfaceId: eniId, instanceId: instance.InstanceId!, groups: original } : undefined,
      isDone: async () => isDone(),
      // Without a group ID (planning, group not created yet) there is nothing valid to dry-run.
      dryRun: groupId ? () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [groupId], DryRun: true })) : undefined,
      apply: () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: [groupId!] })),
    });
    return [
      move('transition', groups.transition, () => only(groups.transition) || only(groups.isolation)),
      move('isolation', groups.isolation, () => only(groups.isolation)),
    ];
  });
}

/** True for a group irctl owns (transition or isolation): never a workload's original state. */
export function isIrctlGroup(g: { GroupId?: string; GroupName?: string }, known: IsolationGroups = {}): boolean {
  return (
    (!!g.GroupId && (g.GroupId === known.isolation || g.GroupId === known.transition)) ||
    Object.values(SECURITY_GROUPS).includes(g.GroupName as (typeof SECURITY_GROUPS)[Purpose])
  );
}

/**
 * The ENI's groups before irctl touched it: the first journaled record (an intent counts, so a
 * run killed mid-move still knows it), else its current groups minus irctl's own. Undefined when
 * only irctl's groups are left and the journal has no record: the original is unknown.
 */
function originalGroups(env: PhaseEnv, eniId: string, current: ReadonlyArray<{ GroupId?: string; GroupName?: string }>, known: IsolationGroups): string[] | undefined {
  const key = `eni-groups:${eniId}`;
  const recorded = env.exec.options.journal
    .entries()
    .find((e) => (e.outcome === 'started' || e.outcome === 'applied') && (e.undo as { key?: string } | undefined)?.key === key);
  if (recorded) return [...(recorded.undo as { groups: string[] }).groups];
  const own = current.filter((g) => !isIrctlGroup(g, known)).map((g) => g.GroupId!);
  return own.length ? own.sort() : undefined;
}

/** Inverse of the eni-groups undo record (release). */
export const restoreEniGroups: Inverse<'eni-groups'> = (env, r) => ({
  ...inverseBase(r),
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
});

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
