/**
 * The guardrail SCPs in the management account (`management-scps`): one Organizations policy per
 * SCP, with the exact minified JSON as content, attached to each configured target; the forensics
 * SCP attached to the Forensics OU. Guards run before the stack exists.
 */
import type { Construct } from 'constructs';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { targetId, type OrgConfig } from '../config';
import { policyJson, type NamedPolicy } from '../policies/document';
import { forensicsOuScp, guardrailScps } from '../policies/scp';
import { AccountStack } from './account-stack';
import { assertScpGuards } from './guards';

/** Stack holding the guardrail SCPs and their attachments. */
export class ScpStack extends AccountStack {
  constructor(scope: Construct, config: OrgConfig) {
    const { name, id } = config.accounts.management;
    super(scope, { config, account: { name, id }, concern: 'scps' });
    const targets = [...new Set(config.scp.targets)];
    for (const scp of guardrailScps(config)) this.attach(this.servicePolicy(scp), targets);
    this.attach(this.servicePolicy(forensicsOuScp(config)), [config.accounts.forensics.ou]);
  }

  private servicePolicy(scp: NamedPolicy): OrganizationsPolicy {
    return new OrganizationsPolicy(this, scp.name, {
      name: scp.name,
      description: scp.description,
      type: 'SERVICE_CONTROL_POLICY',
      // Literal minified JSON: what auditors read in generated/policies is what AWS receives.
      content: policyJson(scp.document),
    });
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
