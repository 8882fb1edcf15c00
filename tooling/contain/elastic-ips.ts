/**
 * Elastic IPs of a suspect instance. Containment only disassociates them: that already cuts
 * the public path and is undone by re-associating. Releasing gives the address up for good
 * (an allow-listed IP a partner trusts cannot be had back), so it belongs to eradicate, behind
 * the confirmation every irreversible step gets.
 */
import { type Address, AssociateAddressCommand, DescribeAddressesCommand, DisassociateAddressCommand, ReleaseAddressCommand } from '@aws-sdk/client-ec2';
import { errorCode } from '../aws/errors';
import type { Action } from '../case/executor';
import type { PhaseEnv } from '../case/phase';
import { type Inverse, inverseBase } from '../case/inverse';

/** What the journal keeps of an address so eradicate and release can find it after it left the instance. */
interface AddressRecord {
  readonly AllocationId?: string;
  readonly PublicIp?: string;
  readonly NetworkInterfaceId?: string;
  readonly PrivateIpAddress?: string;
  readonly InstanceId: string;
}

/** Disassociate each Elastic IP of an instance (reversible: release re-associates it). */
export function disassociateAddressActions(env: PhaseEnv, region: string, instanceId: string, addresses: readonly Address[]): Action[] {
  const ec2 = env.write.ec2(region);
  return addresses
    .filter((a) => a.InstanceId === instanceId && a.AllocationId && a.AssociationId)
    .map((a) => {
      const record: AddressRecord = { AllocationId: a.AllocationId, PublicIp: a.PublicIp, NetworkInterfaceId: a.NetworkInterfaceId, PrivateIpAddress: a.PrivateIpAddress, InstanceId: instanceId };
      return {
        step: 'contain-instances/eip-disassociate',
        action: 'ec2:DisassociateAddress',
        region,
        target: a.AllocationId!,
        summary: `disassociate Elastic IP ${a.PublicIp} from ${instanceId} (kept allocated; eradicate releases it once confirmed)`,
        reversible: true,
        request: { AssociationId: a.AssociationId, address: record },
        undo: { key: `eip:${a.AllocationId}`, kind: 'eip-associate', region, instanceId, allocationId: a.AllocationId!, networkInterfaceId: a.NetworkInterfaceId!, privateIpAddress: a.PrivateIpAddress },
        isDone: async () => false, // the association came from the region snapshot: still associated
        dryRun: () => ec2.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId, DryRun: true })),
        apply: () => ec2.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId })),
      };
    });
}

/**
 * Release, for good, each Elastic IP of an instance: those still associated and those the case's
 * containment disassociated (the journal remembers them; DescribeAddresses no longer ties them
 * to the instance). Irreversible: confirmed once per address.
 */
export function releaseAddressActions(env: PhaseEnv, region: string, instanceId: string, addresses: readonly Address[]): Action[] {
  const ec2 = env.write.ec2(region);
  const fromJournal = env.exec.options.journal
    .entries()
    .filter((e) => e.step === 'contain-instances/eip-disassociate' && e.outcome === 'applied' && e.region === region)
    .map((e) => (e.request as { address: AddressRecord }).address)
    .filter((a) => a.InstanceId === instanceId);
  const current: AddressRecord[] = addresses.filter((a) => a.InstanceId === instanceId && a.AllocationId).map((a) => ({ ...a, InstanceId: instanceId }));
  const all = [...new Map([...fromJournal, ...current].map((a) => [a.AllocationId!, a])).values()];
  const stillAllocated = async (allocationId: string) => {
    try {
      return ((await env.read.ec2(region).send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }))).Addresses ?? []).length > 0;
    } catch (err) {
      if (errorCode(err) === 'InvalidAllocationID.NotFound') return false;
      throw err;
    }
  };
  return all.map((a) => ({
    step: 'eradicate/eip-release',
    action: 'ec2:ReleaseAddress',
    region,
    target: a.AllocationId!,
    summary: `release Elastic IP ${a.PublicIp} of ${instanceId} (allocation ${a.AllocationId}; the address is gone for good)`,
    reversible: false,
    irreversible: true,
    request: { AllocationId: a.AllocationId, address: a },
    isDone: async () => !(await stillAllocated(a.AllocationId!)),
    // Planned by reading the address (never a DryRun release): AWS refuses to release one in use elsewhere.
    check: async () => {
      const now = (await env.read.ec2(region).send(new DescribeAddressesCommand({ AllocationIds: [a.AllocationId!] }))).Addresses?.[0];
      return now?.InstanceId && now.InstanceId !== instanceId
        ? `Elastic IP ${a.PublicIp} (${a.AllocationId}) is now associated with ${now.InstanceId}, not ${instanceId}: not released. Fix: check who re-associated it; release it by hand once it is the attacker's.`
        : undefined;
    },
    apply: () => ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId })),
  }));
}

/** Inverse of the eip-associate undo record (release). */
export const reassociateAddress: Inverse<'eip-associate'> = (env, r) => {
  const req = { AllocationId: r.allocationId, NetworkInterfaceId: r.networkInterfaceId, PrivateIpAddress: r.privateIpAddress };
  return {
    ...inverseBase(r),
    step: 'release/eip-associate',
    action: 'ec2:AssociateAddress',
    target: r.allocationId,
    summary: `re-associate Elastic IP ${r.allocationId} with ${r.networkInterfaceId} of ${r.instanceId}`,
    request: req,
    isDone: async () => (await env.read.ec2(r.region).send(new DescribeAddressesCommand({ AllocationIds: [r.allocationId] }))).Addresses?.[0]?.NetworkInterfaceId === r.networkInterfaceId,
    dryRun: () => env.write.ec2(r.region).send(new AssociateAddressCommand({ ...req, DryRun: true })),
    apply: () => env.write.ec2(r.region).send(new AssociateAddressCommand(req)),
  };
};
