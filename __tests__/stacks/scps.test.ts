/** The management-scps stack: policies, attachments and the guards that stop a bad synth. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig, type OrgConfig } from '../../config';
import { policyJson } from '../../policies/document';
import { forensicsOuScp, guardrailScps } from '../../policies/scp';
import { GuardrailError, scpGuardProblems } from '../../stacks/guards';
import { accountStacksIn } from '../../stacks/organization';
import { buildScps, ScpStack } from '../../stacks/scps';
import { exampleWith } from '../policies/variants';

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
  const expected = [...guardrailScps(example), forensicsOuScp(example)];

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
    const byTarget = (target: string) => attachments.filter((a) => a.target_id === target).map((a) => a.policy_id).sort();
    const ref = (name: string) => `\${aws_organizations_policy.${name}.id}`;
    expect(byTarget(example.organization.rootId)).toEqual(guardrailScps(example).map((p) => ref(p.name)).sort());
    expect(byTarget('ou-ex12-forensic')).toEqual([ref(forensicsOuScp(example).name)]);
    expect(attachments).toHaveLength(5);
  });

  it('attaches to OU targets by their IDs', () => {
    const ous = exampleWith((raw) => (raw.scp.targets = ['Workloads-Prod', 'Workloads-Dev']));
    const targets = Object.values<AttachmentResource>(synth(ous).json.resource.aws_organizations_policy_attachment).map((a) => a.target_id);
    expect(targets.filter((t) => t === 'ou-ex12-prod0001')).toHaveLength(4);
    expect(targets.filter((t) => t === 'ou-ex12-dev00001')).toHaveLength(4);
    expect(targets).not.toContain(example.organization.rootId);
  });
});

describe('SCP guards', () => {
  it('pass for the example org', () => {
    expect(scpGuardProblems(example)).toEqual([]);
  });

  it('collect every oversized SCP and over-full target together, and stop the build before any stack exists', () => {
    const tight = exampleWith((raw) => {
      raw.scp = { ...raw.scp, maxPolicyChars: 1000, maxPoliciesPerTarget: 4, targets: ['root', 'Forensics'] };
    });
    const problems = scpGuardProblems(tight);
    expect(problems.filter((p) => /characters; scp.maxPolicyChars is 1000/.test(p))).toHaveLength(4);
    expect(problems.some((p) => /target root would have 5 SCPs .*FullAWSAccess/.test(p))).toBe(true);
    expect(problems.some((p) => /target Forensics would have 6 SCPs/.test(p))).toBe(true);
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

  it('report an empty allowlist instead of crashing', () => {
    const empty = { ...example, instanceTypes: { mode: 'allowlist' as const, allow: [] } };
    expect(scpGuardProblems(empty).join('\n')).toMatch(/allowlist mode needs at least one pattern/);
  });
});
