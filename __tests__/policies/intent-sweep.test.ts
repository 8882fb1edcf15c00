/**
 * A simulator run over requests no proof table lists: every instance type EC2 knows (the SDK's
 * InstanceType enum, 1,400+ names), launched through every typed path, against ALL packed SCP
 * documents together with a compliant request context. The expectation comes from an oracle
 * written from the intent ("what a miner wants: accelerators, bare metal, High Memory, 12xlarge and
 * up"), not from the denylist patterns, so a pattern that misses a real family fails here.
 */
import { _InstanceType } from '@aws-sdk/client-ec2';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { guardrailScps, packGuardrails } from '../../policies/scp';
import { simulate, type SimRequest } from '../../dev/simulate';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const scps = packGuardrails(example, guardrailScps(example)).documents.map((d) => d.document);
const account = example.accounts.workloads[0].id;
const region = example.regions.allowed[0];
const app = `arn:aws:iam::${account}:role/app-server`;

/** The intent, independently of the patterns: accelerators, bare metal, High Memory and 12xlarge or larger. */
export function minerWants(type: string): boolean {
  const [family, size = ''] = type.split('.');
  const accelerator = /^(p|g|gr|inf|trn|dl|f|vt)\d/.test(family);
  const metal = size === 'metal' || size.startsWith('metal-');
  const xlarge = /^(\d+)xlarge$/.exec(size);
  const big = xlarge !== null && Number(xlarge[1]) >= 12;
  const highMemory = /^(u|x2|x8|hpc)/.test(family);
  return accelerator || metal || big || highMemory;
}

const types = Object.values(_InstanceType) as string[];
/** A deterministic sample (every 13th type) for the slower paths. */
const sample = types.filter((_, i) => i % 13 === 0);

const ec2 = (resource: string) => `arn:aws:ec2:${region}:${account}:${resource}`;
const imds = { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': '1' };
const paths: Record<string, (type: string) => SimRequest> = {
  RunInstances: (type) => ({ principal: app, action: 'ec2:RunInstances', resource: ec2('instance/i-0123456789abcdef0'), region, context: { 'ec2:InstanceType': type, ...imds } }),
  CreateFleet: (type) => ({ principal: app, action: 'ec2:CreateFleet', resource: ec2('instance/i-0123456789abcdef0'), region, context: { 'ec2:InstanceType': type } }),
  StartInstances: (type) => ({ principal: app, action: 'ec2:StartInstances', resource: ec2('instance/i-0123456789abcdef0'), region, context: { 'ec2:InstanceType': type } }),
  CreateCapacityReservation: (type) => ({ principal: app, action: 'ec2:CreateCapacityReservation', resource: ec2('capacity-reservation/cr-0123456789abcdef0'), region, context: { 'ec2:InstanceType': type } }),
  AllocateHosts: (type) => ({ principal: app, action: 'ec2:AllocateHosts', resource: ec2('dedicated-host/h-0123456789abcdef0'), region, context: { 'ec2:InstanceType': type } }),
  LaunchConfiguration: (type) => ({ principal: app, action: 'autoscaling:CreateLaunchConfiguration', region, context: { 'autoscaling:InstanceType': type, 'autoscaling:MetadataHttpTokens': 'required' } }),
  // One override per group: see the mixed-list test below for why.
  AutoScalingOverride: (type) => ({ principal: app, action: 'autoscaling:CreateAutoScalingGroup', region, context: { 'autoscaling:InstanceTypes': [type], 'autoscaling:LaunchTemplateVersionSpecified': 'true' } }),
  SageMakerTraining: (type) => ({ principal: app, action: 'sagemaker:CreateTrainingJob', region, context: { 'sagemaker:InstanceTypes': [`ml.${type}`] } }),
};

describe('intent sweep over every EC2 instance type', () => {
  it('the SDK knows over a thousand types, GPU families among them', () => {
    expect(types.length).toBeGreaterThan(1000);
    expect(types.filter(minerWants).length).toBeGreaterThan(200);
    expect(types.filter((t) => !minerWants(t)).length).toBeGreaterThan(200);
  });

  it.each(Object.keys(paths))('%s: every type a miner wants is denied, every other allowed', async (path) => {
    const list = path === 'RunInstances' ? types : sample;
    const wrong: string[] = [];
    for (const type of list) {
      const outcome = await simulate(paths[path](type), { scps });
      const expected = minerWants(type) ? 'ExplicitlyDenied' : 'Allowed';
      if (outcome.decision !== expected || outcome.ignoredContextKeys.length > 0) wrong.push(`${type}: ${outcome.decision} (expected ${expected}) ignored [${outcome.ignoredContextKeys.join(', ')}]`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('a mixed override list cannot be proven offline: the simulator reads autoscaling:InstanceTypes as the single String the Service Authorization Reference declares', async () => {
    // If this starts failing, the simulator evaluates every override: move the mixed list into the proofs.
    const mixed = await simulate({ ...paths.AutoScalingOverride('g5.xlarge'), context: { 'autoscaling:InstanceTypes': ['t3.micro', 'g5.xlarge'], 'autoscaling:LaunchTemplateVersionSpecified': 'true' } }, { scps });
    expect(mixed.decision).toBe('Allowed');
  });
});
