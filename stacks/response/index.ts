/**
 * Response readiness: what responders need waiting before an incident. IR roles everywhere,
 * the break-glass alarm, the forensics clean room and isolation groups in workload VPCs.
 */
import type { OrgBuild } from '../organization';
import { BreakGlassAlarmStack, BreakGlassBusStack } from './breakglass-alarm';
import { buildForensicsStacks } from './forensics';
import { IrRolesStack } from './ir-roles';
import { buildIsolationStacks } from './isolation';

/** Add every response-readiness stack to `org`, with its ordering declared. */
export function buildResponseReadiness(org: OrgBuild): void {
  const { app, config } = org;
  const management = org.account('management');

  org.add(new IrRolesStack(app, { config, management }));

  const bus = org.add(new BreakGlassBusStack(app, { config, security: org.account('security') }));
  // Rules forwarding to a bus that does not exist yet would drop the events in between.
  org.add(new BreakGlassAlarmStack(app, { config, management })).addDependency(bus);

  for (const stack of buildForensicsStacks(app, config, management)) org.add(stack);
  for (const stack of buildIsolationStacks(app, config)) org.add(stack);
}
