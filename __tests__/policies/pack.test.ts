/** Packing the guardrail rules into SCP documents within the configured limits. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { policySize, type PolicyStatement } from '../../policies/document';
import { guardrailScps, packGuardrails, type AuditedPolicy } from '../../policies/scp';
import { guardrailDocumentBudget, packRules } from '../../policies/scp/pack';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);

/** A rule of `count` statements of about `chars` characters each. */
function rule(name: string, count: number, chars = 300): AuditedPolicy {
  const statements: PolicyStatement[] = Array.from({ length: count }, (_, i) => ({
    Sid: `${name.replace(/[^A-Za-z]/g, '')}${i}`, Effect: 'Deny', Action: `ec2:${'X'.repeat(chars - 60)}`, Resource: '*',
  }));
  return { name, description: name, explanation: name, document: { Version: '2012-10-17', Statement: statements } };
}
const limits = { maxChars: 1000, maxDocuments: 3, namePrefix: 'p' };

describe('packRules', () => {
  it.each([
    { name: 'small rules share one document', rules: [rule('a', 1), rule('b', 1)], documents: [['a', 'b']] },
    { name: 'a rule that fits one document is never split', rules: [rule('a', 2), rule('b', 2)], documents: [['a'], ['b']] },
    { name: 'a rule larger than a document is split by statement', rules: [rule('big', 5)], documents: [['big'], ['big']] },
    { name: 'first-fit by size fills gaps with later small rules', rules: [rule('a', 2), rule('b', 2), rule('c', 1)], documents: [['a', 'c'], ['b']] },
  ])('$name', ({ rules, documents }) => {
    const result = packRules(rules, limits);
    expect(result.problems).toEqual([]);
    expect(result.documents.map((d) => d.rules)).toEqual(documents);
    for (const d of result.documents) expect(d.size).toBe(policySize(d.document));
    for (const d of result.documents) expect(d.size).toBeLessThanOrEqual(limits.maxChars);
  });

  it('names what does not fit when the documents run out', () => {
    const result = packRules([rule('a', 3), rule('b', 3), rule('c', 3), rule('d', 3)], limits);
    expect(result.problems).toEqual([expect.stringMatching(/need 4 SCPs of at most 1000 characters, but a target has room for 3 .*Does not fit: d\. Raise scp.maxPolicyChars/)]);
  });

  it('reports a statement that no document can hold, and duplicate Sids', () => {
    const huge = rule('huge', 1, 1200);
    const twin = { ...rule('twin', 1), document: { Version: '2012-10-17' as const, Statement: rule('a', 1).document.Statement } };
    const problems = packRules([huge, rule('a', 1), twin], limits).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/rule huge: statement huge0 alone is \d+ characters, over scp.maxPolicyChars 1000/),
      expect.stringMatching(/Sid a0 appears in a and twin/),
    ]));
  });
});

describe('packGuardrails on the shipped rules', () => {
  it('fits the example within 5,120 characters and the root budget', () => {
    const result = packGuardrails(example, guardrailScps(example));
    expect(result.problems).toEqual([]);
    expect(result.documents.length).toBeLessThanOrEqual(guardrailDocumentBudget(example));
    expect(result.documents.map((d) => d.name)).toEqual(result.documents.map((_, i) => `ir-guardrails-scp-${i + 1}`));
    for (const d of result.documents) expect(d.description.length).toBeLessThanOrEqual(512);
  });

  it('needs fewer documents at 10,240 characters', () => {
    const wide = exampleWith((raw) => (raw.scp = { ...raw.scp, maxPolicyChars: 10240 }));
    const result = packGuardrails(wide, guardrailScps(wide));
    expect(result.documents.length).toBeLessThan(packGuardrails(example, guardrailScps(example)).documents.length);
    expect(result.documents.length).toBe(2);
  });

  it('leaves room for the forensics SCP when the Forensics OU is a target', () => {
    expect(guardrailDocumentBudget(example)).toBe(4);
    expect(guardrailDocumentBudget(exampleWith((raw) => (raw.scp = { ...raw.scp, targets: ['root', 'Forensics'] })))).toBe(3);
  });
});
