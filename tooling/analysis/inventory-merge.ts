/**
 * inventory.json across scope runs: a later run (a narrower --since or --regions, a resource
 * deleted meanwhile) must never lose what an earlier run recorded. Records are unioned; each
 * keeps when it was first and last seen, and a record a run looked for (its region was
 * scanned) but did not find is marked `missingSince`, never dropped. Attributions are unioned,
 * CloudTrail evidence winning over a heuristic; failures are the latest run's.
 */
import { tiedThroughLaunchers } from './attribution';
import type { Attribution, IamUserRecord, InstanceRecord, Inventory, RegionalResource, ScopeRun, Sighting, TrailEvent } from '../model';

/** What merging changed, for the responder. */
export interface MergeSummary {
  /** Scope runs before this one. */
  readonly earlierRuns: number;
  /** Records kept although this run did not look for them (another region, or outside its window). */
  readonly notLookedFor: number;
  /** Records this run looked for and did not find (kept, marked), described. */
  readonly noLongerFound: readonly string[];
}

type Seen = { readonly seen?: Sighting };

/** Merge the inventory of this run (`current`) into the one already in the case (`previous`). */
export function mergeInventory(previous: Inventory | undefined, current: Inventory, run: ScopeRun): { inventory: Inventory; summary: MergeSummary } {
  const now = current.generatedAt;
  const earlierRuns = previous ? previous.runs ?? [legacyRun(previous)] : [];
  const scanned = new Set(current.regions);
  let notLookedFor = 0;
  const noLongerFound: string[] = [];

  const merge = <T extends Seen>(label: string, prev: readonly T[] | undefined, cur: readonly T[], key: (r: T) => string, regionOf: (r: T) => string | undefined, name: (r: T) => string): T[] => {
    const before = new Map((prev ?? []).map((r) => [key(r), r]));
    const out: T[] = cur.map((r) => {
      const old = before.get(key(r));
      return { ...r, seen: { firstSeenAt: old ? firstSeen(old, previous!) : now, lastSeenAt: now } };
    });
    const found = new Set(cur.map(key));
    for (const [k, old] of before) {
      if (found.has(k)) continue;
      const region = regionOf(old);
      const seen = old.seen ?? { firstSeenAt: previous!.generatedAt, lastSeenAt: previous!.generatedAt };
      if (region !== undefined && scanned.has(region)) {
        out.push({ ...old, seen: { ...seen, missingSince: seen.missingSince ?? now } });
        if (!seen.missingSince) noLongerFound.push(`${label} ${name(old)} (${region})`);
      } else {
        out.push({ ...old, seen });
        notLookedFor++;
      }
    }
    return out;
  };
  const regional = (label: string, pick: (i: Inventory) => readonly RegionalResource[]) =>
    merge<RegionalResource>(label, previous && pick(previous), pick(current), (r) => `${r.region}/${r.id}`, (r) => r.region, (r) => (r.name && r.name !== r.id ? `${r.id} ${r.name}` : r.id));

  const merged: Inventory = {
    ...current,
    regions: [...new Set([...(previous?.regions ?? []), ...current.regions])],
    instances: merge<InstanceRecord>('instance', previous?.instances, current.instances, (i) => `${i.region}/${i.instanceId}`, (i) => i.region, (i) => i.instanceId),
    keyPairs: regional('key pair', (i) => i.keyPairs),
    images: regional('AMI', (i) => i.images),
    snapshots: regional('snapshot', (i) => i.snapshots),
    spotRequests: regional('Spot request', (i) => i.spotRequests),
    fleets: regional('fleet', (i) => i.fleets),
    autoScalingGroups: regional('Auto Scaling group', (i) => i.autoScalingGroups ?? []),
    // IAM is listed whole each run, but kept by window: a user absent now may only be outside it.
    iamUsers: merge<IamUserRecord>('IAM user', previous?.iamUsers, current.iamUsers, (u) => u.userName, () => undefined, (u) => u.userName),
    events: mergeEvents(previous?.events ?? [], current.events),
    attributions: mergeAttributions(previous?.attributions ?? [], current.attributions ?? []),
    runs: [...earlierRuns, run],
  };
  // A launcher an earlier run tied by CloudTrail ties the members this run found (its events may be outside this run's window).
  const inventory: Inventory = { ...merged, attributions: mergeAttributions(merged.attributions ?? [], tiedThroughLaunchers(merged.attributions ?? [], merged)) };
  return { inventory, summary: { earlierRuns: earlierRuns.length, notLookedFor, noLongerFound } };
}

/** One sentence for the responder; undefined when there was no earlier run. */
export function describeMerge(s: MergeSummary): string | undefined {
  if (s.earlierRuns === 0) return undefined;
  const gone = s.noLongerFound.length
    ? `${s.noLongerFound.length} no longer found in the regions this run scanned (kept, marked missingSince): ${s.noLongerFound.join(', ')}`
    : 'nothing recorded earlier has disappeared from the regions this run scanned';
  return `inventory.json merged with ${s.earlierRuns} earlier run${s.earlierRuns > 1 ? 's' : ''}: kept ${s.notLookedFor} record(s) this run did not look for (other regions, or outside its window); ${gone}`;
}

function firstSeen(old: Seen, previous: Inventory): string {
  return old.seen?.firstSeenAt ?? previous.generatedAt;
}

// An inventory written before runs were recorded was one run.
function legacyRun(previous: Inventory): ScopeRun {
  return { at: previous.generatedAt, regions: previous.regions, window: { start: '', end: '' }, source: 'unknown' };
}

function mergeEvents(prev: readonly TrailEvent[], cur: readonly TrailEvent[]): TrailEvent[] {
  const byId = new Map(prev.map((e) => [e.eventId, e]));
  for (const e of cur) byId.set(e.eventId, e);
  return [...byId.values()].sort((a, b) => a.eventTime.localeCompare(b.eventTime) || a.eventId.localeCompare(b.eventId));
}

function mergeAttributions(prev: readonly Attribution[], cur: readonly Attribution[]): Attribution[] {
  const key = (a: Attribution) => `${a.kind}/${a.region ?? 'global'}/${a.id}`;
  const out = new Map(prev.map((a) => [key(a), a]));
  for (const a of cur) {
    const old = out.get(key(a));
    // CloudTrail evidence from either run wins over a guess.
    if (!old || a.basis === 'cloudtrail' || old.basis !== 'cloudtrail') out.set(key(a), a);
  }
  return [...out.values()];
}
