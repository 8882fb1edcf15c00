/**
 * Loading the org config: file (YAML or JSON) → schema → cross-references, all problems
 * reported together. Also the small derived views stacks and tooling need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { DEFAULT_DENIED_INSTANCE_TYPES } from './defaults';
import { COMMERCIAL_REGIONS, isOptInRegion } from './regions';
import { orgConfigSchema, type AccountConfig, type OrgConfig } from './schema';
import { crossReferenceProblems, type ConfigProblem, type Salvaged } from './validate';

export type { OrgConfig, OrgConfigInput, AccountConfig, VpcConfig, StateBackendConfig, ForensicsAccountConfig } from './schema';
export type { ConfigProblem } from './validate';

/** Environment variable that selects another config file. */
export const CONFIG_ENV_VAR = 'IR_GUARDRAILS_CONFIG';
/** The committed example organization: the default config. */
export const EXAMPLE_CONFIG_PATH = resolve(__dirname, 'org.example.yaml');

/** Thrown when a config file cannot be used; carries every problem found. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the org config:\n` +
        problems.map((p) => `  - ${p.path || '(document)'}: ${p.message}`).join('\n') +
        '\nFix these and run again; nothing was written.',
    );
    this.name = 'ConfigError';
  }
}

/** Which config file to use: env var, then an explicit value (cdktf context), then the example. */
export function resolveConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[CONFIG_ENV_VAR] || explicit;
  return chosen ? resolve(chosen) : EXAMPLE_CONFIG_PATH;
}

/** Read, parse and validate a config file; throws ConfigError listing every problem. */
export function loadOrgConfig(file: string = resolveConfigPath()): OrgConfig {
  if (!existsSync(file)) {
    throw new ConfigError(file, [{ path: '', message: `file not found. Fix: pass --config with an existing config file (or set ${CONFIG_ENV_VAR} to one), or copy config/org.example.yaml` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'), { prettyErrors: true });
  } catch (err) {
    const message = err instanceof YAMLParseError ? err.message : String(err);
    throw new ConfigError(file, [{ path: '', message: `not valid YAML/JSON: ${message}` }]);
  }
  return parseOrgConfig(raw, file);
}

/** Validate an in-memory document (already parsed) against schema and cross-references. */
export function parseOrgConfig(raw: unknown, source = '<inline config>'): OrgConfig {
  const result = orgConfigSchema.safeParse(raw);
  if (result.success) {
    const problems = crossReferenceProblems(result.data);
    if (problems.length > 0) throw new ConfigError(source, problems);
    return result.data;
  }
  const shape = result.error.issues.map(issueToProblem);
  // Report cross-reference problems too, from the values that did parse (defaults applied), so a
  // user fixes everything in one pass without false errors about values the schema rejected.
  const rejectedPaths = result.error.issues.map((i) => i.path.map(String).join('.'));
  const rejected = (path: string) => rejectedPaths.some((r) => r === path || r.startsWith(`${path}.`));
  const seen = new Set(shape.map((p) => p.path));
  const extra = crossReferenceProblems(salvage(orgConfigSchema, raw) as Salvaged<OrgConfig>, rejected).filter((p) => !seen.has(p.path));
  throw new ConfigError(source, [...shape, ...extra]);
}

/**
 * What of `value` the schema accepts: the parsed value where it parses, else (for objects and
 * arrays) each part salvaged on its own, else undefined. An array whose elements all parse but
 * which is rejected as a whole (too short) is undefined too.
 */
function salvage(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return value === undefined ? undefined : salvage(schema.unwrap() as z.ZodType, value);
  }
  if (schema instanceof z.ZodObject && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fields = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, s]) => [k, salvage(s, fields[k])]));
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    const element = schema.element as z.ZodType;
    return value.every((v) => element.safeParse(v).success) ? undefined : value.map((v) => salvage(element, v));
  }
  return undefined;
}

function issueToProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check spelling)` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return { path, message: `is required (${issue.expected})` };
  return { path, message: issue.message };
}

/**
 * Regions any principal in the org can use: every region enabled by default, plus the opt-in
 * regions listed as allowed. Other opt-in regions stay disabled (the SCPs deny
 * account:EnableRegion), so nothing can run there and no resource can be deployed there.
 */
export function usableRegions(config: OrgConfig): readonly string[] {
  const allowed = new Set<string>(config.regions.allowed);
  return COMMERCIAL_REGIONS.filter((r) => !isOptInRegion(r) || allowed.has(r));
}

/** Regions where GuardDuty and finding routing run; `all` means every usable region. */
export function detectionRegions(config: OrgConfig): readonly string[] {
  return config.regions.detection === 'all' ? usableRegions(config) : config.regions.detection;
}

/** The effective instance-type rule: denylist (defaults plus `deny`, or `deny` alone if it replaces them) or allowlist. */
export function instanceTypeRule(config: OrgConfig): { mode: 'denylist' | 'allowlist'; patterns: readonly string[] } {
  const it = config.instanceTypes;
  if (it.mode === 'allowlist') return { mode: 'allowlist', patterns: it.allow ?? [] };
  // A custom list adds to the defaults unless told otherwise: denying x1* must not silently allow GPUs.
  const patterns = it.replaceDefaultDenylist ? (it.deny ?? []) : [...new Set([...DEFAULT_DENIED_INSTANCE_TYPES, ...(it.deny ?? [])])];
  return { mode: 'denylist', patterns };
}

/** Organizations target ID (root or OU ID) for a target name used in the config. */
export function targetId(config: OrgConfig, target: string): string {
  if (target === 'root') return config.organization.rootId;
  const ou = config.organizationalUnits.find((o) => o.name === target);
  if (!ou) throw new Error(`unknown OU "${target}" (the config validator should have caught this)`);
  return ou.id;
}

/** Member accounts (every account but management) with a known ID. */
export function memberAccounts(config: OrgConfig): Array<Pick<AccountConfig, 'name' | 'id'>> {
  const { security, logArchive, forensics, workloads } = config.accounts;
  return [security, logArchive, ...(forensics.id ? [{ name: forensics.name, id: forensics.id }] : []), ...workloads];
}

/** Workload OUs: every OU that holds a workload account. */
export function workloadOuNames(config: OrgConfig): string[] {
  return [...new Set(config.accounts.workloads.map((w) => w.ou).filter((o) => o !== 'root'))];
}
