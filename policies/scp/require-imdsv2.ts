/** SCP (d): instances launch with IMDSv2 only, and stay that way. */
import type { AuditedPolicy } from './audited';

/**
 * Highest PUT response hop limit allowed: 2 lets a container on the instance reach IMDSv2
 * (one hop for the host, one for the container bridge); more lets the token leave the host.
 */
export const MAX_METADATA_HOP_LIMIT = 2;

/** Plain-text explanation for auditors. */
export const explanation = `Requires IMDSv2 on every path that configures instance metadata, so stolen instance credentials are harder to obtain.
RunInstances and ModifyInstanceMetadataOptions are denied on instance/* unless the call sets
ec2:MetadataHttpTokens to "required" or switches the metadata endpoint off (ec2:MetadataHttpEndpoint
"disabled"): a launch that omits the options is denied, so is switching an instance back to "optional",
while a responder can still turn IMDS off entirely on a compromised instance. Turning it back on must
say "required" in the same call. Both are also denied when ec2:MetadataHttpPutResponseHopLimit exceeds
${MAX_METADATA_HOP_LIMIT} (2 serves containers on the host; more lets the token travel off the host).
Launch configurations follow the same rule on autoscaling:MetadataHttpTokens,
autoscaling:MetadataHttpEndpoint and autoscaling:MetadataHttpPutResponseHopLimit (launch templates are
checked at RunInstances). The account-wide default for new instances (ModifyInstanceMetadataDefaults)
may only be set to HttpTokens "required" with a hop limit of at most ${MAX_METADATA_HOP_LIMIT}; where the EC2
declarative policy is attached it fixes that default anyway. Image Builder infrastructure
configurations must require IMDSv2 (imagebuilder:Ec2MetadataHttpTokens). SageMaker notebook instances
must be created with minimum IMDS version 2 (sagemaker:MinimumInstanceMetadataServiceVersion), and an
update may not set it back to 1 (an update that does not mention it keeps the current value).
Any call made with instance-role credentials that were delivered by IMDSv1
(ec2:RoleDelivery below 2.0) is denied, which makes credentials from older instances useless
even before they are relaunched. No principal is exempt.`;

const stillOn = (prefix: 'ec2' | 'autoscaling') => ({
  StringNotEquals: { [`${prefix}:MetadataHttpTokens`]: 'required', [`${prefix}:MetadataHttpEndpoint`]: 'disabled' },
});

/** The IMDSv2 SCP (independent of config). */
export function requireImdsv2Scp(): AuditedPolicy {
  const hops = String(MAX_METADATA_HOP_LIMIT);
  return {
    name: 'ir-guardrails-require-imdsv2',
    description: 'Deny launches, launch configurations, metadata changes and defaults without IMDSv2, and calls with IMDSv1-delivered credentials.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          // Both keys in one operator: denied unless tokens are required or the endpoint is off.
          Sid: 'DenyLaunchWithoutImdsv2',
          Effect: 'Deny',
          Action: ['ec2:RunInstances', 'ec2:ModifyInstanceMetadataOptions'],
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: stillOn('ec2'),
        },
        {
          Sid: 'DenyHighMetadataHopLimit',
          Effect: 'Deny',
          Action: ['ec2:RunInstances', 'ec2:ModifyInstanceMetadataOptions'],
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': hops } },
        },
        {
          Sid: 'DenyLaunchConfigurationWithoutImdsv2',
          Effect: 'Deny',
          Action: 'autoscaling:CreateLaunchConfiguration',
          Resource: '*',
          Condition: stillOn('autoscaling'),
        },
        {
          Sid: 'DenyLaunchConfigurationHighHopLimit',
          Effect: 'Deny',
          Action: 'autoscaling:CreateLaunchConfiguration',
          Resource: '*',
          Condition: { NumericGreaterThan: { 'autoscaling:MetadataHttpPutResponseHopLimit': hops } },
        },
        {
          Sid: 'DenyAccountMetadataDefaultsWithoutImdsv2',
          Effect: 'Deny',
          Action: 'ec2:ModifyInstanceMetadataDefaults',
          Resource: '*',
          Condition: { StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required' } },
        },
        {
          Sid: 'DenyAccountMetadataDefaultsHighHopLimit',
          Effect: 'Deny',
          Action: 'ec2:ModifyInstanceMetadataDefaults',
          Resource: '*',
          Condition: { NumericGreaterThan: { 'ec2:Attribute/HttpPutResponseHopLimit': hops } },
        },
        {
          Sid: 'DenyImageBuilderWithoutImdsv2',
          Effect: 'Deny',
          Action: ['imagebuilder:CreateInfrastructureConfiguration', 'imagebuilder:UpdateInfrastructureConfiguration'],
          Resource: '*',
          Condition: { StringNotEquals: { 'imagebuilder:Ec2MetadataHttpTokens': 'required' } },
        },
        {
          Sid: 'DenyNotebookWithoutImdsv2',
          Effect: 'Deny',
          Action: 'sagemaker:CreateNotebookInstance',
          Resource: '*',
          Condition: { StringNotEquals: { 'sagemaker:MinimumInstanceMetadataServiceVersion': '2' } },
        },
        {
          Sid: 'DenyNotebookBackToImdsv1',
          Effect: 'Deny',
          Action: 'sagemaker:UpdateNotebookInstance',
          Resource: '*',
          Condition: { StringEquals: { 'sagemaker:MinimumInstanceMetadataServiceVersion': '1' } },
        },
        {
          Sid: 'DenyImdsv1DeliveredCredentials',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { NumericLessThan: { 'ec2:RoleDelivery': '2.0' } },
        },
      ],
    },
  };
}
