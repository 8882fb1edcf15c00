/**
 * Organization Config rules (security account, as delegated administrator) in every allowed
 * region: EC2_IMDSV2_CHECK and VPC_FLOW_LOGS_ENABLED. Managed rules evaluate only what a
 * recorder records, so `config-recorders.ts` provides the recorders they need.
 */
import type { Construct } from 'constructs';
import { ConfigOrganizationManagedRule } from '@cdktf/provider-aws/lib/config-organization-managed-rule';
import type { OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { ManagementConfigRecordersStack } from './config-recorders';
import type { ManagementDelegationStack } from './delegation';
import { DETECTION, configRuleRegions } from '../../shared/addresses';

/** An organization managed rule as this project deploys it. */
export interface OrgManagedRule {
  readonly name: string;
  readonly identifier: string;
  readonly description: string;
  /** Resource types for change-triggered rules. @default periodic rule */
  readonly resourceTypes?: readonly string[];
}

/** The rules, in every allowed region. */
export const ORG_MANAGED_RULES: readonly OrgManagedRule[] = [
  {
    name: DETECTION.imdsv2Rule,
    identifier: 'EC2_IMDSV2_CHECK',
    description: 'Instances must require IMDSv2: IMDSv1 lets SSRF steal the instance role credentials',
    resourceTypes: ['AWS::EC2::Instance'],
  },
  {
    name: DETECTION.flowLogsRule,
    identifier: 'VPC_FLOW_LOGS_ENABLED',
    description: 'Every VPC needs Flow Logs: without them mining-pool egress leaves no trace',
  },
];

/** `security-config-rules`: the organization managed rules per allowed region. */
export class SecurityConfigRulesStack extends AccountStack {
  constructor(
    scope: Construct,
    props: { readonly config: OrgConfig; readonly security: TargetAccount; readonly delegation: ManagementDelegationStack; readonly recorders: ManagementConfigRecordersStack },
  ) {
    super(scope, { config: props.config, account: props.security, concern: 'config-rules' });
    // Organization rules need the delegation, and evaluate nothing until the recorders exist.
    this.after(props.delegation, props.recorders);
    for (const region of configRuleRegions(props.config)) {
      for (const rule of ORG_MANAGED_RULES) {
        new ConfigOrganizationManagedRule(this, `${rule.identifier.toLowerCase()}-${region}`, {
          region,
          name: rule.name,
          ruleIdentifier: rule.identifier,
          description: rule.description,
          ...(rule.resourceTypes
            ? { resourceTypesScope: [...rule.resourceTypes] }
            : { maximumExecutionFrequency: 'TwentyFour_Hours' }),
        });
      }
    }
  }
}
