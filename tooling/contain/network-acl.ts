/**
 * The optional network-ACL cut (contain-instances --network-acl-cut). Security groups are
 * stateful: a connection the miner opened before isolation is tracked and survives the group
 * change until it goes idle (the transition group makes most flows untracked, but not ICMP or
 * flows through an NLB or NAT gateway). A network ACL is stateless and cuts every flow at once.
 *
 * The trade-off: an ACL applies to the whole subnet, not to one instance. irctl therefore cuts
 * a subnet only when every network interface in it belongs to an instance being contained in
 * this run — never a subnet shared with other instances, load balancers, NAT gateways or
 * endpoints — and otherwise says why it did not. The cut also takes the responders' own paths
 * into the subnet (Session Manager, Instance Connect); evidence is collected before it. The
 * subnet's previous ACL is journaled and `release` puts it back.
 */
import {
  CreateNetworkAclCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  type Instance,
  ReplaceNetworkAclAssociationCommand,
} from '@aws-sdk/client-ec2';
import { MANAGED_BY, TAGS } from '../../shared/names';
import type { Action } from '../case/executor';
import type { Once, PhaseEnv } from '../case/phase';
import { type Inverse, inverseBase } from '../case/inverse';

/** TAGS.isolationRole value of the deny-all ACL irctl creates. */
export const NETWORK_ACL_ROLE = 'network-acl-cut';

/** Why a subnet may not be cut, or undefined when only suspect instances live in it. */
export async function subnetNotExclusive(env: PhaseEnv, region: string, subnetId: string, suspects: ReadonlySet<string>): Promise<string | undefined> {
  const out = await env.read.ec2(region).send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }));
  const others = (out.NetworkInterfaces ?? []).filter((n) => !n.Attachment?.InstanceId || !suspects.has(n.Attachment.InstanceId));
  if (others.length === 0) return undefined;
  const what = others.slice(0, 5).map((n) => (n.Attachment?.InstanceId ? `instance ${n.Attachment.InstanceId}` : `${n.InterfaceType ?? 'interface'} ${n.NetworkInterfaceId}${n.Description ? ` (${n.Description})` : ''}`));
  return `subnet ${subnetId} also holds ${what.join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}`;
}

/** Cut the instance's subnet off with a deny-all network ACL, if the subnet holds only suspects. */
export async function cutSubnet(env: PhaseEnv, once: Once, region: string, instance: Instance, suspects: ReadonlySet<string>): Promise<void> {
  const subnetId = instance.SubnetId;
  const vpcId = instance.VpcId;
  if (!subnetId || !vpcId) return;
  const refusal = await once.run(`nacl-check/${region}/${subnetId}`, () => subnetNotExclusive(env, region, subnetId, suspects));
  if (refusal) {
    env.reporter.warn(
      `${instance.InstanceId}: network ACL cut skipped: ${refusal}, and an ACL cuts the whole subnet. The security-group isolation stands; tracked connections end when idle. Fix: move the others out, or cut by hand if you accept the outage.`,
    );
    return;
  }
  await once.run(`nacl-cut/${region}/${subnetId}`, async () => {
    const aclId = await denyAllAcl(env, once, region, vpcId);
    if (!aclId && env.exec.applying) return;
    await env.exec.run(await replaceAssociation(env, region, subnetId, aclId, instance.InstanceId!));
  });
}

const aclFilters = (env: PhaseEnv, vpcId: string) => [
  { Name: 'vpc-id', Values: [vpcId] },
  { Name: `tag:${TAGS.isolationRole}`, Values: [NETWORK_ACL_ROLE] },
  { Name: `tag:${TAGS.caseId}`, Values: [env.ctx.caseId] },
];

