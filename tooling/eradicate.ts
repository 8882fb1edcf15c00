/**
 * eradicate: remove what the attacker left, after evidence is safe. Spot requests are
 * cancelled before anything is terminated (they would relaunch it), the attacker's fleets and
 * Auto Scaling groups go with their instances (tooling/eradicate-compute.ts), an instance is terminated
 * only once every one of its volumes has a completed case snapshot, its Elastic IPs are then
 * released, and key pairs, AMIs and backdoor users go. Every deletion is irreversible and confirmed (once per instance or user);
 * a plan sends none of them, not even with DryRun, and reads each target instead (Action.check).
 */
import {
  DeleteKeyPairCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSnapshotsCommand,
  type Instance,
  ModifyInstanceAttributeCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUserPoliciesCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { TAGS } from '../shared/names';
import { errorCode, notFound } from './aws/errors';
import type { Action } from './case/executor';
import { Once, type PhaseEnv } from './case/phase';
import { autoScalingActions } from './contain/auto-scaling';
import { snapshotActions, spotRequestAction } from './contain/instance-steps';
import { releaseAddressActions } from './contain/elastic-ips';
import { cancelFleetAction } from './contain/fleets';
import { locateInstances } from './contain/instances';
import { readRegionState, type RegionState } from './contain/state';
import { cancelAttackerFleet, deleteAttackerGroup, drainAttackerGroup, GROUP_SWEEPS, groupSweep, launcherInstances, type LauncherTarget } from './eradicate-compute';

/** What to remove. */
export interface EradicationTargets {
  readonly instanceIds?: readonly string[];
  readonly keyPairs?: ReadonlyArray<{ readonly region: string; readonly name: string }>;
  readonly images?: ReadonlyArray<{ readonly region: string; readonly imageId: string }>;
  readonly userNames?: readonly string[];
  /** Fleets and Auto Scaling groups the attacker created: cancelled / deleted, their instances terminated first. */
  readonly fleets?: readonly LauncherTarget[];
  readonly autoScalingGroups?: readonly LauncherTarget[];
  /** The stolen key(s) and their owner users: kept for hunting, and the owner is a victim; never deleted. */
  readonly stolen?: { readonly accessKeyIds: readonly string[]; readonly ownerUserNames: readonly string[] };
}

/** How long to wait for snapshots before refusing to terminate. */
export interface SnapshotWait {
  /** @default 30 minutes */
  readonly timeoutMs?: number;
  /** @default 15 s (of the phase's clock) */
  readonly pollMs?: number;
}

/** Run eradication over the targets; failures are recorded per resource. Returns what stays manual. */
export async function eradicate(env: PhaseEnv, targets: EradicationTargets, wait: SnapshotWait = {}): Promise<string[]> {
  const once = new Once();
  const fleets = targets.fleets ?? [];
  const groups = targets.autoScalingGroups ?? [];
  // An attacker fleet's or group's running instances go with it, through the snapshot-then-terminate path.
  // The group is read before it is drained, not after: sizing it to 0 before its members are held
  // (suspended, protected from scale-in) would have it scale them in at once, with no snapshot. A
  // member launched between this read and the drain is caught by the sweeps below instead.
  const named = new Set(targets.instanceIds ?? []);
  // A released member is spared, not handled: the group is then not force-deleted over it (deleteAttackerGroup refuses).
  const spared = new Set<string>();
  const launched = unreleased(env, await launcherInstances(env, fleets, groups), named, spared);
  const instanceIds = [...new Set([...named, ...launched])];
  const handled = new Set(instanceIds);
  await eradicateInstances(env, once, instanceIds, wait, groups);
  // Re-read each drained group: a member eradicate has not handled is an attacker instance too
  // (a scaling policy or health replacement launched it after the read) and goes the same way.
  for (let sweep = 1; sweep <= GROUP_SWEEPS; sweep++) {
    const joined = unreleased(env, await groupSweep(env, groups, new Set([...handled, ...spared])), named, spared);
    if (!joined.length) break;
    env.reporter.progress(`[sweep ${sweep}/${GROUP_SWEEPS}] instance(s) ${joined.join(', ')} joined an attacker Auto Scaling group after eradicate read it: eradicated like its other instances`);
    for (const id of joined) handled.add(id);
    await eradicateInstances(env, once, joined, wait, groups);
  }
  await env.exec.each(fleets, env.concurrency.resources, 'eradicate/cancel-fleet', (t) => ({ region: t.region, target: t.id }), (t) => cancelAttackerFleet(env, once, t));
  const manual: string[] = [];
  await env.exec.each(groups, env.concurrency.resources, 'eradicate/auto-scaling-group', (t) => ({ region: t.region, target: t.id }), async (t) => {
    const line = await deleteAttackerGroup(env, t, handled);
    if (line) manual.push(line);
  });
  await env.exec.each(targets.keyPairs ?? [], env.concurrency.resources, 'eradicate/key-pair', (k) => ({ region: k.region, target: k.name }), async (k) => {
    await env.exec.run(deleteKeyPair(env, k.region, k.name));
  });
  await env.exec.each(targets.images ?? [], env.concurrency.resources, 'eradicate/image', (i) => ({ region: i.region, target: i.imageId }), async (i) => {
    await env.exec.run(deregisterImage(env, i.region, i.imageId));
  });
  await env.exec.each(targets.userNames ?? [], env.concurrency.resources, 'eradicate/user', (u) => ({ target: `user/${u}` }), (u) => deleteUser(env, u, targets.stolen));
  return manual;
}

/** Drop (and name) launcher members release handed back as false positives, unless the responder named them with --instance. */
function unreleased(env: PhaseEnv, ids: readonly string[], named: ReadonlySet<string>, spared: Set<string>): string[] {
  const released = new Set(env.exec.options.journal.entries().filter((e) => e.step === 'release/tag' && (e.outcome === 'applied' || e.outcome === 'skipped-already-done')).map((e) => e.target));
  return ids.filter((id) => {
    if (named.has(id) || !released.has(id)) return true;
    spared.add(id);
    env.reporter.warn(`eradicate: instance ${id} was released as a false positive (release --instance); not terminating it. Fix: if it is the attacker's after all, name it: irctl eradicate --instance ${id}.`);
    return false;
  });
}

/** Locate the instances and eradicate each in its region; one not found is reported (or already terminated by an earlier run). */
async function eradicateInstances(env: PhaseEnv, once: Once, instanceIds: readonly string[], wait: SnapshotWait, groups: readonly LauncherTarget[]): Promise<void> {
  if (!instanceIds.length) return;
  const located = await locateInstances(env, [...instanceIds]);
  for (const id of located.missing) {
    // Gone already (a rerun after termination, or never there): say which.
    const terminated = env.exec.options.journal.entries().some((e) => e.action === 'ec2:TerminateInstances' && e.target === id && e.outcome === 'applied');
    if (terminated) env.reporter.progress(`[skipped-already-done] ec2:TerminateInstances ${id} — terminated by an earlier run`);
    else env.exec.fail('eradicate/locate', `Instance ${id} was not found (or is already terminated) in ${env.ctx.regions.join(', ')}. Fix: check the ID and --regions.`, { target: id });
  }
  await env.exec.each([...located.byRegion.keys()], env.concurrency.regions, 'eradicate/region', (region) => ({ region }), async (region) => {
    const instances = located.byRegion.get(region)!;
    const state = await readRegionState(env.read, region, instances, env.ctx.caseId);
    const attackerGroups = new Set(groups.filter((g) => g.region === region).map((g) => g.id));
    await env.exec.each(instances, env.concurrency.resources, 'eradicate/instance', (i) => ({ region, target: i.InstanceId }), (i) => eradicateInstance(env, once, state, i, wait, attackerGroups));
  });
}

async function eradicateInstance(env: PhaseEnv, once: Once, state: RegionState, instance: Instance, wait: SnapshotWait, attackerGroups: ReadonlySet<string>): Promise<void> {
  const id = instance.InstanceId!;
  const region = state.region;
  // 1. Nothing may relaunch it.
  const fleet = state.fleets.get(id);
  if (fleet) {
    // Irreversible (a cancelled fleet cannot be reopened): confirmed with the termination it protects.
    const outcome = await once.run(`fleet/${region}/${fleet.id}`, () => env.exec.run({ ...cancelFleetAction(env, region, fleet, 'eradicate/cancel-fleet'), confirmGroup: `terminate/${id}` }));
    if (outcome === 'failed' || outcome === 'needs-confirmation') return;
  }
  const spot = spotRequestAction(env, state, instance);
  if (spot) {
    // A cancelled request cannot be reopened: confirmed with the termination it protects.
    const outcome = await once.run(`spot/${region}/${spot.target}`, () => env.exec.run({ ...spot, confirmGroup: `terminate/${id}` }));
    if (outcome === 'failed') return;
  }
  const asg = autoScalingActions(env, state, id);
  if (asg.group && !(await env.exec.sequence([asg.group, ...asg.instance]))) return;
  // The attacker's own group is going: sized to 0 once this instance is held, so it replaces nothing.
  const groupName = state.asgInstances.get(id)?.AutoScalingGroupName;
  if (groupName && attackerGroups.has(groupName)) {
    if (!(await once.run(`asg-drain/${region}/${groupName}`, () => drainAttackerGroup(env, region, groupName, `terminate/${id}`)))) return;
  }
  // 2. Evidence: every volume has a case snapshot, and termination waits for completion.
  if (!(await env.exec.sequence(snapshotActions(env, state, instance, 'eradicate/snapshot')))) return;
  if (env.exec.applying && !(await snapshotsCompleted(env, region, instance, wait))) return;
  // 3. Terminate (removing our own termination protection first, confirmed together).
  const ec2 = env.write.ec2(region);
  const group = `terminate/${id}`;
  // Planned by reading the instance: a plan sends neither call, not even with DryRun.
  const check = () => terminable(env, region, id);
  const common = { region, target: id, reversible: false, irreversible: true, confirmGroup: group, isDone: async () => false, check } as const;
  const unprotect: Action = {
    ...common,
    step: 'eradicate/terminate',
    action: 'ec2:ModifyInstanceAttribute',
    summary: `lift termination protection of ${id} to terminate it`,
    request: { InstanceId: id, DisableApiTermination: { Value: false } },
    isDone: async () => state.attributes.get(id)?.disableApiTermination !== true,
    apply: () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiTermination: { Value: false } })),
  };
  const terminate: Action = {
    ...common,
    step: 'eradicate/terminate',
    action: 'ec2:TerminateInstances',
    summary: `terminate ${id} (${instance.InstanceType}); volumes are kept (DeleteOnTermination=false) and snapshotted`,
    request: { InstanceIds: [id] },
    apply: () => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })),
  };
  if (!(await env.exec.sequence([unprotect, terminate]))) return;
  // 4. Its Elastic IPs, disassociated by containment, are given up (each confirmed on its own).
  for (const release of releaseAddressActions(env, region, id, state.addresses)) await env.exec.run(release);
}

