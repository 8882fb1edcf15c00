/** Proof tables for the launch paths beyond RunInstances: groups, fleets, untyped launchers, capacity, SageMaker, CodeBuild, quotas. */
import { instanceTypeRule, type OrgConfig } from '../../config';
import {
  denyGpuBuildEnvironmentsScp, denyPaidCapacityScp, denyQuotaIncreasesScp, denySageMakerInstanceTypesScp, denyUntypedLaunchersScp,
  pinLaunchTemplateVersionsScp,
} from '../scp';
import { UNTYPED_CAPACITY_ACTIONS } from '../scp/deny-paid-capacity';
import { RESPONDER_SCALING_ACTIONS, UNTYPED_LAUNCHER_ACTIONS } from '../scp/deny-untyped-launchers';
import { globMatches, proofFixtures, type ProofFixtures } from './fixtures';
import type { ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const DENIED = 'ExplicitlyDenied' as const;
type Decision = typeof ALLOWED | typeof DENIED;

/** A denied and an allowed EC2 type under `config`'s instance-type policy (the twin of every typed row). */
export function typeTwins(config: OrgConfig): { denied: string; allowed: string } {
  const rule = instanceTypeRule(config);
  const outside = (type: string) => rule.patterns.some((p) => globMatches(p, type)) === (rule.mode === 'denylist');
  const candidates = ['p5.48xlarge', 'g5.xlarge', 'trn1.32xlarge', 'm5.24xlarge', 't3.micro', 't3.large', 'm5.large', 'c6i.xlarge', 'r6g.large'];
  const denied = candidates.find(outside);
  const allowed = candidates.find((t) => !outside(t));
  if (!denied || !allowed) throw new Error(`no denied/allowed twin among ${candidates.join(', ')} for this instance-type policy`);
  return { denied, allowed };
}

/** Someone the compute-platform exemption covers: a configured platform role, else the deployment role. */
function platformRole(config: OrgConfig, f: ProofFixtures): string {
  const configured = config.instanceTypes.computePlatformPrincipals[0];
  return configured ? configured.replace(/^(arn:aws:iam::)\*:/, `$1${f.workloadAccount}:`).replace(/\*/g, 'x') : f.deploymentRole;
}

/** Auto Scaling groups must pin a launch template version. */
export function pinnedTemplateProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = pinLaunchTemplateVersionsScp();
  const group = (action: string, specified: string | undefined, expected: Decision, name: string): ProofRow => ({
    name, request: { principal: f.appRole, action, context: specified === undefined ? {} : { 'autoscaling:LaunchTemplateVersionSpecified': specified } }, expected,
  });
  const rows: ProofRow[] = ['autoscaling:CreateAutoScalingGroup', 'autoscaling:UpdateAutoScalingGroup'].flatMap((action) => [
    group(action, 'false', DENIED, `${action} on a template's $Latest/$Default`),
    group(action, 'true', ALLOWED, `${action} on template version 7`),
  ]);
  rows.push(
    group('autoscaling:CreateAutoScalingGroup', undefined, ALLOWED, 'CreateAutoScalingGroup from a launch configuration (no template key)'),
    group('autoscaling:UpdateAutoScalingGroup', undefined, ALLOWED, 'UpdateAutoScalingGroup that changes only capacity (no template in the request)'),
    { name: 'SecurityDeploy on $Latest is denied too', request: { principal: f.irRole('deploy'), action: 'autoscaling:UpdateAutoScalingGroup', context: { 'autoscaling:LaunchTemplateVersionSpecified': 'false' } }, expected: DENIED },
    { name: 'writing a new template version is allowed (groups must then name it)', request: { principal: f.appRole, action: 'ec2:CreateLaunchTemplateVersion' }, expected: ALLOWED },
  );
  return { id: 'scp-pinned-template-versions', title: 'Auto Scaling groups pin launch template versions', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** Launchers without a type key: denied to workloads and break-glass, allowed to deployers and platform roles. */
export function untypedLauncherProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denyUntypedLaunchersScp(config);
  const platform = platformRole(config, f);
  const rows: ProofRow[] = [...UNTYPED_LAUNCHER_ACTIONS, ...RESPONDER_SCALING_ACTIONS].flatMap((action): ProofRow[] => [
    { name: `workload: ${action}`, request: { principal: f.appRole, action }, expected: DENIED },
    { name: `compute platform ${platform.split(':role/')[1]}: ${action}`, request: { principal: platform, action }, expected: ALLOWED },
  ]);
  const breakGlass = f.irRole('breakGlass');
  // An instance refresh with a DesiredConfiguration can move a pinned group to $Latest or add GPU overrides; the call carries neither type nor version key.
  const refresh = (principal: string) => ({ principal, action: 'autoscaling:StartInstanceRefresh', context: { 'autoscaling:TargetCapacityTypes': ['on-demand'] } });
  rows.push(
    { name: 'workload: StartInstanceRefresh (a desired configuration can name $Latest or GPU overrides)', request: refresh(f.appRole), expected: DENIED },
    { name: `compute platform ${platform.split(':role/')[1]}: StartInstanceRefresh`, request: refresh(platform), expected: ALLOWED },
    { name: 'SecurityBreakGlass: StartInstanceRefresh', request: refresh(breakGlass), expected: DENIED },
    ...RESPONDER_SCALING_ACTIONS.flatMap((action): ProofRow[] => [
      { name: `SecurityBreakGlass: ${action} (disable or scale to zero before deleting)`, request: { principal: breakGlass, action }, expected: ALLOWED },
      { name: `SecurityAnalyst: ${action}`, request: { principal: f.irRole('analyst'), action }, expected: DENIED },
    ]),
    { name: 'SecurityBreakGlass: eks:UpdateNodegroupVersion (a new launch template version)', request: { principal: breakGlass, action: 'eks:UpdateNodegroupVersion' }, expected: DENIED },
    { name: 'SecurityBreakGlass: eks:CreateNodegroup (responders need no node groups)', request: { principal: breakGlass, action: 'eks:CreateNodegroup' }, expected: DENIED },
    { name: 'SecurityDeploy: batch:CreateComputeEnvironment', request: { principal: f.irRole('deploy'), action: 'batch:CreateComputeEnvironment' }, expected: ALLOWED },
    // Its ComputeSpec.InstanceTypes accepts only GPU types (ml.g5 to ml.p6) and no sagemaker:InstanceTypes key is sent.
    { name: 'workload: sagemaker:CreateAIRecommendationJob (benchmarks on GPU instances it chooses)', request: { principal: f.appRole, action: 'sagemaker:CreateAIRecommendationJob' }, expected: DENIED },
    { name: 'workload: deleting a node group stays allowed', request: { principal: f.appRole, action: 'eks:DeleteNodegroup' }, expected: ALLOWED },
    { name: 'workload: submitting a Batch job to an existing environment stays allowed', request: { principal: f.appRole, action: 'batch:SubmitJob' }, expected: ALLOWED },
    { name: 'workload: deleting an EC2 Fleet stays allowed', request: { principal: f.appRole, action: 'ec2:DeleteFleets' }, expected: ALLOWED },
    // No key tells a scale-down from new machine types: responders delete these fleets instead (EC2 fleets are held at 0 by irctl, above).
    { name: 'SecurityBreakGlass: deadline:UpdateFleet', request: { principal: breakGlass, action: 'deadline:UpdateFleet' }, expected: DENIED },
    { name: 'SecurityBreakGlass: ec2:DeleteFleets (--no-terminate-instances keeps the evidence)', request: { principal: breakGlass, action: 'ec2:DeleteFleets' }, expected: ALLOWED },
    { name: 'SecurityBreakGlass: deadline:DeleteFleet', request: { principal: breakGlass, action: 'deadline:DeleteFleet' }, expected: ALLOWED },
  );
  return { id: 'scp-untyped-launchers', title: 'Launchers with no instance-type key: deployers and compute platforms only', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** Capacity reservations, dedicated hosts and Capacity Blocks. */
export function paidCapacityProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denyPaidCapacityScp(config);
  const { denied, allowed } = typeTwins(config);
  const reservation = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:capacity-reservation/cr-0123456789abcdef0`;
  const host = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:dedicated-host/h-0123456789abcdef0`;
  const typed = (action: string, resource: string, type: string | undefined, expected: Decision): ProofRow => ({
    name: `${action} ${type ?? 'with no instance type (by family)'}`,
    request: { principal: f.appRole, action, resource, context: type ? { 'ec2:InstanceType': type } : {} },
    expected,
  });
  const rows: ProofRow[] = [
    typed('ec2:CreateCapacityReservation', reservation, denied, DENIED),
    typed('ec2:CreateCapacityReservation', reservation, allowed, ALLOWED),
    typed('ec2:AllocateHosts', host, denied, DENIED),
    typed('ec2:AllocateHosts', host, allowed, ALLOWED),
    typed('ec2:AllocateHosts', host, undefined, DENIED),
    ...UNTYPED_CAPACITY_ACTIONS.flatMap((action): ProofRow[] => [
      { name: `workload: ${action}`, request: { principal: f.appRole, action }, expected: DENIED },
      { name: `compute platform: ${action}`, request: { principal: platformRole(config, f), action }, expected: ALLOWED },
    ]),
    // The key on reserved-instances may name the RIs given up rather than those received, so exchanges are reserved whatever it says.
    ...[denied, allowed].map((type): ProofRow => ({
      name: `workload: AcceptReservedInstancesExchangeQuote (reserved-instances with ec2:InstanceType ${type})`,
      request: { principal: f.appRole, action: 'ec2:AcceptReservedInstancesExchangeQuote', resource: `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:reserved-instances/11111111-2222-3333-4444-555555555555`, context: { 'ec2:InstanceType': type } },
      expected: DENIED,
    })),
    { name: 'compute platform: AcceptReservedInstancesExchangeQuote', request: { principal: platformRole(config, f), action: 'ec2:AcceptReservedInstancesExchangeQuote', context: { 'ec2:InstanceType': denied } }, expected: ALLOWED },
    { name: 'workload: cancelling a capacity reservation stays allowed', request: { principal: f.appRole, action: 'ec2:CancelCapacityReservation' }, expected: ALLOWED },
  ];
  return { id: 'scp-paid-capacity', title: 'No paid capacity of denied types', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** SageMaker compute on `ml.` types derived from the EC2 policy. */
export function sageMakerProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denySageMakerInstanceTypesScp(config);
  const { denied, allowed } = typeTwins(config);
  const actions = [
    'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateNotebookInstance', 'sagemaker:UpdateNotebookInstance',
    'sagemaker:CreateEndpointConfig', 'sagemaker:CreateCluster', 'sagemaker:UpdateCluster', 'sagemaker:CreateApp', 'sagemaker:CreateTransformJob',
    'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateSpace',
  ];
  const row = (action: string, types: string[], expected: Decision, note = ''): ProofRow => ({
    name: `${action} on ${types.join(' + ')}${note}`, request: { principal: f.appRole, action, context: { 'sagemaker:InstanceTypes': types } }, expected,
  });
  const rows: ProofRow[] = actions.flatMap((action) => [row(action, [`ml.${denied}`], DENIED), row(action, [`ml.${allowed}`], ALLOWED)]);
  rows.push(
    row('sagemaker:CreateCluster', [`ml.${allowed}`, `ml.${denied}`], DENIED, ' (one denied type in a HyperPod cluster is enough)'),
    { name: 'serverless endpoint config (no instance type)', request: { principal: f.appRole, action: 'sagemaker:CreateEndpointConfig' }, expected: ALLOWED },
    { name: 'SecurityDeploy is not exempt', request: { principal: f.irRole('deploy'), action: 'sagemaker:CreateTrainingJob', context: { 'sagemaker:InstanceTypes': [`ml.${denied}`] } }, expected: DENIED },
  );
  return { id: 'scp-sagemaker-instance-types', title: 'SageMaker compute within instance-type policy (ml. prefix)', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** CodeBuild GPU environments and custom fleet types. */
export function gpuBuildProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denyGpuBuildEnvironmentsScp(config);
  const { denied, allowed } = typeTwins(config);
  const platform = platformRole(config, f);
  const ec2Fleet = (type: string) => ({ 'codebuild:environmentType': 'LINUX_EC2', 'codebuild:computeType': 'CUSTOM_INSTANCE_TYPE', 'codebuild:computeConfiguration.instanceType': type });
  const cpuProject = { 'codebuild:environment.type': 'LINUX_CONTAINER', 'codebuild:environment.computeType': 'BUILD_GENERAL1_SMALL' };
  const attributeFleet = { 'codebuild:environmentType': 'LINUX_EC2', 'codebuild:computeType': 'ATTRIBUTE_BASED_COMPUTE', 'codebuild:computeConfiguration.vCpu': '96' };
  const rows: ProofRow[] = [
    // Reserved-capacity fleets are capacity: every fleet is the platform's, whatever its type.
    ...['codebuild:CreateFleet', 'codebuild:UpdateFleet'].flatMap((action): ProofRow[] => [
      { name: `${action} LINUX_GPU_CONTAINER`, request: { principal: f.appRole, action, context: { 'codebuild:environmentType': 'LINUX_GPU_CONTAINER' } }, expected: DENIED },
      { name: `${action} LINUX_CONTAINER (fleets are the platform's)`, request: { principal: f.appRole, action, context: { 'codebuild:environmentType': 'LINUX_CONTAINER', 'codebuild:computeType': 'BUILD_GENERAL1_SMALL' } }, expected: DENIED },
      { name: `${action} custom type ${denied}`, request: { principal: f.appRole, action, context: ec2Fleet(denied) }, expected: DENIED },
      { name: `${action} custom type ${allowed} (fleets are the platform's)`, request: { principal: f.appRole, action, context: ec2Fleet(allowed) }, expected: DENIED },
      { name: `${action} attribute-based, 96 vCPUs, no instance type`, request: { principal: f.appRole, action, context: attributeFleet }, expected: DENIED },
      { name: `compute platform: ${action} LINUX_GPU_CONTAINER`, request: { principal: platform, action, context: { 'codebuild:environmentType': 'LINUX_GPU_CONTAINER' } }, expected: ALLOWED },
      { name: `compute platform: ${action} attribute-based`, request: { principal: platform, action, context: attributeFleet }, expected: ALLOWED },
    ]),
    { name: 'workload: deleting a fleet stays allowed', request: { principal: f.appRole, action: 'codebuild:DeleteFleet' }, expected: ALLOWED },
    { name: 'SecurityBreakGlass: codebuild:UpdateFleet (could change the machine as well as the capacity)', request: { principal: f.irRole('breakGlass'), action: 'codebuild:UpdateFleet' }, expected: DENIED },
    { name: 'SecurityBreakGlass: codebuild:DeleteFleet', request: { principal: f.irRole('breakGlass'), action: 'codebuild:DeleteFleet' }, expected: ALLOWED },
    ...['codebuild:CreateProject', 'codebuild:UpdateProject', 'codebuild:StartBuild', 'codebuild:StartBuildBatch'].flatMap((action): ProofRow[] => [
      { name: `${action} with a GPU environment`, request: { principal: f.appRole, action, context: { 'codebuild:environment.type': 'LINUX_GPU_CONTAINER' } }, expected: DENIED },
      // A batch runs the tasks its buildspec lists, each with its own environment, so batches are the platform's.
      { name: `${action} with a Linux container`, request: { principal: f.appRole, action, context: { 'codebuild:environment.type': 'LINUX_CONTAINER', 'codebuild:environment.computeType': 'BUILD_GENERAL1_MEDIUM' } }, expected: action === 'codebuild:StartBuildBatch' ? DENIED : ALLOWED },
      { name: `${action} on attribute-based compute (no instance type)`, request: { principal: f.appRole, action, context: { 'codebuild:environment.type': 'LINUX_EC2', 'codebuild:environment.computeType': 'ATTRIBUTE_BASED_COMPUTE' } }, expected: DENIED },
      { name: `compute platform: ${action} on attribute-based compute`, request: { principal: platform, action, context: { 'codebuild:environment.type': 'LINUX_EC2', 'codebuild:environment.computeType': 'ATTRIBUTE_BASED_COMPUTE' } }, expected: ALLOWED },
    ]),
    ...['codebuild:CreateProject', 'codebuild:UpdateProject'].flatMap((action): ProofRow[] => [
      {
        name: `${action} on a custom instance type ${denied}`,
        request: { principal: f.appRole, action, context: { 'codebuild:environment.type': 'LINUX_EC2', 'codebuild:environment.computeType': 'CUSTOM_INSTANCE_TYPE', 'codebuild:environment.computeConfiguration.instanceType': denied } },
        expected: DENIED,
      },
      {
        name: `compute platform: ${action} on a custom instance type ${allowed}`,
        request: { principal: platform, action, context: { 'codebuild:environment.type': 'LINUX_EC2', 'codebuild:environment.computeType': 'CUSTOM_INSTANCE_TYPE', 'codebuild:environment.computeConfiguration.instanceType': allowed } },
        expected: ALLOWED,
      },
    ]),
    { name: 'compute platform: StartBuild on a GPU environment', request: { principal: platform, action: 'codebuild:StartBuild', context: { 'codebuild:environment.type': 'LINUX_GPU_CONTAINER' } }, expected: ALLOWED },
    // A batch buildspec's tasks choose their own environment (LINUX_GPU_CONTAINER included) with no condition key.
    ...['codebuild:CreateProject', 'codebuild:UpdateProject'].flatMap((action): ProofRow[] => [
      { name: `${action} on a Linux container with a batch configuration`, request: { principal: f.appRole, action, context: { ...cpuProject, 'codebuild:buildBatchConfig': 'true', 'codebuild:buildBatchConfig.serviceRole': `arn:aws:iam::${f.workloadAccount}:role/cb` } }, expected: DENIED },
      { name: `${action} whose request names only the batch service role (codebuild:buildBatchConfig.serviceRole)`, request: { principal: f.appRole, action, context: { ...cpuProject, 'codebuild:buildBatchConfig.serviceRole': `arn:aws:iam::${f.workloadAccount}:role/cb` } }, expected: DENIED },
      { name: `compute platform: ${action} with a batch configuration`, request: { principal: platform, action, context: { ...cpuProject, 'codebuild:buildBatchConfig': 'true' } }, expected: ALLOWED },
    ]),
    { name: 'workload: StartBuildBatch with no environment override (the tasks come from the buildspec)', request: { principal: f.appRole, action: 'codebuild:StartBuildBatch' }, expected: DENIED },
    { name: 'workload: RetryBuildBatch (reruns a batch)', request: { principal: f.appRole, action: 'codebuild:RetryBuildBatch' }, expected: DENIED },
    { name: 'compute platform: StartBuildBatch', request: { principal: platform, action: 'codebuild:StartBuildBatch' }, expected: ALLOWED },
    { name: 'workload: StartBuild with no override stays allowed', request: { principal: f.appRole, action: 'codebuild:StartBuild' }, expected: ALLOWED },
  ];
  return { id: 'scp-gpu-build-environments', title: 'CodeBuild GPU environments for compute platforms only', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** EC2 and SageMaker quota increases for the deployers only. */
export function quotaProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denyQuotaIncreasesScp(config);
  const quota = (service: string) => `arn:aws:servicequotas:${f.allowedRegion}:${f.workloadAccount}:${service}/L-1216C47A`;
  const request = (principal: string, action: string, service: string) => ({ principal, action, resource: quota(service), context: { 'servicequotas:service': service } });
  const rows: ProofRow[] = ['servicequotas:RequestServiceQuotaIncrease', 'servicequotas:PutServiceQuotaIncreaseRequestIntoTemplate'].flatMap((action): ProofRow[] => [
    { name: `workload: ${action} for ec2`, request: request(f.appRole, action, 'ec2'), expected: DENIED },
    { name: `workload: ${action} for sagemaker`, request: request(f.appRole, action, 'sagemaker'), expected: DENIED },
    { name: `SecurityBreakGlass: ${action} for ec2`, request: request(f.irRole('breakGlass'), action, 'ec2'), expected: DENIED },
    { name: `SecurityDeploy: ${action} for ec2`, request: request(f.irRole('deploy'), action, 'ec2'), expected: ALLOWED },
    { name: `workload: ${action} for lambda`, request: request(f.appRole, action, 'lambda'), expected: ALLOWED },
  ]);
  return { id: 'scp-compute-quotas', title: 'EC2 and SageMaker quota increases for deployers only', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** Every launch-path table. */
export function launchPathProofs(config: OrgConfig): ProofTable[] {
  return [pinnedTemplateProofs(config), untypedLauncherProofs(config), paidCapacityProofs(config), sageMakerProofs(config), gpuBuildProofs(config), quotaProofs(config)];
}