// One deny-all ACL per VPC and case; a new custom ACL denies everything in both directions.
function denyAllAcl(env: PhaseEnv, once: Once, region: string, vpcId: string): Promise<string | undefined> {
  return once.run(`nacl/${region}/${vpcId}`, async () => {
    const ec2 = env.write.ec2(region);
    const find = async () => (await env.read.ec2(region).send(new DescribeNetworkAclsCommand({ Filters: aclFilters(env, vpcId) }))).NetworkAcls?.[0]?.NetworkAclId;
    let aclId = await find();
    const request = {
      VpcId: vpcId,
      TagSpecifications: [
        {
          ResourceType: 'network-acl' as const,
          Tags: [
            { Key: TAGS.managedBy, Value: MANAGED_BY },
            { Key: TAGS.isolationRole, Value: NETWORK_ACL_ROLE },
            { Key: TAGS.caseId, Value: env.ctx.caseId },
          ],
        },
      ],
    };
    await env.exec.run({
      step: 'contain-instances/network-acl-create',
      action: 'ec2:CreateNetworkAcl',
      region,
      target: vpcId,
      summary: `create a deny-all network ACL in ${vpcId} for the case (no entries: a custom ACL denies everything)`,
      reversible: false,
      request,
      isDone: async () => !!aclId,
      dryRun: () => ec2.send(new CreateNetworkAclCommand({ ...request, DryRun: true })),
      apply: async () => {
        const out = await ec2.send(new CreateNetworkAclCommand(request));
        aclId = out.NetworkAcl?.NetworkAclId;
        return out;
      },
    });
    return aclId;
  });
}

async function replaceAssociation(env: PhaseEnv, region: string, subnetId: string, cutAclId: string | undefined, instanceId: string): Promise<Action> {
  const ec2 = env.write.ec2(region);
  const acls = (await env.read.ec2(region).send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }))).NetworkAcls ?? [];
  const current = acls[0];
  const associationId = current?.Associations?.find((a) => a.SubnetId === subnetId)?.NetworkAclAssociationId;
  const originalAclId = current?.NetworkAclId ?? '';
  const request = { AssociationId: associationId, NetworkAclId: cutAclId };
  return {
    step: 'contain-instances/network-acl-cut',
    action: 'ec2:ReplaceNetworkAclAssociation',
    region,
    target: subnetId,
    summary: `cut subnet ${subnetId} off with network ACL ${cutAclId ?? '(to be created)'}: ends tracked connections at once, for the whole subnet (it holds only suspect instances)`,
    reversible: true,
    request: { ...request, SubnetId: subnetId, previousNetworkAclId: originalAclId },
    undo: { key: `nacl:${subnetId}`, kind: 'network-acl-restore', region, instanceId, subnetId, networkAclId: originalAclId },
    isDone: async () => !!cutAclId && originalAclId === cutAclId,
    // Without the ACL (planning, not created yet) there is nothing valid to dry-run.
    dryRun: cutAclId ? () => ec2.send(new ReplaceNetworkAclAssociationCommand({ ...request, DryRun: true })) : undefined,
    apply: () => ec2.send(new ReplaceNetworkAclAssociationCommand(request)),
  };
}

/** Inverse of the network-acl-restore undo record (release). */
export const restoreNetworkAcl: Inverse<'network-acl-restore'> = (env, r) => {
  const current = async () => {
    const acls = (await env.read.ec2(r.region).send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [r.subnetId] }] }))).NetworkAcls ?? [];
    const acl = acls[0];
    return { aclId: acl?.NetworkAclId, associationId: acl?.Associations?.find((a) => a.SubnetId === r.subnetId)?.NetworkAclAssociationId };
  };
  return {
    ...inverseBase(r),
    step: 'release/network-acl-restore',
    action: 'ec2:ReplaceNetworkAclAssociation',
    target: r.subnetId,
    summary: `put subnet ${r.subnetId} back on its network ACL ${r.networkAclId}`,
    request: { SubnetId: r.subnetId, NetworkAclId: r.networkAclId },
    isDone: async () => (await current()).aclId === r.networkAclId,
    dryRun: async () => env.write.ec2(r.region).send(new ReplaceNetworkAclAssociationCommand({ AssociationId: (await current()).associationId, NetworkAclId: r.networkAclId, DryRun: true })),
    apply: async () => env.write.ec2(r.region).send(new ReplaceNetworkAclAssociationCommand({ AssociationId: (await current()).associationId, NetworkAclId: r.networkAclId })),
  };
};
