/**
 * Cross-reference checks that a schema alone cannot express. Each returns problems as
 * `{ path, message }` so the loader can report them together with the shape errors.
 */
import { isOptInRegion } from './regions';
import type { OrgConfig } from './schema';

export interface ConfigProblem {
  /** Dotted path into the config document, e.g. `accounts.workloads.1.ou`. */
  readonly path: string;
  readonly message: string;
}

/** Every problem in an already shape-valid config; empty when it is consistent. */
export function crossReferenceProblems(config: OrgConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const ouNames = new Set(config.organizationalUnits.map((o) => o.name));
  const ouRef = (path: string, ref: string) => {
    if (ref !== 'root' && !ouNames.has(ref)) {
      add(path, `names OU "${ref}", which is not in organizationalUnits (known: root${[...ouNames].map((n) => `, ${n}`).join('')})`);
    }
  };

  findDuplicates(config.organizationalUnits.map((o, i) => [`organizationalUnits.${i}.name`, o.name]), add, 'OU name');
  findDuplicates(config.organizationalUnits.map((o, i) => [`organizationalUnits.${i}.id`, o.id]), add, 'OU ID');
  config.organizationalUnits.forEach((o, i) => {
    ouRef(`organizationalUnits.${i}.parent`, o.parent);
    if (o.parent === o.name) add(`organizationalUnits.${i}.parent`, 'an OU cannot be its own parent');
  });

  const { management, security, logArchive, forensics, workloads } = config.accounts;
  const accounts: Array<[string, { name: string; id?: string }]> = [
    ['accounts.management', management],
    ['accounts.security', security],
    ['accounts.logArchive', logArchive],
    ['accounts.forensics', forensics],
    ...workloads.map((w, i): [string, typeof w] => [`accounts.workloads.${i}`, w]),
  ];
  findDuplicates(accounts.map(([p, a]) => [`${p}.name`, a.name]), add, 'account name');
  findDuplicates(
    accounts.filter(([, a]) => a.id !== undefined).map(([p, a]) => [`${p}.id`, a.id as string]),
    add,
    'account ID',
  );
  ouRef('accounts.security.ou', security.ou);
  ouRef('accounts.logArchive.ou', logArchive.ou);
  ouRef('accounts.forensics.ou', forensics.ou);
  workloads.forEach((w, i) => ouRef(`accounts.workloads.${i}.ou`, w.ou));

  if (forensics.id === undefined && forensics.create === undefined) {
    add('accounts.forensics', 'set either `id` (existing account) or `create` (email and accountName for a new one)');
  }
  if (forensics.id !== undefined && forensics.create !== undefined) {
    add('accounts.forensics', 'set only one of `id` and `create`: an existing account is never re-created');
  }

  const allowed = new Set(config.regions.allowed);
  findDuplicates(config.regions.allowed.map((r, i) => [`regions.allowed.${i}`, r]), add, 'region');
  if (!allowed.has(config.organization.homeRegion)) {
    add('organization.homeRegion', `"${config.organization.homeRegion}" is not in regions.allowed; add it there or pick an allowed region`);
  }
  if (isOptInRegion(config.organization.homeRegion)) {
    add('organization.homeRegion', `"${config.organization.homeRegion}" is an opt-in region: GuardDuty cannot export findings from other regions into it (findings of default regions cannot go to an opt-in one); pick a region enabled by default`);
  }
  if (config.regions.detection !== 'all') {
    const detection = new Set(config.regions.detection);
    config.regions.allowed.forEach((r, i) => {
      if (!detection.has(r)) add(`regions.allowed.${i}`, `"${r}" is allowed but not in regions.detection; GuardDuty must watch every region workloads can use`);
    });
  }

  const vpcs = workloads.flatMap((w, i) => w.vpcs.map((v, j): [string, string, string] => [`accounts.workloads.${i}.vpcs.${j}`, v.id, v.region]));
  findDuplicates(vpcs.map(([p, id]) => [`${p}.id`, id]), add, 'VPC ID');
  for (const [p, , r] of vpcs) {
    if (!allowed.has(r as never)) add(`${p}.region`, `"${r}" is not in regions.allowed, so no workload may run there`);
  }

  const it = config.instanceTypes;
  if (it.mode === 'allowlist' && (it.allow === undefined || it.allow.length === 0)) {
    add('instanceTypes.allow', 'allowlist mode needs at least one allowed instance type pattern');
  }
  if (it.mode === 'allowlist' && it.replaceDefaultDenylist) {
    add('instanceTypes.replaceDefaultDenylist', 'only meaningful in denylist mode; remove it or switch mode to denylist');
  }
  if (it.mode === 'denylist' && it.replaceDefaultDenylist && (it.deny ?? []).length === 0) {
    add('instanceTypes.deny', 'replaceDefaultDenylist with no deny patterns would allow every instance type, GPUs included; list the patterns to deny');
  }
  if (it.mode === 'allowlist' && it.deny !== undefined) {
    add('instanceTypes.deny', 'deny patterns are ignored in allowlist mode; remove them or switch mode to denylist');
  }
  if (it.mode === 'denylist' && it.allow !== undefined) {
    add('instanceTypes.allow', 'allow patterns are ignored in denylist mode; remove them or switch mode to allowlist');
  }

  config.networkPerimeter?.corporateCidrs.forEach((cidr, i) => {
    if (/\/0$/.test(cidr)) add(`networkPerimeter.corporateCidrs.${i}`, `"${cidr}" admits every address, so the perimeter would deny nothing; list your egress ranges`);
  });
  findDuplicates((config.orgPolicies?.declarativeEc2.allowedImages.trustedOwners ?? []).map((o, i) => [`orgPolicies.declarativeEc2.allowedImages.trustedOwners.${i}`, o]), add, 'image provider');

  config.scp.targets.forEach((t, i) => ouRef(`scp.targets.${i}`, t));
  findDuplicates(config.scp.targets.map((t, i) => [`scp.targets.${i}`, t]), add, 'SCP target');
  config.irRoles.stackSetTargets?.forEach((t, i) => ouRef(`irRoles.stackSetTargets.${i}`, t));
  config.irRoles.responderPrincipals.forEach((arn, i) => {
    const owner = arn.split(':')[4];
    if (owner !== security.id) {
      add(`irRoles.responderPrincipals.${i}`, `must be a principal in the security account ${security.id}, not "${owner}"`);
    }
  });
  return problems;
}

function findDuplicates(
  entries: Array<[string, string]>,
  add: (path: string, message: string) => void,
  what: string,
): void {
  const first = new Map<string, string>();
  for (const [path, value] of entries) {
    const seen = first.get(value);
    if (seen !== undefined) add(path, `duplicate ${what} "${value}" (first used at ${seen})`);
    else first.set(value, path);
  }
}
