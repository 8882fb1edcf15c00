/** The organizations check:terraform validates, by label (the user's own among them when selected). */
import { relative, resolve } from 'node:path';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, parseOrgConfig, type OrgConfig } from '../../config';
import { largeOrgConfig } from '../../bench/large-org';

const root = resolve(__dirname, '..', '..');

/**
 * The organizations to validate: the example, the generated 100-account org and, when one is
 * selected (--config, else IR_GUARDRAILS_CONFIG), the user's own config.
 */
export function orgsToValidate(userConfig: string | undefined): Array<[string, () => OrgConfig]> {
  const orgs: Array<[string, () => OrgConfig]> = [
    ['example', () => loadOrgConfig(EXAMPLE_CONFIG_PATH)],
    ['100-account', () => parseOrgConfig(largeOrgConfig(100))],
  ];
  if (userConfig && resolve(userConfig) !== EXAMPLE_CONFIG_PATH) orgs.push([`your (${relative(root, resolve(userConfig)) || userConfig})`, () => loadOrgConfig(resolve(userConfig))]);
  return orgs;
}
