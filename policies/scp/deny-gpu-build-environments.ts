/** SCP rule: CodeBuild GPU environments (fleets and on-demand builds) only for deployers and compute platforms. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { outsideTypePolicy } from './deny-unapproved-instance-types';
import { computePlatformArnPatterns } from './principals';

/** CodeBuild's environment types for GPU machines contain `GPU` (LINUX_GPU_CONTAINER, ...); matching is case-sensitive. */
export const GPU_ENVIRONMENT_PATTERN = '*GPU*';

/** Plain-text explanation for auditors. */
export const explanation = `Reserves CodeBuild GPU machines and custom instance types outside policy for the deployers and compute platforms.
A CodeBuild project or reserved-capacity fleet with a GPU environment runs on GPU instances that
CodeBuild owns, so the EC2 rule never sees them, and a build is arbitrary code. CreateFleet and
UpdateFleet are denied when codebuild:environmentType contains GPU, and CreateProject, UpdateProject,
StartBuild and StartBuildBatch (whose environment can be overridden per build) when
codebuild:environment.type does. A fleet of a custom EC2 instance type
(codebuild:computeConfiguration.instanceType) outside instance-type policy is denied the same way.
The deploying roles and the roles in instanceTypes.computePlatformPrincipals (a CI platform that
offers GPU builds) are exempt.`;

/** The CodeBuild GPU rule for `config`. */
export function denyGpuBuildEnvironmentsScp(config: OrgConfig): AuditedPolicy {
  const platform = { ArnNotLike: { 'aws:PrincipalArn': computePlatformArnPatterns(config) } };
  return {
    name: 'ir-guardrails-deny-gpu-build-environments',
    description: 'Deny CodeBuild GPU fleets, projects and builds, and fleets of denied instance types, except compute platforms.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyGpuBuildFleetsExceptPlatform',
          Effect: 'Deny',
          Action: ['codebuild:CreateFleet', 'codebuild:UpdateFleet'],
          Resource: '*',
          Condition: { StringLike: { 'codebuild:environmentType': GPU_ENVIRONMENT_PATTERN }, ...platform },
        },
        {
          Sid: 'DenyGpuBuildsExceptPlatform',
          Effect: 'Deny',
          Action: ['codebuild:CreateProject', 'codebuild:UpdateProject', 'codebuild:StartBuild', 'codebuild:StartBuildBatch'],
          Resource: '*',
          Condition: { StringLike: { 'codebuild:environment.type': GPU_ENVIRONMENT_PATTERN }, ...platform },
        },
        {
          Sid: 'DenyBuildFleetInstanceTypesExceptPlatform',
          Effect: 'Deny',
          Action: ['codebuild:CreateFleet', 'codebuild:UpdateFleet'],
          Resource: '*',
          // Only fleets that name a custom type: in allowlist mode StringNotLike alone would deny every other fleet.
          Condition: { Null: { 'codebuild:computeConfiguration.instanceType': 'false' }, ...outsideTypePolicy(config, 'codebuild:computeConfiguration.instanceType'), ...platform },
        },
      ],
    },
  };
}
