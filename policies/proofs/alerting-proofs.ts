/** Proof table for what detection and alerting depend on: IR role policies, the agent opt-out tag, the alert topic, the break-glass bus. */
import type { OrgConfig } from '../../config';
import { ALERT_RULES, ALERT_TOPIC_NAME, IR_ROLE_PATH } from '../../shared/names';
import { protectAlertingScp } from '../scp';
import { AGENT_TAG_ACTIONS, ALERT_TOPIC_ACTIONS, GUARDDUTY_MANAGED_TAG, MANAGED_POLICY_CHANGE_ACTIONS } from '../scp/protect-alerting';
import { EXEMPT_ROLE_CHANGE_ACTIONS } from '../scp/protect-security-services';
import { proofFixtures } from './fixtures';
import type { ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const DENIED = 'ExplicitlyDenied' as const;

/** Each protected dependency: workloads and break-glass denied, deployers allowed, neighbours untouched. */
export function alertingProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = protectAlertingScp(config);
  const irPolicy = `arn:aws:iam::${f.workloadAccount}:policy${IR_ROLE_PATH}SecurityAnalystAccess`;
  const topic = `arn:aws:sns:${f.allowedRegion}:${f.securityAccount}:${ALERT_TOPIC_NAME}`;
  const bus = `arn:aws:events:${f.allowedRegion}:${f.securityAccount}:event-bus/${ALERT_RULES.breakGlassBus}`;
  const instance = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:instance/i-0123456789abcdef0`;
  const cluster = (service: 'eks' | 'ecs') => service === 'eks'
    ? `arn:aws:eks:${f.allowedRegion}:${f.workloadAccount}:cluster/app`
    : `arn:aws:ecs:${f.allowedRegion}:${f.workloadAccount}:cluster/app`;
  const group = `arn:aws:autoscaling:${f.allowedRegion}:${f.workloadAccount}:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/web`;
  // eks:CreateCluster has no resource-level permission (iam-data): it is authorized on `*`.
  const tagResource = (action: string) => {
    if (action === 'eks:CreateCluster') return '*';
    if (action.startsWith('autoscaling:')) return group;
    return action.startsWith('ec2:') ? instance : cluster(action.startsWith('eks:') ? 'eks' : 'ecs');
  };
  const secApp = `arn:aws:iam::${f.securityAccount}:role/app-server`;
  const role = (name: string) => `arn:aws:iam::${f.workloadAccount}:role/${name}`;
  const detectionRoles = [role('ir-config-recorder-us-east-1'), role('ir-breakglass-forwarder-eu-west-1'), role('ir-guardduty-findings-forwarder'), role('ir-forensics-flow-logs')];
  const rows: ProofRow[] = [
    ...EXEMPT_ROLE_CHANGE_ACTIONS.flatMap((action): ProofRow[] => [
      ...detectionRoles.map((resource): ProofRow => ({ name: `workload: ${action} on ${resource.split(':role/')[1]}`, request: { principal: f.appRole, action, resource }, expected: DENIED })),
      { name: `SecurityBreakGlass: ${action} on the Config recorder role`, request: { principal: f.irRole('breakGlass'), action, resource: detectionRoles[0] }, expected: DENIED },
      { name: `StackSet execution role: ${action} on the Config recorder role (deploys it)`, request: { principal: `arn:aws:iam::${f.workloadAccount}:role/stacksets-exec-0123456789abcdef`, action, resource: detectionRoles[0] }, expected: ALLOWED },
      { name: `workload: ${action} on a role named ir-config (not a recorder)`, request: { principal: f.appRole, action, resource: role('ir-config') }, expected: ALLOWED },
    ]),
    ...MANAGED_POLICY_CHANGE_ACTIONS.flatMap((action): ProofRow[] => [
      { name: `workload: ${action} on an IR role policy`, request: { principal: f.appRole, action, resource: irPolicy }, expected: DENIED },
      { name: `SecurityBreakGlass: ${action} on an IR role policy`, request: { principal: f.irRole('breakGlass'), action, resource: irPolicy }, expected: DENIED },
      { name: `SecurityDeploy: ${action} on an IR role policy (stacks own it)`, request: { principal: f.irRole('deploy'), action, resource: irPolicy }, expected: ALLOWED },
      { name: `workload: ${action} on its own policy`, request: { principal: f.appRole, action, resource: `arn:aws:iam::${f.workloadAccount}:policy/app-policy` }, expected: ALLOWED },
    ]),
    ...AGENT_TAG_ACTIONS.flatMap((action): ProofRow[] => [
      { name: `workload: ${action} ${GUARDDUTY_MANAGED_TAG}`, request: { principal: f.appRole, action, resource: tagResource(action), context: { 'aws:TagKeys': [GUARDDUTY_MANAGED_TAG] } }, expected: DENIED },
      { name: `workload: ${action} guarddutymanaged (other case)`, request: { principal: f.appRole, action, resource: tagResource(action), context: { 'aws:TagKeys': ['Name', 'guarddutymanaged'] } }, expected: DENIED },
      { name: `workload: ${action} Name and team tags`, request: { principal: f.appRole, action, resource: tagResource(action), context: { 'aws:TagKeys': ['Name', 'team'] } }, expected: ALLOWED },
      { name: `SecurityDeploy: ${action} ${GUARDDUTY_MANAGED_TAG}`, request: { principal: f.irRole('deploy'), action, resource: tagResource(action), context: { 'aws:TagKeys': [GUARDDUTY_MANAGED_TAG] } }, expected: ALLOWED },
    ]),
    // Auto Scaling propagates group tags to the instances it launches (PropagateAtLaunch) through its service-linked role.
    {
      name: `workload: CreateAutoScalingGroup on a pinned template with ${GUARDDUTY_MANAGED_TAG}=false`,
      request: {
        principal: f.appRole, action: 'autoscaling:CreateAutoScalingGroup', resource: group,
        context: { 'aws:TagKeys': ['Name', GUARDDUTY_MANAGED_TAG], [`aws:RequestTag/${GUARDDUTY_MANAGED_TAG}`]: 'false', 'autoscaling:LaunchTemplateVersionSpecified': 'true' },
      },
      expected: DENIED,
    },
    {
      name: `RunInstances tag-on-create with ${GUARDDUTY_MANAGED_TAG} (authorized as ec2:CreateTags)`,
      request: { principal: f.appRole, action: 'ec2:CreateTags', resource: instance, context: { 'aws:TagKeys': [GUARDDUTY_MANAGED_TAG], 'ec2:CreateAction': 'RunInstances' } },
      expected: DENIED,
    },
    ...ALERT_TOPIC_ACTIONS.flatMap((action): ProofRow[] => [
      { name: `security-account workload: ${action} on the alert topic`, request: { principal: secApp, action, resource: topic }, expected: DENIED },
      { name: `SecurityBreakGlass: ${action} on the alert topic`, request: { principal: f.irRole('breakGlass', f.securityAccount), action, resource: topic }, expected: DENIED },
      { name: `SecurityDeploy: ${action} on the alert topic`, request: { principal: f.irRole('deploy', f.securityAccount), action, resource: topic }, expected: ALLOWED },
      { name: `workload: ${action} on its own topic`, request: { principal: f.appRole, action, resource: `arn:aws:sns:${f.allowedRegion}:${f.workloadAccount}:app-events` }, expected: ALLOWED },
    ]),
    // A filter policy that matches nothing mutes a subscriber as surely as unsubscribing it (authorized on the topic, iam-data).
    { name: 'security-account workload: sns:SetSubscriptionAttributes on the alert topic\'s subscription', request: { principal: secApp, action: 'sns:SetSubscriptionAttributes', resource: topic }, expected: DENIED },
    { name: 'SecurityAdmin: sns:SetSubscriptionAttributes on the alert topic\'s subscription', request: { principal: f.irRole('admin', f.securityAccount), action: 'sns:SetSubscriptionAttributes', resource: topic }, expected: DENIED },
    { name: 'SecurityDeploy: sns:SetSubscriptionAttributes on the alert topic\'s subscription', request: { principal: f.irRole('deploy', f.securityAccount), action: 'sns:SetSubscriptionAttributes', resource: topic }, expected: ALLOWED },
    // An e-mail or HTTPS subscription confirmed by link can be cancelled by an unsigned request naming its ARN: hide the ARNs.
    { name: 'security-account workload: sns:ListSubscriptionsByTopic on the alert topic', request: { principal: secApp, action: 'sns:ListSubscriptionsByTopic', resource: topic }, expected: DENIED },
    { name: 'SecurityDeploy: sns:ListSubscriptionsByTopic on the alert topic', request: { principal: f.irRole('deploy', f.securityAccount), action: 'sns:ListSubscriptionsByTopic', resource: topic }, expected: ALLOWED },
    { name: 'security-account workload: sns:ListSubscriptions (lists every topic\'s subscription ARNs)', request: { principal: secApp, action: 'sns:ListSubscriptions' }, expected: DENIED },
    { name: 'SecurityDeploy in the security account: sns:ListSubscriptions', request: { principal: f.irRole('deploy', f.securityAccount), action: 'sns:ListSubscriptions' }, expected: ALLOWED },
    { name: 'workload account: sns:ListSubscriptions of its own topics', request: { principal: f.appRole, action: 'sns:ListSubscriptions' }, expected: ALLOWED },
    { name: 'workload: sns:ListSubscriptionsByTopic on its own topic', request: { principal: f.appRole, action: 'sns:ListSubscriptionsByTopic', resource: `arn:aws:sns:${f.allowedRegion}:${f.workloadAccount}:app-events` }, expected: ALLOWED },
    ...['events:DeleteEventBus', 'events:UpdateEventBus'].flatMap((action): ProofRow[] => [
      { name: `security-account workload: ${action} on the break-glass bus`, request: { principal: secApp, action, resource: bus }, expected: DENIED },
      { name: `SecurityDeploy: ${action} on the break-glass bus`, request: { principal: f.irRole('deploy', f.securityAccount), action, resource: bus }, expected: ALLOWED },
      { name: `workload: ${action} on its own bus`, request: { principal: f.appRole, action, resource: `arn:aws:events:${f.allowedRegion}:${f.workloadAccount}:event-bus/app-bus` }, expected: ALLOWED },
    ]),
    ...['events:PutPermission', 'events:RemovePermission'].flatMap((action): ProofRow[] => [
      { name: `security-account workload: ${action}`, request: { principal: secApp, action }, expected: DENIED },
      { name: `SecurityDeploy in the security account: ${action}`, request: { principal: f.irRole('deploy', f.securityAccount), action }, expected: ALLOWED },
      { name: `workload account: ${action} on its own buses`, request: { principal: f.appRole, action }, expected: ALLOWED },
    ]),
  ];
  return { id: 'scp-protect-alerting', title: 'What detection and alerting depend on is the deployers\'', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}
