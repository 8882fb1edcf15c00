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
  // An instance refresh's DesiredConfiguration can name $Latest or new overrides (only ImageId and TargetCapacityTypes are keys).
  'autoscaling:StartInstanceRefresh',
  'eks:CreateNodegroup', 'eks:UpdateNodegroupVersion',
  'batch:CreateComputeEnvironment',
  'pcs:CreateComputeNodeGroup', 'pcs:UpdateComputeNodeGroup',
  'imagebuilder:CreateInfrastructureConfiguration', 'imagebuilder:UpdateInfrastructureConfiguration',
  'lightsail:CreateInstances', 'lightsail:CreateInstancesFromSnapshot',
  'gamelift:CreateFleet', 'gamelift:CreateContainerFleet', 'gamelift:UpdateContainerFleet', 'gamelift:CreateGameServerGroup', 'gamelift:UpdateGameServerGroup',
  'appstream:CreateFleet', 'appstream:UpdateFleet', 'appstream:CreateImageBuilder',
  'deadline:CreateFleet', 'deadline:UpdateFleet',
  // SageMaker calls that choose an instance type without sagemaker:InstanceTypes (iam-data).
  'sagemaker:CreateInferenceExperiment', 'sagemaker:UpdateInferenceExperiment', 'sagemaker:CreateInferenceRecommendationsJob', 'sagemaker:CreateOptimizationJob',
  // AI recommendation jobs benchmark models on the GPU types their ComputeSpec names.
  'sagemaker:CreateAIRecommendationJob',
];

/** EC2 Fleet and Spot Fleet changes: new template configs and overrides carry no type key. */
export const FLEET_CHANGE_ACTIONS: readonly string[] = ['ec2:ModifyFleet', 'ec2:ModifySpotFleetRequest'];

/**
 * Untyped calls a responder needs to contain a launcher: a Batch compute environment must be
 * DISABLED before it can be deleted, a node group or GameLift fleet scaled to zero, an EC2 or
 * Spot Fleet held at target capacity 0 (irctl's reversible fleet hold). No key says "disable" or
 * "scale down", so SecurityBreakGlass is exempt from these beside the platform.
 */
export const RESPONDER_SCALING_ACTIONS: readonly string[] = [...FLEET_CHANGE_ACTIONS, 'batch:UpdateComputeEnvironment', 'eks:UpdateNodegroupConfig', 'gamelift:UpdateFleetCapacity'];

/** Plain-text explanation for auditors. */
export const explanation = `Reserves the launchers that no SCP can filter by instance type for the deployers and the compute platform.
EKS managed node groups, Batch compute environments, PCS compute node groups, Image Builder
infrastructure configurations, GameLift fleets and game server groups, AppStream and Deadline Cloud
fleets launch their instances later through their own service-linked roles, which SCPs never restrict,
and the calls that configure them expose no instance-type condition key. The same holds for ModifyFleet
and ModifySpotFleetRequest (a new template config or override for a running fleet), for VM import
(ImportInstance), for Lightsail instances, for an Auto Scaling instance refresh (StartInstanceRefresh,
whose DesiredConfiguration can switch a pinned group to $Latest or add instance-type overrides while the
call carries only autoscaling:ImageId and autoscaling:TargetCapacityTypes), and for the SageMaker calls
that choose an instance type without sagemaker:InstanceTypes: inference experiments (create and update),
inference recommendation jobs, AI recommendation jobs (which benchmark on the GPU types they name) and
optimization jobs. A condition is impossible, so the configuring calls
are denied to everyone except the deploying roles and the roles in instanceTypes.computePlatformPrincipals
(a CI system or an ML platform that legitimately runs these services); those roles are reserved for the
deployers by the tamper rule, so an attacker cannot create one. A workload team that needs a node group
asks the platform that owns it.
What it costs users: a workload team can no longer start an instance refresh itself; after pinning a new
template version (UpdateAutoScalingGroup, a checked call) it replaces instances by scaling out and in or
by terminating old instances, or asks the platform to run the refresh.
Disabling a Batch compute environment (required before deleting it), scaling an EKS node group to zero
and setting a GameLift fleet's capacity (batch:UpdateComputeEnvironment, eks:UpdateNodegroupConfig,
gamelift:UpdateFleetCapacity) are reserved the same way, except that SecurityBreakGlass may also call
them: no key distinguishes disabling from enlarging, a responder must be able to stop these launchers,
and every assumption of SecurityBreakGlass pages the security team. Reading and deleting stay allowed.
SecurityBreakGlass may change fleets (ModifyFleet, ModifySpotFleetRequest) for the same reason:
containment holds an attacker's fleet at target capacity 0 (reversibly, so a false positive gets its
capacity back) instead of cancelling it; the role is assumed with MFA and every call irctl makes with
it is journaled.
SecurityBreakGlass is not exempt from deadline:UpdateFleet or codebuild:UpdateFleet
(deny-gpu-build-environments): a responder stops those fleets by deleting them (deadline:DeleteFleet and
codebuild:DeleteFleet stay allowed).
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
          Sid: 'DenyUntypedScalingExceptPlatformAndResponders',
          Effect: 'Deny',
          Action: [...RESPONDER_SCALING_ACTIONS],
          Resource: '*',
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [...computePlatformArnPatterns(config), irRoleArnPattern('breakGlass')] } },
        },
      ],
    },
  };
}
