/**
 * `management-delegation`: the management account hands GuardDuty (per region) and Config
 * (organization-wide) administration to the security account, so everything else in detection
 * is run from there and the management account stays nearly empty.
 *
 * Prerequisite outside this project's stacks: trusted access (shared/prerequisites.ts, checked
 * by `npm run preflight`).
 */
import type { Construct } from 'constructs';
import { GuarddutyOrganizationAdminAccount } from '@cdktf/provider-aws/lib/guardduty-organization-admin-account';
import { OrganizationsDelegatedAdministrator } from '@cdktf/provider-aws/lib/organizations-delegated-administrator';
import type { OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { SecurityGuardDutyStack } from './guardduty';
import { guardDutyRegions } from '../../shared/addresses';

/** Service principals the security account is delegated administrator for. */
export const CONFIG_DELEGATED_SERVICES = ['config.amazonaws.com', 'config-multiaccountsetup.amazonaws.com'] as const;

/** `management-delegation`: GuardDuty admin per detection region, Config admin once. */
export class ManagementDelegationStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly management: TargetAccount; readonly guardDuty: SecurityGuardDutyStack }) {
    super(scope, { config: props.config, account: props.management, concern: 'delegation' });
    // Designating an administrator enables GuardDuty there: its detectors must exist first.
    this.after(props.guardDuty);
    const security = props.config.accounts.security.id;
    for (const region of guardDutyRegions(props.config)) {
      new GuarddutyOrganizationAdminAccount(this, `guardduty-admin-${region}`, { region, adminAccountId: security });
    }
    for (const service of CONFIG_DELEGATED_SERVICES) {
      new OrganizationsDelegatedAdministrator(this, `admin-${service.split('.')[0]}`, { accountId: security, servicePrincipal: service });
    }
  }
}
