/**
 * The default investigation window on real AWS: without --since it must stay inside
 * CloudTrail LookupEvents' 90-day horizon by the time scope runs, or every default run reports
 * the window as cut and exits 1. Tested through openRuntime with an injected clock.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { lookupWindow } from '../../tooling/analysis/trail';
import { DEFAULT_WINDOW_MARGIN_MS, openRuntime } from '../../tooling/case/runtime';
import { memoryReporter } from '../../tooling/case/output';
import { FakeClock } from '../support/clocks';

const NOW = Date.parse('2026-11-23T03:00:00Z');

// --no-assume checks --account against the caller: a RECORDED GetCallerIdentity answer (no moto here).
beforeAll(() => {
  mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/responder' });
});

async function defaultWindow(clockMs = NOW) {
  const rt = await openRuntime({ case: 'IR-WIN-1', account: '123456789012', assume: false, regions: 'us-east-1', caseDir: '/tmp/irctl-window' }, { clock: new FakeClock(clockMs), reporter: memoryReporter() });
  return rt.ctx.window;
}

test('without --since the window ends now (injected clock) and starts inside the LookupEvents horizon', async () => {
  const window = await defaultWindow();
  expect(window.end.toISOString()).toBe('2026-11-23T03:00:00.000Z');
  expect(window.start.toISOString()).toBe('2026-08-25T04:00:00.000Z'); // 90 days back, plus the hour of margin
});

test.each([
  { name: 'scope right away', laterMs: 0 },
  { name: 'scope ten minutes later (run: validate first)', laterMs: 10 * 60_000 },
  { name: 'scope just under the margin later', laterMs: DEFAULT_WINDOW_MARGIN_MS - 1 },
])('$name: LookupEvents answers the whole default window, nothing is cut', async ({ laterMs }) => {
  const window = await defaultWindow();
  const range = lookupWindow(window, NOW + laterMs);
  expect(range).toBeDefined();
  expect(range!.truncated).toBe(false);
  expect(range!.start.toISOString()).toBe(window.start.toISOString());
});

test('the old default (exactly 90 days back) was cut as soon as any time passed', () => {
  const end = new Date(NOW);
  const exactly90 = { start: new Date(NOW - 90 * 86_400_000), end };
  expect(lookupWindow(exactly90, NOW + 1)!.truncated).toBe(true);
});

test('an explicit --since is kept as given (and reported as cut by scope when older than the horizon)', async () => {
  const rt = await openRuntime({ case: 'IR-WIN-1', account: '123456789012', assume: false, regions: 'us-east-1', since: '2026-01-01T00:00:00Z' }, { clock: new FakeClock(NOW), reporter: memoryReporter() });
  expect(rt.ctx.window.start.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  expect(lookupWindow(rt.ctx.window, NOW)!.truncated).toBe(true);
});