/** A plan's read of an instance about to be terminated: a sentence when it cannot be, else undefined. */
async function terminable(env: PhaseEnv, region: string, id: string): Promise<string | undefined> {
  const found = (await env.read.ec2(region).send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch(notFound))?.Reservations?.[0]?.Instances?.[0];
  if (!found) return `Instance ${id} was not found in ${region}. Fix: check the ID and --regions, then rerun.`;
  const state = found.State?.Name ?? 'unknown';
  return /^(shutting-down|terminated)$/.test(state) ? `Instance ${id} is already ${state} in ${region}: nothing to terminate. Fix: none; rerun eradicate to record it.` : undefined;
}

async function snapshotsCompleted(env: PhaseEnv, region: string, instance: Instance, wait: SnapshotWait): Promise<boolean> {
  const volumes = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId).filter((v): v is string => !!v);
  const deadline = env.clock.now() + (wait.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const snaps = (
      await env.read.ec2(region).send(
        new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${TAGS.caseId}`, Values: [env.ctx.caseId] }, { Name: 'volume-id', Values: volumes }] }),
      )
    ).Snapshots ?? [];
    const pending = volumes.filter((v) => !snaps.some((s) => s.VolumeId === v && s.State === 'completed'));
    if (pending.length === 0) return true;
    if (snaps.some((s) => s.State === 'error')) {
      env.exec.fail('eradicate/wait-snapshots', `a case snapshot of ${instance.InstanceId} failed; not terminating. Fix: snapshot the volume again (rerun) before eradicating.`, { region, target: instance.InstanceId });
      return false;
    }
    if (env.clock.now() > deadline) {
      env.exec.fail('eradicate/wait-snapshots', `snapshots of ${pending.join(', ')} not completed in time; ${instance.InstanceId} not terminated. Fix: rerun later; it resumes.`, { region, target: instance.InstanceId });
      return false;
    }
    env.reporter.progress(`[waiting] ${instance.InstanceId}: ${pending.length} snapshot(s) not completed yet`);
    await env.clock.sleep(wait.pollMs ?? 15_000);
  }
}

function deleteKeyPair(env: PhaseEnv, region: string, name: string): Action {
  const ec2 = env.write.ec2(region);
  return {
    step: 'eradicate/key-pair',
    action: 'ec2:DeleteKeyPair',
    region,
    target: name,
    summary: `delete key pair ${name}`,
    reversible: false,
    irreversible: true,
    request: { KeyName: name },
    isDone: async () => (await env.read.ec2(region).send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [name] }] }))).KeyPairs?.length === 0,
    apply: () => ec2.send(new DeleteKeyPairCommand({ KeyName: name })),
  };
}

function deregisterImage(env: PhaseEnv, region: string, imageId: string): Action {
  const ec2 = env.write.ec2(region);
  return {
    step: 'eradicate/image',
    action: 'ec2:DeregisterImage',
    region,
    target: imageId,
    summary: `deregister AMI ${imageId} (its snapshots stay, as evidence)`,
    reversible: false,
    irreversible: true,
    request: { ImageId: imageId },
    isDone: async () => {
      try {
        const img = (await env.read.ec2(region).send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
        return !img || img.State === 'deregistered';
      } catch (err) {
        if (/InvalidAMIID\.(NotFound|Unavailable)/.test(errorCode(err))) return true;
        throw err;
      }
    },
    check: async () => {
      const owner = (await env.read.ec2(region).send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0]?.OwnerId;
      return owner && owner !== env.ctx.accountId
        ? `AMI ${imageId} belongs to account ${owner}, not ${env.ctx.accountId}: only its owner can deregister it. Fix: drop --image ${region}:${imageId}; report the AMI to its owner.`
        : undefined;
    },
    apply: () => ec2.send(new DeregisterImageCommand({ ImageId: imageId })),
  };
}

async function userExists(env: PhaseEnv, name: string): Promise<boolean> {
  try {
    await env.read.iam().send(new GetUserCommand({ UserName: name }));
    return true;
  } catch (err) {
    if (/NoSuchEntity/.test(errorCode(err))) return false;
    throw err;
  }
}

/** The stolen key stays (inactive) for hunting and its owner is a victim, not the attacker's: eradicate never deletes them. */
function keepVictim(env: PhaseEnv, name: string, why: string): void {
  env.reporter.warn(
    `eradicate/user: not deleting user ${name}: it ${why}. The key stays inactive for hunting and the user is the victim. Fix: none needed; when the case closes, delete the stolen key and rotate the user's credentials by hand.`,
  );
}

/** Delete a backdoor user: keys, login profile, MFA, groups, policies first (IAM refuses otherwise), then the user. */
async function deleteUser(env: PhaseEnv, name: string, stolen: EradicationTargets['stolen']): Promise<void> {
  if (stolen?.ownerUserNames.includes(name)) return keepVictim(env, name, 'owns the stolen access key');
  if (!(await userExists(env, name))) {
    env.reporter.progress(`[skipped-already-done] iam:DeleteUser user/${name} — no such user`);
    return;
  }
  const iam = env.read.iam();
  const w = env.write.iam();
  const [keys, inline, attached, groups, mfa, login] = await Promise.all([
    iam.send(new ListAccessKeysCommand({ UserName: name })),
    iam.send(new ListUserPoliciesCommand({ UserName: name })),
    iam.send(new ListAttachedUserPoliciesCommand({ UserName: name })),
    iam.send(new ListGroupsForUserCommand({ UserName: name })),
    iam.send(new ListMFADevicesCommand({ UserName: name })),
    iam.send(new GetLoginProfileCommand({ UserName: name })).then(
      () => true,
      (err) => (/NoSuchEntity/.test(errorCode(err)) ? false : Promise.reject(err)),
    ),
  ]);
  const stolenKey = (keys.AccessKeyMetadata ?? []).find((k) => stolen?.accessKeyIds.includes(k.AccessKeyId!));
  if (stolenKey) return keepVictim(env, name, `owns the stolen access key ${stolenKey.AccessKeyId}`);
  const common = { reversible: false, irreversible: true, confirmGroup: `user/${name}`, isDone: async () => false } as const;
  const step = (action: string, target: string, summary: string, request: Record<string, unknown>, apply: () => Promise<unknown>): Action => ({
    ...common,
    step: 'eradicate/user',
    action,
    target,
    summary,
    request,
    apply,
  });
  const actions: Action[] = [
    ...(keys.AccessKeyMetadata ?? []).map((k) =>
      step('iam:DeleteAccessKey', `user/${name}/${k.AccessKeyId}`, `delete access key ${k.AccessKeyId} of ${name}`, { UserName: name, AccessKeyId: k.AccessKeyId }, () =>
        w.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: k.AccessKeyId })),
      ),
    ),
    ...(login ? [step('iam:DeleteLoginProfile', `user/${name}`, `delete console password of ${name}`, { UserName: name }, () => w.send(new DeleteLoginProfileCommand({ UserName: name })))] : []),
    ...(mfa.MFADevices ?? []).map((d) =>
      step('iam:DeactivateMFADevice', `user/${name}`, `deactivate MFA ${d.SerialNumber} of ${name}`, { UserName: name, SerialNumber: d.SerialNumber }, () =>
        w.send(new DeactivateMFADeviceCommand({ UserName: name, SerialNumber: d.SerialNumber })),
      ),
    ),
    ...(groups.Groups ?? []).map((g) =>
      step('iam:RemoveUserFromGroup', `user/${name}`, `remove ${name} from group ${g.GroupName}`, { UserName: name, GroupName: g.GroupName }, () =>
        w.send(new RemoveUserFromGroupCommand({ UserName: name, GroupName: g.GroupName })),
      ),
    ),
    ...(attached.AttachedPolicies ?? []).map((p) =>
      step('iam:DetachUserPolicy', `user/${name}`, `detach ${p.PolicyArn} from ${name}`, { UserName: name, PolicyArn: p.PolicyArn }, () =>
        w.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn: p.PolicyArn })),
      ),
    ),
    ...(inline.PolicyNames ?? []).map((p) =>
      step('iam:DeleteUserPolicy', `user/${name}`, `delete inline policy ${p} of ${name}`, { UserName: name, PolicyName: p }, () =>
        w.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName: p })),
      ),
    ),
  ];
  const user: Action = {
    ...step('iam:DeleteUser', `user/${name}`, `delete IAM user ${name}`, { UserName: name }, () => w.send(new DeleteUserCommand({ UserName: name }))),
    verify: async () => !(await userExists(env, name)),
  };
  await env.exec.sequence([...actions, user]);
}
