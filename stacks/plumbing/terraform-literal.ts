/**
 * Terraform reads `${` and `%{` as template syntax inside any string. Every literal this project
 * hands Terraform that may hold them (IAM policy variables, CloudFormation templates, Glue
 * projection templates, Flow Logs formats, SQL) goes through this one escape.
 */

/** Escape Terraform template sequences so a literal string reaches AWS unchanged. */
export function terraformLiteral(text: string): string {
  // Function replacers: in a replacement string `$$` would itself collapse to `$`.
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
