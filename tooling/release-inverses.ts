/**
 * The inverse of each reversible containment step, one per undo kind, assembled from the
 * modules where each forward step and its inverse sit side by side (tooling/contain/). The
 * table is typed by the undo union, so a forward step without an inverse does not compile.
 */
import type { Action } from './case/executor';
import type { PhaseEnv } from './case/phase';
import type { Inverse } from './case/inverse';
import type { UndoKind, UndoRecord } from './case/undo';
import { exitStandby, reattachInstance, restoreScaleInProtection, resumeProcesses } from './contain/auto-scaling';
import { reactivateKey, removeInlinePolicy, restoreInlinePolicy } from './contain/credentials';
import { reassociateAddress } from './contain/elastic-ips';
import { restoreFleetCapacity } from './contain/fleets';
import { restoreDeleteOnTermination, restoreInstanceFlag, restoreShutdownBehavior } from './contain/instance-attributes';
import { reassociateProfile, reregisterTarget, tagReleased } from './contain/instance-steps';
import { restoreNetworkAcl } from './contain/network-acl';
import { restoreEniGroups } from './contain/network';

/** One inverse per undo kind. */
export const INVERSES: { readonly [K in UndoKind]: Inverse<K> } = {
  'eni-groups': restoreEniGroups,
  'eip-associate': reassociateAddress,
  'delete-on-termination': restoreDeleteOnTermination,
  'shutdown-behavior': restoreShutdownBehavior,
  'instance-flag': restoreInstanceFlag,
  'asg-resume': resumeProcesses,
  'asg-unprotect': restoreScaleInProtection,
  'asg-attach': reattachInstance,
  'asg-exit-standby': exitStandby,
  'elb-register': reregisterTarget,
  'profile-associate': reassociateProfile,
  'network-acl-restore': restoreNetworkAcl,
  'fleet-capacity': restoreFleetCapacity,
  'containment-tag': tagReleased,
  'delete-inline-policy': removeInlinePolicy,
  'restore-inline-policy': restoreInlinePolicy,
  'access-key-activate': reactivateKey,
};

/** The inverse action of one undo record. */
export function inverseOf(env: PhaseEnv, r: UndoRecord): Action | undefined {
  const build = INVERSES[r.kind] as Inverse<UndoKind> | undefined;
  return build?.(env, r as never);
}
