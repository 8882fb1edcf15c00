/** The auditors' report pieces: packing table, declarative section, live-account checks. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { policyJson } from '../../policies/document';
import { policyCatalog } from '../../policies/catalog';
import { liveAccountChecks } from '../../policies/live-checks';
import { guardrailReport } from '../../policies/report';
import { guardrailScps, packGuardrails } from '../../policies/scp';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);

describe('guardrail report', () => {
  const report = guardrailReport(example);

  it('lists every deployed SCP document with its size and rules, and writes each as deployed', () => {
    const pack = packGuardrails(example, guardrailScps(example));
    for (const d of pack.documents) {
      expect(report.packing.join('\n')).toContain(`| [${d.name}](scp/${d.name}.min.json) | ${d.size} / 5120 | ${d.rules.join(', ')} |`);
      const entry = policyCatalog(example).find((e) => e.policy.name === d.name);
      expect(entry?.kind).toBe('scp');
      expect(policyJson(entry!.policy.document)).toBe(policyJson(d.document));
    }
    expect(report.problems).toEqual([]);
  });

  it('lists the live-account checks, each with an AWS CLI call and an expectation', () => {
    const text = report.liveChecks.join('\n');
    expect(text).toMatch(/^## Verify on a live account/);
    const checks = liveAccountChecks(example);
    expect(checks.length).toBeGreaterThanOrEqual(15);
    for (const c of checks) {
      expect(c.command).toMatch(/^aws [a-z0-9-]+ [a-z0-9-]+/);
      expect(text).toContain(c.command);
      expect(c.expect.length).toBeGreaterThan(10);
    }
    // The launch paths the simulator cannot show.
    expect(text).toMatch(/launch template/);
    expect(text).toMatch(/InstanceRequirements/);
    expect(text).toMatch(/mixed-instances-policy/);
    expect(text).toMatch(/service-linked roles/);
  });

  it('adds the network-perimeter check only when the perimeter is on; the catalog drops switched-off policy types', () => {
    const on = exampleWith((raw) => {
      raw.networkPerimeter = { corporateCidrs: ['203.0.113.0/24'] };
      raw.orgPolicies = { declarativeEc2: { enabled: false }, resourceControl: { enabled: false } };
    });
    const r = guardrailReport(on);
    expect(r.liveChecks.join('\n')).toMatch(/with an IAM user key/);
    expect(report.liveChecks.join('\n')).not.toMatch(/with an IAM user key/);
    const kinds = (c: typeof on) => new Set(policyCatalog(c).map((e) => e.kind));
    expect(kinds(on).has('rcp') || kinds(on).has('declarative')).toBe(false);
    expect([...kinds(example)]).toEqual(expect.arrayContaining(['scp', 'scp-rule', 'rcp', 'declarative']));
  });

  it('reports what does not fit', () => {
    const tight = exampleWith((raw) => (raw.scp = { ...raw.scp, maxPoliciesPerTarget: 3 }));
    expect(guardrailReport(tight).problems.join('\n')).toMatch(/Does not fit/);
    expect(guardrailReport(tight).packing.join('\n')).toMatch(/\*\*Does not fit:\*\*/);
  });
});
