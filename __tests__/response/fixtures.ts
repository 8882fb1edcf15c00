/**
 * Shared fixtures for the response-readiness tests: the example org (optionally edited before
 * parsing, so defaults and validation still apply) and one stack synthesized to parsed JSON.
 */
import { readFileSync } from 'node:fs';
import { Testing, type TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG_PATH, parseOrgConfig, type OrgConfig } from '../../config';
import { SecurityAlertsStack } from '../../stacks/detection/alerts';
import { BreakGlassBusStack } from '../../stacks/response/breakglass-alarm';
import { ScpStack } from '../../stacks/scps';

/** Parsed JSON the tests index into freely: Terraform output and raw config documents. */
 
export type Json = any;

/** The example org config, after `edit` has changed the raw YAML document. */
export function exampleConfig(edit: (raw: Json) => void = () => undefined): OrgConfig {
  const raw = parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
  edit(raw);
  return parseOrgConfig(raw);
}

/** A fresh app scope for building one stack. */
export function testApp() {
  return Testing.app();
}

/** The stacks a response stack is deployed after, built into the same app (typed handles, as in the organization). */
export const dependencies = {
  scps: (app: Construct, config: OrgConfig) => new ScpStack(app, config),
  alerts: (app: Construct, config: OrgConfig) => new SecurityAlertsStack(app, { config, security: { name: config.accounts.security.name, id: config.accounts.security.id } }),
  bus: (app: Construct, config: OrgConfig) =>
    new BreakGlassBusStack(app, { config, security: { name: config.accounts.security.name, id: config.accounts.security.id }, alerts: dependencies.alerts(app, config) }),
};

/** One stack's Terraform JSON, parsed. */
export function synthJson(stack: TerraformStack): Record<string, Json> {
  return JSON.parse(Testing.synth(stack));
}

/** Resources of one type as [name, body] pairs (empty when the stack has none). */
export function resources(stack: Record<string, Json>, type: string): Array<[string, Json]> {
  return Object.entries(stack.resource?.[type] ?? {});
}

/** Every resource type in a stack. */
export function resourceTypes(stack: Record<string, Json>): string[] {
  return Object.keys(stack.resource ?? {});
}

/** Undo the escaping Terraform needs (`$${` → `${`), giving the text AWS receives. */
export function unescapeTerraform(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}
