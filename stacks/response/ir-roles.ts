/**
 * The four IR roles in every account: member accounts, current and future, through a
 * service-managed StackSet; the management account (which StackSets never reach) directly.
 * Both are built from the same `irRoleDefinitions`, so the roles cannot drift apart.
 */
import type { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { OrgConfig } from '../../config';
import { irRoleDefinitions, roleSizeProblems, type IrRoleDefinition } from '../../policies/roles';
import { MANAGED_BY, TAGS } from '../../shared/names';
import { AccountStack, type TargetAccount } from '../account-stack';
import { GuardrailError } from '../guards';
import { RESPONSE } from '../../shared/addresses';
import { stackSetTargetOus } from './names';
import { membersAndManagement, type CfnTemplate } from '../plumbing/org-stack-set';
import { terraformPolicy } from '../plumbing/terraform-literal';

/** CloudFormation logical ID of a role (alphanumeric, as CloudFormation requires). */
export function roleLogicalId(role: IrRoleDefinition): string {
  return `${role.name.replace(/[^A-Za-z0-9]/g, '')}Role`;
}

/** CloudFormation logical ID of a role's n-th policy. */
export function policyLogicalId(role: IrRoleDefinition, index: number): string {
  return `${role.name.replace(/[^A-Za-z0-9]/g, '')}Policy${index}`;
}

/**
 * The IR roles as a CloudFormation template: each role with its path, trust, session limit and
 * customer-managed policies (6,144 characters each, rather than one 10,240 inline budget per role).
 */
export function irRolesTemplate(roles: readonly IrRoleDefinition[]): CfnTemplate {
  const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> = {};
  for (const role of roles) {
    role.policies.forEach((policy, i) => {
      resources[policyLogicalId(role, i)] = {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { ManagedPolicyName: policy.name, Path: role.path, Description: policy.description, PolicyDocument: policy.document },
      };
    });
    resources[roleLogicalId(role)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: role.name,
        Path: role.path,
        Description: role.description,
        MaxSessionDuration: role.maxSessionSeconds,
        AssumeRolePolicyDocument: role.trust,
        ManagedPolicyArns: role.policies.map((_, i) => ({ Ref: policyLogicalId(role, i) })),
        Tags: [{ Key: TAGS.managedBy, Value: MANAGED_BY }],
      },
    };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 'aws-ir-guardrails: incident-response roles', Resources: resources };
}

/** IR roles that break an IAM limit, or share a policy name, stop the synth. */
function checkedDefinitions(config: OrgConfig): IrRoleDefinition[] {
  const roles = irRoleDefinitions(config);
  const problems = roles.flatMap(roleSizeProblems);
  const seen = new Set<string>();
  for (const name of roles.flatMap((r) => r.policies.map((p) => p.name))) {
    if (seen.has(name)) problems.push(`two IR role policies are both named ${name}; managed policy names must be unique per account`);
    seen.add(name);
  }
  if (problems.length > 0) throw new GuardrailError(problems);
  return roles;
}

/** Props of `management-ir-roles`. */
export interface IrRolesStackProps {
  readonly config: OrgConfig;
  readonly management: TargetAccount;
}

/** `management-ir-roles`: the roles in the management account and the StackSet for every member account. */
export class IrRolesStack extends AccountStack {
  constructor(scope: Construct, props: IrRolesStackProps) {
    super(scope, { config: props.config, account: props.management, concern: 'ir-roles' });
    const roles = checkedDefinitions(props.config);
    membersAndManagement(this, 'member-accounts', {
      name: RESPONSE.irRolesStackSet,
      description: 'aws-ir-guardrails: the four incident-response roles in every member account',
      template: irRolesTemplate(roles),
      // IAM is global: one region holds the roles; a second would collide on the names.
      region: this.region,
      instanceRegions: [this.region],
      targets: stackSetTargetOus(props.config),
      capabilities: ['CAPABILITY_NAMED_IAM'],
      inManagementAccount: () => this.rolesInThisAccount(roles),
    });
  }

  private rolesInThisAccount(roles: readonly IrRoleDefinition[]): void {
    for (const role of roles) {
      const iamRole = new IamRole(this, `role-${role.key}`, {
        name: role.name,
        path: role.path,
        description: role.description,
        maxSessionDuration: role.maxSessionSeconds,
        assumeRolePolicy: terraformPolicy(role.trust),
      });
      role.policies.forEach((policy, i) => {
        const managed = new IamPolicy(this, `policy-${role.key}-${i}`, {
          name: policy.name,
          path: role.path,
          description: policy.description,
          policy: terraformPolicy(policy.document),
        });
        new IamRolePolicyAttachment(this, `attach-${role.key}-${i}`, { role: iamRole.name, policyArn: managed.arn });
      });
    }
  }
}
