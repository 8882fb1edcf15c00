/**
 * contain-instances: for every instance, evidence first, then snapshots, then the rest of the
 * hold — Auto Scaling, protections, per-ENI isolation, load balancers, instance profile and its
 * sessions, fleets (held at capacity 0), Elastic IPs (disassociated, not released), tags. Every
 * step but the snapshots can be undone by release. Regions and instances run with
 * bounded concurrency; a failure on one instance or region is recorded and the rest go on.
 */
import type { Instance } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { errorMessage, explainAwsError } from '../aws/errors';
import type { Action, ActionOutcome } from '../case/executor';
import { Once, type PhaseEnv } from '../case/phase';
import { collectInstanceEvidence } from '../evidence/collect';
import { revokeSessions } from './credentials';
import { disassociateAddressActions } from './elastic-ips';
import { autoScalingActions } from './auto-scaling';
import { protectionActions } from './instance-attributes';
import { loadBalancerActions, profileAction, snapshotActions, tagAction } from './instance-steps';
import { holdFleetAction } from './fleets';
import { eniIsolationActions, isolationGroups } from './network';
import { cutSubnet } from './network-acl';
import { findInstances, readRegionState, type RegionState } from './state';

/** Where each requested instance lives. */
export interface LocatedInstances {
  readonly byRegion: ReadonlyMap<string, Instance[]>;
  readonly missing: readonly string[];
}

/** Find each instance ID across the case's regions (one filtered DescribeInstances per region). */
export async function locateInstances(env: PhaseEnv, instanceIds: readonly string[]): Promise<LocatedInstances> {
  const byRegion = new Map<string, Instance[]>();
  await env.exec.each(env.ctx.regions, env.concurrency.regions, 'locate-instances', (region) => ({ region, action: 'ec2:DescribeInstances' }), async (region) => {
    const found = await findInstances(env.read, region, instanceIds);
    if (found.length) byRegion.set(region, found);
  });
  const seen = new Set([...byRegion.values()].flat().map((i) => i.InstanceId));
  return { byRegion, missing: instanceIds.filter((id) => !seen.has(id)) };
}

/** Report instances that exist in none of the regions as failures naming the fix. */
export function reportMissing(env: PhaseEnv, step: string, missing: readonly string[]): void {
  for (const id of missing) {
    env.exec.fail(
      step,
      `Instance ${id} was not found (or is terminated) in any of the regions ${env.ctx.regions.join(', ')} of account ${env.ctx.accountId}. Fix: check the ID, --account and --regions.`,
      { target: id, action: 'ec2:DescribeInstances' },
    );
  }
}

/** What contain-instances acts on. */
export interface ContainTarget {
  readonly instanceIds: readonly string[];
  /** Also cut each instance's subnet with a deny-all network ACL, where the subnet holds only suspects. @default false */
  readonly networkAclCut?: boolean;
}

/** Contain the given instances in every region they are found in. */
export async function containInstances(env: PhaseEnv, target: ContainTarget, once: Once = new Once()): Promise<void> {
  const located = await locateInstances(env, target.instanceIds);
  reportMissing(env, 'contain-instances/locate', located.missing);
  await env.exec.each([...located.byRegion.keys()], env.concurrency.regions, 'contain-instances/region', (region) => ({ region }), async (region) => {
    const instances = located.byRegion.get(region)!;
    let state: RegionState;
    try {
      state = await readRegionState(env.read, region, instances, env.ctx.caseId);
    } catch (err) {
      // One unreadable service (ELB, fleets, Auto Scaling) must not leave the miners online:
      // isolation needs only the instance, so do it now; the rest waits for a rerun.
      const why = explainAwsError(err, { region, action: 'reading the containment state (snapshots, EIPs, Auto Scaling, ELB, fleets, Spot)' });
      env.exec.fail('contain-instances/read-state', `${why} [${errorMessage(err)}] Only network isolation was done in ${region}; rerun once the read works.`, { region });
      await env.exec.each(instances, env.concurrency.resources, 'contain-instances/isolate', (i) => ({ region, target: i.InstanceId }), async (instance) => {
        const groups = await isolationGroups(env, once, region, instance.VpcId!);
        await Promise.all(eniIsolationActions(env, region, instance, groups).map((a) => env.exec.sequence(a)));
      });
      return;
    }
    await env.exec.each(instances, env.concurrency.resources, 'contain-instances/instance', (i) => ({ region, target: i.InstanceId }), (instance) =>
      containInstance(env, once, state, instance, target.networkAclCut ? new Set(instances.map((i) => i.InstanceId!)) : undefined),
    );
  });
}

const COMPLETE: ReadonlySet<ActionOutcome> = new Set(['applied', 'skipped-already-done', 'dry-run-ok', 'planned']);

