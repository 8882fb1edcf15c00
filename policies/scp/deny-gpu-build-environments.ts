/** SCP rule: CodeBuild fleets, GPU environments and chosen build compute only for deployers and compute platforms. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { computePlatformArnPatterns } from './principals';

/** CodeBuild's environment types for GPU machines contain `GPU` (LINUX_GPU_CONTAINER, ...); matching is case-sensitive. */
export const GPU_ENVIRONMENT_PATTERN = '*GPU*';

/**
 * Compute types with which a project or build chooses its own machine: a custom EC2 instance type, or
 * attribute-based selection (vCPUs, memory) that names no type at all.
 */
export const CHOSEN_COMPUTE_TYPES: readonly string[] = ['ATTRIBUTE_BASED_COMPUTE', 'CUSTOM_INSTANCE_TYPE'];

/** Plain-text explanation for auditors. */
export const explanation = `Reserves CodeBuild reserved-capacity fleets, GPU environments and self-chosen build machines for the deployers and compute platforms.
A CodeBuild build is arbitrary code running on machines CodeBuild owns, so the EC2 rule never sees them.
Fleets: a reserved-capacity fleet is capacity billed while it idles, and its machine can be a GPU
environment (codebuild:environmentType), a custom EC2 instance type (codebuild:computeConfiguration.instanceType)
or attribute-based compute, which names no instance type at all (only vCPUs and memory); a missing type
must not mean allowed. CreateFleet and UpdateFleet are therefore denied outright, like the other
launchers with capacity, and deleting a fleet stays allowed.
Projects and builds: CreateProject, UpdateProject, StartBuild and StartBuildBatch (whose environment can
be overridden per build) are denied when codebuild:environment.type contains GPU, and when
codebuild:environment.computeType is ATTRIBUTE_BASED_COMPUTE or CUSTOM_INSTANCE_TYPE: a project that picks
its own machine (a custom instance type, or by attributes with no type key) is the platform's. Builds on
CodeBuild's standard compute types (BUILD_GENERAL1_*, Lambda) stay free.
The deploying roles and the roles in instanceTypes.computePlatformPrincipals (a CI platform that offers
fleets or GPU builds) are exempt. What it costs users: a workload team that wants a reserved fleet or a
custom machine asks the platform.`;

/** The CodeBuild rule for `config`. */
export function denyGpuBuildEnvironmentsScp(config: OrgConfig): AuditedPolicy {
  const platform = { ArnNotLike: { 'aws:PrincipalArn': computePlatformArnPatterns(config) } };
  const builds = ['codebuild:CreateProject', 'codebuild:UpdateProject', 'codebuild:StartBuild', 'codebuild:StartBuildBatch'];
  return {
    name: 'ir-guardrails-deny-gpu-build-environments',
    description: 'Deny CodeBuild fleets, GPU projects and builds, and projects on custom or attribute-based machines, except compute platforms.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyBuildFleetsExceptPlatform', Effect: 'Deny', Action: ['codebuild:CreateFleet', 'codebuild:UpdateFleet'], Resource: '*', Condition: platform },
        {
          Sid: 'DenyGpuBuildsExceptPlatform',
          Effect: 'Deny',
          Action: builds,
          Resource: '*',
          Condition: { StringLike: { 'codebuild:environment.type': GPU_ENVIRONMENT_PATTERN }, ...platform },
        },
        {
          Sid: 'DenyChosenBuildComputeExceptPlatform',
          Effect: 'Deny',
          Action: builds,
          Resource: '*',
          Condition: { StringEquals: { 'codebuild:environment.computeType': [...CHOSEN_COMPUTE_TYPES] }, ...platform },
        },
      ],
    },
  };
}
