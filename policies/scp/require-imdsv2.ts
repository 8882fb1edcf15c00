/** SCP (d): instances launch with IMDSv2 only, and stay that way. */
import type { AuditedPolicy } from './audited';

/**
 * Highest PUT response hop limit allowed: 2 lets a container on the instance reach IMDSv2
 * (one hop for the host, one for the container bridge); more lets the token leave the host.
 */
export const MAX_METADATA_HOP_LIMIT = 2;

/** Plain-text explanation for auditors. */
export const explanation = `Requires IMDSv2 on every path that configures instance metadata, so stolen instance credentials are harder to obtain.
Launches: RunInstances is denied on instance/* unless ec2:MetadataHttpTokens is "required" (a launch
that omits the metadata options is denied, and so is one that switches the endpoint off without requiring
tokens) or when ec2:MetadataHttpPutResponseHopLimit exceeds ${MAX_METADATA_HOP_LIMIT} (2 serves containers on the host;
more lets the token travel off the host).
Changes to a running instance: ModifyInstanceMetadataOptions is authorized with the instance's current
settings in ec2:MetadataHttpTokens, ec2:MetadataHttpEndpoint and ec2:MetadataHttpPutResponseHopLimit, and
with the values the call asks for in ec2:Attribute/HttpTokens, ec2:Attribute/HttpEndpoint and
ec2:Attribute/HttpPutResponseHopLimit; a setting the call leaves out keeps its current value. It is denied
when the call asks for tokens other than "required", for a hop limit above ${MAX_METADATA_HOP_LIMIT}, or switches the
endpoint on without asking for "required" tokens while the instance does not already require them. So
an owner may upgrade an IMDSv1 instance to "required", lower a hop limit or switch IMDS off entirely (a
responder's containment step), but nobody may switch an instance back to IMDSv1, raise its hop limit
past ${MAX_METADATA_HOP_LIMIT}, or turn the endpoint back on over optional tokens.
The account-wide default for new instances (ModifyInstanceMetadataDefaults) follows the same two rules on
ec2:Attribute/HttpTokens and ec2:Attribute/HttpPutResponseHopLimit: a call that sets HttpTokens must set
"required", a call that sets the hop limit must stay at or below ${MAX_METADATA_HOP_LIMIT}, and a call that changes
only other settings is allowed. Where the EC2 declarative policy is attached it fixes that default anyway.
Other launchers: a launch configuration must set autoscaling:MetadataHttpTokens to "required" with
autoscaling:MetadataHttpPutResponseHopLimit at most ${MAX_METADATA_HOP_LIMIT} (launch templates are checked at
RunInstances), an Image Builder infrastructure configuration imagebuilder:Ec2MetadataHttpTokens
"required", and a SageMaker notebook instance minimum IMDS version 2
(sagemaker:MinimumInstanceMetadataServiceVersion); these three share one statement because each call
carries only its own key and StringNotEquals on an absent key is true, so each call is judged on its
own key alone. An update to a notebook instance may not set the version back to 1 (an update that does
not mention it keeps the current value).
Any call made with instance-role credentials that were delivered by IMDSv1
(ec2:RoleDelivery below 2.0) is denied, which makes credentials from older instances useless
even before they are relaunched. No principal is exempt.`;

/** The IMDSv2 SCP (independent of config). */
export function requireImdsv2Scp(): AuditedPolicy {
  const hops = String(MAX_METADATA_HOP_LIMIT);
  const metadataChanges = ['ec2:ModifyInstanceMetadataOptions', 'ec2:ModifyInstanceMetadataDefaults'];
  return {
    name: 'ir-guardrails-require-imdsv2',
    description: 'Deny launches, launch configurations, metadata changes and defaults without IMDSv2, and calls with IMDSv1-delivered credentials.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyLaunchWithoutImdsv2',
          Effect: 'Deny',
          Action: 'ec2:RunInstances',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
        },
        {
          Sid: 'DenyHighMetadataHopLimit',
          Effect: 'Deny',
          Action: 'ec2:RunInstances',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': hops } },
        },
        {
          // The requested value is ec2:Attribute/HttpTokens; a call that does not set it is judged by the next statements.
          Sid: 'DenyMetadataChangeToOptionalTokens',
          Effect: 'Deny',
          Action: metadataChanges,
          Resource: '*',
          Condition: { StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required' }, Null: { 'ec2:Attribute/HttpTokens': 'false' } },
        },
        {
          Sid: 'DenyMetadataChangeHighHopLimit',
          Effect: 'Deny',
          Action: metadataChanges,
          Resource: '*',
          Condition: { NumericGreaterThan: { 'ec2:Attribute/HttpPutResponseHopLimit': hops } },
        },
        {
          // Endpoint back on without a token setting: the instance keeps its tokens, so they must already be required.
          Sid: 'DenyEndpointOnOverOptionalTokens',
          Effect: 'Deny',
          Action: 'ec2:ModifyInstanceMetadataOptions',
          Resource: '*',
          Condition: {
            StringEquals: { 'ec2:Attribute/HttpEndpoint': 'enabled' },
            Null: { 'ec2:Attribute/HttpTokens': 'true' },
            StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' },
          },
        },
        {
          // Each call carries only its own key; the other two are absent, and StringNotEquals on an absent key is true.
          Sid: 'DenyOtherLaunchersWithoutImdsv2',
          Effect: 'Deny',
          Action: ['autoscaling:CreateLaunchConfiguration', 'imagebuilder:CreateInfrastructureConfiguration', 'imagebuilder:UpdateInfrastructureConfiguration', 'sagemaker:CreateNotebookInstance'],
          Resource: '*',
          Condition: {
            StringNotEquals: {
              'autoscaling:MetadataHttpTokens': 'required',
              'imagebuilder:Ec2MetadataHttpTokens': 'required',
              'sagemaker:MinimumInstanceMetadataServiceVersion': '2',
            },
          },
        },
        {
          Sid: 'DenyLaunchConfigurationHighHopLimit',
          Effect: 'Deny',
          Action: 'autoscaling:CreateLaunchConfiguration',
          Resource: '*',
          Condition: { NumericGreaterThan: { 'autoscaling:MetadataHttpPutResponseHopLimit': hops } },
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
