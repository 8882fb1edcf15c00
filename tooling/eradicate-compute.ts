/**
 * The attacker's launchers as eradication targets of their own: a Spot Fleet, EC2 Fleet or
 * Auto Scaling group CloudTrail ties to the attacker is cancelled or deleted even when none of
 * its instances was attributed, so nothing relaunches miners after the case. Their running
 * instances go through instance eradication first (snapshots, then termination); a group is
 * deleted only once none of its instances is left running, so no instance dies unsnapshotted.
 */
import { DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, SetInstanceProtectionCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { readFleetInstances, readInstances, readSpotFleetInstances } from './aws/ec2-state';
import type { Action } from './case/executor';
import type { Once, PhaseEnv } from './case/phase';
import { cancelFleetAction, type FleetOwner, fleetLive, readFleetOwner } from './contain/fleets';

/** A fleet or Auto Scaling group to remove. */
export interface LauncherTarget {
  readonly region: string;
  /** Fleet ID (`sfr-…` Spot Fleet, `fleet-…` EC2 Fleet) or Auto Scaling group name. */
  readonly id: string;
  /** Named by the responder (--fleet / --auto-scaling-group): one that is not there is an error, not "already removed". */
  readonly named?: boolean;
}

/** The calls that remove a launcher, as the journal records them. */
const REMOVALS = new Set(['ec2:CancelSpotFleetRequests', 'ec2:DeleteFleets', 'autoscaling:DeleteAutoScalingGroup']);

/** A launcher as it is now: its state and running instances (undefined: not found). */
interface Launcher {
  readonly owner?: FleetOwner;
  readonly instanceIds: string[];
  readonly live: boolean;
}

async function readFleet(env: PhaseEnv, t: LauncherTarget): Promise<Launcher | undefined> {
  const ec2 = env.read.ec2(t.region);
  const spot = t.id.startsWith('sfr-');
  const owner = await readFleetOwner(env, t.region, spot ? 'spot-fleet' : 'ec2-fleet', t.id);
  if (!owner) return undefined;
  const live = fleetLive(owner);
  const instances = live ? await (spot ? readSpotFleetInstances(ec2, t.id) : readFleetInstances(ec2, t.id)) : [];
  return { owner, live, instanceIds: instances.flatMap((i) => i.InstanceId ?? []) };
}

async function readGroup(env: PhaseEnv, t: LauncherTarget): Promise<Launcher | undefined> {
  const g = (await env.read.autoScaling(t.region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [t.id] }))).AutoScalingGroups?.[0];
  if (!g) return undefined;
  return { live: !g.Status?.startsWith('Delete'), instanceIds: (g.Instances ?? []).filter((i) => !/^Terminat/.test(i.LifecycleState ?? '')).flatMap((i) => i.InstanceId ?? []) };
}

/** The running instances of every live target launcher, to eradicate with them; missing launchers are reported. */
export async function launcherInstances(env: PhaseEnv, fleets: readonly LauncherTarget[], groups: readonly LauncherTarget[]): Promise<string[]> {
  const ids: string[] = [];
  const read = async (t: LauncherTarget, step: string, what: string, reader: typeof readFleet, fix: string) => {
    const found = await reader(env, t);
    if (found) return void ids.push(...found.instanceIds);
    const removed = env.exec.options.journal.entries().some((e) => REMOVALS.has(e.action) && e.target === t.id && e.region === t.region && e.outcome === 'applied');
    if (removed || !t.named) env.reporter.progress(`[skipped-already-done] ${what} ${t.id} (${t.region}) — not found: ${removed ? 'removed by an earlier run' : 'already removed'}`);
    else env.exec.fail(step, `${what} ${t.id} was not found in ${t.region}; nothing was done for it. Fix: check the name and region (${fix} --region ${t.region}), then rerun with the right one.`, { region: t.region, target: t.id });
  };
  await env.exec.each(fleets, env.concurrency.resources, 'eradicate/fleet', (t) => ({ region: t.region, target: t.id }), (t) =>
    read(t, 'eradicate/fleet', t.id.startsWith('sfr-') ? 'Spot Fleet' : 'EC2 Fleet', readFleet, `aws ec2 ${t.id.startsWith('sfr-') ? 'describe-spot-fleet-requests' : 'describe-fleets'}`),
  );
  await env.exec.each(groups, env.concurrency.resources, 'eradicate/auto-scaling-group', (t) => ({ region: t.region, target: t.id }), (t) =>
    read(t, 'eradicate/auto-scaling-group', 'Auto Scaling group', readGroup, 'aws autoscaling describe-auto-scaling-groups'),
  );
  return [...new Set(ids)];
}

