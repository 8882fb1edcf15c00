/**
 * The report says what the journal shows happened after scope. The case below has the shape of
 * a drill on moto: eradicate deleted key pairs by name (the inventory holds their IDs), cancelled
 * a fleet, deleted a group and a user, terminated miners and released an Elastic IP; contain-
 * credentials revoked a role's sessions (journal: role/<name>, inventory: the role ARN); a
 * colleague's instance, a heuristic suspect, was contained, handed off, then released.
 */
import { renderReport } from '../../../tooling/analysis';
import { escapeMarkdown } from '../../../tooling/analysis/markdown';
import type { CaseContext, Inventory } from '../../../tooling/model';
import { writeJournal } from './journal-fixture';

const W = 'us-west-2';
const EU = 'eu-central-1';
const ctx: CaseContext = { caseId: 'IR-CONSIST-1', accountId: '123456789012', regions: [W, EU], window: { start: new Date('2026-11-28T00:00:00Z'), end: new Date('2026-12-01T06:00:00Z') }, caseDir: '/cases/IR-CONSIST-1' };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/ops-automation';
const snapshotTags = (instanceId: string) => [{ ResourceType: 'snapshot', Tags: [{ Key: 'ir:case-id', Value: ctx.caseId }, { Key: 'ir:source-instance', Value: instanceId }] }];
const address = (id: string, ip: string, instanceId: string) => ({ AllocationId: id, PublicIp: ip, InstanceId: instanceId, NetworkInterfaceId: 'eni-1' });

