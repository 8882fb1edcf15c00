/**
 * Detection and evidence: GuardDuty everywhere, the organization trail, Athena, Flow Logs,
 * Resolver query logs, Config rules and billing alarms. Stacks share names through
 * shared/addresses.ts only; each constructor takes the stacks it must be deployed after, so the
 * order is checked by the compiler.
 */
import type { Construct } from 'constructs';
import type { OrgConfig } from '../../config';
import { SecurityAlertsStack } from './alerts';
import { SecurityAthenaStack } from './athena';
import { ManagementBillingStack } from './billing';
import { ManagementConfigRecordersStack } from './config-recorders';
import { SecurityConfigRulesStack } from './config-rules';
import { ManagementDelegationStack } from './delegation';
import { WorkloadDnsQueryLogsStack, dnsQueryLoggedWorkloads } from './dns-query-logs';
import { WorkloadFlowLogsStack, flowLoggedWorkloads } from './flow-logs';
import { SecurityGuardDutyStack } from './guardduty';
import { SecurityGuardDutyOrgStack } from './guardduty-org';
import { LogArchiveStack } from './log-archive';
import { ManagementTrailStack } from './trail';

/** The detection stacks, for the concerns that depend on them. */
export interface DetectionStacks {
  readonly archive: LogArchiveStack;
  readonly alerts: SecurityAlertsStack;
  readonly guardDuty: SecurityGuardDutyStack;
  readonly delegation: ManagementDelegationStack;
  readonly guardDutyOrg: SecurityGuardDutyOrgStack;
  readonly trail: ManagementTrailStack;
  readonly athena: SecurityAthenaStack;
  readonly flowLogs: readonly WorkloadFlowLogsStack[];
  readonly dnsQueryLogs: readonly WorkloadDnsQueryLogsStack[];
  readonly recorders: ManagementConfigRecordersStack;
  readonly rules: SecurityConfigRulesStack;
  readonly billing: ManagementBillingStack;
}

/** Build every detection stack into `scope`. */
export function buildDetection(scope: Construct, config: OrgConfig): DetectionStacks {
  const { management, security, logArchive } = config.accounts;
  const managementAccount = { name: management.name, id: management.id };
  const securityAccount = { name: security.name, id: security.id };

  // Buckets and keys first: every writer below checks its destination when it is created.
  const archive = new LogArchiveStack(scope, { config, logArchive: { name: logArchive.name, id: logArchive.id } });
  const alerts = new SecurityAlertsStack(scope, { config, security: securityAccount });

  // Detectors before the delegation (which would create them), organization settings after it.
  const guardDuty = new SecurityGuardDutyStack(scope, { config, security: securityAccount, archive, alerts });
  const delegation = new ManagementDelegationStack(scope, { config, management: managementAccount, guardDuty });
  const guardDutyOrg = new SecurityGuardDutyOrgStack(scope, { config, security: securityAccount, delegation });

  const trail = new ManagementTrailStack(scope, { config, management: managementAccount, archive });
  const athena = new SecurityAthenaStack(scope, { config, security: securityAccount, archive });
  const flowLogs = flowLoggedWorkloads(config).map((workload) => new WorkloadFlowLogsStack(scope, { config, workload, archive }));
  const dnsQueryLogs = dnsQueryLoggedWorkloads(config).map((workload) => new WorkloadDnsQueryLogsStack(scope, { config, workload, archive }));

  const recorders = new ManagementConfigRecordersStack(scope, { config, management: managementAccount, archive });
  const rules = new SecurityConfigRulesStack(scope, { config, security: securityAccount, delegation, recorders });

  const billing = new ManagementBillingStack(scope, { config, management: managementAccount });
  return { archive, alerts, guardDuty, delegation, guardDutyOrg, trail, athena, flowLogs, dnsQueryLogs, recorders, rules, billing };
}
