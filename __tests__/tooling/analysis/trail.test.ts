/**
 * CloudTrail lookups. moto has no LookupEvents: every test here answers from the RECORDED
 * responses in fixtures/ (aws-sdk-client-mock), with fixed IDs and times.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../tooling/aws/clients';
import { TokenBucket, LOOKUP_EVENTS_RATE } from '../../../tooling/analysis/rate-limit';
import { createdBy, lookupEvents, lookupWindow, parseTrailEvent, type ParsedTrailEvent } from '../../../tooling/analysis/trail';
import { recordedLookupEvents, type FixtureVars } from './fixtures/load';
import { FakeClock } from '../../support/clocks';

const WINDOW_START = new Date('2026-11-20T08:00:00Z');
const VARS: FixtureVars = {
  windowStart: WINDOW_START,
  values: {
    accountId: '123456789012',
    victimKey: 'AKIAVICTIM0000000001',
    backdoorKey: 'AKIABACKDOOR00000001',
    policyArn: 'arn:aws:iam::123456789012:policy/ops-admin',
    minerUsEast: 'i-0aaaaaaaaaaaaaaa1',
    minerEuWest: 'i-0bbbbbbbbbbbbbbb2',
    minerApSe2: 'i-0ccccccccccccccc3',
    imageId: 'ami-0ddddddddddddddd4',
    snapshotId: 'snap-0eeeeeeeeeeeeeee5',
    spotRequestId: 'sir-0fffffff',
    euVolume: 'vol-0123456789abcdef0',
    keyPair_us_east_1: 'key-0a1b2c3d4e5f60718',
    keyPair_eu_west_1: 'key-0a1b2c3d4e5f60719',
    keyPair_ap_southeast_2: 'key-0a1b2c3d4e5f6071a',
  },
};

const ct = mockClient(CloudTrailClient);
const clients = new AwsClients({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const calls: Array<{ region: string; at: number; input: LookupEventsCommandInput }> = [];
let clock: FakeClock;

beforeEach(() => {
  ct.reset();
  calls.length = 0;
  clock = new FakeClock(Date.parse('2026-11-21T00:00:00Z'));
  const answer = recordedLookupEvents(VARS);
  ct.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput, getClient) => {
    const region = await getClient().config.region();
    calls.push({ region, at: clock.now(), input });
    return answer(input, region);
  });
});

const range = { start: WINDOW_START, end: new Date('2026-11-20T20:00:00Z') };

describe('lookupEvents against recorded LookupEvents responses', () => {
  test('follows NextToken through every page, one lookup attribute per call', async () => {
    const limiter = new TokenBucket({ ...LOOKUP_EVENTS_RATE, clock });
    const events = await lookupEvents(clients, { region: 'us-east-1', attribute: 'AccessKeyId', value: 'AKIAVICTIM0000000001', ...range, limiter });
    expect(events.map((e) => e.event.eventName)).toEqual([
      'AttachUserPolicy', 'CreateAccessKey', 'CreateUser', 'CreateImage', 'RunInstances', 'RunInstances', 'CreateKeyPair', 'GetCallerIdentity',
    ]);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.input.LookupAttributes).toEqual([{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAVICTIM0000000001' }]);
    expect(calls[0].input.NextToken).toBeUndefined();
    expect(calls[1].input.NextToken).toBe('eyJ0b2tlbiI6InBhZ2UtMiJ9');
  });

  test('each page waits for the rate limiter: pages go out 500 ms apart on the injected clock', async () => {
    const limiter = new TokenBucket({ ...LOOKUP_EVENTS_RATE, clock });
    const t0 = clock.now();
    await lookupEvents(clients, { region: 'us-east-1', attribute: 'AccessKeyId', value: 'AKIAVICTIM0000000001', ...range, limiter });
    await lookupEvents(clients, { region: 'us-east-1', attribute: 'Username', value: 'svc-build', ...range, limiter });
    expect(calls.map((c) => c.at - t0)).toEqual([0, 500, 1000]);
  });

  test('passes the time range, so events outside the window are not returned', async () => {
    const limiter = new TokenBucket({ ...LOOKUP_EVENTS_RATE, clock });
    const narrow = { start: new Date(WINDOW_START.getTime() + 5000), end: new Date(WINDOW_START.getTime() + 8000) };
    const events = await lookupEvents(clients, { region: 'us-east-1', attribute: 'Username', value: 'svc-build', ...narrow, limiter });
    expect(calls[0].input.StartTime).toEqual(narrow.start);
    expect(calls[0].input.EndTime).toEqual(narrow.end);
    expect(events.map((e) => e.event.eventName).sort()).toEqual(['CreateAccessKey', 'CreateImage', 'CreateUser']);
  });

  test('an API error propagates to the caller (scope turns it into a StepFailure)', async () => {
    ct.on(LookupEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const limiter = new TokenBucket({ ...LOOKUP_EVENTS_RATE, clock });
    await expect(
      lookupEvents(clients, { region: 'eu-west-1', attribute: 'AccessKeyId', value: 'AKIAVICTIM0000000001', ...range, limiter }),
    ).rejects.toThrow('Rate exceeded');
  });
});

describe('parseTrailEvent and createdBy on recorded events', () => {
  let byName: Map<string, ParsedTrailEvent[]>;
  beforeEach(async () => {
    const limiter = new TokenBucket({ ...LOOKUP_EVENTS_RATE, clock });
    const lookups = [
      ['us-east-1', 'AccessKeyId', 'AKIAVICTIM0000000001'],
      ['eu-west-1', 'AccessKeyId', 'AKIAVICTIM0000000001'],
    ] as const;
    const all = (await Promise.all(lookups.map(([region, attribute, value]) => lookupEvents(clients, { region, attribute, value, ...range, limiter })))).flat();
    byName = new Map();
    for (const e of all) byName.set(e.event.eventName, [...(byName.get(e.event.eventName) ?? []), e]);
  });

  test('reads source IP, user agent, key and resources from the record', () => {
    const [run] = byName.get('RunInstances')!.filter((e) => !e.detail?.errorCode);
    expect(run.event).toMatchObject({
      region: 'us-east-1',
      eventSource: 'ec2.amazonaws.com',
      username: 'svc-build',
      accessKeyId: 'AKIAVICTIM0000000001',
      sourceIp: '203.0.113.7',
      eventTime: '2026-11-20T08:00:03.000Z',
    });
    expect(run.event.userAgent).toMatch(/^aws-cli\//);
    expect(run.event.resources).toEqual(['i-0aaaaaaaaaaaaaaa1', 'miner-key', 'ami-03cf127a']);
  });

  test.each([
    { name: 'RunInstances created the instance, not the AMI or key pair it used', event: 'RunInstances', expected: [{ kind: 'instance', name: 'i-0aaaaaaaaaaaaaaa1' }] },
    { name: 'CreateKeyPair', event: 'CreateKeyPair', expected: [{ kind: 'key-pair', name: 'miner-key' }] },
    { name: 'CreateImage created the image, not the instance it imaged', event: 'CreateImage', expected: [{ kind: 'image', name: 'ami-0ddddddddddddddd4' }] },
    { name: 'CreateSnapshot', event: 'CreateSnapshot', expected: [{ kind: 'snapshot', name: 'snap-0eeeeeeeeeeeeeee5' }] },
    { name: 'RequestSpotInstances (nested response set)', event: 'RequestSpotInstances', expected: [{ kind: 'spot-request', name: 'sir-0fffffff' }] },
    { name: 'CreateUser', event: 'CreateUser', expected: [{ kind: 'iam-user', name: 'backup-admin' }] },
    { name: 'CreateAccessKey backdoors the named user', event: 'CreateAccessKey', expected: [{ kind: 'iam-user', name: 'backup-admin' }] },
    { name: 'read-only calls create nothing', event: 'GetCallerIdentity', expected: [] },
  ])('$name', ({ event, expected }) => {
    const created = byName
      .get(event)!
      .filter((e) => !e.detail?.errorCode && (e.event.region === 'us-east-1' || event === 'CreateSnapshot' || event === 'RequestSpotInstances'))
      .flatMap(createdBy);
    expect(created).toEqual(expected);
  });

  test('a denied RunInstances (errorCode) created nothing', () => {
    const denied = byName.get('RunInstances')!.filter((e) => e.detail?.errorCode);
    expect(denied).toHaveLength(1);
    expect(createdBy(denied[0])).toEqual([]);
  });

  test('a record that is not JSON keeps the top-level fields', () => {
    const parsed = parseTrailEvent('eu-west-1', { EventId: 'e1', EventName: 'RunInstances', EventTime: new Date('2026-11-20T09:00:00Z'), CloudTrailEvent: '{not json' });
    expect(parsed.detail).toBeUndefined();
    expect(parsed.event).toMatchObject({ region: 'eu-west-1', eventId: 'e1', eventTime: '2026-11-20T09:00:00.000Z' });
  });
});

describe('lookupWindow (90-day horizon)', () => {
  const now = Date.parse('2026-11-21T00:00:00Z');
  const day = 86_400_000;
  test.each([
    { name: 'recent window passes through', start: now - 2 * day, end: now - day, expected: { start: now - 2 * day, end: now - day, truncated: false } },
    { name: 'start older than 90 days is clamped and flagged', start: now - 120 * day, end: now - day, expected: { start: now - 90 * day, end: now - day, truncated: true } },
    { name: 'end in the future is clamped to now', start: now - day, end: now + day, expected: { start: now - day, end: now, truncated: false } },
  ])('$name', ({ start, end, expected }) => {
    const got = lookupWindow({ start: new Date(start), end: new Date(end) }, now);
    expect(got && { start: got.start.getTime(), end: got.end.getTime(), truncated: got.truncated }).toEqual(expected);
  });
  test('a window entirely past the horizon has nothing to look up', () => {
    expect(lookupWindow({ start: new Date(now - 200 * day), end: new Date(now - 100 * day) }, now)).toBeUndefined();
  });
});
