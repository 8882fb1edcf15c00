/**
 * Synth-time guards: limits AWS enforces only at apply time (or that Terraform never checks),
 * turned into errors before any output is written.
 */
import type { OrgConfig } from '../config';
import { policySize, type NamedPolicy } from '../policies/document';
import { DECLARATIVE_POLICY_MAX_CHARS, declarativeSize, ec2DeclarativePolicy } from '../policies/declarative';
import { identityPerimeterRcp } from '../policies/rcp';
import { forensicsOuScp, guardrailScps, packGuardrails } from '../policies/scp';
import { FULL_AWS_ACCESS_COUNT, RCP_MAX_CHARS } from '../policies/scp/pack';

/** A guardrail limit was exceeded; the message names the limit, the value and the fix. */
export class GuardrailError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} guardrail limit problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nNothing was written.`);
    this.name = 'GuardrailError';
  }
}

/**
 * Every SCP problem in `config`: sizes, SCPs per target, placement. (`${` and `%{` are no hazard:
 * every document reaches Terraform through `terraformPolicy`, escaped.)
 */
export function scpGuardProblems(config: OrgConfig): string[] {
  const problems: string[] = [];
  const rules = tryBuild(problems, () => guardrailScps(config));
  // Packing reports what does not fit (size per document, documents per target) itself.
  const pack = packGuardrails(config, rules);
  problems.push(...pack.problems);
  const guardrails = pack.documents;
  const forensics = tryBuild(problems, () => [forensicsOuScp(config)]);
  for (const scp of [...guardrails, ...forensics]) {
    const size = policySize(scp.document);
    if (!guardrails.some((g) => g.name === scp.name) && size > config.scp.maxPolicyChars) {
      problems.push(
        `SCP ${scp.name} is ${size} characters; scp.maxPolicyChars is ${config.scp.maxPolicyChars}. ` +
          'Shorten the lists it is built from (exemptPrincipals, instanceTypes) or raise scp.maxPolicyChars if your organization has the higher quota.',
      );
    }
  }
  const forensicsOu = config.accounts.forensics.ou;
  const perTarget = new Map<string, string[]>();
  for (const target of new Set(config.scp.targets)) perTarget.set(target, guardrails.map((p) => p.name));
  perTarget.set(forensicsOu, [...(perTarget.get(forensicsOu) ?? []), ...forensics.map((p) => p.name)]);
  for (const [target, names] of perTarget) {
    const count = names.length + FULL_AWS_ACCESS_COUNT;
    if (count > config.scp.maxPoliciesPerTarget) {
      problems.push(
        `target ${target} would have ${count} SCPs (FullAWSAccess + ${names.join(', ')}); scp.maxPoliciesPerTarget is ${config.scp.maxPoliciesPerTarget}. ` +
          'Attach the guardrails to a parent (root) instead of to this OU, or raise the limit if your organization has the higher quota.',
      );
    }
  }
  problems.push(...orgPolicyProblems(config));
  if (forensicsOu === 'root') {
    problems.push('accounts.forensics.ou is root: the forensics SCP would cut every account off the internet. Put the forensics account in its own OU.');
  }
  const sharing = [config.accounts.security, config.accounts.logArchive, ...config.accounts.workloads].filter((a) => a.ou === forensicsOu);
  if (forensicsOu !== 'root' && sharing.length > 0) {
    problems.push(`OU ${forensicsOu} holds ${sharing.map((a) => a.name).join(', ')} besides the forensics account; the forensics SCP would cut them off the internet.`);
  }
  return problems;
}

/** Size problems of the declarative policy and the RCP, when enabled. */
function orgPolicyProblems(config: OrgConfig): string[] {
  const documents: Array<{ kind: string; name: string; size: number; limit: number }> = [];
  if (config.orgPolicies.declarativeEc2.enabled) {
    const ec2 = ec2DeclarativePolicy(config);
    documents.push({ kind: 'declarative policy', name: ec2.name, size: declarativeSize(ec2), limit: DECLARATIVE_POLICY_MAX_CHARS });
  }
  if (config.orgPolicies.resourceControl.enabled) {
    const rcp = identityPerimeterRcp(config);
    documents.push({ kind: 'RCP', name: rcp.name, size: policySize(rcp.document), limit: RCP_MAX_CHARS });
  }
  return documents
    .filter(({ size, limit }) => size > limit)
    .map(({ kind, name, size, limit }) => `${kind} ${name} is ${size} characters; AWS accepts ${limit}. Shorten orgPolicies.declarativeEc2.allowedImages.trustedOwners or contacts.securityTeam.`);
}

/** Throw GuardrailError listing every SCP problem, if any. */
export function assertScpGuards(config: OrgConfig): void {
  const problems = scpGuardProblems(config);
  if (problems.length > 0) throw new GuardrailError(problems);
}

function tryBuild<T extends NamedPolicy>(problems: string[], build: () => T[]): T[] {
  try {
    return build();
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return [];
  }
}
