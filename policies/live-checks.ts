/**
 * What the simulator cannot show: behaviour only AWS decides (which keys it fills in, what service-
 * linked roles do, how declarative policies apply). Each assumption the guardrails rest on, with the
 * exact CLI call that verifies it on a live account. `npm run policies` lists them for auditors.
 */
import type { OrgConfig } from '../config';
import { DETECTION, logArchiveBucketName } from '../shared/addresses';
import { ALERT_TOPIC_NAME, IR_ROLES } from '../shared/names';

/** One assumption and how to check it. */
export interface LiveCheck {
  /** What the guardrails assume AWS does. */
  readonly assumption: string;
  /** Rules that depend on it. */
  readonly rules: readonly string[];
  /** The call to run (as a workload role in a member account unless said otherwise); `<...>` are yours to fill. */
  readonly command: string;
  /** What a correct setup answers. */
  readonly expect: string;
}

const DENIED = 'an explicit deny (decode the message with `aws sts decode-authorization-message --encoded-message <msg>`: the matched statement is one of ours)';

/** Every live-account check for `config`. */
export function liveAccountChecks(config: OrgConfig): LiveCheck[] {
  const root = config.organization.rootId;
  const trailBucket = logArchiveBucketName(config, 'cloudtrail');
  const checks: LiveCheck[] = [
    {
      assumption: 'The three Organizations policy types are enabled on the root (the stack only creates and attaches policies).',
      rules: ['all'],
      command: `aws organizations list-roots --query 'Roots[?Id==\`${root}\`].PolicyTypes'   # as the management account`,
      expect: 'SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY and DECLARATIVE_POLICY_EC2 with Status ENABLED (enable with `aws organizations enable-policy-type --root-id ' + root + ' --policy-type <type>`)',
    },
    {
      assumption: 'RunInstances from a launch template is evaluated with the instance type EC2 resolves from the template (ec2:InstanceType on instance/*).',
      rules: ['ir-guardrails-deny-unapproved-instance-types'],
      command: 'aws ec2 run-instances --dry-run --launch-template LaunchTemplateId=<template with p5.48xlarge>,Version=1 --subnet-id <subnet>',
      expect: DENIED,
    },
    {
      assumption: 'RunInstances without --instance-type carries the default type EC2 applies, so the "no type" deny does not block it.',
      rules: ['ir-guardrails-deny-unapproved-instance-types'],
      command: 'aws ec2 run-instances --dry-run --image-id <amazon linux AMI> --subnet-id <subnet> --metadata-options HttpTokens=required',
      expect: 'DryRunOperation (allowed). If it is denied, workloads must always name a type.',
    },
    {
      assumption: 'An attribute-based EC2 Fleet (InstanceRequirements) is denied: either the request carries no ec2:InstanceType (the Null deny) or it carries the types EC2 picked.',
      rules: ['ir-guardrails-deny-unapproved-instance-types'],
      command: 'aws ec2 create-fleet --dry-run --type instant --target-capacity-specification TotalTargetCapacity=1,DefaultTargetCapacityType=on-demand --launch-template-configs \'[{"LaunchTemplateSpecification":{"LaunchTemplateId":"<template>","Version":"1"},"Overrides":[{"InstanceRequirements":{"VCpuCount":{"Min":8},"MemoryMiB":{"Min":32768},"AcceleratorTypes":["gpu"]}}]}]\'',
      expect: DENIED,
    },
    {
      assumption: 'Auto Scaling checks the caller\'s RunInstances permission against a pinned template version when the group is created or updated.',
      rules: ['ir-guardrails-pin-launch-template-versions', 'ir-guardrails-deny-unapproved-instance-types'],
      command: 'aws autoscaling create-auto-scaling-group --auto-scaling-group-name irg-live-check --min-size 0 --max-size 0 --vpc-zone-identifier <subnet> --launch-template LaunchTemplateId=<template with g5.xlarge>,Version=1',
      expect: 'AccessDenied ("not authorized to use launch template" or an explicit deny); with Version=\'$Latest\' the pin rule denies it whatever the template holds',
    },
    {
      assumption: 'An UpdateAutoScalingGroup that changes only capacity carries no autoscaling:LaunchTemplateVersionSpecified, so existing groups on $Latest can still be scaled (and scaled to zero by responders) until they are pinned.',
      rules: ['ir-guardrails-pin-launch-template-versions'],
      command: 'aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group on $Latest> --desired-capacity <current desired capacity>',
      expect: 'success. If it is denied, pin every group (update-auto-scaling-group --launch-template LaunchTemplateId=<id>,Version=<n>) before attaching the SCPs',
    },
    {
      assumption: 'autoscaling:InstanceTypes lists every override of a mixed-instances group, so one GPU type among ordinary ones denies the call (ForAnyValue).',
      rules: ['ir-guardrails-deny-unapproved-instance-types'],
      command: 'aws autoscaling create-auto-scaling-group --auto-scaling-group-name irg-live-check --min-size 0 --max-size 0 --vpc-zone-identifier <subnet> --mixed-instances-policy \'{"LaunchTemplate":{"LaunchTemplateSpecification":{"LaunchTemplateId":"<template>","Version":"1"},"Overrides":[{"InstanceType":"t3.micro"},{"InstanceType":"g5.xlarge"}]}}\'',
      expect: DENIED,
    },
    {
      assumption: 'A mixed-instances group with attribute-based overrides (InstanceRequirements) is the gap the instance-type rule names: its request carries no autoscaling:InstanceTypes. Check what AWS does with one that asks for GPUs.',
      rules: ['ir-guardrails-deny-unapproved-instance-types', 'ir-guardrails-pin-launch-template-versions'],
      command: 'aws autoscaling create-auto-scaling-group --auto-scaling-group-name irg-live-check --min-size 0 --max-size 0 --vpc-zone-identifier <subnet> --mixed-instances-policy \'{"LaunchTemplate":{"LaunchTemplateSpecification":{"LaunchTemplateId":"<template with t3.micro>","Version":"1"},"Overrides":[{"InstanceRequirements":{"VCpuCount":{"Min":4},"MemoryMiB":{"Min":16384},"AcceleratorTypes":["gpu"],"AcceleratorCount":{"Min":1}}}]}}\'; then look up the CreateAutoScalingGroup event in CloudTrail',
      expect: 'if the group is created (max size 0, nothing launches; delete it), the gap is open as the rule says and the billing alarms and GuardDuty findings are the guard for it; an explicit deny means AWS checks the resolved types',
    },
    {
      assumption: 'Launches by service-linked roles (EKS node groups, Batch, PCS, Spot Fleet, Auto Scaling) are never checked by SCPs; only the configuring call is. The configuring calls are denied to workloads.',
      rules: ['ir-guardrails-deny-untyped-launchers'],
      command: 'aws eks create-nodegroup --cluster-name <cluster> --nodegroup-name irg-live-check --subnets <subnet> --node-role <role arn> --instance-types g5.xlarge',
      expect: 'AccessDeniedException with an explicit deny in a service control policy; the same call as a compute-platform role reaches EKS validation',
    },
    {
      assumption: 'A maintain-type EC2 Fleet on a template\'s $Latest replaces instances with the version resolved when the fleet was created, not with a newer one (fleet changes are denied, but the fleet relaunches through its service-linked role).',
      rules: ['ir-guardrails-deny-unapproved-instance-types', 'ir-guardrails-deny-untyped-launchers'],
      command: 'aws ec2 create-fleet --type maintain --target-capacity-specification TotalTargetCapacity=1,DefaultTargetCapacityType=on-demand --launch-template-configs \'[{"LaunchTemplateSpecification":{"LaunchTemplateId":"<template with t3.micro>","Version":"$Latest"}}]\'; then aws ec2 create-launch-template-version --launch-template-id <template> --source-version 1 --launch-template-data \'{"InstanceType":"g5.xlarge"}\'; terminate the fleet\'s instance and run aws ec2 describe-fleet-instances --fleet-id <fleet>',
      expect: 'the replacement is a t3.micro. If it is a g5.xlarge, maintain-type fleets must be reserved for the compute platform as well (report it)',
    },
    {
      assumption: 'EKS Auto Mode and Karpenter launch nodes with a role in the account (the cluster or controller role), so their CreateFleet and RunInstances calls meet the instance-type rule.',
      rules: ['ir-guardrails-deny-unapproved-instance-types'],
      command: 'aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateFleet --max-results 5   # after applying a NodePool limited to instance family g5 and scheduling a pod on it',
      expect: 'CreateFleet events by the cluster (or Karpenter) role with errorCode Client.UnauthorizedOperation, and no g5 node joins',
    },
    {
      assumption: 'The declarative IMDS settings reach every account: tokens required by default, hop limit 2, and enforcement that refuses IMDSv1 launches (service-linked roles included).',
      rules: ['ir-guardrails-ec2-baseline'],
      command: 'aws ec2 get-instance-metadata-defaults --region <allowed region>; then, as a deployer (whom the SCPs do not exempt from IMDSv2 either): aws ec2 run-instances --dry-run --image-id <AMI> --instance-type t3.micro --subnet-id <subnet> --metadata-options HttpTokens=optional',
      expect: 'HttpTokens required, HttpPutResponseHopLimit 2, HttpTokensEnforced enabled, ManagedBy declarative-policy; the launch is refused (with the declarative policy\'s exception message, or the SCP\'s explicit deny)',
    },
    {
      assumption: 'ModifyInstanceMetadataDefaults carries the values it sets as ec2:Attribute/HttpTokens and ec2:Attribute/HttpPutResponseHopLimit, and no key for a setting it leaves alone.',
      rules: ['ir-guardrails-require-imdsv2'],
      command: 'aws ec2 modify-instance-metadata-defaults --dry-run --http-tokens optional; then aws ec2 modify-instance-metadata-defaults --dry-run --http-put-response-hop-limit 1   # in an account without the declarative policy',
      expect: 'the first: UnauthorizedOperation with an explicit deny; the second: DryRunOperation (allowed). With the declarative policy attached, both fail with its exception message instead',
    },
    {
      assumption: 'ModifyInstanceMetadataOptions carries the requested settings as ec2:Attribute/HttpTokens, ec2:Attribute/HttpEndpoint and ec2:Attribute/HttpPutResponseHopLimit (only those the call sets) and the instance\'s current settings as ec2:MetadataHttpTokens, ec2:MetadataHttpEndpoint and ec2:MetadataHttpPutResponseHopLimit.',
      rules: ['ir-guardrails-require-imdsv2'],
      command: 'aws ec2 modify-instance-metadata-options --dry-run --instance-id <instance that requires tokens> --http-tokens optional; aws ec2 modify-instance-metadata-options --dry-run --instance-id <same instance> --http-put-response-hop-limit 64; aws ec2 modify-instance-metadata-options --dry-run --instance-id <same instance> --http-endpoint disabled; aws ec2 modify-instance-metadata-options --dry-run --instance-id <instance with optional tokens> --http-tokens required',
      expect: 'the first two: UnauthorizedOperation with an explicit deny; the last two: DryRunOperation (allowed: switching IMDS off and upgrading to IMDSv2 stay open)',
    },
    {
      assumption: 'Every SageMaker call that starts instances carries sagemaker:InstanceTypes with the ml. type.',
      rules: ['ir-guardrails-deny-sagemaker-instance-types'],
      command: 'aws sagemaker create-notebook-instance --notebook-instance-name irg-live-check --instance-type ml.p3.2xlarge --role-arn <role> --instance-metadata-service-configuration MinimumInstanceMetadataServiceVersion=2',
      expect: 'AccessDeniedException with an explicit deny',
    },
    {
      assumption: 'CodeBuild sends a project\'s environment type and compute type as codebuild:environment.type and codebuild:environment.computeType, on CreateProject and on per-build overrides.',
      rules: ['ir-guardrails-deny-gpu-build-environments'],
      command: 'aws codebuild create-project --name irg-live-check --source type=NO_SOURCE,buildspec=<inline buildspec> --artifacts type=NO_ARTIFACTS --service-role <role arn> --environment type=LINUX_EC2,image=<image>,computeType=ATTRIBUTE_BASED_COMPUTE,computeConfiguration={vCpu=8,memory=16}; the same with type=LINUX_GPU_CONTAINER,computeType=BUILD_GENERAL1_LARGE',
      expect: 'AccessDeniedException with an explicit deny for both',
    },
    {
      assumption: 'CreateProject and UpdateProject carry codebuild:buildBatchConfig whenever the request has a batch configuration; projects given one before the rule keep it (webhooks start their batches without StartBuildBatch).',
      rules: ['ir-guardrails-deny-gpu-build-environments'],
      command: 'aws codebuild create-project --name irg-live-check --source type=NO_SOURCE,buildspec=<inline buildspec> --artifacts type=NO_ARTIFACTS --service-role <role arn> --environment type=LINUX_CONTAINER,image=<image>,computeType=BUILD_GENERAL1_SMALL --build-batch-config serviceRole=<role arn>; then list existing batch projects: aws codebuild batch-get-projects --names $(aws codebuild list-projects --query projects --output text) --query \'projects[?buildBatchConfig].name\'',
      expect: 'the create is denied explicitly; the list holds only the compute platform\'s projects (hand any other to the platform or delete it)',
    },
    {
      assumption: 'Tags given at launch are authorized as ec2:CreateTags with aws:TagKeys, so GuardDutyManaged=false cannot be set at RunInstances either.',
      rules: ['ir-guardrails-protect-alerting'],
      command: 'aws ec2 run-instances --dry-run --image-id <AMI> --instance-type t3.micro --subnet-id <subnet> --metadata-options HttpTokens=required --tag-specifications \'ResourceType=instance,Tags=[{Key=GuardDutyManaged,Value=false}]\'',
      expect: DENIED,
    },
    {
      assumption: 'Unsubscribe and SetSubscriptionAttributes on the alert topic\'s subscriptions are authorized against the topic ARN (as the Service Authorization Reference lists), so the alert-topic statement covers them.',
      rules: ['ir-guardrails-protect-alerting'],
      command: `aws sns set-subscription-attributes --subscription-arn <a subscription ARN of ${ALERT_TOPIC_NAME}> --attribute-name FilterPolicy --attribute-value '{"never":["matches"]}'   # in the security account, as a role that is not a deployer`,
      expect: 'AuthorizationError with an explicit deny in a service control policy (the subscription keeps no filter policy)',
    },
    {
      assumption: 'Creating an Auto Scaling group from a launch template whose instance tag specifications set GuardDutyManaged checks the caller\'s ec2:CreateTags for that tag, as a direct launch from the template does.',
      rules: ['ir-guardrails-protect-alerting'],
      command: 'aws ec2 create-launch-template --launch-template-name irg-live-check --launch-template-data \'{"ImageId":"<AMI>","InstanceType":"t3.micro","MetadataOptions":{"HttpTokens":"required"},"TagSpecifications":[{"ResourceType":"instance","Tags":[{"Key":"GuardDutyManaged","Value":"false"}]}]}\'; aws autoscaling create-auto-scaling-group --auto-scaling-group-name irg-live-check --min-size 0 --max-size 0 --vpc-zone-identifier <subnet> --launch-template LaunchTemplateName=irg-live-check,Version=1',
      expect: 'the group is refused (not authorized to use the launch template, or an explicit deny). If it is created, reserve CreateLaunchTemplate and CreateLaunchTemplateVersion for the platform or report it; delete the template either way',
    },
    {
      assumption: 'The EC2 declarative policy is the effective policy of every member account.',
      rules: ['ir-guardrails-ec2-baseline'],
      command: 'aws organizations describe-effective-policy --policy-type DECLARATIVE_POLICY_EC2 --target-id <member account>   # as the management account; then in the member account: aws ec2 get-serial-console-access-status; aws ec2 get-snapshot-block-public-access-state; aws ec2 get-image-block-public-access-state; aws ec2 get-allowed-images-settings',
      expect: 'serial console disabled, snapshots block_all_sharing, images block_new_sharing, Allowed AMIs in the configured state with ManagedBy declarative-policy',
    },
    {
      assumption: 'Services deliver into the log archive with aws:SourceOrgID set (the RCP\'s confused-deputy statement lets them through).',
      rules: ['ir-guardrails-rcp-identity-perimeter'],
      command: `aws cloudtrail get-trail-status --name ${DETECTION.trailName}   # management account, home region, an hour after attaching the RCP`,
      expect: 'LatestDeliveryError empty and LatestDeliveryTime recent; the same for GuardDuty publishing destinations (aws guardduty describe-publishing-destination) and VPC flow logs (aws ec2 describe-flow-logs: DeliverLogsStatus SUCCESS)',
    },
    {
      assumption: 'The RCP stops an identity outside the organization even where the bucket policy would let it in.',
      rules: ['ir-guardrails-rcp-identity-perimeter'],
      command: `aws s3api list-objects-v2 --bucket ${trailBucket} --max-items 1   # with credentials of an account outside the organization`,
      expect: 'AccessDenied with "explicit deny in a resource control policy"',
    },
    {
      assumption: 'The RCP reserves the log archive\'s bucket configuration and keys for the deployers, for administrators inside the organization too.',
      rules: ['ir-guardrails-rcp-identity-perimeter'],
      command: `aws s3api put-bucket-versioning --bucket ${trailBucket} --versioning-configuration Status=Enabled   # as an administrator role of the log-archive account that is not a deployer; versioning is already on, so the call changes nothing if it is wrongly allowed`,
      expect: 'AccessDenied with "explicit deny in a resource control policy"',
    },
    {
      assumption: 'The RCP reserves the log-archive key aliases and log deletion for the deployers (an alias call is authorized on the alias; s3:DeleteObject on the object).',
      rules: ['ir-guardrails-rcp-identity-perimeter'],
      command: `aws kms update-alias --alias-name alias/ir-cloudtrail --target-key-id "$(aws kms describe-key --key-id alias/ir-cloudtrail --query KeyMetadata.KeyId --output text)"; aws s3api delete-object --bucket ${trailBucket} --key irg-live-check/none   # as an administrator role of the log-archive account that is not a deployer; both change nothing if wrongly allowed (the alias keeps its key, the marker hides no log)`,
      expect: 'AccessDenied with "explicit deny in a resource control policy" for both',
    },
    {
      assumption: 'AWS fills kms:ResourceAliases with the key\'s aliases, so the evidence key (alias/ir-forensic-evidence) is the deployers\' while per-case keys stay the responders\'.',
      rules: ['ir-guardrails-rcp-identity-perimeter'],
      command: 'aws kms put-key-policy --key-id <ID of alias/ir-forensic-evidence (aws kms describe-key)> --policy file://current.json   # as SecurityAdmin in the forensics account; current.json = aws kms get-key-policy --key-id <same ID> --query Policy --output text, so nothing changes if wrongly allowed',
      expect: 'AccessDenied with "explicit deny in a resource control policy"; the same call on a key SecurityAdmin created without that alias succeeds',
    },
    {
      assumption: `An outside identity cannot assume ${IR_ROLES.breakGlass} even if its trust policy were widened.`,
      rules: ['ir-guardrails-rcp-identity-perimeter'],
      command: `aws sts assume-role --role-arn arn:aws:iam::<member account>:role/incident-response/${IR_ROLES.breakGlass} --role-session-name irg-live-check   # from outside the organization`,
      expect: 'AccessDenied',
    },
  ];
  if (config.networkPerimeter.corporateCidrs.length + config.networkPerimeter.vpcEndpoints.length > 0) {
    checks.push({
      assumption: 'IAM user requests through a VPC endpoint carry aws:SourceVpce and no aws:SourceIp; from the internet, aws:SourceIp is the public address.',
      rules: ['ir-guardrails-deny-user-keys-off-network'],
      command: 'aws s3api list-buckets   # with an IAM user key, once from outside the corporate network and once from inside',
      expect: 'AccessDenied outside, a bucket list inside; CloudTrail shows sourceIPAddress and vpcEndpointId for both',
    });
  }
  return checks;
}

/** The checks as a Markdown section for the auditors' README. */
export function liveChecksMarkdown(checks: readonly LiveCheck[]): string[] {
  return [
    '## Verify on a live account',
    '',
    'The simulator proves what the policies say; these assumptions about what AWS sends and does cannot be proven offline. ' +
      'Run each call in a member account as an ordinary workload role (unless it says otherwise) after deploying, and again when AWS changes a service.',
    '',
    ...checks.flatMap((c, i) => [
      `${i + 1}. **${c.assumption}** (${c.rules.join(', ')})`,
      '',
      `       ${c.command}`,
      '',
      `   Expect: ${c.expect}.`,
      '',
    ]),
  ];
}
