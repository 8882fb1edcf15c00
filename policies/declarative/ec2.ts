/**
 * EC2 declarative policy (Organizations type DECLARATIVE_POLICY_EC2): account-wide EC2 settings that
 * member accounts' administrators cannot change, enforced by EC2 itself rather than by IAM.
 */
import type { OrgConfig } from '../../config';
import { MAX_METADATA_HOP_LIMIT } from '../scp/require-imdsv2';

/** A value set by a parent that no child policy may override. */
interface Locked<T> { readonly '@@assign': T }
const locked = <T>(value: T): Locked<T> => ({ '@@assign': value });
/** Children (OU- or account-level declarative policies) may not change a node carrying this. */
const NO_CHILD_OVERRIDE = { '@@operators_allowed_for_child_policies': ['@@none'] } as const;

/** The document AWS receives, in the management-policy syntax (`@@assign`, inheritance operators). */
export interface Ec2DeclarativeContent {
  readonly ec2_attributes: {
    readonly exception_message: Locked<string>;
    readonly instance_metadata_defaults: Record<string, unknown>;
    readonly serial_console_access: Record<string, unknown>;
    readonly snapshot_block_public_access: Record<string, unknown>;
    readonly image_block_public_access: Record<string, unknown>;
    readonly allowed_images_settings: Record<string, unknown>;
  };
}

/** A shipped declarative policy with its explanation for auditors. */
export interface DeclarativePolicy {
  readonly name: string;
  readonly description: string;
  readonly explanation: string;
  readonly content: Ec2DeclarativeContent;
}

/** Organizations' size limit for a declarative policy document, in characters. */
export const DECLARATIVE_POLICY_MAX_CHARS = 10000;

/** Plain-text explanation for auditors. */
export function explanation(config: OrgConfig): string {
  const images = config.orgPolicies.declarativeEc2.allowedImages;
  return `Fixes the account-level EC2 settings a miner or a careless administrator would change, where EC2 enforces them.
A declarative policy is not an IAM policy: EC2 applies the configuration to every account it is
attached to, keeps it for new accounts and new APIs, and refuses account-level calls that would change
it, whoever makes them in those accounts (service-linked roles and the deployers included).
Instance metadata defaults: new instances launched without metadata options get HttpTokens "required"
and a hop limit of ${MAX_METADATA_HOP_LIMIT} by default, and http_tokens_enforced is "enabled" (EC2's HttpTokensEnforced):
EC2 refuses to launch an instance whose HttpTokens would not be "required" and refuses to switch an
IMDSv2-only instance back to IMDSv1, whoever makes the call, so a launch path the SCPs cannot see (a
service-linked role launching from a template that asks for "optional") is refused as well. The hop
limit is only a default: an explicit hop limit in a launch is the SCPs' to check. Endpoint and
metadata tags stay at "no_preference".
Serial console access is disabled: the EC2 serial console gives a shell on an instance without its
network, which responders do not need and an attacker can use to persist.
Snapshot block public access is "block_all_sharing" and image block public access "block_new_sharing":
no EBS snapshot can be public (evidence copies included) and no AMI can newly be made public.
Allowed AMIs is "${images.state}" for image providers ${images.trustedOwners.join(', ')}: ${images.state === 'audit_mode'
    ? 'AMIs from other providers are flagged (DescribeImages shows them as not allowed) but still launch; switch orgPolicies.declarativeEc2.allowedImages.state to enabled once the report is clean.'
    : 'instances can be launched only from AMIs of these providers.'}
Every node carries @@operators_allowed_for_child_policies ["@@none"], so a declarative policy attached
lower in the organization cannot weaken it. Refused calls show the exception message, which names the
security team. The simulator cannot evaluate a declarative policy; its proof is the grammar check in
the tests and the account status report and effective-policy commands under "verify on a live account".`;
}

/** The EC2 declarative policy for `config`. */
export function ec2DeclarativePolicy(config: OrgConfig): DeclarativePolicy {
  const images = config.orgPolicies.declarativeEc2.allowedImages;
  return {
    name: 'ir-guardrails-ec2-baseline',
    description: 'EC2 account settings: IMDSv2 defaults, serial console off, snapshot and AMI block public access, Allowed AMIs.',
    explanation: explanation(config),
    content: {
      ec2_attributes: {
        exception_message: locked(`Refused by the organization's EC2 baseline (aws-ir-guardrails). Contact ${config.contacts.securityTeam}.`),
        instance_metadata_defaults: {
          ...NO_CHILD_OVERRIDE,
          http_tokens: locked('required'),
          http_put_response_hop_limit: locked(String(MAX_METADATA_HOP_LIMIT)),
          http_endpoint: locked('no_preference'),
          instance_metadata_tags: locked('no_preference'),
          // EC2 refuses a launch or a change that is not IMDSv2-only, whoever asks: the default becomes a ceiling.
          http_tokens_enforced: locked('enabled'),
        },
        serial_console_access: { ...NO_CHILD_OVERRIDE, status: locked('disabled') },
        snapshot_block_public_access: { ...NO_CHILD_OVERRIDE, state: locked('block_all_sharing') },
        image_block_public_access: { ...NO_CHILD_OVERRIDE, state: locked('block_new_sharing') },
        allowed_images_settings: {
          ...NO_CHILD_OVERRIDE,
          state: locked(images.state),
          image_criteria: { criteria_1: { allowed_image_providers: locked([...images.trustedOwners]) } },
        },
      },
    },
  };
}

/** Minified JSON: what AWS receives and what the size limit counts. */
export function declarativeJson(policy: DeclarativePolicy): string {
  return JSON.stringify(policy.content);
}

/** Characters Organizations counts against the declarative policy limit. */
export function declarativeSize(policy: DeclarativePolicy): number {
  return declarativeJson(policy).length;
}
