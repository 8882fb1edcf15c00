/** SCP (d): instances launch with IMDSv2 only, and stay that way. */
import type { AuditedPolicy } from './audited';

/**
 * Highest PUT response hop limit allowed: 2 lets a container on the instance reach IMDSv2
 * (one hop for the host, one for the container bridge); more lets the token leave the host.
 */
export const MAX_METADATA_HOP_LIMIT = 2;

/** Plain-text explanation for auditors. */
export const explanation = `Requires IMDSv2 so stolen instance credentials are harder to obtain.
RunInstances is denied on instance/* unless ec2:MetadataHttpTokens is "required" (a launch that
omits the option is denied too) and when ec2:MetadataHttpPutResponseHopLimit exceeds ${MAX_METADATA_HOP_LIMIT}
(2 serves containers on the host; more lets the token travel off the host).
ModifyInstanceMetadataOptions is denied unless the call sets HttpTokens to "required" or it raises
the hop limit above ${MAX_METADATA_HOP_LIMIT}, so no one switches an instance back to IMDSv1.
Any call made with instance-role credentials that were delivered by IMDSv1
(ec2:RoleDelivery below 2.0) is denied, which makes credentials from older instances useless
even before they are relaunched. No principal is exempt.`;

/** The IMDSv2 SCP (independent of config). */
export function requireImdsv2Scp(): AuditedPolicy {
  return {
    name: 'ir-guardrails-require-imdsv2',
    description: 'Deny launches and metadata changes without IMDSv2, and calls with IMDSv1-delivered credentials.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyLaunchWithoutImdsv2',
          Effect: 'Deny',
          Action: ['ec2:RunInstances', 'ec2:ModifyInstanceMetadataOptions'],
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
        },
        {
          Sid: 'DenyHighMetadataHopLimit',
          Effect: 'Deny',
          Action: ['ec2:RunInstances', 'ec2:ModifyInstanceMetadataOptions'],
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': String(MAX_METADATA_HOP_LIMIT) } },
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
