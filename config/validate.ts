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

/**
 * A config as far as the schema accepted it: a value it rejected, or that is missing, is
 * undefined; defaults are applied wherever the enclosing value parsed (see salvage in index.ts).
 */
export type Salvaged<T> = T extends string | number | boolean
  ? T
  : T extends ReadonlyArray<infer U>
    ? Array<Salvaged<U> | undefined>
    : T extends object
      ? { [K in keyof T]?: Salvaged<T[K]> }
      : T;

/** Every element when all of them parsed; undefined when one did not (a set built from it would be a guess). */
function complete<T>(list: ReadonlyArray<T | undefined> | undefined): T[] | undefined {
  return list && list.every((x) => x !== undefined) ? (list as T[]) : undefined;
}

/**
 * Every cross-reference problem in a config; empty when it is consistent. Runs on a shape-valid
 * config, or on what parsed of a broken one: then a check reports only from values that parsed,
 * and `rejected` says whether the schema refused the value at a path (so absent is not assumed).
 */
export function crossReferenceProblems(config: Salvaged<OrgConfig>, rejected: (path: string) => boolean = () => false): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const ous = config.organizationalUnits ?? [];
  // References are judged only against an OU list that parsed whole: a rejected name may be the one referenced.
  const ouNames = complete(config.organizationalUnits?.map((o) => o?.name));
  const ouRef = (path: string, ref: string | undefined) => {
    if (ref !== undefined && ref !== 'root' && ouNames && !ouNames.includes(ref)) {
      add(path, `names OU "${ref}", which is not in organizationalUnits (known: root${ouNames.map((n) => `, ${n}`).join('')})`);
    }
  };

  findDuplicates(ous.map((o, i) => [`organizationalUnits.${i}.name`, o?.name]), add, 'OU name');
  findDuplicates(ous.map((o, i) => [`organizationalUnits.${i}.id`, o?.id]), add, 'OU ID');
  ous.forEach((o, i) => {
    ouRef(`organizationalUnits.${i}.parent`, o?.parent);
    if (o?.parent !== undefined && o.parent === o.name) add(`organizationalUnits.${i}.parent`, 'an OU cannot be its own parent');
  });

  const { management, security, logArchive, forensics, workloads = [] } = config.accounts ?? {};
  const accounts: Array<[string, { name?: string; id?: string } | undefined]> = [
    ['accounts.management', management],
    ['accounts.security', security],
    ['accounts.logArchive', logArchive],
    ['accounts.forensics', forensics],
    ...workloads.map((w, i): [string, typeof w] => [`accounts.workloads.${i}`, w]),
  ];
  findDuplicates(accounts.map(([p, a]) => [`${p}.name`, a?.name]), add, 'account name');
  findDuplicates(accounts.map(([p, a]) => [`${p}.id`, a?.id]), add, 'account ID');
  ouRef('accounts.security.ou', security?.ou);
  ouRef('accounts.logArchive.ou', logArchive?.ou);
  ouRef('accounts.forensics.ou', forensics?.ou);
  workloads.forEach((w, i) => ouRef(`accounts.workloads.${i}.ou`, w?.ou));

  if (forensics && !rejected('accounts.forensics.id') && !rejected('accounts.forensics.create')) {
    if (forensics.id === undefined && forensics.create === undefined) {
      add('accounts.forensics', 'set either `id` (existing account) or `create` (email and accountName for a new one)');
    }
    if (forensics.id !== undefined && forensics.create !== undefined) {
      add('accounts.forensics', 'set only one of `id` and `create`: an existing account is never re-created');
    }
  }

  const allowedList = config.regions?.allowed ?? [];
  const allowed: string[] | undefined = complete(config.regions?.allowed);
  findDuplicates(allowedList.map((r, i) => [`regions.allowed.${i}`, r]), add, 'region');
  const home = config.organization?.homeRegion;
  if (home !== undefined && allowed && !allowed.includes(home)) {
    add('organization.homeRegion', `"${home}" is not in regions.allowed; add it there or pick an allowed region`);
  }
  if (home !== undefined && isOptInRegion(home)) {
    add('organization.homeRegion', `"${home}" is an opt-in region: GuardDuty cannot export findings from other regions into it (findings of default regions cannot go to an opt-in one); pick a region enabled by default`);
  }
  const detection = config.regions?.detection;
  const detectionList = detection === 'all' ? undefined : complete(detection);
  if (detectionList) {
    allowedList.forEach((r, i) => {
      if (r !== undefined && !detectionList.includes(r)) add(`regions.allowed.${i}`, `"${r}" is allowed but not in regions.detection; GuardDuty must watch every region workloads can use`);
    });
  }

  const vpcs = workloads.flatMap((w, i) => (w?.vpcs ?? []).map((v, j): [string, string | undefined, string | undefined] => [`accounts.workloads.${i}.vpcs.${j}`, v?.id, v?.region]));
  findDuplicates(vpcs.map(([p, id]) => [`${p}.id`, id]), add, 'VPC ID');
  for (const [p, , r] of vpcs) {
    if (r !== undefined && allowed && !allowed.includes(r)) add(`${p}.region`, `"${r}" is not in regions.allowed, so no workload may run there`);
  }

  const it = config.instanceTypes;
  if (it && !rejected('instanceTypes')) instanceTypeProblems(it, add);

  config.networkPerimeter?.corporateCidrs?.forEach((cidr, i) => {
    if (cidr !== undefined && /\/0$/.test(cidr)) add(`networkPerimeter.corporateCidrs.${i}`, `"${cidr}" admits every address, so the perimeter would deny nothing; list your egress ranges`);
  });
  findDuplicates((config.orgPolicies?.declarativeEc2?.allowedImages?.trustedOwners ?? []).map((o, i) => [`orgPolicies.declarativeEc2.allowedImages.trustedOwners.${i}`, o]), add, 'image provider');

  const targets = config.scp?.targets ?? [];
  targets.forEach((t, i) => ouRef(`scp.targets.${i}`, t));
  findDuplicates(targets.map((t, i) => [`scp.targets.${i}`, t]), add, 'SCP target');
  config.irRoles?.stackSetTargets?.forEach((t, i) => ouRef(`irRoles.stackSetTargets.${i}`, t));
  // Responders are checked only against a security account ID that parsed.
  if (security?.id !== undefined) {
    (config.irRoles?.responderPrincipals ?? []).forEach((arn, i) => {
      const owner = arn?.split(':')[4];
      if (arn !== undefined && owner !== security.id) {
        add(`irRoles.responderPrincipals.${i}`, `must be a principal in the security account ${security.id}, not "${owner}"`);
      }
    });
  }
  return problems;
}

/** Instance-type settings that contradict each other (only when the whole section parsed). */
function instanceTypeProblems(it: Salvaged<OrgConfig['instanceTypes']>, add: (path: string, message: string) => void): void {
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
}

function findDuplicates(
  entries: Array<[string, string | undefined]>,
  add: (path: string, message: string) => void,
  what: string,
): void {
  const first = new Map<string, string>();
  for (const [path, value] of entries) {
    if (value === undefined) continue; // rejected by the schema, which reports it
    const seen = first.get(value);
    if (seen !== undefined) add(path, `duplicate ${what} "${value}" (first used at ${seen})`);
    else first.set(value, path);
  }
}
