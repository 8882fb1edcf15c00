/**
 * Detection and evidence: GuardDuty everywhere, the organization trail, Athena, Flow Logs,
 * Config rules and billing alarms. Stacks share names through `names.ts` only; the order
 * below, made explicit with `addDependency`, is the order they can be applied in.
 */
import type { OrgBuild } from '../organization';
import { SecurityAlertsStack } from './alerts';
import { SecurityAthenaStack } from './athena';
import { ManagementBillingStack } from './billing';
import { ManagementConfigRecordersStack } from './config-recorders';
import { SecurityConfigRulesStack } from './config-rules';
import { ManagementDelegationStack } from './delegation';
import { WorkloadDnsQueryLogsStack, dnsQueryLoggedWorkloads } from './dns-query-logs';
import { WorkloadFlowLogsStack, flowLoggedWorkloads } from './flow-logs';
import { SecurityGuardDutyOrgStack, SecurityGuardDutyStack } from './guardduty';
import { LogArchiveStack } from './log-archive';
import { ManagementTrailStack } from './trail';

/** Add every detection stack to `org`, with its ordering declared. */
export function buildDetection(org: OrgBuild): void {
  const { app, config } = org;
  const management = org.account('management');
  const security = org.account('security');

  // Buckets and keys first: every writer below checks its destination when it is created.
  const archive = org.add(new LogArchiveStack(app, { config, logArchive: org.account('logArchive') }));
  const alerts = org.add(new SecurityAlertsStack(app, { config, security }));

  // Detectors before the delegation (which would create them), organization settings after it.
  const guardDuty = org.add(new SecurityGuardDutyStack(app, { config, security }));
  guardDuty.addDependency(archive);
  guardDuty.addDependency(alerts);
  const delegation = org.add(new ManagementDelegationStack(app, { config, management }));
  delegation.addDependency(guardDuty);
  org.add(new SecurityGuardDutyOrgStack(app, { config, security })).addDependency(delegation);

  org.add(new ManagementTrailStack(app, { config, management })).addDependency(archive);
  org.add(new SecurityAthenaStack(app, { config, security })).addDependency(archive);

  for (const workload of flowLoggedWorkloads(config)) {
    org.add(new WorkloadFlowLogsStack(app, { config, workload })).addDependency(archive);
  }
  for (const workload of dnsQueryLoggedWorkloads(config)) {
    org.add(new WorkloadDnsQueryLogsStack(app, { config, workload })).addDependency(archive);
  }

  // Organization rules need the delegation, and evaluate nothing until the recorders exist.
  const recorders = org.add(new ManagementConfigRecordersStack(app, { config, management }));
  recorders.addDependency(archive);
  const rules = org.add(new SecurityConfigRulesStack(app, { config, security }));
  rules.addDependency(delegation);
  rules.addDependency(recorders);

  org.add(new ManagementBillingStack(app, { config, management }));
}
