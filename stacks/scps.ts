/**
 * The guardrail SCPs in the management account (`management-scps`): the guardrail rules packed into
 * as few Organizations policies as the limits allow, each with the exact minified JSON as content,
 * attached to each configured target; the forensics SCP attached to the Forensics OU; the EC2
 * declarative policy (on the targets) and the identity-perimeter RCP (on the root) when enabled.
 * Guards run before the stack exists.
 */
import type { Construct } from 'constructs';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { targetId, type OrgConfig } from '../config';
import type { NamedPolicy } from '../policies/document';
import { ec2DeclarativePolicy } from '../policies/declarative';
import { identityPerimeterRcp } from '../policies/rcp';
import { forensicsOuScp, guardrailScps, packGuardrails } from '../policies/scp';
import type { OrgPolicyType } from '../shared/prerequisites';
import { AccountStack } from './account-stack';
import { assertScpGuards } from './guards';
import { terraformPolicy } from './plumbing/terraform-literal';

/** Stack holding the guardrail SCPs and their attachments. */
export class ScpStack extends AccountStack {
  constructor(scope: Construct, config: OrgConfig) {
    const { name, id } = config.accounts.management;
    super(scope, { config, account: { name, id }, concern: 'scps' });
    const targets = [...new Set(config.scp.targets)];
    // The guards have already refused a pack that does not fit.
    for (const scp of packGuardrails(config, guardrailScps(config)).documents) this.attach(this.servicePolicy(scp), targets);
    this.attach(this.servicePolicy(forensicsOuScp(config)), [config.accounts.forensics.ou]);
    if (config.orgPolicies.declarativeEc2.enabled) {
      const ec2 = ec2DeclarativePolicy(config);
      this.attach(this.orgPolicy(ec2, 'DECLARATIVE_POLICY_EC2', terraformPolicy(ec2)), targets);
    }
    if (config.orgPolicies.resourceControl.enabled) {
      const rcp = identityPerimeterRcp(config);
      // At the root: the log archive and the clean room sit in OUs that scp.targets need not include.
      this.attach(this.orgPolicy(rcp, 'RESOURCE_CONTROL_POLICY', terraformPolicy(rcp.document)), ['root']);
    }
  }

  private servicePolicy(scp: NamedPolicy): OrganizationsPolicy {
    return this.orgPolicy(scp, 'SERVICE_CONTROL_POLICY', terraformPolicy(scp.document));
  }

  private orgPolicy(policy: { name: string; description: string }, type: OrgPolicyType, content: string): OrganizationsPolicy {
    // Minified JSON, escaped for Terraform: what auditors read in generated/policies is what AWS receives.
    return new OrganizationsPolicy(this, policy.name, { name: policy.name, description: policy.description, type, content });
  }

  private attach(policy: OrganizationsPolicy, targets: readonly string[]): void {
    for (const target of targets) {
      new OrganizationsPolicyAttachment(this, `${policy.friendlyUniqueId}-${target}`, {
        policyId: policy.id,
        targetId: targetId(this.config, target),
      });
    }
  }
}

/** Build the SCP stack; every guard problem is thrown together before anything is created. */
export function buildScps(scope: Construct, config: OrgConfig): ScpStack {
  assertScpGuards(config);
  return new ScpStack(scope, config);
}
