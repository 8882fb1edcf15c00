/**
 * Trust policies of the service roles the stacks create: which AWS service may assume each, and
 * for which account only (`aws:SourceAccount`, the confused-deputy guard). In CloudFormation
 * templates the account is the intrinsic `{ Ref: 'AWS::AccountId' }`, hence `unknown`.
 */
import type { OrgConfig } from '../../config';
import type { CleanRoom } from '../../shared/addresses';
import { serviceRoleTrust } from '../document';
import type { AuditedPolicy } from '../scp/audited';

function trust(name: string, service: string, sourceAccount: unknown, description: string, why: string): AuditedPolicy {
  return {
    name,
    description,
    explanation: `Only ${service} may assume the role, and only when acting for the account that owns it
(aws:SourceAccount): a rule, recorder or flow log of another customer cannot borrow it. ${why}`,
    document: serviceRoleTrust(service, sourceAccount),
  };
}

/** The GuardDuty findings forwarder (security account): EventBridge rules of the security account. */
export function findingsForwarderTrust(config: OrgConfig): AuditedPolicy {
  return trust(
    'guardduty-findings-forwarder-trust',
    'events.amazonaws.com',
    config.accounts.security.id,
    'Findings forwarder: EventBridge of the security account.',
    'The rules of non-home regions use it to forward findings to the home region.',
  );
}

/** A break-glass forwarder: EventBridge of the account the role lives in. */
export function breakGlassForwarderTrust(sourceAccount: unknown): AuditedPolicy {
  return trust(
    'breakglass-forwarder-trust',
    'events.amazonaws.com',
    sourceAccount,
    'Break-glass forwarder: EventBridge of the same account.',
    'Each account\'s break-glass rule uses it to put the event on the security account\'s bus.',
  );
}

/** A Config recorder role: the Config service of the account the role lives in. */
export function configRecorderTrust(sourceAccount: unknown): AuditedPolicy {
  return trust(
    'config-recorder-trust',
    'config.amazonaws.com',
    sourceAccount,
    'Config recorder: AWS Config of the same account.',
    'The recorder reads resource configurations and delivers them to the log archive.',
  );
}

/** The forensic workstation role: EC2 in the forensics account. */
export function workstationTrust(room: CleanRoom): AuditedPolicy {
  return trust(
    'clean-room-workstation-trust',
    'ec2.amazonaws.com',
    room.accountId,
    'Forensic workstation: EC2 instances of the forensics account.',
    'Workstations in the clean room read evidence with it.',
  );
}

/** The clean room's flow-log delivery role: VPC Flow Logs of the forensics account. */
export function cleanRoomFlowLogsTrust(room: CleanRoom): AuditedPolicy {
  return trust(
    'clean-room-flow-logs-trust',
    'vpc-flow-logs.amazonaws.com',
    room.accountId,
    'Clean-room flow logs: VPC Flow Logs of the forensics account.',
    'Flow Logs deliver the clean room\'s traffic records to its log group with it.',
  );
}