const inventory: Inventory = {
  caseId: ctx.caseId,
  accountId: ctx.accountId,
  generatedAt: '2026-12-01T05:56:59Z',
  regions: [W, EU],
  instances: [
    { region: W, instanceId: 'i-0miner', state: 'running', instanceType: 'c5.4xlarge', networkInterfaces: [], volumeIds: ['vol-0miner'], tags: {} },
    { region: EU, instanceId: 'i-0colleague', state: 'running', instanceType: 't3.micro', networkInterfaces: [], volumeIds: ['vol-0colleague'], tags: { Name: 'web-prod' } },
  ],
  keyPairs: [
    { region: W, id: 'key-0west', name: 'deploy-key' },
    { region: EU, id: 'key-0eu', name: 'deploy-key' },
  ],
  images: [],
  snapshots: [],
  spotRequests: [{ region: W, id: 'sir-0spot', state: 'active' }],
  fleets: [{ region: W, id: 'sfr-0fleet', state: 'active', details: { targetCapacity: '2' } }],
  autoScalingGroups: [{ region: W, id: 'asg-miner', name: 'asg-miner', state: 'active', details: { desiredCapacity: '1' } }],
  iamUsers: [
    { userName: 'svc-metrics', arn: 'arn:aws:iam::123456789012:user/svc-metrics', accessKeys: [{ id: 'AKIABACKDOOR00000001', status: 'Active' }], attachedPolicies: [], inlinePolicies: ['admin'], hasLoginProfile: false },
    { userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', accessKeys: [], attachedPolicies: [], inlinePolicies: [], hasLoginProfile: false },
  ],
  events: [],
  failures: [],
  attributions: [
    { kind: 'instance', region: W, id: 'i-0miner', basis: 'cloudtrail', reason: 'RunInstances' },
    { kind: 'instance', region: EU, id: 'i-0colleague', basis: 'heuristic', reason: 'launched in the window with key pair deploy-key' },
    { kind: 'key-pair', region: W, id: 'key-0west', basis: 'cloudtrail', reason: 'CreateKeyPair' },
    { kind: 'key-pair', region: EU, id: 'key-0eu', basis: 'heuristic', reason: 'created in the window' },
    { kind: 'spot-request', region: W, id: 'sir-0spot', basis: 'heuristic', reason: 'fulfilled by attacker instance i-0miner' },
    { kind: 'fleet', region: W, id: 'sfr-0fleet', basis: 'cloudtrail', reason: 'RequestSpotFleet' },
    { kind: 'auto-scaling-group', region: W, id: 'asg-miner', basis: 'cloudtrail', reason: 'CreateAutoScalingGroup' },
    { kind: 'iam-user', id: 'svc-metrics', basis: 'cloudtrail', reason: 'CreateUser' },
    { kind: 'iam-user', id: 'alice', basis: 'heuristic', reason: 'created in the window' },
    { kind: 'iam-role', id: ROLE_ARN, basis: 'cloudtrail', reason: 'AssumeRole by the stolen key' },
  ],
};

const journal = writeJournal(ctx.caseId, [
  { ts: '2026-12-01T05:57:07Z', step: 'contain-credentials/deny-all', action: 'iam:PutUserPolicy', target: 'user/svc-metrics', request: { UserName: 'svc-metrics', PolicyName: 'ir-deny-all' }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:08Z', step: 'contain-credentials/deactivate-key', action: 'iam:UpdateAccessKey', target: 'user/svc-metrics/AKIABACKDOOR00000001', request: { UserName: 'svc-metrics', AccessKeyId: 'AKIABACKDOOR00000001', Status: 'Inactive' }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:09Z', step: 'contain-credentials/revoke-sessions', action: 'iam:PutRolePolicy', target: 'role/ops-automation', request: { RoleName: 'ops-automation', PolicyName: 'ir-revoke-older-sessions' }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:20Z', step: 'contain-instances/snapshot', action: 'ec2:CreateSnapshot', region: W, target: 'vol-0miner', request: { VolumeId: 'vol-0miner', TagSpecifications: snapshotTags('i-0miner') }, outcome: 'applied', response: { SnapshotId: 'snap-0miner' }, reversible: false },
  { ts: '2026-12-01T05:57:20Z', step: 'contain-instances/snapshot', action: 'ec2:CreateSnapshot', region: EU, target: 'vol-0colleague', request: { VolumeId: 'vol-0colleague', TagSpecifications: snapshotTags('i-0colleague') }, outcome: 'applied', response: { SnapshotId: 'snap-0colleague' }, reversible: false },
  { ts: '2026-12-01T05:57:21Z', step: 'contain-instances/tag', action: 'ec2:CreateTags', region: W, target: 'i-0miner', request: { Resources: ['i-0miner'], Tags: [{ Key: 'ir:containment', Value: 'contained' }] }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:21Z', step: 'contain-instances/tag', action: 'ec2:CreateTags', region: EU, target: 'i-0colleague', request: { Resources: ['i-0colleague'], Tags: [{ Key: 'ir:containment', Value: 'contained' }] }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:22Z', step: 'contain-instances/fleet-hold', action: 'ec2:ModifySpotFleetRequest', region: W, target: 'sfr-0fleet', request: { SpotFleetRequestId: 'sfr-0fleet', TargetCapacity: 0 }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:22Z', step: 'contain-instances/eip-disassociate', action: 'ec2:DisassociateAddress', region: W, target: 'eipalloc-0one', request: { AssociationId: 'eipassoc-1', address: address('eipalloc-0one', '198.51.100.1', 'i-0miner') }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:22Z', step: 'contain-instances/eip-disassociate', action: 'ec2:DisassociateAddress', region: W, target: 'eipalloc-0two', request: { AssociationId: 'eipassoc-2', address: address('eipalloc-0two', '198.51.100.2', 'i-0miner') }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:57:30Z', step: 'handoff/copy', action: 'ec2:CopySnapshot', region: 'us-east-1', target: 'snap-0colleague', request: { SourceSnapshotId: 'snap-0colleague', SourceRegion: EU }, outcome: 'applied', response: { SnapshotId: 'snap-0copycol' }, reversible: false },
  { ts: '2026-12-01T05:57:31Z', step: 'handoff/share', action: 'ec2:ModifySnapshotAttribute', region: 'us-east-1', target: 'snap-0copycol', request: { SnapshotId: 'snap-0copycol', Attribute: 'createVolumePermission', OperationType: 'add', UserIds: ['444444444444'], sourceSnapshotId: 'snap-0colleague', sourceRegion: EU, instanceId: 'i-0colleague' }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:57:50Z', step: 'release/tag', action: 'ec2:CreateTags', region: EU, target: 'i-0colleague', request: { Resources: ['i-0colleague'], Tags: [{ Key: 'ir:containment', Value: 'released' }] }, outcome: 'applied', reversible: true },
  { ts: '2026-12-01T05:58:37Z', step: 'eradicate/cancel-fleet', action: 'ec2:CancelSpotFleetRequests', region: W, target: 'sfr-0fleet', request: { SpotFleetRequestIds: ['sfr-0fleet'] }, outcome: 'failed', error: 'ec2:CancelSpotFleetRequests ignored DryRun and may have made the change on sfr-0fleet; inspect it', reversible: false },
  // A rerun of eradicate: the snapshot is found (no new response), the fleet is already cancelled.
  { ts: '2026-12-01T05:58:41Z', step: 'eradicate/snapshot', action: 'ec2:CreateSnapshot', region: W, target: 'vol-0miner', request: { VolumeId: 'vol-0miner', TagSpecifications: snapshotTags('i-0miner') }, outcome: 'skipped-already-done', reversible: false },
  { ts: '2026-12-01T05:58:41Z', step: 'eradicate/cancel-fleet', action: 'ec2:CancelSpotFleetRequests', region: W, target: 'sfr-0fleet', request: { SpotFleetRequestIds: ['sfr-0fleet'] }, outcome: 'skipped-already-done', reversible: false },
  { ts: '2026-12-01T05:58:42Z', step: 'eradicate/cancel-spot-request', action: 'ec2:CancelSpotInstanceRequests', region: W, target: 'sir-0spot', request: { SpotInstanceRequestIds: ['sir-0spot'] }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:58:45Z', step: 'eradicate/auto-scaling-group', action: 'autoscaling:DeleteAutoScalingGroup', region: W, target: 'asg-miner', request: { AutoScalingGroupName: 'asg-miner', ForceDelete: true }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:58:46Z', step: 'eradicate/terminate', action: 'ec2:TerminateInstances', region: W, target: 'i-0miner', request: { InstanceIds: ['i-0miner'] }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:58:47Z', step: 'eradicate/eip-release', action: 'ec2:ReleaseAddress', region: W, target: 'eipalloc-0one', request: { AllocationId: 'eipalloc-0one', address: address('eipalloc-0one', '198.51.100.1', 'i-0miner') }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:58:48Z', step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: W, target: 'deploy-key', request: { KeyName: 'deploy-key' }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:58:49Z', step: 'eradicate/user', action: 'iam:DeleteAccessKey', target: 'user/svc-metrics/AKIABACKDOOR00000001', request: { UserName: 'svc-metrics', AccessKeyId: 'AKIABACKDOOR00000001' }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:58:50Z', step: 'eradicate/user', action: 'iam:DeleteUser', target: 'user/svc-metrics', request: { UserName: 'svc-metrics' }, outcome: 'applied', reversible: false },
  { ts: '2026-12-01T05:59:00Z', step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: W, target: 'deploy-key', request: { KeyName: 'deploy-key' }, outcome: 'skipped-already-done', reversible: false },
]);

const report = renderReport({ ctx, inventory, journal, manual: [] });
const section = (title: string): string => report.split(/\n(?=##+ )/).find((s) => s.startsWith(`## ${title}`) || s.startsWith(`### ${title}`)) ?? '';
const manual = section('What remains manual');
const row = (title: string, id: string): string => section(title).split('\n').find((l) => l.includes(`| ${id} |`)) ?? '';
const said = (text: string) => escapeMarkdown(text);

describe('the report agrees with the journal', () => {
  test('a: a key pair eradicate deleted by name is matched to the inventory ID; the same name in another region is not', () => {
    expect(manual).not.toContain(said('key-pair key-0west (us-west-2)'));
    expect(row('Key pairs', 'key-0west')).toContain(said('deleted by eradicate at 2026-12-01 05:58:48Z'));
    expect(row('Key pairs', 'key-0eu')).not.toContain('deleted');
    expect(manual).toContain(said('Confirm suspect key-pair key-0eu (eu-central-1)'));
  });

  test('b: heuristic attributions are suspects, shown and counted apart from the attacker', () => {
    const summary = section('Summary');
    expect(summary).toContain('| Attributed to the attacker (CloudTrail) | 1 instances, 1 key pairs, 0 AMIs, 0 snapshots, 0 Spot requests, 1 fleets, 1 Auto Scaling groups, 1 IAM users, 1 IAM roles assumed |');
    expect(summary).toContain('| Suspects to confirm (heuristic, no CloudTrail event) | 1 instances, 1 key pairs, 1 Spot requests, 1 IAM users |');
    expect(row('IAM users', 'alice')).toContain(said('suspect, to confirm (heuristic): created in the window'));
    expect(row('IAM users', 'svc-metrics')).toContain(said('attacker (CloudTrail): CreateUser'));
    expect(manual).not.toMatch(/on attacker [^\n]*alice/);
    expect(manual).toContain(said('Confirm suspect iam-user alice (heuristic, no CloudTrail event: created in the window): no action recorded yet'));
  });

  test('c: a case snapshot found again on a rerun is handed off once, by its ID', () => {
    expect(manual.match(/Hand snap-0miner /g)).toHaveLength(1);
    expect(manual).not.toContain('the snapshot of vol-0miner');
  });

  test('d: a released instance is not for the clean room; its shared copy is called out with how to revoke it', () => {
    expect(manual).not.toContain('Hand snap-0colleague');
    expect(manual).not.toContain(said('Clean room: snap-0copycol (us-east-1; copy of snap-0colleague of i-0colleague) is shared with 444444444444. In that account'));
    expect(manual).toContain(
      said('Revoke the clean-room share of snap-0copycol (us-east-1; copy of snap-0colleague of i-0colleague, released by release at 2026-12-01 05:57:50Z): aws ec2 modify-snapshot-attribute --region us-east-1 --snapshot-id snap-0copycol --attribute createVolumePermission --operation-type remove --user-ids 444444444444'),
    );
    expect(row('Instances', 'i-0colleague')).toContain(said('released by release at 2026-12-01 05:57:50Z'));
    expect(manual).not.toContain(said('Confirm suspect instance i-0colleague'));
  });

  test('e: an IAM role acted on as role/<name> matches its ARN in the inventory', () => {
    expect(manual).not.toContain(said(`No action recorded yet on attacker iam-role ${ROLE_ARN}`));
  });

  test('f: fleets, groups, Spot requests, instances and users show what eradicate did after scope', () => {
    expect(row('Spot Fleets and EC2 Fleets', 'sfr-0fleet')).toContain(said('active at scope; cancelled by eradicate at 2026-12-01 05:58:41Z'));
    expect(row('Auto Scaling groups', 'asg-miner')).toContain(said('active at scope; deleted by eradicate at 2026-12-01 05:58:45Z'));
    expect(row('Spot instance requests', 'sir-0spot')).toContain(said('cancelled by eradicate at 2026-12-01 05:58:42Z'));
    expect(row('Instances', 'i-0miner')).toContain(said('running at scope; terminated by eradicate at 2026-12-01 05:58:46Z'));
    expect(row('IAM users', 'svc-metrics')).toContain(said('deleted by eradicate at 2026-12-01 05:58:50Z'));
    expect(row('IAM users', 'svc-metrics')).toContain(said('AKIABACKDOOR00000001 (Active at scope; deleted by eradicate at 2026-12-01 05:58:49Z)'));
    expect(manual).not.toMatch(/still exists/);
  });

  test('a failure a later run resolved is not a step to retry', () => {
    expect(manual).not.toContain('Retry: eradicate/cancel-fleet');
    expect(section('Failures')).toContain(said('resolved: done in entry #16'));
  });

  test('Elastic IPs: one released, one only disassociated and still allocated', () => {
    expect(row('Elastic IPs', 'eipalloc-0one')).toContain(said('released by eradicate at 2026-12-01 05:58:47Z'));
    expect(row('Elastic IPs', 'eipalloc-0two')).toContain(said('disassociated (still allocated) by contain-instances at 2026-12-01 05:57:22Z'));
    expect(manual).toContain(said('Elastic IP 198.51.100.2 (eipalloc-0two, us-west-2) of i-0miner is disassociated but still allocated to the account'));
    expect(manual).not.toContain(said('Elastic IP 198.51.100.1'));
  });
});

describe('a journal target matches the resource in any form it names it', () => {
  const entry = (target: string, action: string, region?: string) =>
    writeJournal(ctx.caseId, [{ ts: '2026-12-01T06:00:00Z', step: 'contain-credentials/revoke-sessions', action, region, target, request: { PolicyName: 'ir-revoke-older-sessions' }, outcome: 'applied', reversible: true }]);
  test.each([
    { name: 'role/<name>', target: 'role/ops-automation', action: 'iam:PutRolePolicy' },
    { name: 'the role ARN', target: ROLE_ARN, action: 'iam:PutRolePolicy' },
    { name: 'a role ARN with a path', target: 'arn:aws:iam::123456789012:role/service/ops-automation', action: 'iam:PutRolePolicy' },
    { name: 'the bare role name of a role call', target: 'ops-automation', action: 'iam:PutRolePolicy' },
  ])('an attributed role acted on as $name is not "no action recorded"', ({ target, action }) => {
    const text = renderReport({ ctx, inventory, journal: entry(target, action), manual: [] });
    expect(text).not.toContain(said(`No action recorded yet on attacker iam-role ${ROLE_ARN}`));
    expect(text).toMatch(new RegExp(`\\| ${said(ROLE_ARN).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| older sessions revoked by contain-credentials at 2026-12-01 06:00:00Z \\|`));
  });

  test('an Auto Scaling group deleted by its ARN reads deleted in the groups table', () => {
    const arn = `arn:aws:autoscaling:${W}:123456789012:autoScalingGroup:0b1c2d3e-0000-4000-8000-000000000000:autoScalingGroupName/asg-miner`;
    const deleted = writeJournal(ctx.caseId, [{ ts: '2026-12-01T06:00:00Z', step: 'eradicate/auto-scaling-group', action: 'autoscaling:DeleteAutoScalingGroup', target: arn, request: {}, outcome: 'applied', reversible: false }]);
    const text = renderReport({ ctx, inventory, journal: deleted, manual: [] });
    expect(text.split('\n').find((l) => l.startsWith(`| ${W} | asg-miner |`))).toContain('active at scope; deleted by eradicate at 2026-12-01 06:00:00Z');
  });

  test('a user name alone does not match a role of the same name', () => {
    const text = renderReport({ ctx, inventory, journal: entry('user/ops-automation', 'iam:PutUserPolicy'), manual: [] });
    expect(text).toContain(said(`No action recorded yet on attacker iam-role ${ROLE_ARN}`));
  });
});

describe('plans, failures and instances scope never saw', () => {
  const later = writeJournal(ctx.caseId, [
    { ts: '2026-12-01T05:58:37Z', step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: W, target: 'deploy-key', request: { KeyName: 'deploy-key' }, outcome: 'dry-run-ok', reversible: false },
    { ts: '2026-12-01T05:58:37Z', step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: EU, target: 'deploy-key', request: { KeyName: 'deploy-key' }, outcome: 'dry-run-ok', reversible: false },
    { ts: '2026-12-01T05:58:38Z', step: 'eradicate/cancel-fleet', action: 'ec2:CancelSpotFleetRequests', region: W, target: 'sfr-0fleet', request: {}, outcome: 'failed', error: 'throttled', reversible: false },
    { ts: '2026-12-01T05:58:48Z', step: 'eradicate/key-pair', action: 'ec2:DeleteKeyPair', region: W, target: 'deploy-key', request: { KeyName: 'deploy-key' }, outcome: 'applied', reversible: false },
    { ts: '2026-12-01T05:58:49Z', step: 'eradicate/cancel-fleet', action: 'ec2:CancelSpotFleetRequests', region: W, target: 'sfr-0fleet', request: {}, outcome: 'applied', reversible: false },
    // A group replacement launched after scope: contained and terminated, never in inventory.json.
    { ts: '2026-12-01T05:58:50Z', step: 'contain-instances/tag', action: 'ec2:CreateTags', region: W, target: 'i-0replacement', request: { Tags: [{ Key: 'ir:containment', Value: 'contained' }] }, outcome: 'applied', reversible: true },
    { ts: '2026-12-01T05:58:51Z', step: 'eradicate/terminate', action: 'ec2:TerminateInstances', region: W, target: 'i-0replacement', request: {}, outcome: 'applied', reversible: false },
  ]);
  const text = renderReport({ ctx, inventory, journal: later, manual: [] });
  const part = (title: string) => text.split(/\n(?=## )/).find((s) => s.startsWith(`## ${title}`)) ?? '';

  test('a planned step applied later is not listed as planned, not applied; one in another region still is', () => {
    const planned = part('Planned, not applied');
    expect(planned).not.toMatch(/\| ec2:DeleteKeyPair \| deploy-key \| us-west-2 \|/);
    expect(planned).toMatch(/\| ec2:DeleteKeyPair \| deploy-key \| eu-central-1 \|/);
    expect(planned).toContain('1 planned step applied later is listed under Actions taken.');
  });

  test('the summary counts a failure a later run resolved as resolved', () => {
    expect(part('Summary')).toContain('| Failures | 1 (1 resolved by a later run) |');
  });

  test('an instance irctl acted on that scope never saw is named with what became of it', () => {
    expect(part("Attacker's resources")).toContain(said('Acted on by irctl but not in inventory.json (launched after scope, or named by hand): i-0replacement (us-west-2): terminated by eradicate at 2026-12-01 05:58:51Z.'));
  });
});

test('scope run again after eradicate: its newer state comes first, the journal\'s change is said to be earlier', () => {
  const rescoped: Inventory = {
    ...inventory,
    generatedAt: '2026-12-01T06:30:00Z',
    fleets: [{ region: W, id: 'sfr-0fleet', state: 'cancelled_terminating', seen: { firstSeenAt: '2026-12-01T05:56:59Z', lastSeenAt: '2026-12-01T06:30:00Z' } }],
  };
  const text = renderReport({ ctx, inventory: rescoped, journal, manual: [] });
  const fleet = text.split('\n').find((l) => l.startsWith(`| ${W} | sfr-0fleet |`)) ?? '';
  expect(fleet).toContain(said('cancelled_terminating (scope, 2026-12-01 06:30:00Z; earlier: cancelled by eradicate at 2026-12-01 05:58:41Z)'));
});
