/** Concrete principals, accounts and regions the proof tables use, derived from the config. */
import type { OrgConfig } from '../../config';
import { COMMERCIAL_REGIONS } from '../../config/regions';
import { deploymentRoleArn, irRoleArn } from '../../shared/addresses';
import { IR_ROLES, type IrRoleKey } from '../../shared/names';

/** Example values for one config. */
export interface ProofFixtures {
  readonly workloadAccount: string;
  readonly securityAccount: string;
  readonly logArchiveAccount: string;
  readonly allowedRegion: string;
  /** A region outside `regions.allowed`, when one exists. */
  readonly deniedRegion: string | undefined;
  /** An ordinary workload role: nothing exempts it. */
  readonly appRole: string;
  readonly irRole: (key: IrRoleKey, account?: string) => string;
  /** The Terraform deployment role in the workload account. */
  readonly deploymentRole: string;
  /** Concrete ARNs for the configured exempt principal patterns. */
  readonly exemptPrincipals: readonly string[];
}

/** Fixtures for `config`. */
export function proofFixtures(config: OrgConfig): ProofFixtures {
  const workloadAccount = config.accounts.workloads[0]?.id ?? config.accounts.security.id;
  const allowed = new Set(config.regions.allowed);
  return {
    workloadAccount,
    securityAccount: config.accounts.security.id,
    logArchiveAccount: config.accounts.logArchive.id,
    allowedRegion: config.regions.allowed[0],
    deniedRegion: COMMERCIAL_REGIONS.find((r) => !allowed.has(r)),
    appRole: `arn:aws:iam::${workloadAccount}:role/app-server`,
    irRole: (key, account = workloadAccount) => irRoleArn(account, IR_ROLES[key]),
    deploymentRole: deploymentRoleArn(config, workloadAccount),
    exemptPrincipals: config.exemptPrincipals.map((p) => concreteArn(p, workloadAccount)),
  };
}

/** A concrete ARN matching an ARN pattern: `*` account becomes `account`, other `*` become `x`. */
export function concreteArn(pattern: string, account: string): string {
  return pattern.replace(/^(arn:aws:(?:iam|sts)::)\*:/, `$1${account}:`).replace(/\*/g, 'x');
}

/** True when `value` matches the IAM glob `pattern` (`*` any run, `?` one character). */
export function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}
