/**
 * Which scoped resources the attacker created. CloudTrail events decide where they exist;
 * otherwise heuristics: created in the window and tied to something already attributed
 * (the attacker's key pair, Spot request, instance or snapshot). Heuristic marks are for a
 * human to confirm, and say so.
 */
import type { Attribution, AttributedKind, Inventory } from '../model';
import { inWindow } from './scope-iam';
import { createdBy, type ParsedTrailEvent } from './trail';

/** The inventory's resource lists, the window, and the parsed trail events. */
export interface AttributionInput
  extends Pick<Inventory, 'instances' | 'keyPairs' | 'images' | 'snapshots' | 'spotRequests' | 'fleets' | 'iamUsers'> {
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
      if (created.kind === 'iam-user') {
        if (input.iamUsers.some((u) => u.userName === created.name)) mark({ ...base, kind: 'iam-user', id: created.name });
        continue;
      }
      const region = event.region;
      const found = findRegional(input, created.kind, region, created.name);
      if (found) mark({ ...base, kind: created.kind, region, id: found });
    }
  }

  const inWin = (iso?: string): boolean => inWindow(iso, input.window);
  const attackerKeyNames = (region: string): Set<string> =>
    new Set(input.keyPairs.filter((k) => k.region === region && has('key-pair', region, k.id)).map((k) => k.name ?? k.id));

  for (const k of input.keyPairs) {
    if (inWin(k.createdAt)) mark({ kind: 'key-pair', region: k.region, id: k.id, basis: 'heuristic', reason: `created in the window at ${k.createdAt}` });
  }
  for (const r of input.spotRequests) {
    const keyName = r.details?.keyName;
    if (inWin(r.createdAt) && keyName && attackerKeyNames(r.region).has(keyName)) {
      mark({ kind: 'spot-request', region: r.region, id: r.id, basis: 'heuristic', reason: `created in the window with attacker key pair ${keyName}` });
    }
  }
  for (const i of input.instances) {
    if (!inWin(i.launchTime)) continue;
    if (i.keyName && attackerKeyNames(i.region).has(i.keyName)) {
      mark({ kind: 'instance', region: i.region, id: i.instanceId, basis: 'heuristic', reason: `launched in the window at ${i.launchTime} with attacker key pair ${i.keyName}` });
    } else if (has('spot-request', i.region, i.spotInstanceRequestId)) {
      mark({ kind: 'instance', region: i.region, id: i.instanceId, basis: 'heuristic', reason: `launched in the window by attacker Spot request ${i.spotInstanceRequestId}` });
    }
  }
  for (const r of input.spotRequests) {
    if (!has('spot-request', r.region, r.id) && has('instance', r.region, r.details?.instanceId)) {
      mark({ kind: 'spot-request', region: r.region, id: r.id, basis: 'heuristic', reason: `fulfilled by attacker instance ${r.details?.instanceId}` });
    }
  }
  for (const f of input.fleets) {
    const keys = (f.details?.keyNames ?? '').split(',').filter(Boolean);
    const attackerKeys = attackerKeyNames(f.region);
    if (inWin(f.createdAt) && keys.some((k) => attackerKeys.has(k))) {
      mark({ kind: 'fleet', region: f.region, id: f.id, basis: 'heuristic', reason: `created in the window with attacker key pair ${keys.join(', ')}` });
    }
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
    default:
      return undefined;
  }
}
