/**
 * IAM policy document types and the one serialization every policy goes through, so the
 * text an auditor reads, the text tests evaluate and the text AWS receives are the same.
 */

export type StringOrList = string | readonly string[];

/** Condition block: operator → context key → value(s). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, StringOrList | boolean | number>>>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: StringOrList;
  readonly NotAction?: StringOrList;
  readonly Resource?: StringOrList;
  readonly NotResource?: StringOrList;
  readonly Principal?: '*' | Readonly<Record<string, StringOrList>>;
  readonly NotPrincipal?: Readonly<Record<string, StringOrList>>;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** A named policy as this project ships it. */
export interface NamedPolicy {
  /** Resource name in AWS (also the file name in generated/policies). */
  readonly name: string;
  /** One sentence for auditors and for the AWS description field. */
  readonly description: string;
  readonly document: PolicyDocument;
}

/** Minified JSON: what AWS receives and what size limits count (whitespace counts). */
export function policyJson(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/** Characters AWS counts against a policy size limit. */
export function policySize(document: PolicyDocument): number {
  return policyJson(document).length;
}

/**
 * Trust policy letting one AWS service assume a role for `sourceAccount` only (the
 * confused-deputy guard). In CloudFormation templates the account may be an intrinsic
 * (`{ Ref: 'AWS::AccountId' }`), hence `unknown`.
 */
export function serviceRoleTrust(service: string, sourceAccount: unknown): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount as string } },
      },
    ],
  };
}
