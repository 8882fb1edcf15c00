/** SCP rule (optional): IAM user credentials work only from the corporate network or its VPC endpoints. */
import type { OrgConfig } from '../../config';
import type { ConditionBlock } from '../document';
import type { AuditedPolicy } from './audited';

/** Principals whose credentials are long-term keys (or sessions derived from them with GetFederationToken). */
export const LONG_TERM_KEY_PRINCIPALS: readonly string[] = ['arn:aws:iam::*:user/*', 'arn:aws:sts::*:federated-user/*'];

/** Plain-text explanation for auditors. */
export const explanation = `Makes a leaked IAM user access key useless outside the corporate network (only when configured).
Long-term access keys of IAM users are the credential most often leaked (committed to a repository,
left in a laptop backup), and unlike role sessions they never expire. When networkPerimeter lists
corporate egress CIDRs and/or VPC endpoints, every request signed by an IAM user (or by a federated
user session created from one) is denied unless it comes from one of the CIDRs (aws:SourceIp) or
through one of the VPC endpoints (aws:SourceVpce). As in AWS's data-perimeter guidance, a request an
AWS service makes on the user's behalf (aws:ViaAWSService, e.g. CloudFormation creating a stack the
user asked for) is allowed, since it comes from AWS's network, not the user's. The IfExists operators
treat a request without the key (aws:SourceIp is absent for requests through a VPC endpoint) as outside
the other list. Roles are not affected: their sessions expire, and responders assume roles.
The rule is off while both lists are empty.`;

/** The network-perimeter rule for `config`, or undefined when it is off (both lists empty). */
export function denyUserKeysOffNetworkScp(config: OrgConfig): AuditedPolicy | undefined {
  const { corporateCidrs, vpcEndpoints } = config.networkPerimeter;
  if (corporateCidrs.length === 0 && vpcEndpoints.length === 0) return undefined;
  const condition: Record<string, Record<string, string | string[]>> = {
    // Each present list must fail for a deny; an absent list allows nothing by itself.
    ...(corporateCidrs.length ? { NotIpAddressIfExists: { 'aws:SourceIp': [...corporateCidrs] } } : {}),
    ...(vpcEndpoints.length ? { StringNotEqualsIfExists: { 'aws:SourceVpce': [...vpcEndpoints] } } : {}),
    BoolIfExists: { 'aws:ViaAWSService': 'false' },
    ArnLike: { 'aws:PrincipalArn': [...LONG_TERM_KEY_PRINCIPALS] },
  };
  return {
    name: 'ir-guardrails-deny-user-keys-off-network',
    description: 'Deny requests signed with IAM user credentials from outside the corporate CIDRs and VPC endpoints.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'DenyUserKeysOutsideNetwork', Effect: 'Deny', Action: '*', Resource: '*', Condition: condition as ConditionBlock }],
    },
  };
}
