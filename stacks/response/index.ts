/**
 * Response readiness: what responders need waiting before an incident. IR roles everywhere,
 * the break-glass alarm, the forensics clean room and isolation groups in workload VPCs.
 */
import type { Construct } from 'constructs';
import type { OrgConfig } from '../../config';
import type { SecurityAlertsStack } from '../detection/alerts';
import type { ScpStack } from '../scps';
import { BreakGlassAlarmStack, BreakGlassBusStack } from './breakglass-alarm';
import { buildForensicsStacks, type CleanRoomStack, type ForensicsAccountStack } from './forensics';
import { IrRolesStack } from './ir-roles';
import { buildIsolationStacks, type IsolationStack } from './isolation';

/** What response readiness is deployed after: the alert topic it pages and the SCPs that close the Forensics OU. */
export interface ResponseDependencies {
  readonly alerts: SecurityAlertsStack;
  readonly scps: ScpStack;
}

/** The response-readiness stacks. */
export interface ResponseStacks {
  readonly irRoles: IrRolesStack;
  readonly breakGlassBus: BreakGlassBusStack;
  readonly breakGlassAlarm: BreakGlassAlarmStack;
  /** Account creation, or the clean room once the forensics account ID is in the config. */
  readonly forensics: ForensicsAccountStack | CleanRoomStack;
  readonly isolation: readonly IsolationStack[];
}

/** Build every response-readiness stack into `scope`, after `dependencies`. */
export function buildResponseReadiness(scope: Construct, config: OrgConfig, dependencies: ResponseDependencies): ResponseStacks {
  const { management, security } = config.accounts;
  const managementAccount = { name: management.name, id: management.id };
  const irRoles = new IrRolesStack(scope, { config, management: managementAccount });
  const breakGlassBus = new BreakGlassBusStack(scope, { config, security: { name: security.name, id: security.id }, alerts: dependencies.alerts });
  const breakGlassAlarm = new BreakGlassAlarmStack(scope, { config, management: managementAccount, bus: breakGlassBus });
  const forensics = buildForensicsStacks(scope, config, dependencies.scps);
  const isolation = buildIsolationStacks(scope, config);
  return { irRoles, breakGlassBus, breakGlassAlarm, forensics, isolation };
}