/** Cancel an attacker fleet (once per case run: an instance's eradication may have cancelled it already). */
export async function cancelAttackerFleet(env: PhaseEnv, once: Once, t: LauncherTarget): Promise<void> {
  const fleet = await readFleet(env, t);
  if (!fleet?.owner) return;
  const owner = fleet.owner;
  const action: Action = {
    ...cancelFleetAction(env, t.region, owner, 'eradicate/cancel-fleet'),
    confirmGroup: `fleet/${t.id}`,
    isDone: async () => !(await readFleet(env, t))?.live,
  };
  await once.run(`fleet/${t.region}/${t.id}`, () => env.exec.run(action));
}

/**
 * Size an attacker group to 0 (min, max, desired) once its instance is held, before that
 * instance is terminated: a group whose processes resume, or an emulator ignoring suspended
 * processes, would otherwise launch a replacement. The resize scales in every member not
 * protected from scale-in, with no snapshot; so the group first protects what it launches from
 * now on, then every member it has is protected, and only then is it resized. A member that
 * joined after eradicate read the group is left running for the sweep (groupSweep) to eradicate
 * like the others. Confirmed with the termination it protects. Resolves false when not drained.
 */
export async function drainAttackerGroup(env: PhaseEnv, region: string, name: string, confirmGroup: string): Promise<boolean> {
  const read = async () => (await env.read.autoScaling(region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  const asg = env.write.autoScaling(region);
  const base = { step: 'eradicate/auto-scaling-group', region, target: name, reversible: false } as const;
  const guard = { NewInstancesProtectedFromScaleIn: true, AutoScalingGroupName: name };
  const launchedProtected: Action = {
    ...base,
    action: 'autoscaling:UpdateAutoScalingGroup',
    summary: `have Auto Scaling group ${name}, which the attacker created, protect any instance it still launches from scale-in, so sizing it to 0 terminates none unsnapshotted`,
    request: guard,
    isDone: async () => (await read())?.NewInstancesProtectedFromScaleIn === true,
    apply: () => asg.send(new UpdateAutoScalingGroupCommand(guard)),
  };
  if (!(await env.exec.sequence([launchedProtected]))) return false;
  const g = await read();
  const exposed = (g?.Instances ?? []).filter((i) => !i.ProtectedFromScaleIn && !/^Terminat/.test(i.LifecycleState ?? '')).flatMap((i) => i.InstanceId ?? []);
  const protect = { AutoScalingGroupName: name, InstanceIds: exposed, ProtectedFromScaleIn: true };
  const members: Action[] = exposed.length
    ? [
        {
          ...base,
          action: 'autoscaling:SetInstanceProtection',
          summary: `protect ${exposed.join(', ')} of ${name} from scale-in, so sizing the group to 0 terminates none of them unsnapshotted`,
          request: protect,
          isDone: async () => false,
          apply: () => asg.send(new SetInstanceProtectionCommand(protect)),
        },
      ]
    : [];
  const request = { AutoScalingGroupName: name, MinSize: 0, MaxSize: 0, DesiredCapacity: 0 };
  const drain: Action = {
    ...base,
    action: 'autoscaling:UpdateAutoScalingGroup',
    summary: `size Auto Scaling group ${name}, which the attacker created, to 0 so it replaces nothing terminated (its instances are protected from scale-in)`,
    irreversible: true,
    confirmGroup,
    request,
    isDone: async () => !g || (g.MaxSize === 0 && g.DesiredCapacity === 0),
    apply: () => asg.send(new UpdateAutoScalingGroupCommand(request)),
  };
  return env.exec.sequence([...members, drain]);
}

/** How many times eradicate re-reads a drained group for members that joined after it read it. */
export const GROUP_SWEEPS = 3;

/**
 * Running members of the target groups that eradicate has not handled yet (not in `handled`):
 * instances the group launched after eradicate read it. Each is an attacker instance too.
 */
export async function groupSweep(env: PhaseEnv, groups: readonly LauncherTarget[], handled: ReadonlySet<string>): Promise<string[]> {
  const fresh: string[] = [];
  // A group that cannot be read is a failure of its own; the other groups are still swept.
  await env.exec.each(groups, env.concurrency.resources, 'eradicate/auto-scaling-group', (t) => ({ region: t.region, target: t.id }), async (t) => {
    const ids = ((await readGroup(env, t))?.instanceIds ?? []).filter((id) => !handled.has(id));
    fresh.push(...(await runningOf(env, t.region, ids)));
  });
  return fresh;
}

/** Of these instance IDs, the ones EC2 does not show as shutting down or terminated (a group may still list them). */
async function runningOf(env: PhaseEnv, region: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const found = await readInstances(env.read.ec2(region), { filters: [{ Name: 'instance-id', Values: [...ids] }] });
  return found.filter((i) => !/^(shutting-down|terminated)$/.test(i.State?.Name ?? '')).flatMap((i) => i.InstanceId ?? []);
}

/**
 * Delete an attacker Auto Scaling group with what is left in it. Refused while an instance of
 * it still runs, since ForceDelete would terminate it without evidence: either its termination
 * (after its snapshots) was not confirmed or failed, or it joined after the last sweep
 * (`handled` holds every instance eradicate took on). Returns a manual line when refused.
 */
export async function deleteAttackerGroup(env: PhaseEnv, t: LauncherTarget, handled: ReadonlySet<string>): Promise<string | undefined> {
  const group = await readGroup(env, t);
  if (!group) return undefined;
  // The group may still list an instance EC2 already terminated: EC2's state decides.
  const running = await runningOf(env, t.region, group.instanceIds);
  const joined = running.filter((id) => !handled.has(id));
  if (env.exec.applying && joined.length) {
    const line = `Auto Scaling group ${t.id} (${t.region}) not deleted: instance(s) ${joined.join(', ')} joined it after eradicate's last re-read of its members (it re-reads up to ${GROUP_SWEEPS} times), so something keeps launching into it (a scaling policy, a scheduled action, a warm pool, or someone still holding access); they were neither snapshotted nor terminated. Fix: find and stop what launches them (aws autoscaling describe-policies / describe-scheduled-actions --auto-scaling-group-name ${t.id} --region ${t.region}), then rerun irctl --apply eradicate; their snapshots come before their termination and the group's deletion`;
    // A failure, not only a manual line: the attacker's compute still runs, so the run must not exit 0.
    env.exec.fail('eradicate/auto-scaling-group', line, { region: t.region, target: t.id });
    return line;
  }
  if (env.exec.applying && running.length) {
    const line = `Auto Scaling group ${t.id} (${t.region}) not deleted: its instance(s) ${running.join(', ')} still run (their termination was not confirmed or failed). Fix: rerun irctl --apply eradicate and confirm their termination; the group is deleted after them`;
    env.reporter.warn(line);
    return line;
  }
  const asg = env.write.autoScaling(t.region);
  const request = { AutoScalingGroupName: t.id, ForceDelete: true };
  await env.exec.run({
    step: 'eradicate/auto-scaling-group',
    action: 'autoscaling:DeleteAutoScalingGroup',
    region: t.region,
    target: t.id,
    summary: `delete Auto Scaling group ${t.id}, which the attacker created, so it launches nothing more (its instances are terminated first, after their snapshots)`,
    reversible: false,
    irreversible: true,
    confirmGroup: `asg/${t.id}`,
    request,
    isDone: async () => !(await readGroup(env, t))?.live,
    apply: () => asg.send(new DeleteAutoScalingGroupCommand(request)),
  });
  return undefined;
}
