/**
 * Terraform reads `${` and `%{` as template syntax inside any string. Every literal this project
 * hands Terraform that may hold them (IAM policy variables, CloudFormation templates, Glue
 * projection templates, Flow Logs formats, SQL) goes through this one escape, and every policy
 * document through `terraformPolicy`, which applies it: `stacks/` may not import `policyJson`
 * (lint), so no placement can hand Terraform a document unescaped.
 */
import { declarativeJson, type DeclarativePolicy } from '../../policies/declarative';
import { policyJson, type PolicyDocument } from '../../policies/document';

/** Escape Terraform template sequences so a literal string reaches AWS unchanged. */
export function terraformLiteral(text: string): string {
  // Function replacers: in a replacement string `$$` would itself collapse to `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * A policy document (IAM, resource, SCP, RCP, or a declarative policy's content) as a Terraform
 * argument: the exact minified JSON AWS receives, escaped so `${aws:PrincipalAccount}` stays literal.
 */
export function terraformPolicy(policy: PolicyDocument | DeclarativePolicy): string {
  return terraformLiteral('Statement' in policy ? policyJson(policy) : declarativeJson(policy));
}
