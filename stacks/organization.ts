/**
 * The whole organization as stacks: one per account and concern. Reads like a table of
 * contents; each concern lives in its own module. Builders return typed handles and take the
 * handles they depend on, so a missing handle fails type-checking; a stack reads the bucket, key,
 * topic or bus another stack creates from that stack's handle, which is what orders the two (lint
 * forbids building those addresses elsewhere), so `cdktf deploy '*'` applies them in a valid order.
 */
import type { Construct } from 'constructs';
import type { OrgConfig } from '../config';
import { AccountStack } from './account-stack';
import { buildDetection, type DetectionStacks } from './detection';
import { buildResponseReadiness, type ResponseStacks } from './response';
import { buildScps, type ScpStack } from './scps';

/** Every stack of the organization, by concern. */
export interface OrganizationStacks {
  readonly scps: ScpStack;
  readonly detection: DetectionStacks;
  readonly response: ResponseStacks;
}

/** Build every stack for the organization into `scope`. Throws before synth on any guard failure. */
export function buildOrganization(scope: Construct, config: OrgConfig): OrganizationStacks {
  const scps = buildScps(scope, config);
  const detection = buildDetection(scope, config);
  const response = buildResponseReadiness(scope, config, { alerts: detection.alerts, scps });
  return { scps, detection, response };
}

/** The account stacks built into `scope`, in build order. */
export function accountStacksIn(scope: Construct): AccountStack[] {
  return scope.node.children.filter((c): c is AccountStack => c instanceof AccountStack);
}
