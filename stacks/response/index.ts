/**
 * Response readiness: what responders need waiting before an incident. IR roles everywhere,
 * the break-glass alarm, the forensics clean room and isolation groups in workload VPCs.
 */
import type { AccountStack } from '../account-stack';
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
  // The page goes to the alert topic of the detection stack; EventBridge accepts the target
  // before the topic exists, so this only orders a first deploy when that stack is built first.
  dependOnIfBuilt(org, bus, `${org.account('security').name}-alerts`);
  // Rules forwarding to a bus that does not exist yet would drop the events in between.
  org.add(new BreakGlassAlarmStack(app, { config, management })).addDependency(bus);

  for (const stack of buildForensicsStacks(app, config, management)) {
    // Evidence should never sit in the clean room before the Forensics OU SCP closes it.
    dependOnIfBuilt(org, org.add(stack), `${management.name}-scps`);
  }
  for (const stack of buildIsolationStacks(app, config)) org.add(stack);
}

/** Order `stack` after the stack `id` when another concern has built it already; otherwise nothing. */
function dependOnIfBuilt(org: OrgBuild, stack: AccountStack, id: string): void {
  const other = org.all().find((s) => s.node.id === id);
  if (other) stack.addDependency(other);
}
