/** The management-scps stack: policies, attachments and the guards that stop a bad synth. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, type OrgConfig } from '../../config';
import { policyJson } from '../../policies/document';
import { declarativeJson, ec2DeclarativePolicy } from '../../policies/declarative';
import { identityPerimeterRcp } from '../../policies/rcp';
import { forensicsOuScp, guardrailScps, packGuardrails } from '../../policies/scp';
import { GuardrailError, scpGuardProblems } from '../../stacks/guards';
import { accountStacksIn } from '../../stacks/organization';
import { buildScps, ScpStack } from '../../stacks/scps';
import { exampleWith } from '../policies/variants';
import { renderTerraformLiteral } from '../support/terraform-template';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);

/** The Terraform JSON fields these tests read. */
interface PolicyResource { name: string; type: string; content: string }
interface AttachmentResource { policy_id: string; target_id: string }

function synth(config: OrgConfig) {
  const stack = new ScpStack(Testing.app(), config);
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

describe('management-scps stack', () => {
  const { stack, json } = synth(example);
  const policies = Object.entries<PolicyResource>(json.resource.aws_organizations_policy);
  const attachments = Object.values<AttachmentResource>(json.resource.aws_organizations_policy_attachment);
  const packed = packGuardrails(example, guardrailScps(example)).documents;
  const expected = [...packed, forensicsOuScp(example)];

  it('lives in the management account as management-scps', () => {
    expect(stack.node.id).toBe('management-scps');
    expect(json.provider.aws[0].allowed_account_ids).toEqual([example.accounts.management.id]);
  });

  it.each(expected.map((p) => [p.name, p] as const))('%s is a SERVICE_CONTROL_POLICY whose content is the literal policy JSON', (name, scp) => {
    const [, resource] = policies.find(([, r]) => r.name === name)!;
    expect(resource.type).toBe('SERVICE_CONTROL_POLICY');
    expect(resource.content).toBe(policyJson(scp.document));
    expect(JSON.parse(resource.content)).toEqual(scp.document);
  });

  it('attaches each guardrail to every target and the forensics SCP to the Forensics OU only', () => {
    const scpIds = new Set(expected.map((p) => `\${aws_organizations_policy.${p.name}.id}`));
    const byTarget = (target: string) => attachments.filter((a) => a.target_id === target && scpIds.has(a.policy_id)).map((a) => a.policy_id).sort();
    const ref = (name: string) => `\${aws_organizations_policy.${name}.id}`;
    expect(byTarget(example.organization.rootId)).toEqual(packed.map((p) => ref(p.name)).sort());
    expect(byTarget('ou-ex12-forensic')).toEqual([ref(forensicsOuScp(example).name)]);
    expect(attachments.filter((a) => scpIds.has(a.policy_id))).toHaveLength(packed.length + 1);
  });

  it('places every guardrail rule in exactly one packed SCP, whole', () => {
    const rules = guardrailScps(example);
    expect(packed.flatMap((d) => d.rules).sort()).toEqual(rules.map((r) => r.name).sort());
    const statements = packed.flatMap((d) => d.document.Statement);
    expect(statements).toHaveLength(rules.reduce((n, r) => n + r.document.Statement.length, 0));
    expect(statements).toEqual(expect.arrayContaining(rules.flatMap((r) => r.document.Statement)));
  });

  it('attaches to OU targets by their IDs', () => {
    const ous = exampleWith((raw) => (raw.scp.targets = ['Workloads-Prod', 'Workloads-Dev']));
    const targets = Object.values<AttachmentResource>(synth(ous).json.resource.aws_organizations_policy_attachment)
      .filter((a) => a.policy_id.includes('ir-guardrails-scp-')).map((a) => a.target_id);
    const count = packGuardrails(ous, guardrailScps(ous)).documents.length;
    expect(targets.filter((t) => t === 'ou-ex12-prod0001')).toHaveLength(count);
    expect(targets.filter((t) => t === 'ou-ex12-dev00001')).toHaveLength(count);
    expect(targets).not.toContain(example.organization.rootId);
  });
});

describe('newer Organizations policy types', () => {
  const { json } = synth(example);
  const policies = Object.values<PolicyResource>(json.resource.aws_organizations_policy);
  const attachments = Object.entries<AttachmentResource>(json.resource.aws_organizations_policy_attachment);

  it('places the EC2 declarative policy with its literal JSON on every SCP target', () => {
    const ec2 = ec2DeclarativePolicy(example);
    const resource = policies.find((p) => p.name === ec2.name)!;
    expect(resource.type).toBe('DECLARATIVE_POLICY_EC2');
    expect(resource.content).toBe(declarativeJson(ec2));
    expect(attachments.filter(([, a]) => a.policy_id === `\${aws_organizations_policy.${ec2.name}.id}`).map(([, a]) => a.target_id)).toEqual([example.organization.rootId]);
  });

  it('places the identity-perimeter RCP with its literal JSON on the root', () => {
    const rcp = identityPerimeterRcp(example);
    const resource = policies.find((p) => p.name === rcp.name)!;
    expect(resource.type).toBe('RESOURCE_CONTROL_POLICY');
    expect(resource.content).toBe(policyJson(rcp.document));
    expect(attachments.filter(([, a]) => a.policy_id === `\${aws_organizations_policy.${rcp.name}.id}`).map(([, a]) => a.target_id)).toEqual([example.organization.rootId]);
  });

  it('creates neither when their switches are off (the policy types are not enabled on the root)', () => {
    const off = exampleWith((raw) => (raw.orgPolicies = { declarativeEc2: { enabled: false }, resourceControl: { enabled: false } }));
    const types = Object.values<PolicyResource>(synth(off).json.resource.aws_organizations_policy).map((p) => p.type);
    expect(new Set(types)).toEqual(new Set(['SERVICE_CONTROL_POLICY']));
  });

  it('RCP on the root even when the SCPs target OUs', () => {
    const ous = exampleWith((raw) => (raw.scp.targets = ['Workloads-Prod']));
    const rcpName = identityPerimeterRcp(ous).name;
    const targets = Object.values<AttachmentResource>(synth(ous).json.resource.aws_organizations_policy_attachment)
      .filter((a) => a.policy_id.includes(rcpName)).map((a) => a.target_id);
    expect(targets).toEqual([example.organization.rootId]);
  });
});

describe('SCP guards', () => {
  it('pass for the example org', () => {
    expect(scpGuardProblems(example)).toEqual([]);
  });

  it('collect every statement and document that does not fit, and every over-full target, and stop the build before any stack exists', () => {
    const tight = exampleWith((raw) => {
      raw.scp = { ...raw.scp, maxPolicyChars: 1000, maxPoliciesPerTarget: 4, targets: ['root', 'Forensics'] };
    });
    const problems = scpGuardProblems(tight);
    // The region deny's one statement cannot be split; the forensics SCP is not packed.
    expect(problems.some((p) => /rule ir-guardrails-deny-unapproved-regions: statement DenyOutsideAllowedRegions alone is \d+ characters, over scp.maxPolicyChars 1000/.test(p))).toBe(true);
    expect(problems.some((p) => /SCP ir-guardrails-forensics-no-internet is \d+ characters; scp.maxPolicyChars is 1000/.test(p))).toBe(true);
    expect(problems.some((p) => /the guardrail rules need \d+ SCPs of at most 1000 characters, but a target has room for 2 .*Does not fit: .*ir-guardrails-require-imdsv2/.test(p))).toBe(true);
    expect(problems.some((p) => /target root would have \d+ SCPs \(FullAWSAccess/.test(p))).toBe(true);
    expect(problems.some((p) => /target Forensics would have \d+ SCPs/.test(p))).toBe(true);
    const outdir = mkdtempSync(join(tmpdir(), 'irg-scp-guard-'));
    try {
      const app = new App({ outdir });
      expect(() => buildScps(app, tight)).toThrow(GuardrailError);
      expect(accountStacksIn(app)).toHaveLength(0);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('refuse a forensics OU shared with workloads or at the root', () => {
    const shared = exampleWith((raw) => (raw.accounts.workloads[0].ou = 'Forensics'));
    expect(scpGuardProblems(shared).join('\n')).toMatch(/OU Forensics holds payments-prod/);
  });

  it('let a security-team contact Terraform would read as a template reach AWS as written (escaped, not refused)', () => {
    const hazard = exampleWith((raw) => (raw.contacts.securityTeam = 'SecOps ${var.x} %{if}'));
    expect(scpGuardProblems(hazard)).toEqual([]);
    const ec2 = ec2DeclarativePolicy(hazard);
    const resource = Object.values<PolicyResource>(synth(hazard).json.resource.aws_organizations_policy).find((p) => p.name === ec2.name)!;
    expect(resource.content).toContain('Contact SecOps $${var.x} %%{if}.');
    expect(renderTerraformLiteral(resource.content)).toBe(declarativeJson(ec2));
  });

  it('report an empty allowlist instead of crashing', () => {
    const empty = { ...example, instanceTypes: { mode: 'allowlist' as const, allow: [], computePlatformPrincipals: [] } };
    expect(scpGuardProblems(empty).join('\n')).toMatch(/allowlist mode needs at least one pattern/);
  });
});
