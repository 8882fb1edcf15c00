/**
 * Which scoped resources the attacker created. CloudTrail events decide where they exist (a
 * key pair only by the attacker's CreateKeyPair/ImportKeyPair in its region, by key pair ID
 * where the event has one; the instances of a fleet or Auto Scaling group an attacker event
 * created follow it). Otherwise heuristics: created in the window and tied to something
 * CloudTrail attributed (the attacker's key pair, Spot request, instance or snapshot). A key
 * pair merely created in the window, or sharing the attacker's key pair's name elsewhere, ties
 * nothing. Heuristic marks are for a human to confirm, and say so.
 */
import type { Attribution, AttributedKind, Inventory } from '../model';
import { inWindow } from './scope-iam';
import { createdBy, type ParsedTrailEvent } from './trail';

/** The inventory's resource lists, the window, and the parsed trail events. */
export interface AttributionInput
  extends Pick<Inventory, 'instances' | 'keyPairs' | 'images' | 'snapshots' | 'spotRequests' | 'fleets' | 'iamUsers'> {
  readonly autoScalingGroups?: Inventory['autoScalingGroups'];
  /** This case: its own evidence snapshots (tagged with it) are not the attacker's; another case's tag proves nothing. */
  readonly caseId?: string;
  /** The case's account: events another member account logged (organization trail) name that account's resources, not these. */
  readonly accountId?: string;
  readonly window: { readonly start: Date; readonly end: Date };
  readonly events: readonly ParsedTrailEvent[];
}

// Snapshots made by CreateImage name their source instance and image, e.g. "Created by CreateImage(i-0abc) for ami-0def".
const CREATE_IMAGE_DESCRIPTION = /CreateImage\((i-[0-9a-f]+)\) for (ami-[0-9a-f]+)/;

