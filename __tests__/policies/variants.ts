/** Config variants for the proofs: the example org with one setting changed. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG_PATH, parseOrgConfig, type OrgConfig } from '../../config';

/** The example config after `change` edits its raw YAML document. */
// The raw document is untyped on purpose: tests write shapes the schema may reject.
 
export function exampleWith(change: (raw: any) => void): OrgConfig {
  const raw = parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
  change(raw);
  return parseOrgConfig(raw);
}
