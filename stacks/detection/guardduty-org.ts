/**
 * `security-guardduty-org` (after `management-delegation`): the organization configuration,
 * auto-enabling every member (`ALL`: existing and new) with every feature, per detection region.
 */
import type { Construct } from 'constructs';
import { DataAwsGuarddutyDetector } from '@cdktf/provider-aws/lib/data-aws-guardduty-detector';
import { GuarddutyOrganizationConfiguration } from '@cdktf/provider-aws/lib/guardduty-organization-configuration';
import { GuarddutyOrganizationConfigurationFeature } from '@cdktf/provider-aws/lib/guardduty-organization-configuration-feature';
import type { OrgConfig } from '../../config';
import { guardDutyRegions } from '../../shared/addresses';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { ManagementDelegationStack } from './delegation';
import { GUARDDUTY_FEATURES } from './guardduty';

/** The organization configuration needs the delegation. */
export interface SecurityGuardDutyOrgProps {
  readonly config: OrgConfig;
  readonly security: TargetAccount;
  readonly delegation: ManagementDelegationStack;
}

/** `security-guardduty-org`: auto-enable every member account and every feature, per region. */
export class SecurityGuardDutyOrgStack extends AccountStack {
  constructor(scope: Construct, props: SecurityGuardDutyOrgProps) {
    super(scope, { config: props.config, account: props.security, concern: 'guardduty-org' });
    this.after(props.delegation);
    for (const region of guardDutyRegions(props.config)) {
      // The detector belongs to `security-guardduty`; look it up rather than read that stack's state.
      const detector = new DataAwsGuarddutyDetector(this, `detector-${region}`, { region });
      const org = new GuarddutyOrganizationConfiguration(this, `org-${region}`, {
        region,
        detectorId: detector.id,
        // ALL: existing members too; NEW would leave today's accounts unprotected.
        autoEnableOrganizationMembers: 'ALL',
      });
      for (const feature of GUARDDUTY_FEATURES) {
        new GuarddutyOrganizationConfigurationFeature(this, `org-${region}-${feature.name}`, {
          region,
          detectorId: detector.id,
          name: feature.name,
          autoEnable: 'ALL',
          additionalConfiguration: (feature.additional ?? []).map((name) => ({ name, autoEnable: 'ALL' })),
          dependsOn: [org],
        });
      }
    }
  }
}
