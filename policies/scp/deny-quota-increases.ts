/** SCP rule: only the deployers raise EC2 and SageMaker quotas. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { deployerArnPatterns } from './principals';

/** Service Quotas codes (servicequotas:service) of the services miners need more vCPUs from. */
export const COMPUTE_QUOTA_SERVICES: readonly string[] = ['ec2', 'sagemaker'];

/** Plain-text explanation for auditors. */
export const explanation = `Reserves raising EC2 and SageMaker quotas for the deploying roles.
A new account has small vCPU quotas, so an attacker with stolen keys asks for more before mining
at scale; the request is often approved automatically. RequestServiceQuotaIncrease and
PutServiceQuotaIncreaseRequestIntoTemplate (which raises quotas for every new account) are denied
when servicequotas:service is ec2 or sagemaker, for everyone but the deploying roles. Quota increases
for other services, and reading quotas, stay open. A quota raised through a support case is not
covered (support:CreateCase has no key naming the request): the billing alarms catch what follows.`;

/** The quota rule for `config`. */
export function denyQuotaIncreasesScp(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-guardrails-deny-compute-quota-increases',
    description: 'Deny raising EC2 and SageMaker service quotas except the deploying roles.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyComputeQuotaIncreasesExceptDeployers',
          Effect: 'Deny',
          Action: ['servicequotas:RequestServiceQuotaIncrease', 'servicequotas:PutServiceQuotaIncreaseRequestIntoTemplate'],
          Resource: '*',
          Condition: {
            StringEquals: { 'servicequotas:service': [...COMPUTE_QUOTA_SERVICES] },
            ArnNotLike: { 'aws:PrincipalArn': deployerArnPatterns(config) },
          },
        },
      ],
    },
  };
}