/** Attribute inventory records to the attacker. */
export function attribute(input: AttributionInput): Attribution[] {
  const marks = new Map<string, Attribution>();
  const key = (kind: AttributedKind, region: string | undefined, id: string): string => `${kind}/${region ?? 'global'}/${id}`;
  const has = (kind: AttributedKind, region: string | undefined, id: string | undefined): boolean =>
    id !== undefined && marks.has(key(kind, region, id));
  const mark = (a: Attribution): void => {
    if (!marks.has(key(a.kind, a.region, a.id))) marks.set(key(a.kind, a.region, a.id), a);
  };

  for (const parsed of input.events) {
    const { event } = parsed;
    if (input.accountId && event.accountId && event.accountId !== input.accountId) continue;
    for (const created of createdBy(parsed)) {
      const reason = `${event.eventName} at ${event.eventTime}${event.accessKeyId ? ` with ${event.accessKeyId}` : ''}`;
      const base = { basis: 'cloudtrail' as const, reason, eventId: event.eventId };
      if (created.kind === 'iam-role') {
        // No inventory record to match: the role ARN from the attacker's own AssumeRole is the evidence.
        mark({ ...base, kind: 'iam-role', id: created.name });
        continue;
      }
      if (created.kind === 'iam-user') {
        if (input.iamUsers.some((u) => u.userName === created.name)) mark({ ...base, kind: 'iam-user', id: created.name });
        continue;
      }
      const region = event.region;
      const found = created.kind === 'key-pair' ? findKeyPair(input, region, created.name, parsed.detail) : findRegional(input, created.kind, region, created.name);
      if (found) mark({ ...base, kind: created.kind, region, id: found });
    }
  }
  // What an attacker's fleet or Auto Scaling group launched is theirs by the same evidence.
  for (const a of tiedThroughLaunchers([...marks.values()], input)) mark(a);

  const inWin = (iso?: string): boolean => inWindow(iso, input.window);
  // Only key pairs an attacker event created: a colleague's key pair created in the window ties nothing to the attacker.
  const attackerKeyNames = (region: string): Set<string> =>
    new Set(input.keyPairs.filter((k) => k.region === region && marks.get(key('key-pair', region, k.id))?.basis === 'cloudtrail').map((k) => k.name ?? k.id));

  for (const k of input.keyPairs) {
    if (inWin(k.createdAt)) mark({ kind: 'key-pair', region: k.region, id: k.id, basis: 'heuristic', reason: `created in the window at ${k.createdAt}; no CloudTrail event of the attacker created it` });
  }
  // A key pair only created in the window is a weaker hint: said so in the reason, never "the attacker's".
  const windowKeyNames = (region: string): Set<string> =>
    new Set(input.keyPairs.filter((k) => k.region === region && marks.get(key('key-pair', region, k.id))?.basis === 'heuristic').map((k) => k.name ?? k.id));
  const keyHint = (region: string, names: readonly string[]): string | undefined => {
    const attacker = names.filter((n) => attackerKeyNames(region).has(n));
    if (attacker.length) return `attacker key pair ${attacker.join(', ')}`;
    const recent = names.filter((n) => windowKeyNames(region).has(n));
    return recent.length ? `key pair ${recent.join(', ')}, created in the window (no CloudTrail event of the attacker created it)` : undefined;
  };
  for (const r of input.spotRequests) {
    const hint = r.details?.keyName ? keyHint(r.region, [r.details.keyName]) : undefined;
    if (inWin(r.createdAt) && hint) mark({ kind: 'spot-request', region: r.region, id: r.id, basis: 'heuristic', reason: `created in the window with ${hint}` });
  }
  for (const i of input.instances) {
    if (!inWin(i.launchTime)) continue;
    const hint = i.keyName ? keyHint(i.region, [i.keyName]) : undefined;
    if (hint) {
      mark({ kind: 'instance', region: i.region, id: i.instanceId, basis: 'heuristic', reason: `launched in the window at ${i.launchTime} with ${hint}` });
    } else if (has('spot-request', i.region, i.spotInstanceRequestId)) {
      mark({ kind: 'instance', region: i.region, id: i.instanceId, basis: 'heuristic', reason: `launched in the window by attacker Spot request ${i.spotInstanceRequestId}` });
    }
  }
  for (const r of input.spotRequests) {
    if (!has('spot-request', r.region, r.id) && has('instance', r.region, r.details?.instanceId)) {
      mark({ kind: 'spot-request', region: r.region, id: r.id, basis: 'heuristic', reason: `fulfilled by suspect instance ${r.details?.instanceId}` });
    }
  }
  for (const f of input.fleets) {
    const hint = keyHint(f.region, (f.details?.keyNames ?? '').split(',').filter(Boolean));
    if (inWin(f.createdAt) && hint) mark({ kind: 'fleet', region: f.region, id: f.id, basis: 'heuristic', reason: `created in the window with ${hint}` });
  }
  const imagesFromAttackerInstances = new Set<string>();
  for (const s of input.snapshots) {
    // Only this case's evidence is irctl's: another case's tag (or a forged one) is no alibi.
    if (input.caseId && s.details?.irctlCase === input.caseId) continue;
    const fromImage = CREATE_IMAGE_DESCRIPTION.exec(s.details?.description ?? '');
    if (fromImage && has('instance', s.region, fromImage[1])) {
      imagesFromAttackerInstances.add(`${s.region}/${fromImage[2]}`);
      mark({ kind: 'snapshot', region: s.region, id: s.id, basis: 'heuristic', reason: `made by CreateImage of attacker instance ${fromImage[1]}` });
      continue;
    }
    const owner = input.instances.find((i) => i.region === s.region && s.details?.volumeId && i.volumeIds.includes(s.details.volumeId));
    if (inWin(s.createdAt) && owner && has('instance', s.region, owner.instanceId)) {
      mark({ kind: 'snapshot', region: s.region, id: s.id, basis: 'heuristic', reason: `created in the window from volume ${s.details?.volumeId} of attacker instance ${owner.instanceId}` });
    }
  }
  for (const img of input.images) {
    const snapshots = (img.details?.snapshotIds ?? '').split(',').filter(Boolean);
    if (imagesFromAttackerInstances.has(`${img.region}/${img.id}`)) {
      mark({ kind: 'image', region: img.region, id: img.id, basis: 'heuristic', reason: 'image of an attacker instance (CreateImage snapshot description)' });
    } else if (inWin(img.createdAt) && snapshots.some((s) => has('snapshot', img.region, s))) {
      mark({ kind: 'image', region: img.region, id: img.id, basis: 'heuristic', reason: 'created in the window from an attacker snapshot' });
    }
  }
  for (const u of input.iamUsers) {
    if (inWin(u.createdAt)) {
      mark({ kind: 'iam-user', id: u.userName, basis: 'heuristic', reason: `created in the window at ${u.createdAt}` });
    } else if (u.accessKeys.some((k) => inWin(k.createdAt))) {
      mark({ kind: 'iam-user', id: u.userName, basis: 'heuristic', reason: 'access key created in the window' });
    }
  }
  return [...marks.values()];
}

