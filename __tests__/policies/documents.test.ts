/** Shape, content and size of the shipped documents (what the simulator cannot judge). */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { policyJson, policySize } from '../../policies/document';
import { IAM_LIMITS, irRoleDefinitions, roleSizeProblems } from '../../policies/roles';
import {
  denyUnapprovedInstanceTypesScp, denyUnapprovedRegionsScp, forensicsOuScp, guardrailScps, regionExemptArnPatterns,
} from '../../policies/scp';
import { GLOBAL_SERVICE_ACTIONS } from '../../policies/scp/deny-unapproved-regions';
import { IR_ROLE_PATH, IR_ROLES } from '../../shared/names';
import { exampleWith } from './variants';

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const scps = [...guardrailScps(example), forensicsOuScp(example)];

describe('guardrail SCPs', () => {
  it.each(scps.map((p) => [p.name, p] as const))('%s is plain JSON within the SCP limit, with an explanation', (_name, scp) => {
    const json = policyJson(scp.document);
    expect(JSON.parse(json)).toEqual(scp.document);
    expect(json).not.toMatch(/\$\{|%\{/);
    expect(json.length).toBeLessThanOrEqual(example.scp.maxPolicyChars);
    expect(scp.explanation.length).toBeGreaterThan(200);
    expect(scp.description.length).toBeLessThanOrEqual(512);
    expect(scp.document.Statement.every((s) => s.Effect === 'Deny')).toBe(true);
  });

  it('are one rule per file, with distinct names and Sids', () => {
    expect(guardrailScps(example).length).toBeGreaterThanOrEqual(11);
    expect(new Set(scps.map((p) => p.name)).size).toBe(scps.length);
    const sids = guardrailScps(example).flatMap((p) => p.document.Statement.map((s) => s.Sid));
    expect(new Set(sids).size).toBe(sids.length);
  });

  it('exempt the IR roles by their full path, plus the deployment role and configured principals', () => {
    expect(regionExemptArnPatterns(example)).toEqual([
      `arn:aws:iam::*:role${IR_ROLE_PATH}${IR_ROLES.breakGlass}`,
      `arn:aws:iam::*:role${IR_ROLE_PATH}${IR_ROLES.analyst}`,
      `arn:aws:iam::*:role${IR_ROLE_PATH}${IR_ROLES.deploy}`,
      'arn:aws:iam::*:role/OrganizationAccountAccessRole',
      'arn:aws:iam::*:role/stacksets-exec-*',
      'arn:aws:iam::*:role/PlatformEmergencyAccess',
    ]);
  });

  it('leave KMS and Config in NotAction only when the config says so', () => {
    const notAction = (c: typeof example) => denyUnapprovedRegionsScp(c).document.Statement[0].NotAction;
    expect(notAction(example)).toEqual(expect.arrayContaining(['kms:*', 'config:*']));
    const strict = exampleWith((raw) => (raw.scp = { ...raw.scp, regionDenyExemptsKmsAndConfig: false }));
    expect(notAction(strict)).toEqual([...GLOBAL_SERVICE_ACTIONS]);
  });

  it('refuse an allowlist without patterns, naming the setting', () => {
    // The config validator rejects this too; the policy function must not emit invalid IAM regardless.
    const empty = { ...example, instanceTypes: { mode: 'allowlist' as const, allow: [], computePlatformPrincipals: [] } };
    expect(() => denyUnapprovedInstanceTypesScp(empty)).toThrow(/instanceTypes\.allow/);
  });
});

describe('IR role definitions', () => {
  const roles = irRoleDefinitions(example);

  it('are the four roles under the IR path with the configured session length', () => {
    expect(roles.map((r) => [r.key, r.name, r.path])).toEqual(
      (Object.keys(IR_ROLES) as Array<keyof typeof IR_ROLES>).map((k) => [k, IR_ROLES[k], IR_ROLE_PATH]),
    );
    for (const role of roles) {
      expect(role.maxSessionSeconds).toBe(example.irRoles.maxSessionSeconds);
      expect(role.description.length).toBeLessThanOrEqual(1000);
      expect(role.policies.length).toBeGreaterThan(0);
    }
  });

  it('trust only the configured responders, with MFA present and recent', () => {
    const [statement] = roles[0].trust.Statement;
    expect(statement.Principal).toEqual({ AWS: example.irRoles.responderPrincipals });
    expect(statement.Condition).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': String(example.irRoles.maxSessionSeconds) },
    });
  });

  it.each(roles.map((r) => [r.name, r] as const))('%s fits the IAM size limits', (_name, role) => {
    expect(roleSizeProblems(role)).toEqual([]);
    for (const p of role.policies) expect(policySize(p.document)).toBeLessThanOrEqual(IAM_LIMITS.managedPolicy);
  });

  it('the size check reports an oversized policy', () => {
    const [role] = roles;
    const big = { ...role, policies: [{ ...role.policies[0], document: { ...role.policies[0].document, Statement: Array(60).fill(role.policies[0].document.Statement[0]) } }] };
    expect(roleSizeProblems(big).join('\n')).toMatch(/managed policy holds 6144[\s\S]*role holds 10240/);
  });
});
