/**
 * What release needs to undo each containment step, as one typed union: every reversible
 * forward step writes exactly one of these kinds into the journal; its inverse (case/inverse.ts)
 * sits beside it in tooling/contain/, and release's table holds exactly one per kind (a missing
 * inverse is a compile error in tooling/release-inverses.ts). `key` names the resource
 * setting; the first applied record of a key holds its original state.
 */
import type { TargetDescription } from '@aws-sdk/client-elastic-load-balancing-v2';

/** An IAM principal irctl contains. */
export type IamPrincipal = { readonly kind: 'user' | 'role'; readonly name: string };

interface Regional {
  readonly key: string;
  readonly region: string;
  /** The instance the step was taken for (release --instance selects by it). */
  readonly instanceId: string;
}

/** Undo data of each reversible containment step. */
export type UndoRecord =
  /** isolate-eni-*: the ENI's groups before isolation. */
  | (Regional & { readonly kind: 'eni-groups'; readonly networkInterfaceId: string; readonly groups: readonly string[] })
  /** eip-disassociate: where the address was. */
  | (Regional & { readonly kind: 'eip-associate'; readonly allocationId: string; readonly networkInterfaceId: string; readonly privateIpAddress?: string })
  /** keep-volumes. */
  | (Regional & { readonly kind: 'delete-on-termination'; readonly deviceName: string; readonly value: boolean })
  /** shutdown-stops. */
  | (Regional & { readonly kind: 'shutdown-behavior'; readonly value: string })
  /** termination-protection / stop-protection. */
  | (Regional & { readonly kind: 'instance-flag'; readonly attribute: 'DisableApiTermination' | 'DisableApiStop'; readonly value: boolean })
  /** asg-suspend (group-level: resumed only when no instance of the group stays held). */
  | { readonly key: string; readonly region: string; readonly kind: 'asg-resume'; readonly autoScalingGroupName: string; readonly processes: readonly string[] }
  /** asg-protect. */
  | (Regional & { readonly kind: 'asg-unprotect'; readonly autoScalingGroupName: string; readonly value: boolean })
  /** asg-detach (desired capacity was above the minimum). */
  | (Regional & { readonly kind: 'asg-attach'; readonly autoScalingGroupName: string })
  /** asg-standby (desired capacity was at the minimum). */
  | (Regional & { readonly kind: 'asg-exit-standby'; readonly autoScalingGroupName: string })
  /** elb-deregister. */
  | (Regional & { readonly kind: 'elb-register'; readonly targetGroupArn: string; readonly target: TargetDescription })
  /** profile-disassociate. */
  | (Regional & { readonly kind: 'profile-associate'; readonly profileArn: string })
  /** network-acl-cut: the subnet's association before the cut. */
  | (Regional & { readonly kind: 'network-acl-restore'; readonly subnetId: string; readonly networkAclId: string })
  /** fleet-hold: a maintain-type Spot Fleet or EC2 Fleet held at capacity 0 (group-level: restored with the whole case). */
  | {
      readonly key: string;
      readonly region: string;
      readonly kind: 'fleet-capacity';
      readonly fleetKind: 'spot-fleet' | 'ec2-fleet';
      readonly fleetId: string;
      readonly targetCapacity: number;
      /** The fleet's instances when it was held (absent in journals written before this field). */
      readonly instanceIds?: readonly string[];
    }
  /** tag. */
  | (Regional & { readonly kind: 'containment-tag' })
  /** deny-all / revoke-sessions (credentials: never undone by releasing an instance). */
  | { readonly key: string; readonly kind: 'delete-inline-policy'; readonly principal: IamPrincipal; readonly policyName: string }
  /** revoke-sessions that rewrote a revocation already in place (one older than the attacker's session): the document it replaced. */
  | { readonly key: string; readonly kind: 'restore-inline-policy'; readonly principal: IamPrincipal; readonly policyName: string; readonly document: string }
  /** deactivate-key. */
  | { readonly key: string; readonly kind: 'access-key-activate'; readonly userName: string; readonly accessKeyId: string };

/** The kinds of undo record. */
export type UndoKind = UndoRecord['kind'];

/** The record of one kind. */
export type UndoOf<K extends UndoKind> = Extract<UndoRecord, { kind: K }>;

/** The instance an undo record belongs to, if any (credentials and group-level records have none). */
export function undoInstance(r: UndoRecord): string | undefined {
  return 'instanceId' in r ? r.instanceId : undefined;
}

