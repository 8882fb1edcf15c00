/**
 * How Terraform reads a string in JSON configuration: as a template, where `${…}` interpolates,
 * `%{…}` is a directive, and `$${` / `%%{` are the escapes for a literal `${` / `%{`. Tests use
 * this to find text Terraform would interpolate and to render what AWS finally receives.
 */

/** A template sequence Terraform would evaluate, with where it starts. */
export interface TemplateSequence {
  readonly index: number;
  /** The sequence and what follows it (up to 40 characters), for messages. */
  readonly text: string;
}

/** Every unescaped `${` and `%{` in `text`, as Terraform's template scanner sees them (left to right). */
export function templateSequences(text: string): TemplateSequence[] {
  const found: TemplateSequence[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      i += 2;
    } else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      found.push({ index: i, text: text.slice(i, i + 40) });
      i += 1;
    }
  }
  return found;
}

/**
 * A sequence cdktf itself writes: a reference (`${aws_s3_bucket.x.arn}`, `${data.…}`,
 * `${var.…}`) or a function call (`${jsonencode(…)}`). An IAM policy variable (`${aws:username}`,
 * `${s3:prefix}`, `${*}`) never matches, nor does any directive.
 */
export function isCdktfExpression(sequence: TemplateSequence): boolean {
  return /^\$\{[A-Za-z_][\w-]*[.([]/.test(sequence.text);
}

/** Template sequences in `text` that are not cdktf's own: what `terraform validate` rejects or rewrites. */
export function foreignTemplateSequences(text: string): TemplateSequence[] {
  return templateSequences(text).filter((s) => !isCdktfExpression(s));
}

/**
 * The string Terraform hands the provider for a literal `text` (escapes resolved). Throws on
 * any sequence Terraform would evaluate: such text is not a literal, and AWS would not receive it.
 */
export function renderTerraformLiteral(text: string): string {
  const sequences = templateSequences(text);
  if (sequences.length > 0) throw new Error(`not a Terraform literal: it interpolates ${sequences.map((s) => JSON.stringify(s.text)).join(', ')}`);
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}
