/**
 * The scope phase: every region of the case concurrently (bounded), IAM once, and the
 * attacker's CloudTrail events, then attribution. A failing region or call is recorded in
 * `failures` and the rest carries on.
 */
import pLimit from 'p-limit';
import type { AwsClients } from '../aws/clients';
import type { CaseContext, Inventory, StepFailure } from '../model';
import { attribute } from './attribution';
import { systemClock, type Clock } from '../clock';
import { errorMessage } from './instances';
import { notAnAwsAnswer } from '../aws/errors';
import { LOOKUP_EVENTS_RATE, RateLimiters } from './rate-limit';
import { scopeRegion, type RegionalInventory } from './scope-ec2';
import { scopeIam } from './scope-iam';
import { iamUserArn } from '../../shared/addresses';
import { createdBy, LOOKUP_EVENTS_HORIZON_DAYS, lookupEvents, lookupWindow, type ParsedTrailEvent, type TrailAttribute } from './trail';

/** Who the attacker is, as CloudTrail can look them up. */
export interface ScopeTarget {
  readonly accessKeyId?: string;
  readonly principalArn?: string;
  /** Further keys and principals (every subject validated in the case). */
  readonly accessKeyIds?: readonly string[];
  readonly principalArns?: readonly string[];
}

/** Where scope gets the attacker's events, one call per round of lookups. @default LookupEvents per region */
/** A trail lookup: LookupEvents' attributes, plus `RoleArn` (sessions issued by a role), which only the organization trail can answer. */
export type TrailLookup = { readonly attribute: TrailAttribute | 'RoleArn'; readonly value: string };
export type TrailSource = (lookups: readonly TrailLookup[]) => Promise<ParsedTrailEvent[]>;

export interface ScopeOptions {
  /** Another event source (Athena over the organization trail: no horizon, every account). @default LookupEvents */
  readonly trailSource?: TrailSource;
  /** Regions (and IAM users) worked on at once. @default 3 */
  readonly concurrency?: number;
  readonly onProgress?: (msg: string) => void;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Share one set across phases so LookupEvents stays under its limit process-wide. @default a new set at 2/s */
  readonly trailLimiters?: RateLimiters;
}

/** Rounds of users-created-by-the-attacker scope follows after the first lookups. */
export const FOLLOW_UP_ROUNDS = 5;

// IAM, STS sign-in and other global services log to us-east-1.
const GLOBAL_EVENTS_REGION = 'us-east-1';

/** The name LookupEvents' Username attribute matches for a principal ARN. */
export function lookupUsername(principalArn: string): string | undefined {
  const m = /^arn:aws[\w-]*:(iam|sts)::\d{12}:(user|role|assumed-role)\/(.+)$/.exec(principalArn);
  if (!m) return undefined;
  const parts = m[3].split('/');
  // user/path/name -> name; role/path/name -> name; assumed-role/role/session -> session
  return parts[parts.length - 1] || undefined;
}

