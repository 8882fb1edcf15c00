/**
 * IR roles: the member-account StackSet (service-managed, auto-deploying to exactly the
 * configured OUs) and the management account's own copies, both equal to irRoleDefinitions.
 */
import { irRoleDefinitions } from '../../policies/roles';
import { IrRolesStack, irRolesTemplate, policyLogicalId, roleLogicalId } from '../../stacks/response/ir-roles';
import { MAX_TEMPLATE_BODY_BYTES, templateBody } from '../../stacks/plumbing/org-stack-set';
import { GuardrailError } from '../../stacks/guards';
import type { OrgConfig } from '../../config';
import { exampleConfig, resources, synthJson, testApp, unescapeTerraform, type Json } from './fixtures';

const management = { name: 'management', id: '111111111111' };
const synthRoles = (config: OrgConfig) => synthJson(new IrRolesStack(testApp(), { config, management }));
const only = (json: Record<string, Json>, type: string) => {
  const found = resources(json, type);
  expect(found).toHaveLength(1);
  return found[0][1];
};

describe('member-account StackSet', () => {
  const config = exampleConfig();
  const json = synthRoles(config);
  const stackSet = only(json, 'aws_cloudformation_stack_set');

  it('lives in the management account', () => {
    expect(json.provider.aws[0].allowed_account_ids).toEqual(['111111111111']);
  });

  it('is SERVICE_MANAGED, auto-deploys, drops stacks of accounts that leave, and may name IAM resources', () => {
    expect(stackSet).toMatchObject({
      name: 'ir-guardrails-ir-roles',
      permission_model: 'SERVICE_MANAGED',
      call_as: 'SELF',
      auto_deployment: { enabled: true, retain_stacks_on_account_removal: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managed_execution: { active: true },
      operation_preferences: { region_concurrency_type: 'PARALLEL', max_concurrent_percentage: 100 },
    });
  });

  it('deploys once per target OU, in the home region only (IAM is global)', () => {
    const instances = resources(json, 'aws_cloudformation_stack_instances').map(([, i]) => i);
    expect(instances).toHaveLength(4);
    for (const i of instances) {
      expect(i.regions).toEqual(['us-east-1']);
      expect(i.deployment_targets.organizational_unit_ids).toHaveLength(1);
      expect(i.account_id).toBeUndefined();
      expect(i.stack_set_name).toMatch(/^\$\{aws_cloudformation_stack_set\..*\.name\}$/);
      expect(i.operation_preferences.concurrency_mode).toBe('SOFT_FAILURE_TOLERANCE');
    }
  });
});

describe('target OUs', () => {
  const ouIds = (config: OrgConfig) =>
    resources(synthRoles(config), 'aws_cloudformation_stack_instances')
      .flatMap(([, i]) => i.deployment_targets.organizational_unit_ids)
      .sort();

  it.each([
    { name: 'default: every OU holding a member account', edit: (_: Json) => undefined, expected: ['ou-ex12-dev00001', 'ou-ex12-forensic', 'ou-ex12-prod0001', 'ou-ex12-security'] },
    { name: 'configured stackSetTargets, exactly', edit: (raw: Json) => (raw.irRoles.stackSetTargets = ['Workloads-Prod', 'Forensics']), expected: ['ou-ex12-forensic', 'ou-ex12-prod0001'] },
    {
      name: 'a nested OU under a targeted parent is covered by the parent',
      edit: (raw: Json) => {
        raw.organizationalUnits.push({ name: 'Workloads-Prod-EU', id: 'ou-ex12-prodeu01', parent: 'Workloads-Prod' });
        raw.irRoles.stackSetTargets = ['Workloads-Prod', 'Workloads-Prod-EU'];
      },
      expected: ['ou-ex12-prod0001'],
    },
    { name: 'a member account directly under root: the root', edit: (raw: Json) => (raw.accounts.logArchive.ou = 'root'), expected: ['r-ex12'] },
  ])('$name', ({ edit, expected }) => expect(ouIds(exampleConfig(edit))).toEqual(expected));
});

describe('StackSet template', () => {
  describe.each([{ maxSessionSeconds: 3600 }, { maxSessionSeconds: 7200 }])('maxSessionSeconds $maxSessionSeconds', ({ maxSessionSeconds }) => {
    const config = exampleConfig((raw) => (raw.irRoles.maxSessionSeconds = maxSessionSeconds));
    const body = only(synthRoles(config), 'aws_cloudformation_stack_set').template_body as string;
    const template = JSON.parse(unescapeTerraform(body));
    const definitions = irRoleDefinitions(config);

    it('holds exactly the four roles and their policies, nothing else', () => {
      const expected = definitions.flatMap((d) => [roleLogicalId(d), ...d.policies.map((_, i) => policyLogicalId(d, i))]).sort();
      expect(Object.keys(template.Resources).sort()).toEqual(expected);
      expect(definitions.map((d) => d.name).sort()).toEqual(['SecurityAdmin', 'SecurityAnalyst', 'SecurityBreakGlass', 'SecurityDeploy']);
    });

    it.each(definitions.map((d) => [d.name, d] as const))('%s equals its definition', (_, role) => {
      const resource = template.Resources[roleLogicalId(role)];
      expect(resource.Type).toBe('AWS::IAM::Role');
      expect(resource.Properties).toMatchObject({ RoleName: role.name, Path: '/incident-response/', MaxSessionDuration: maxSessionSeconds, Description: role.description });
      expect(resource.Properties.AssumeRolePolicyDocument).toEqual(role.trust);
      expect(resource.Properties.ManagedPolicyArns).toEqual(role.policies.map((_, i) => ({ Ref: policyLogicalId(role, i) })));
      role.policies.forEach((policy, i) => {
        const managed = template.Resources[policyLogicalId(role, i)];
        expect(managed.Type).toBe('AWS::IAM::ManagedPolicy');
        expect(managed.Properties).toEqual({ ManagedPolicyName: policy.name, Path: role.path, Description: policy.description, PolicyDocument: policy.document });
      });
    });

    it('fits the TemplateBody limit and carries no Terraform reference', () => {
      expect(Buffer.byteLength(unescapeTerraform(body), 'utf8')).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
      expect(body).not.toMatch(/(^|[^$])\$\{/);
    });
  });

  it('escapes IAM policy variables so Terraform passes them through', () => {
    const [role] = irRoleDefinitions(exampleConfig());
    const withVariable = { ...role, policies: [{ name: 'p', description: 'd', document: { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' }] } }] };
    const body = templateBody(irRolesTemplate([withVariable]));
    expect(body).toContain('b/$${aws:username}/*');
    expect(JSON.parse(unescapeTerraform(body)).Resources.SecurityAnalystPolicy0.Properties.PolicyDocument.Statement[0].Resource).toBe('arn:aws:s3:::b/${aws:username}/*');
  });

  it('stops the synth when a template outgrows TemplateBody', () => {
    const huge = { AWSTemplateFormatVersion: '2010-09-09' as const, Description: 'x'.repeat(MAX_TEMPLATE_BODY_BYTES), Resources: {} };
    expect(() => templateBody(huge)).toThrow(GuardrailError);
    expect(() => templateBody(huge)).toThrow(/TemplateBody allows 51200/);
  });
});

describe('management account roles', () => {
  const config = exampleConfig();
  const json = synthRoles(config);
  const definitions = irRoleDefinitions(config);
  const roleEntries = resources(json, 'aws_iam_role');
  const roles = roleEntries.map(([, r]) => r);
  const policies = resources(json, 'aws_iam_policy');
  const attachments = resources(json, 'aws_iam_role_policy_attachment').map(([, a]) => a);

  it('has the four roles, nothing more', () => {
    expect(roles.map((r) => r.name).sort()).toEqual(definitions.map((d) => d.name).sort());
  });

  it.each(definitions.map((d) => [d.name, d] as const))('%s matches its definition: path, session, trust, policies attached', (_, role) => {
    const [roleLogical, found] = roleEntries.find(([, r]) => r.name === role.name)!;
    expect(found).toMatchObject({ path: '/incident-response/', max_session_duration: role.maxSessionSeconds, description: role.description });
    expect(JSON.parse(unescapeTerraform(found.assume_role_policy))).toEqual(role.trust);
    for (const policy of role.policies) {
      const [logical, body] = policies.find(([, p]) => p.name === policy.name)!;
      expect(body.path).toBe('/incident-response/');
      expect(JSON.parse(unescapeTerraform(body.policy))).toEqual(policy.document);
      expect(attachments).toContainEqual({ role: `\${aws_iam_role.${roleLogical}.name}`, policy_arn: `\${aws_iam_policy.${logical}.arn}` });
    }
  });

  it('attaches each policy exactly once', () => {
    expect(attachments).toHaveLength(definitions.reduce((n, d) => n + d.policies.length, 0));
    expect(new Set(attachments.map((a) => a.policy_arn)).size).toBe(attachments.length);
  });
});

it('gives OUs whose names have spaces valid Terraform resource names', () => {
  const config = exampleConfig((raw) => {
    raw.organizationalUnits[1].name = 'Workloads Prod';
    raw.accounts.workloads[0].ou = 'Workloads Prod';
  });
  const names = resources(synthRoles(config), 'aws_cloudformation_stack_instances').map(([name]) => name);
  expect(names).toHaveLength(4);
  for (const name of names) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
});
