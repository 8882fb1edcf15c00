/**
 * What the stacks' data sources read, created in moto so a plan against it completes. On AWS
 * these exist before the stack runs (another stack made them); in an empty moto they do not:
 *
 * - `aws_kms_key` by alias ARN in the log-archive account: moto resolves an alias only in the
 *   caller's own account, so the key and alias are made in the account the stack reads from
 *   (its provider's assumed role), in the data source's region;
 * - `aws_guardduty_detector` (the detector of that account and region, which security-guardduty
 *   creates): one detector per region in the stack's account.
 *
 * Any other data source type is refused by name, so a new one is seeded here, not missed.
 */
import { join } from 'node:path';
import { motoProvider } from './apply';
import type { Emulator } from './emulator';
import { writeStack, type SynthStack, type TerraformJson } from './stacks';
import { terraform, type Toolchain } from './toolchain';

/** Data source types moto answers from its own fixed data (nothing to create). */
const ANSWERED_BY_MOTO = new Set(['aws_availability_zones', 'aws_caller_identity', 'aws_partition', 'aws_region']);

/** A data source's needs: which account and region, and what to create there. */
export interface SeedNeed {
  readonly kind: 'kms-alias' | 'guardduty-detector';
  readonly account: string;
  readonly region: string;
  /** The alias name (`alias/...`) for kms-alias. */
  readonly alias?: string;
}

/** What `stacks`' data sources need in moto, de-duplicated; throws on a type it does not know. */
export function seedNeeds(stacks: readonly SynthStack[]): SeedNeed[] {
  const needs = new Map<string, SeedNeed>();
  for (const stack of stacks) {
    const provider = stack.json.provider.aws[0] as { region: string; assume_role?: Array<{ role_arn: string }> };
    const account = provider.assume_role?.[0]?.role_arn.split(':')[4];
    for (const [type, instances] of Object.entries<Record<string, { region?: string; key_id?: string }>>(stack.json.data ?? {})) {
      if (ANSWERED_BY_MOTO.has(type)) continue;
      if (type !== 'aws_kms_key' && type !== 'aws_guardduty_detector') {
        throw new Error(`${stack.id}: data source type ${type} has nothing seeded in moto; add it to scripts/terraform/moto-data.ts`);
      }
      if (!account) throw new Error(`${stack.id}: its provider assumes no role, so the account to seed is unknown`);
      for (const [name, body] of Object.entries(instances)) {
        const region = body.region ?? provider.region;
        if (type === 'aws_guardduty_detector') {
          needs.set(`gd/${account}/${region}`, { kind: 'guardduty-detector', account, region });
          continue;
        }
        const alias = /:(alias\/.+)$/.exec(body.key_id ?? '')?.[1] ?? (body.key_id?.startsWith('alias/') ? body.key_id : undefined);
        if (!alias) throw new Error(`${stack.id}: data.aws_kms_key.${name} reads ${body.key_id}, not an alias; seed it by hand`);
        needs.set(`kms/${account}/${region}/${alias}`, { kind: 'kms-alias', account, region, alias });
      }
    }
  }
  return [...needs.values()];
}

/**
 * One Terraform configuration per account creating its needs, applied to moto with the real
 * provider (the project has no KMS SDK client, and the provider is what the plans use anyway).
 */
export function seedConfigs(needs: readonly SeedNeed[], roleName: string, endpoint: string, providerVersion: string): Map<string, TerraformJson> {
  const configs = new Map<string, TerraformJson>();
  needs.forEach((need, i) => {
    const config =
      configs.get(need.account) ??
      ({
        terraform: { required_providers: { aws: { source: 'aws', version: providerVersion } } },
        provider: { aws: [motoProvider({ region: need.region, assume_role: [{ role_arn: `arn:aws:iam::${need.account}:role/${roleName}`, session_name: 'ir-guardrails-seed' }] }, endpoint)] },
        resource: { aws_kms_key: {}, aws_kms_alias: {}, aws_guardduty_detector: {} },
      } as TerraformJson);
    if (need.kind === 'guardduty-detector') {
      config.resource.aws_guardduty_detector[`detector_${i}`] = { region: need.region, enable: true };
    } else {
      config.resource.aws_kms_key[`key_${i}`] = { region: need.region, description: `moto stand-in for ${need.alias}`, deletion_window_in_days: 7 };
      config.resource.aws_kms_alias[`alias_${i}`] = { region: need.region, name: need.alias, target_key_id: `\${aws_kms_key.key_${i}.key_id}` };
    }
    configs.set(need.account, config);
  });
  for (const config of configs.values()) {
    for (const type of Object.keys(config.resource)) if (Object.keys(config.resource[type]).length === 0) delete config.resource[type];
  }
  return configs;
}

/** Create what `stacks`' data sources read in moto; returns the needs created. */
export async function seedDataSources(tc: Toolchain, emulator: Emulator, stacks: readonly SynthStack[], roleName: string): Promise<SeedNeed[]> {
  const needs = seedNeeds(stacks);
  const env = { HTTP_PROXY: emulator.proxy, HTTPS_PROXY: emulator.proxy, NO_PROXY: '', no_proxy: '' };
  for (const [account, config] of seedConfigs(needs, roleName, emulator.endpoint, tc.versions.providerVersion)) {
    const dir = join(tc.workDir, 'seed', account);
    writeStack(dir, config);
    for (const args of [['init', '-input=false', '-no-color'], ['apply', '-auto-approve', '-input=false', '-no-color']]) {
      const run = await terraform(tc, dir, args, env);
      if (run.status !== 0) throw new Error(`seeding moto for account ${account} (terraform ${args[0]}) failed:\n${run.stderr || run.stdout}`);
    }
  }
  return needs;
}
