/** SCP rule: SageMaker compute follows the same instance-type policy, with its `ml.` prefix. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { outsideTypePolicy } from './deny-unapproved-instance-types';

/** SageMaker names instance types `ml.<EC2 type>`; the EC2 pattern `p*` becomes `ml.p*`. */
export function sageMakerPattern(pattern: string): string {
  return `ml.${pattern}`;
}

/**
 * Every SageMaker action that carries `sagemaker:InstanceTypes` is a Create* or Update* call
 * (training, processing, transform and tuning jobs, notebooks, endpoint configs, HyperPod clusters,
 * Studio domains, user profiles, spaces and apps, monitoring). The wildcards also catch actions
 * AWS adds with the key; the condition makes them harmless to every other Create/Update call.
 */
export const SAGEMAKER_COMPUTE_ACTIONS: readonly string[] = ['sagemaker:Create*', 'sagemaker:Update*'];

/** Plain-text explanation for auditors. */
export const explanation = `Denies SageMaker compute of instance types outside policy.
SageMaker runs training, processing, transform and tuning jobs, notebook instances, inference
endpoints, HyperPod clusters and Studio apps on instances in AWS-owned accounts, so the EC2 rule never
sees them. Those calls carry the multi-valued key sagemaker:InstanceTypes, and every SageMaker call that
carries it is a Create* or Update* call; those are denied when any requested type matches the denylist
(in allowlist mode: when any requested type matches none of the allowed patterns). The patterns are the
EC2 instance-type policy with SageMaker's "ml." prefix (p* becomes ml.p*, *.metal becomes ml.*.metal),
so one list governs both.
Some SageMaker calls choose an instance type without that key: inference experiments, inference
recommendation jobs and optimization jobs. The untyped-launchers rule reserves them for the deployers
and the compute platform; this rule cannot see their types.
A SageMaker call that names no instance type (a serverless endpoint, a Studio app on the default
type, an update that does not change the type) carries no key and is allowed: denying a missing key
here would break serverless inference.
No principal is exempt.`;

/** The SageMaker instance-type rule for `config`. */
export function denySageMakerInstanceTypesScp(config: OrgConfig): AuditedPolicy {
  return {
    name: 'ir-guardrails-deny-sagemaker-instance-types',
    description: 'Deny SageMaker jobs, notebooks, endpoints, HyperPod clusters and Studio apps on instance types outside policy.',
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenySageMakerInstanceTypes',
          Effect: 'Deny',
          Action: [...SAGEMAKER_COMPUTE_ACTIONS],
          Resource: '*',
          Condition: outsideTypePolicy(config, 'sagemaker:InstanceTypes', { multiValued: true, map: sageMakerPattern }),
        },
      ],
    },
  };
}