/** Scope the incident across every region of the case. */
export async function scope(clients: AwsClients, ctx: CaseContext, target: ScopeTarget, opts: ScopeOptions = {}): Promise<Inventory> {
  const clock = opts.clock ?? systemClock;
  const progress = opts.onProgress ?? (() => undefined);
  const concurrency = Math.max(1, opts.concurrency ?? 3);
  const limiters = opts.trailLimiters ?? new RateLimiters({ ...LOOKUP_EVENTS_RATE, clock });
  const limit = pLimit(concurrency);
  const failures: StepFailure[] = [];
  if (ctx.regions.length === 0) throw new Error(`case ${ctx.caseId} has no regions to scope; pass --regions or configure them`);

  const regionalTask = (region: string): Promise<RegionalInventory> =>
    limit(async () => {
      const inv = await scopeRegion(clients, region);
      progress(`${region}: ${inv.instances.length} instances, ${inv.keyPairs.length} key pairs, ${inv.images.length} AMIs, ${inv.snapshots.length} snapshots, ${inv.spotRequests.length} Spot requests, ${inv.fleets.length} fleets, ${inv.autoScalingGroups.length} Auto Scaling groups${inv.failures.length ? `, ${inv.failures.length} failed calls` : ''}`);
      return inv;
    });

  const trailRegions = [...new Set([...ctx.regions, GLOBAL_EVENTS_REGION])];
  const range = lookupWindow(ctx.window, clock.now());
  const trailLookups = async (all: readonly TrailLookup[]): Promise<ParsedTrailEvent[]> => {
    // LookupEvents has no session-issuer attribute: a role is looked up there by its name only.
    const source = opts.trailSource;
    if (source) {
      try {
        return all.length ? await source(all) : [];
      } catch (error) {
        failures.push({ step: 'scope/cloudtrail', target: all.map((l) => `${l.attribute}=${l.value}`).join(', '), message: errorMessage(error) });
        return [];
      }
    }
    // LookupEvents has no session-issuer attribute: a role is looked up there by its name only.
    const lookups = all.flatMap((l) => (l.attribute === 'RoleArn' ? [] : [{ attribute: l.attribute, value: l.value }]));
    if (!range || lookups.length === 0) return [];
    const tasks = trailRegions.flatMap((region) =>
      lookups.map(({ attribute, value }) =>
        limit(async () => {
          try {
            const found = await lookupEvents(clients, { region, attribute, value, ...range, limiter: limiters.forRegion(ctx.accountId, region) });
            progress(`${region}: CloudTrail ${attribute}=${value}: ${found.length} events`);
            return found;
          } catch (error) {
            const foreign = notAnAwsAnswer(error);
            const message = foreign ? `LookupEvents: ${foreign}. Fix: irctl scope --source athena (the organization trail)` : errorMessage(error);
            failures.push({ step: 'scope/cloudtrail', region, target: `${attribute}=${value}`, message });
            return [];
          }
        }),
      ),
    );
    return (await Promise.all(tasks)).flat();
  };

  const firstLookups: TrailLookup[] = [];
  const keys = new Set([...(target.accessKeyId ? [target.accessKeyId] : []), ...(target.accessKeyIds ?? [])]);
  const principalArns = [...new Set([...(target.principalArn ? [target.principalArn] : []), ...(target.principalArns ?? [])])];
  for (const value of keys) firstLookups.push({ attribute: 'AccessKeyId', value });
  const principalNames = [...new Set(principalArns.flatMap((arn) => lookupUsername(arn) ?? []))];
  for (const value of principalNames) firstLookups.push({ attribute: 'Username', value });
  // A role acts through sessions named by whoever assumed it: its events carry the role in sessionContext.sessionIssuer.
  for (const value of principalArns.filter((arn) => /^arn:aws[\w-]*:iam::\d{12}:role\//.test(arn))) firstLookups.push({ attribute: 'RoleArn', value });
  const userNames = principalArns.filter((arn) => arn.includes(':user/')).flatMap((arn) => lookupUsername(arn) ?? []);
  // Gaps in what CloudTrail can tell are recorded as failures so the report lists them for follow-up.
  if (firstLookups.length === 0) {
    failures.push({ step: 'scope/cloudtrail', message: 'no attacker access key or principal given: CloudTrail events not looked up, attribution is heuristic only' });
  } else if (opts.trailSource) {
    // No horizon to report: the organization trail keeps what the log archive keeps.
  } else if (!range) {
    failures.push({
      step: 'scope/cloudtrail',
      message: `window ${ctx.window.start.toISOString()}..${ctx.window.end.toISOString()} is past LookupEvents' ${LOOKUP_EVENTS_HORIZON_DAYS}-day horizon: no events looked up; query the organization trail with Athena`,
    });
  } else if (range.truncated) {
    failures.push({
      step: 'scope/cloudtrail',
      message: `events before ${range.start.toISOString()} are past LookupEvents' ${LOOKUP_EVENTS_HORIZON_DAYS}-day horizon; query the organization trail with Athena for them`,
    });
  }

  const [regional, firstEvents] = await Promise.all([Promise.all(ctx.regions.map(regionalTask)), trailLookups(firstLookups)]);

  // Users the attacker created or backdoored act for it too: follow them, round after round, until
  // no new user appears (a backdoor user's own activity can backdoor further users).
  const looked = new Set(firstLookups.map((l) => l.value));
  const followed: string[] = [];
  let events = dedupeEvents(firstEvents);
  let round = dedupeEvents(firstEvents);
  for (let n = 0; ; n++) {
    // A user of the same name in another member account is not this account's user.
    const here = round.filter((e) => !e.event.accountId || e.event.accountId === ctx.accountId);
    const next = [...new Set(here.flatMap((e) => createdBy(e).filter((c) => c.kind === 'iam-user').map((c) => c.name)))].filter((name) => !looked.has(name));
    if (next.length === 0) break;
    if (n === FOLLOW_UP_ROUNDS) {
      for (const name of next) {
        failures.push({
          step: 'scope/cloudtrail',
          target: `Username=${name}`,
          message: `stopped following the attacker after ${FOLLOW_UP_ROUNDS} rounds of users it created or changed; ${name} was not looked up. Fix: irctl scope --principal ${iamUserArn(ctx.accountId, name)} (the runs merge)`,
        });
      }
      // Still scoped and attributed: the event that created it is in hand.
      followed.push(...next);
      break;
    }
    next.forEach((name) => looked.add(name));
    followed.push(...next);
    round = await trailLookups(next.map((value) => ({ attribute: 'Username' as const, value })));
    events = dedupeEvents([...events, ...round]);
  }
  const usersOfInterest = new Set([...followed, ...userNames]);
  const iam = await scopeIam(clients, { window: ctx.window, usersOfInterest, concurrency });
  progress(`IAM: ${iam.users.length} users created or changed in the window${iam.failures.length ? `, ${iam.failures.length} failed calls` : ''}`);

  const inventory = {
    instances: regional.flatMap((r) => r.instances),
    keyPairs: regional.flatMap((r) => r.keyPairs),
    images: regional.flatMap((r) => r.images),
    snapshots: regional.flatMap((r) => r.snapshots),
    spotRequests: regional.flatMap((r) => r.spotRequests),
    fleets: regional.flatMap((r) => r.fleets),
    autoScalingGroups: regional.flatMap((r) => r.autoScalingGroups),
    iamUsers: iam.users,
  };
  const attributions = attribute({ caseId: ctx.caseId, accountId: ctx.accountId, window: ctx.window, ...inventory, events });
  return {
    caseId: ctx.caseId,
    accountId: ctx.accountId,
    generatedAt: new Date(clock.now()).toISOString(),
    regions: [...ctx.regions],
    ...inventory,
    events: events.map((e) => e.event).sort((a, b) => a.eventTime.localeCompare(b.eventTime) || a.eventId.localeCompare(b.eventId)),
    failures: [...regional.flatMap((r) => r.failures), ...failures, ...iam.failures],
    attributions,
  };
}

/** The same event comes back once per attribute that matches it. */
function dedupeEvents(events: readonly ParsedTrailEvent[]): ParsedTrailEvent[] {
  const seen = new Map<string, ParsedTrailEvent>();
  for (const e of events) if (!seen.has(e.event.eventId)) seen.set(e.event.eventId, e);
  return [...seen.values()];
}
