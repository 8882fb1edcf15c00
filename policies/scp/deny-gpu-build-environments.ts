/** SCP rule: CodeBuild fleets, batch builds, GPU environments and chosen build compute only for deployers and compute platforms. */
import type { OrgConfig } from '../../config';
import type { PolicyStatement } from '../document';
import type { AuditedPolicy } from './audited';
import { computePlatformArnPatterns } from './principals';

/** CodeBuild's environment types for GPU machines contain `GPU` (LINUX_GPU_CONTAINER, ...); matching is case-sensitive. */
export const GPU_ENVIRONMENT_PATTERN = '*GPU*';

/**
 * Compute types with which a project or build chooses its own machine: a custom EC2 instance type, or
 * attribute-based selection (vCPUs, memory) that names no type at all.
 */
export const CHOSEN_COMPUTE_TYPES: readonly string[] = ['ATTRIBUTE_BASED_COMPUTE', 'CUSTOM_INSTANCE_TYPE'];

/**
 * Reserved-capacity fleets, and batch builds: a batch buildspec lists tasks that each choose their own
 * environment (LINUX_GPU_CONTAINER included), and neither StartBuildBatch nor RetryBuildBatch carries a
 * key for what the buildspec asks.
 */
export const FLEET_AND_BATCH_ACTIONS: readonly string[] = ['codebuild:CreateFleet', 'codebuild:UpdateFleet', 'codebuild:StartBuildBatch', 'codebuild:RetryBuildBatch'];

/** Keys present when CreateProject or UpdateProject carries a batch configuration (iam-data). */
export const BATCH_CONFIG_KEYS: readonly string[] = ['codebuild:buildBatchConfig', 'codebuild:buildBatchConfig.serviceRole'];

/** Plain-text explanation for auditors. */
export const explanation = `Reserves CodeBuild reserved-capacity fleets, GPU environments and self-chosen build machines for the deployers and compute platforms.
A CodeBuild build is arbitrary code running on machines CodeBuild owns, so the EC2 rule never sees them.
Fleets: a reserved-capacity fleet is capacity billed while it idles, and its machine can be a GPU
environment (codebuild:environmentType), a custom EC2 instance type (codebuild:computeConfiguration.instanceType)
or attribute-based compute, which names no instance type at all (only vCPUs and memory); a missing type
must not mean allowed. CreateFleet and UpdateFleet are therefore denied outright, like the other
launchers with capacity, and deleting a fleet stays allowed.
Batch builds: a batch buildspec lists tasks that each set their own environment, a GPU one included,
and no condition key shows what the buildspec asks. StartBuildBatch and RetryBuildBatch are therefore
denied outright, and CreateProject and UpdateProject are denied when the request carries a batch
configuration (codebuild:buildBatchConfig or codebuild:buildBatchConfig.serviceRole present, one
statement each, since which of them AWS sends is a live-account check), because webhooks start batches
of such a project with no StartBuildBatch call by anyone. A project given a batch configuration before this rule keeps
it; whether one exists is a live-account check.
Projects and builds: CreateProject, UpdateProject and StartBuild (whose environment can be overridden
per build) are denied when codebuild:environment.type contains GPU, and when
codebuild:environment.computeType is ATTRIBUTE_BASED_COMPUTE or CUSTOM_INSTANCE_TYPE: a project that picks
its own machine (a custom instance type, or by attributes with no type key) is the platform's. Builds on
CodeBuild's standard compute types (BUILD_GENERAL1_*, Lambda) stay free.
The deploying roles and the roles in instanceTypes.computePlatformPrincipals (a CI platform that offers
fleets, batches or GPU builds) are exempt. What it costs users: a workload team that wants a reserved
fleet, a batch build or a custom machine asks the platform.`;

/** The CodeBuild rule for `config`. */
export function denyGpuBuildEnvironmentsScp(config: OrgConfig): AuditedPolicy {
  const platform = { ArnNotLike: { 'aws:PrincipalArn': computePlatformArnPatterns(config) } };
  const projects = ['codebuild:CreateProject', 'codebuild:UpdateProject'];
  const builds = [...projects, 'codebuild:StartBuild'];
  return {
    name: 'ir-guardrails-deny-gpu-build-environments',
    description: 'Deny CodeBuild fleets, batch builds, GPU projects and builds, and custom or attribute-based machines, except compute platforms.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DenyBuildFleetsAndBatchesExceptPlatform', Effect: 'Deny', Action: [...FLEET_AND_BATCH_ACTIONS], Resource: '*', Condition: platform },
        // Null checks for presence (CodeBuild documents it for such keys); the object key and its service role, in case AWS sends only one.
        ...BATCH_CONFIG_KEYS.map((key, i): PolicyStatement => ({
          Sid: `DenyBatchProjectsExceptPlatform${i + 1}`, Effect: 'Deny', Action: projects, Resource: '*', Condition: { Null: { [key]: 'false' }, ...platform },
        })),
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