async function containInstance(env: PhaseEnv, once: Once, state: RegionState, instance: Instance, aclCutSuspects?: ReadonlySet<string>): Promise<void> {
  const region = state.region;
  const id = instance.InstanceId!;
  let complete = true;
  const runAll = async (actions: readonly (Action | undefined)[]) => {
    for (const a of actions) if (a && !COMPLETE.has(await env.exec.run(a))) complete = false;
  };
  const chain = async (actions: readonly Action[]) => {
    if (!(await env.exec.sequence(actions))) complete = false;
  };

  // 1. Evidence before any change, taken again when acting (a plan's set shows an older state).
  //    A failure is reported, but containment still goes on: a running miner costs more than a
  //    missing console log.
  const purpose = env.exec.applying ? 'containment' : 'plan';
  try {
    const { created, manifest } = await collectInstanceEvidence(env.read, { caseId: env.ctx.caseId, caseDir: env.ctx.caseDir, region, instance, caller: env.readCaller, clock: env.clock, prefetched: state.evidence, purpose });
    // The manifest's hashes go into the hash-chained journal, so evidence files cannot be swapped unnoticed.
    env.exec.options.journal.append({
      step: 'contain-instances/evidence',
      action: 'irctl:CollectEvidence',
      region,
      target: id,
      request: { calls: ['ec2:DescribeInstanceAttribute', 'ec2:GetConsoleOutput', 'iam:GetInstanceProfile'], dir: `evidence/${id}/${purpose}`, purpose },
      outcome: created ? 'applied' : 'skipped-already-done',
      response: { collectedAt: manifest.collectedAt, purpose: manifest.purpose, files: manifest.files },
      reversible: false,
    });
    env.reporter.progress(`[evidence] ${id} (${region}) ${purpose} set ${created ? 'saved' : 'already saved'} under evidence/${id}/${purpose}/`);
  } catch (err) {
    complete = false;
    env.exec.fail('contain-instances/evidence', err, { region, target: id, action: 'ec2:DescribeInstanceAttribute' });
  }
  // 2. Snapshots: point-in-time at the call, so isolation need not wait for completion.
  await runAll(snapshotActions(env, state, instance));
  // 3. Stop Auto Scaling from replacing it once isolation makes it unhealthy, then protections.
  const asg = autoScalingActions(env, state, id);
  if (asg.group) {
    const group = asg.group;
    const outcome = await once.run(`asg/${region}/${group.target}`, () => env.exec.run(group));
    if (!COMPLETE.has(outcome)) complete = false;
  }
  // Independent attribute changes: in parallel, so an instance costs one round trip here, not four.
  await Promise.all([asg.instance[0], ...protectionActions(env, state, instance)].map((a) => runAll([a])));
  // 4. Network isolation, each ENI through the transition group.
  try {
    const groups = await isolationGroups(env, once, region, instance.VpcId!);
    await Promise.all(eniIsolationActions(env, region, instance, groups).map(chain));
  } catch (err) {
    complete = false;
    env.exec.fail('contain-instances/isolate', err, { region, target: id, action: 'ec2:ModifyNetworkInterfaceAttribute' });
  }
  // 4b. Optional: a stateless cut of the subnet, for the tracked flows a group change leaves.
  if (aclCutSuspects) {
    try {
      await cutSubnet(env, once, region, instance, aclCutSuspects);
    } catch (err) {
      complete = false;
      env.exec.fail('contain-instances/network-acl-cut', err, { region, target: instance.SubnetId, action: 'ec2:ReplaceNetworkAclAssociation' });
    }
  }
  // 5. Out of load balancers and the Auto Scaling group.
  await runAll([...loadBalancerActions(env, state, id), asg.instance[1]]);
  // 6. Instance profile: no new credentials, and the ones on the box stop working.
  const profile = profileAction(env, state, id);
  if (profile) {
    const outcome = await env.exec.run(profile);
    if (!COMPLETE.has(outcome)) complete = false;
    try {
      const name = state.profileAssociations.get(id)!.IamInstanceProfile!.Arn!.split('/').pop()!;
      const roles = await once.run(`profile/${name}`, async () => (await env.read.iam().send(new GetInstanceProfileCommand({ InstanceProfileName: name }))).InstanceProfile?.Roles ?? []);
      // The box kept refreshing its credentials until the disassociation just applied: an older
      // revocation (contain-credentials) leaves those valid, so date it now.
      const refresh = outcome === 'applied';
      for (const role of roles) await revokeSessions(env, once, { kind: 'role', name: role.RoleName! }, 'contain-instances/revoke-role-sessions', { refresh });
    } catch (err) {
      complete = false;
      env.exec.fail('contain-instances/revoke-role-sessions', err, { target: id, action: 'iam:PutRolePolicy' });
    }
  }
  // 7. No fleet relaunches it: held at capacity 0, reversibly (cancelling is eradication).
  const fleet = state.fleets.get(id);
  const launched = fleet && [...state.fleets].flatMap(([instance, f]) => (f.id === fleet.id ? [instance] : []));
  const hold = fleet && holdFleetAction(env, region, fleet, 'contain-instances/fleet-hold', launched);
  if (fleet && hold) {
    const outcome = await once.run(`fleet/${region}/${fleet.id}`, () => env.exec.run(hold));
    if (!COMPLETE.has(outcome)) complete = false;
  } else if (fleet) {
    await once.run(`fleet/${region}/${fleet.id}`, async () => env.reporter.progress(`[note] ${fleet.kind} ${fleet.id} is of type ${fleet.type}: it never relaunches, nothing to hold`));
  }
  // Its public address goes, reversibly. Releasing the address and cancelling a Spot request or
  // fleet cannot be undone: eradicate does them, once the compromise is confirmed.
  await runAll(disassociateAddressActions(env, region, id, state.addresses));
  // 8. Tag last: the tag says the containment completed.
  if (complete) await runAll([tagAction(env, state, instance, 'contained')]);
  else env.reporter.warn(`${id} (${region}): containment incomplete; not tagged contained. Fix the errors above and rerun: completed steps are skipped.`);
}
