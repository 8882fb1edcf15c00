/**
 * The EC2 declarative policy against the grammar AWS documents for each attribute (the simulator
 * cannot evaluate declarative policies; what they do is verified on a live account, see the
 * generated README). The schema here is written from the documentation, independently of the policy.
 */
import { z } from 'zod';
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { DECLARATIVE_POLICY_MAX_CHARS, declarativeJson, ec2DeclarativePolicy } from '../../policies/declarative';
import { exampleWith } from './variants';

const assign = <T extends z.ZodType>(value: T) => z.strictObject({ '@@assign': value });
const lockedNode = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ '@@operators_allowed_for_child_policies': z.tuple([z.literal('@@none')]), ...shape });
const provider = z.union([z.enum(['amazon', 'aws_marketplace', 'aws_backup_vault']), z.string().regex(/^\d{12}$/)]);

const documentedGrammar = z.strictObject({
  ec2_attributes: z.strictObject({
    exception_message: assign(z.string().min(1).max(1024)),
    instance_metadata_defaults: lockedNode({
      http_tokens: assign(z.enum(['no_preference', 'required', 'optional'])),
      http_put_response_hop_limit: assign(z.string().regex(/^(-1|[1-9]|[1-5]\d|6[0-4])$/)),
      http_endpoint: assign(z.enum(['no_preference', 'enabled', 'disabled'])),
      instance_metadata_tags: assign(z.enum(['no_preference', 'enabled', 'disabled'])),
      // EC2's HttpTokensEnforced (ModifyInstanceMetadataDefaults, 2026): refuse launches and changes that are not IMDSv2-only.
      http_tokens_enforced: assign(z.enum(['no_preference', 'enabled', 'disabled'])),
    }),
    serial_console_access: lockedNode({ status: assign(z.enum(['enabled', 'disabled'])) }),
    snapshot_block_public_access: lockedNode({ state: assign(z.enum(['unblocked', 'block_new_sharing', 'block_all_sharing'])) }),
    image_block_public_access: lockedNode({ state: assign(z.enum(['unblocked', 'block_new_sharing'])) }),
    allowed_images_settings: lockedNode({
      state: assign(z.enum(['enabled', 'disabled', 'audit_mode'])),
      image_criteria: z.record(z.string().regex(/^criteria_\d+$/), z.strictObject({ allowed_image_providers: assign(z.array(provider).min(1).max(200)) })),
    }),
  }),
});

const example = loadOrgConfig(EXAMPLE_CONFIG_PATH);
const enforced = exampleWith((raw) => {
  raw.orgPolicies.declarativeEc2.allowedImages = { state: 'enabled', trustedOwners: ['amazon', '123456789012'] };
});

describe('EC2 declarative policy', () => {
  it.each([
    ['example (audit mode)', example],
    ['enforce mode with a trusted owner account', enforced],
  ])('%s follows the documented grammar and fits the size limit', (_name, config) => {
    const policy = ec2DeclarativePolicy(config);
    expect(documentedGrammar.safeParse(policy.content).error?.issues ?? []).toEqual([]);
    expect(declarativeJson(policy).length).toBeLessThanOrEqual(DECLARATIVE_POLICY_MAX_CHARS);
    expect(policy.explanation.length).toBeGreaterThan(300);
  });

  it('sets the settings the guardrails promise', () => {
    const attrs = ec2DeclarativePolicy(example).content.ec2_attributes;
    expect(attrs.instance_metadata_defaults).toMatchObject({
      http_tokens: { '@@assign': 'required' }, http_put_response_hop_limit: { '@@assign': '2' }, http_tokens_enforced: { '@@assign': 'enabled' },
    });
    expect(attrs.serial_console_access).toMatchObject({ status: { '@@assign': 'disabled' } });
    expect(attrs.snapshot_block_public_access).toMatchObject({ state: { '@@assign': 'block_all_sharing' } });
    expect(attrs.image_block_public_access).toMatchObject({ state: { '@@assign': 'block_new_sharing' } });
    expect(attrs.allowed_images_settings).toMatchObject({ state: { '@@assign': 'audit_mode' }, image_criteria: { criteria_1: { allowed_image_providers: { '@@assign': ['amazon', 'aws_marketplace'] } } } });
  });

  it('switches Allowed AMIs to enforcement and its explanation with it', () => {
    const policy = ec2DeclarativePolicy(enforced);
    expect(policy.content.ec2_attributes.allowed_images_settings).toMatchObject({ state: { '@@assign': 'enabled' } });
    expect(policy.explanation).toMatch(/can be launched only from AMIs of these providers/);
  });

  it('the grammar check catches a misspelt value', () => {
    const broken = JSON.parse(declarativeJson(ec2DeclarativePolicy(example)));
    broken.ec2_attributes.snapshot_block_public_access.state['@@assign'] = 'block-all-sharing';
    expect(documentedGrammar.safeParse(broken).success).toBe(false);
  });

  it('the config refuses an unknown image provider', () => {
    expect(() => exampleWith((raw) => (raw.orgPolicies.declarativeEc2.allowedImages = { trustedOwners: ['aws-marketplace'] }))).toThrow(/orgPolicies\.declarativeEc2\.allowedImages\.trustedOwners/);
  });
});
