/**
 * Packing the guardrail rules into SCP documents: as few documents as fit the configured size,
 * at most as many as a target can hold. AWS counts every character of the minified JSON and
 * limits SCPs per root, OU and account, so the pack is sized here, never at apply time.
 */
import type { OrgConfig } from '../../config';
import { policySize, type NamedPolicy, type PolicyDocument, type PolicyStatement } from '../document';
import type { AuditedPolicy } from './audited';

/** One SCP document as deployed, with the rules it carries (their explanations stay per rule). */
export interface PackedScp extends NamedPolicy {
  /** Names of the rules whose statements this document holds, in rule order. */
  readonly rules: readonly string[];
  /** Characters AWS counts. */
  readonly size: number;
}

/** The packed documents and, when the limits cannot be met, every reason why. */
export interface PackResult {
  readonly documents: readonly PackedScp[];
  readonly problems: readonly string[];
  readonly maxChars: number;
  readonly maxDocuments: number;
}

/** The limits one target's guardrail SCPs must meet. */
export interface PackLimits {
  /** Characters per SCP (scp.maxPolicyChars). */
  readonly maxChars: number;
  /** SCPs the pack may use on one target (what is left after FullAWSAccess and other SCPs there). */
  readonly maxDocuments: number;
  /** Document names are `<prefix>-1`, `<prefix>-2`, ... */
  readonly namePrefix: string;
}

/** Prefix of the packed guardrail SCPs' names. */
export const PACKED_SCP_PREFIX = 'ir-guardrails-scp';

/** RCPs share the SCP size limit (5,120 characters); AWS has not raised it for them. */
export const RCP_MAX_CHARS = 5120;

/** AWS attaches FullAWSAccess to every root, OU and account; it counts against the per-target limit. */
export const FULL_AWS_ACCESS_COUNT = 1;

interface Item {
  readonly rule: number;
  readonly statements: readonly PolicyStatement[];
}

const documentOf = (statements: readonly PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

/**
 * SCPs the guardrail pack may use per target: the per-target limit, less FullAWSAccess, less the
 * forensics SCP where a target is the forensics OU itself.
 */
export function guardrailDocumentBudget(config: OrgConfig): number {
  const forensicsIsTarget = config.scp.targets.includes(config.accounts.forensics.ou);
  return config.scp.maxPoliciesPerTarget - FULL_AWS_ACCESS_COUNT - (forensicsIsTarget ? 1 : 0);
}

/**
 * Pack `rules` into documents of at most `limits.maxChars`: whole rules first-fit by decreasing
 * size (a rule stays in one document when it fits one), a rule larger than a document split by
 * statement. Statements keep rule order inside each document, so a reader sees each rule whole.
 */
export function packRules(rules: readonly AuditedPolicy[], limits: PackLimits): PackResult {
  const problems: string[] = [];
  const sids = new Map<string, string>();
  for (const rule of rules) {
    for (const s of rule.document.Statement) {
      const other = s.Sid === undefined ? undefined : sids.get(s.Sid);
      if (s.Sid === undefined) problems.push(`rule ${rule.name} has a statement without a Sid; packed documents need one to say which rule a statement belongs to`);
      else if (other) problems.push(`Sid ${s.Sid} appears in ${other} and ${rule.name}; Sids must be unique within a packed SCP`);
      else sids.set(s.Sid, rule.name);
    }
  }
  const items: Item[] = [];
  rules.forEach((rule, index) => {
    if (policySize(rule.document) <= limits.maxChars) {
      items.push({ rule: index, statements: rule.document.Statement });
      return;
    }
    for (const statement of rule.document.Statement) {
      const size = policySize(documentOf([statement]));
      if (size > limits.maxChars) {
        problems.push(`rule ${rule.name}: statement ${statement.Sid ?? '(no Sid)'} alone is ${size} characters, over scp.maxPolicyChars ${limits.maxChars}; shorten the lists it is built from (exempt principals, instance-type patterns) or raise the limit if your organization has the higher quota`);
      } else {
        items.push({ rule: index, statements: [statement] });
      }
    }
  });

  const bins: Item[][] = [];
  const sizeOf = (bin: readonly Item[]) => policySize(documentOf(bin.flatMap((i) => i.statements)));
  const bySize = [...items].sort((a, b) => policySize(documentOf(b.statements)) - policySize(documentOf(a.statements)) || a.rule - b.rule);
  for (const item of bySize) {
    const bin = bins.find((b) => sizeOf([...b, item]) <= limits.maxChars);
    if (bin) bin.push(item);
    else bins.push([item]);
  }
  // Stable, readable output: documents ordered by their first rule, statements in rule order.
  const ordered = bins
    .map((bin) => [...bin].sort((a, b) => a.rule - b.rule))
    .sort((a, b) => a[0].rule - b[0].rule);

  const documents = ordered.map((bin, i): PackedScp => {
    const ruleNames = [...new Set(bin.map((item) => rules[item.rule].name))];
    const document = documentOf(bin.flatMap((item) => item.statements));
    return {
      name: `${limits.namePrefix}-${i + 1}`,
      description: describe(i, ordered.length, ruleNames),
      document,
      rules: ruleNames,
      size: policySize(document),
    };
  });
  if (documents.length > limits.maxDocuments) {
    const overflow = documents.slice(limits.maxDocuments).flatMap((d) => d.rules);
    problems.push(
      `the guardrail rules need ${documents.length} SCPs of at most ${limits.maxChars} characters, but a target has room for ${limits.maxDocuments} ` +
        `(scp.maxPoliciesPerTarget less FullAWSAccess and the forensics SCP where it shares a target). Does not fit: ${[...new Set(overflow)].join(', ')}. ` +
        'Raise scp.maxPolicyChars (10240 where AWS raised your quota) or scp.maxPoliciesPerTarget, or shorten exemptPrincipals and instance-type lists.',
    );
  }
  return { documents, problems, maxChars: limits.maxChars, maxDocuments: limits.maxDocuments };
}

/** Pack `rules` (the guardrail rules of `config`) within the config's SCP limits. */
export function packGuardrails(config: OrgConfig, rules: readonly AuditedPolicy[]): PackResult {
  return packRules(rules, { maxChars: config.scp.maxPolicyChars, maxDocuments: guardrailDocumentBudget(config), namePrefix: PACKED_SCP_PREFIX });
}

/** AWS's description limit for an Organizations policy is 512 characters. */
function describe(index: number, count: number, ruleNames: readonly string[]): string {
  const text = `IR guardrails SCP ${index + 1} of ${count}; rules: ${ruleNames.map((n) => n.replace(/^ir-guardrails-/, '')).join(', ')}.`;
  return text.length <= 512 ? text : `${text.slice(0, 508)}...`;
}

/** The packing as a Markdown section: each deployed document, its size against the limit, the rules it carries. */
export function packingMarkdown(result: PackResult): string[] {
  return [
    '### How the rules are packed',
    '',
    `AWS receives ${result.documents.length} SCP documents (at most ${result.maxChars} characters each, room for ${result.maxDocuments} per target). ` +
      'Each rule below keeps its own explanation; this table says which deployed document carries it.',
    '',
    '| document (as deployed) | characters | rules |',
    '| --- | --- | --- |',
    ...result.documents.map((d) => `| [${d.name}](scp/${d.name}.min.json) | ${d.size} / ${result.maxChars} | ${d.rules.join(', ')} |`),
    '',
    ...(result.problems.length ? ['**Does not fit:**', '', ...result.problems.map((p) => `- ${p}`), ''] : []),
  ];
}
