/**
 * Every policy document AWS receives from this project, with where it is placed and the size
 * limit it must fit: the index of the auditors' report (`npm run policies`). A test checks it
 * against the synthesized stacks, so a document a stack places but this catalog misses fails CI.
 */
import type { OrgConfig } from '../config';
import { RESPONSE, DETECTION, cleanRoom, logArchiveBucketName, logArchiveKeyAlias, type KeyedLogArchivePurpose, type LogArchivePurpose } from '../shared/addresses';
import { containmentPolicies } from './containment/credentials';
import { evidenceBucketPolicy, evidenceKeyPolicy, s3EndpointPolicy } from './resource/clean-room';
import { breakGlassBusPolicy } from './resource/buses';
import { LOG_ARCHIVE_BUCKET_POLICIES } from './resource/log-archive-buckets';
import { LOG_ARCHIVE_KEY_POLICIES } from './resource/log-archive-keys';
import { alertTopicPolicy, billingTopicPolicy } from './resource/topics';
import { IAM_LIMITS, irRoleDefinitions, irRolesTrust } from './roles';
import {
  breakGlassForwarderPolicy, cleanRoomFlowLogsPolicy, configDeliveryPolicy, findingsForwarderPolicy, workstationPolicy,
} from './roles/service-roles';
import { declarativeJson, ec2DeclarativePolicy } from './declarative';
import type { PolicyDocument } from './document';
import { identityPerimeterRcp } from './rcp';
import { forensicsOuScp, guardrailScps, packGuardrails, type AuditedPolicy } from './scp';
import { RCP_MAX_CHARS } from './scp/pack';
import { DECLARATIVE_POLICY_MAX_CHARS } from './declarative/ec2';
import {
  breakGlassForwarderTrust, cleanRoomFlowLogsTrust, configRecorderTrust, findingsForwarderTrust, workstationTrust,
} from './trust/service-roles';

/** What a document is, which decides the folder it is written to and the limit it must fit. */
export type PolicyKind = 'scp' | 'scp-rule' | 'rcp' | 'declarative' | 'role' | 'resource' | 'trust' | 'containment';

/** One document AWS receives. */
export interface CatalogEntry {
  readonly kind: PolicyKind;
  readonly policy: AuditedPolicy;
  /** Where it is attached: a role, bucket, key, topic, bus, endpoint or OU. */
  readonly attachedTo: string;
  /** Who places it: the stack ID (`<account>-<concern>`), a StackSet, or the irctl command. */
  readonly placedBy: string;
  /** The largest document AWS accepts here, in characters. */
  readonly limit: number;
}

/** Size limits of the document types this project places (characters, as AWS counts them). */
export const POLICY_LIMITS = {
  bucketPolicy: 20_480,
  keyPolicy: 32_768,
  topicPolicy: 30_720,
  eventBusPolicy: 10_240,
  endpointPolicy: 20_480,
  /** All inline policies of one user together. */
  userInline: 2_048,
} as const;

const stack = (accountName: string, concern: string): string => `stack \`${accountName}-${concern}\``;