/**
 * The key pair an attacker's CreateKeyPair/ImportKeyPair created: by the key pair ID its response
 * carries (a same-named key pair created later is another one), else by name in that region.
 */
function findKeyPair(input: AttributionInput, region: string, name: string, detail: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const response = detail?.responseElements as Record<string, unknown> | undefined;
  const keyPairId = typeof response?.keyPairId === 'string' ? response.keyPairId : undefined;
  const inRegion = input.keyPairs.filter((k) => k.region === region);
  if (keyPairId) return inRegion.find((k) => k.id === keyPairId)?.id;
  return inRegion.find((k) => k.name === name || k.id === name)?.id;
}

/** The inventory ID of a regional resource an event names (key pairs are named by KeyName). */
function findRegional(input: AttributionInput, kind: AttributedKind, region: string, name: string): string | undefined {
  switch (kind) {
    case 'instance':
      return input.instances.find((i) => i.region === region && i.instanceId === name)?.instanceId;
    case 'key-pair':
      return input.keyPairs.find((k) => k.region === region && (k.name === name || k.id === name))?.id;
    case 'image':
      return input.images.find((r) => r.region === region && r.id === name)?.id;
    case 'snapshot':
      return input.snapshots.find((r) => r.region === region && r.id === name)?.id;
    case 'spot-request':
      return input.spotRequests.find((r) => r.region === region && r.id === name)?.id;
    case 'fleet':
      return input.fleets.find((r) => r.region === region && r.id === name)?.id;
    case 'auto-scaling-group':
      return input.autoScalingGroups?.find((r) => r.region === region && r.id === name)?.id;
    default:
      return undefined;
  }
}

type LauncherInventory = Pick<Inventory, 'instances' | 'spotRequests' | 'fleets'> & { readonly autoScalingGroups?: Inventory['autoScalingGroups'] };

/**
 * What CloudTrail ties through an attacker's launcher: the instances of a fleet or Auto Scaling
 * group an attacker event created, then the Spot requests those instances fulfilled. Run on one
 * scope's marks and again on the merged inventory, so a member a later scope finds is tied by
 * the launcher an earlier scope's events tied, not left to a key-name guess.
 */
export function tiedThroughLaunchers(attributions: readonly Attribution[], inv: LauncherInventory): Attribution[] {
  const out: Attribution[] = [];
  for (const a of attributions.filter((m) => m.basis === 'cloudtrail' && (m.kind === 'fleet' || m.kind === 'auto-scaling-group'))) {
    const owner = a.kind === 'fleet' ? inv.fleets.find((f) => f.region === a.region && f.id === a.id) : inv.autoScalingGroups?.find((g) => g.region === a.region && g.id === a.id);
    const members = new Set((owner?.details?.instanceIds ?? '').split(',').filter(Boolean));
    const what = a.kind === 'fleet' ? `${owner?.details?.fleetKind === 'ec2-fleet' ? 'EC2 Fleet' : 'Spot Fleet'} ${a.id}` : `Auto Scaling group ${a.id}`;
    for (const i of inv.instances) {
      if (i.region !== a.region || !(members.has(i.instanceId) || (a.kind === 'auto-scaling-group' && i.autoScalingGroup === a.id))) continue;
      out.push({ kind: 'instance', region: i.region, id: i.instanceId, basis: 'cloudtrail', reason: `launched by ${what}, which the attacker created (${a.reason})`, eventId: a.eventId });
    }
  }
  const tiedInstances = new Map([...attributions, ...out].filter((a) => a.kind === 'instance' && a.basis === 'cloudtrail').map((a) => [`${a.region}/${a.id}`, a]));
  for (const r of inv.spotRequests) {
    const instance = tiedInstances.get(`${r.region}/${r.details?.instanceId}`);
    if (instance) out.push({ kind: 'spot-request', region: r.region, id: r.id, basis: 'cloudtrail', reason: `fulfilled instance ${instance.id}, which the attacker's evidence ties (${instance.reason})`, eventId: instance.eventId });
  }
  return out;
}
