/**
 * What an attacker's launcher launched is tied by the launcher's CloudTrail evidence: within one
 * scope (a fleet's Spot requests), and across scope runs (a group member a later run finds, when
 * that run's rows no longer hold the group's CreateAutoScalingGroup event).
 */
import { tiedThroughLaunchers } from '../../../tooling/analysis/attribution';
import { mergeInventory } from '../../../tooling/analysis/inventory-merge';
import type { Attribution, InstanceRecord, Inventory } from '../../../tooling/model';

const W = 'us-west-2';
const instance = (id: string, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
  region: W, instanceId: id, state: 'running', instanceType: 'c5.large', launchTime: '2026-11-20T08:00:00Z', keyName: 'miner', networkInterfaces: [], volumeIds: [], tags: {}, ...extra,
});
const groupTie: Attribution = { kind: 'auto-scaling-group', region: W, id: 'asg-miner', basis: 'cloudtrail', reason: 'CreateAutoScalingGroup at 2026-11-20T07:30:00Z with AKIAEXAMPLE', eventId: 'e-asg' };
const inventory = (over: Partial<Inventory>): Inventory => ({
  caseId: 'IR-1', accountId: '111122223333', generatedAt: '2026-11-20T10:00:00Z', regions: [W], instances: [], keyPairs: [], images: [], snapshots: [], spotRequests: [], fleets: [],
  autoScalingGroups: [{ region: W, id: 'asg-miner' }], iamUsers: [], events: [], failures: [], ...over,
});
const run = (at: string) => ({ at, regions: [W], window: { start: '2026-11-20T07:00:00Z', end: at }, source: 'athena' });

test("a group member a later scope finds is tied through the group an earlier scope's CloudTrail tied, not left a key-name suspect", () => {
  const first = inventory({ instances: [instance('i-first', { autoScalingGroup: 'asg-miner' })], attributions: [groupTie, { ...groupTie, kind: 'instance', id: 'i-first', reason: 'launched by Auto Scaling group asg-miner' }] });
  // The later run's rows hold no CreateAutoScalingGroup: its own attribution only guessed from the key pair.
  const later = inventory({
    generatedAt: '2026-11-20T12:00:00Z',
    instances: [instance('i-first', { autoScalingGroup: 'asg-miner' }), instance('i-new', { autoScalingGroup: 'asg-miner', launchTime: '2026-11-20T11:00:00Z' })],
    attributions: [{ kind: 'instance', region: W, id: 'i-new', basis: 'heuristic', reason: 'launched in the window at 2026-11-20T11:00:00Z with attacker key pair miner' }],
  });
  const merged = mergeInventory(first, later, run('2026-11-20T12:00:00Z')).inventory;
  const tie = merged.attributions!.find((a) => a.kind === 'instance' && a.id === 'i-new');
  expect(tie).toMatchObject({ basis: 'cloudtrail', eventId: 'e-asg' });
  expect(tie!.reason).toMatch(/^launched by Auto Scaling group asg-miner, which the attacker created \(CreateAutoScalingGroup/);
});

test("a Spot request a CloudTrail-tied fleet's instance fulfilled is tied by that evidence; one a suspect instance fulfilled stays a suspect", () => {
  const fleetTie: Attribution = { kind: 'fleet', region: W, id: 'sfr-1', basis: 'cloudtrail', reason: 'RequestSpotFleet at 2026-11-20T07:40:00Z', eventId: 'e-fleet' };
  const inv = inventory({
    instances: [instance('i-fleet'), instance('i-other')],
    fleets: [{ region: W, id: 'sfr-1', details: { instanceIds: 'i-fleet' } }],
    spotRequests: [{ region: W, id: 'sir-fleet', details: { instanceId: 'i-fleet' } }, { region: W, id: 'sir-other', details: { instanceId: 'i-other' } }],
  });
  const ties = tiedThroughLaunchers([fleetTie, { kind: 'instance', region: W, id: 'i-other', basis: 'heuristic', reason: 'key pair' }], inv);
  expect(ties.map((t) => `${t.kind} ${t.id} ${t.basis}`)).toEqual(['instance i-fleet cloudtrail', 'spot-request sir-fleet cloudtrail']);
  expect(ties[1]).toMatchObject({ eventId: 'e-fleet', reason: expect.stringMatching(/^fulfilled instance i-fleet, which the attacker's evidence ties \(launched by Spot Fleet sfr-1/) });
});