/** Every document for `config`, SCPs first; the clean room only once the forensics account ID is known. */
export function policyCatalog(config: OrgConfig): CatalogEntry[] {
  const { management, security, logArchive, forensics } = config.accounts;
  const entries: CatalogEntry[] = [];
  const add = (kind: PolicyKind, policy: AuditedPolicy, attachedTo: string, placedBy: string, limit: number) => entries.push({ kind, policy, attachedTo, placedBy, limit });

  const scps = stack(management.name, 'scps');
  const targets = `targets ${config.scp.targets.join(', ')}`;
  const rules = guardrailScps(config);
  const packed = packGuardrails(config, rules).documents;
  for (const doc of packed) {
    const explanation = `Carries the rules ${doc.rules.join(', ')}; each rule's explanation is in its own section under "SCP rules".`;
    add('scp', { ...doc, explanation }, targets, scps, config.scp.maxPolicyChars);
  }
  add('scp', forensicsOuScp(config), `OU ${forensics.ou}`, scps, config.scp.maxPolicyChars);
  for (const rule of rules) {
    const carriers = packed.filter((d) => d.rules.includes(rule.name)).map((d) => d.name);
    add('scp-rule', rule, `${targets}, inside ${carriers.join(' and ') || '(does not fit)'}`, scps, config.scp.maxPolicyChars);
  }
  if (config.orgPolicies.resourceControl.enabled) add('rcp', identityPerimeterRcp(config), 'the root', scps, RCP_MAX_CHARS);
  if (config.orgPolicies.declarativeEc2.enabled) {
    const ec2 = ec2DeclarativePolicy(config);
    // Not an IAM document: the catalog only serializes it, and JSON.stringify of the content is what AWS receives.
    const document = JSON.parse(declarativeJson(ec2)) as PolicyDocument;
    add('declarative', { name: ec2.name, description: ec2.description, explanation: ec2.explanation, document }, targets, scps, DECLARATIVE_POLICY_MAX_CHARS);
  }

  const irRoles = `${stack(management.name, 'ir-roles')} and StackSet \`${RESPONSE.irRolesStackSet}\` (every member account)`;
  const roles = irRoleDefinitions(config);
  add('trust', irRolesTrust(config), `roles ${roles.map((r) => `${r.path}${r.name}`).join(', ')}`, irRoles, IAM_LIMITS.trustPolicy);
  for (const role of roles) {
    for (const p of role.policies) add('role', p as AuditedPolicy, `role ${role.path}${role.name} (managed policy)`, irRoles, IAM_LIMITS.managedPolicy);
  }

  const archive = stack(logArchive.name, 'detection');
  for (const [purpose, build] of Object.entries(LOG_ARCHIVE_BUCKET_POLICIES)) {
    add('resource', build(config), `bucket ${logArchiveBucketName(config, purpose as LogArchivePurpose)}`, archive, POLICY_LIMITS.bucketPolicy);
  }
  for (const [purpose, build] of Object.entries(LOG_ARCHIVE_KEY_POLICIES)) {
    add('resource', build(config), `key ${logArchiveKeyAlias(purpose as KeyedLogArchivePurpose)}`, archive, POLICY_LIMITS.keyPolicy);
  }
  add('resource', alertTopicPolicy(config), 'alert topic', stack(security.name, 'alerts'), POLICY_LIMITS.topicPolicy);
  add('resource', billingTopicPolicy(config), 'billing topic (us-east-1)', stack(management.name, 'billing'), POLICY_LIMITS.topicPolicy);
  add('resource', breakGlassBusPolicy(config), `event bus ${RESPONSE.breakGlassBus}`, stack(security.name, 'breakglass-alarm'), POLICY_LIMITS.eventBusPolicy);

  const guardDuty = stack(security.name, 'guardduty');
  add('trust', findingsForwarderTrust(config), `role ${DETECTION.findingsForwarderRole}`, guardDuty, IAM_LIMITS.trustPolicy);
  add('role', findingsForwarderPolicy(config), `role ${DETECTION.findingsForwarderRole} (inline)`, guardDuty, IAM_LIMITS.roleInlineTotal);
  const breakGlass = `${stack(management.name, 'breakglass-alarm')} (as shown) and StackSet \`${RESPONSE.breakGlassStackSet}\` (each member account, its own ID)`;
  add('trust', breakGlassForwarderTrust(management.id), `role ${RESPONSE.forwarderRole}`, breakGlass, IAM_LIMITS.trustPolicy);
  add('role', breakGlassForwarderPolicy(config), `role ${RESPONSE.forwarderRole} (inline)`, breakGlass, IAM_LIMITS.roleInlineTotal);
  const recorders = `${stack(management.name, 'config-recorders')} (as shown) and StackSet \`${DETECTION.configRecorderStackSet}\` (each member account, its own ID)`;
  add('trust', configRecorderTrust(management.id), `role ${DETECTION.configRecorderRole}`, recorders, IAM_LIMITS.trustPolicy);
  add('role', configDeliveryPolicy(config, management.id), `role ${DETECTION.configRecorderRole} (inline)`, recorders, IAM_LIMITS.roleInlineTotal);

  if (forensics.id) {
    const room = cleanRoom(config, forensics.id);
    const cleanRoomStack = stack(forensics.name, 'clean-room');
    add('resource', evidenceKeyPolicy(config, room), 'evidence key', cleanRoomStack, POLICY_LIMITS.keyPolicy);
    add('resource', evidenceBucketPolicy(config, room), `bucket ${room.bucketName}`, cleanRoomStack, POLICY_LIMITS.bucketPolicy);
    add('resource', s3EndpointPolicy(room), 'S3 gateway endpoint of the clean-room VPC', cleanRoomStack, POLICY_LIMITS.endpointPolicy);
    add('trust', workstationTrust(room), 'forensic workstation role', cleanRoomStack, IAM_LIMITS.trustPolicy);
    add('role', workstationPolicy(room), 'forensic workstation role (inline)', cleanRoomStack, IAM_LIMITS.roleInlineTotal);
    add('trust', cleanRoomFlowLogsTrust(room), `role ${RESPONSE.flowLogRole}`, cleanRoomStack, IAM_LIMITS.trustPolicy);
    add('role', cleanRoomFlowLogsPolicy(room), `role ${RESPONSE.flowLogRole} (inline)`, cleanRoomStack, IAM_LIMITS.roleInlineTotal);
  }

  // The time is the moment of containment; any instant shows the shape.
  const { denyAll, revokeOlderSessions } = containmentPolicies(new Date('2026-01-01T03:00:00Z'));
  add('containment', denyAll, 'a compromised IAM user (inline)', '`irctl contain-credentials` and `irctl run`', POLICY_LIMITS.userInline);
  add('containment', revokeOlderSessions, 'a compromised user or role (inline)', '`irctl contain-credentials`, `irctl contain-instances` (instance roles) and `irctl run`', POLICY_LIMITS.userInline);
  return entries;
}
