/**
 * Shared fixtures for the response-readiness tests: the example org (optionally edited before
 * parsing, so defaults and validation still apply) and one stack synthesized to parsed JSON.
 */
import { readFileSync } from 'node:fs';
import { Testing, type TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG_PATH, parseOrgConfig, type OrgConfig } from '../../config';

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
