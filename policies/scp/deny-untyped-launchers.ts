/** SCP rule: launchers that expose no instance-type key are for the deployers and compute platforms only. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { computePlatformArnPatterns, irRoleArnPattern } from './principals';

/**
 * Calls that make some service launch instances later, through its own service-linked role (which
 * no SCP restricts), with no instance-type condition key on the call (iam-data). Creating and
 * changing are both listed: an update can switch a node group's template or a fleet's types.
 */
export const UNTYPED_LAUNCHER_ACTIONS: readonly string[] = [
  // VM import launches an instance with no type check.
  'ec2:ImportInstance',
  'eks:CreateNodegroup', 'eks:UpdateNodegroupConfig', 'eks:UpdateNodegroupVersion',
  'batch:CreateComputeEnvironment', 'batch:UpdateComputeEnvironment',
  'pcs:CreateComputeNodeGroup', 'pcs:UpdateComputeNodeGroup',
  'imagebuilder:CreateInfrastructureConfiguration', 'imagebuilder:UpdateInfrastructureConfiguration',
  'lightsail:CreateInstances', 'lightsail:CreateInstancesFromSnapshot',
  'gamelift:CreateFleet', 'gamelift:CreateContainerFleet', 'gamelift:UpdateContainerFleet',
  'appstream:CreateFleet', 'appstream:UpdateFleet', 'appstream:CreateImageBuilder',
  'deadline:CreateFleet', 'deadline:UpdateFleet',
];

/** EC2 Fleet and Spot Fleet changes: new template configs and overrides carry no type key. */
export const FLEET_CHANGE_ACTIONS: readonly string[] = ['ec2:ModifyFleet', 'ec2:ModifySpotFleetRequest'];

/** Plain-text explanation for auditors. */
export const explanation = `Reserves the launchers that no SCP can filter by instance type for the deployers and the compute platform.
EKS managed node groups, Batch compute environments, PCS compute node groups, Image Builder
infrastructure configurations, GameLift, AppStream and Deadline Cloud fleets launch their instances
later through their own service-linked roles, which SCPs never restrict, and the calls that configure
them expose no instance-type condition key. The same holds for ModifyFleet and ModifySpotFleetRequest
(a new template config or override for a running fleet), for VM import (ImportInstance) and for
Lightsail instances. A condition is impossible, so the configuring calls are denied to everyone
except the deploying roles and the roles in instanceTypes.computePlatformPrincipals (a CI system or an
ML platform that legitimately runs these services); those roles are reserved for the deployers by the
tamper rule, so an attacker cannot create one. A workload team that needs a node group asks the
platform that owns it. Reading, scaling through the platform and deleting stay allowed.
Fleet changes are also left to the incident-response break-glass role: containment holds an
attacker's fleet at target capacity 0 (reversibly, so a false positive gets its capacity back)
instead of cancelling it, and that is a ModifyFleet/ModifySpotFleetRequest call. The role is
assumed with MFA, pages the team when used, and every call it makes is journaled.
Not covered: WorkSpaces graphics bundles (GPU desktops), whose calls name only a bundle ID; denying
them would end WorkSpaces for everyone, and the billing alarms see what they cost.`;

/** The untyped-launchers rule for `config`. */
export function denyUntypedLaunchersScp(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-guardrails-deny-untyped-launchers',
    description: 'Deny configuring launchers with no instance-type key (EKS, Batch, PCS, fleets, ...) except deployers and compute platforms.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyUntypedLaunchersExceptPlatform',
          Effect: 'Deny',
          Action: [...UNTYPED_LAUNCHER_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': computePlatformArnPatterns(config) } },
        },
        {
          Sid: 'DenyFleetChangesExceptPlatformAndResponders',
          Effect: 'Deny',
          Action: [...FLEET_CHANGE_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [...computePlatformArnPatterns(config), irRoleArnPattern('breakGlass')] } },
        },
      ],
    },
  };
}
