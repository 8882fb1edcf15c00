/** A shipped policy together with the plain-text explanation auditors read beside its JSON. */
import type { NamedPolicy } from '../document';

/** A NamedPolicy plus its explanation for auditors (cdk-nag style: the why sits with the rule). */
export interface AuditedPolicy extends NamedPolicy {
  readonly explanation: string;
}
