/**
 * Ordering between stacks is typed wiring: each stack takes the handles of the stacks it must be
 * deployed after, so a missing dependency is a compile error (the `@ts-expect-error` lines below
 * fail `npm run typecheck` the day a dependency becomes optional), and the manifest declares it.
 * A stack that names what another creates (bucket, key, topic, bus) reads it through that stack's
 * handle, which is what orders it (lint forbids building those addresses in another stack).
 */
import { accountStacksIn, buildOrganization } from '../../stacks/organization';
import { BreakGlassAlarmStack, BreakGlassBusStack } from '../../stacks/response/breakglass-alarm';
import { CleanRoomStack } from '../../stacks/response/forensics';
import { SecurityGuardDutyStack } from '../../stacks/detection/guardduty';
import { exampleConfig, testApp } from './fixtures';

const config = exampleConfig();
const app = testApp();
const org = buildOrganization(app, config);
const dependenciesOf = (id: string) =>
  accountStacksIn(app).find((s) => s.node.id === id)!.dependencies.map((d) => d.node.id).sort();

/**
 * Every stack of the example organization and the stacks it is deployed after: the whole list,
 * so a dependency lost anywhere (or a new stack nobody ordered) fails here.
 */
const EXPECTED_ORDER: Record<string, readonly string[]> = {
  'management-scps': [],
  'log-archive-detection': [],
  'security-alerts': [],
  'management-billing': [],
  'management-ir-roles': [],
  'payments-prod-isolation': [],
  'analytics-dev-isolation': [],
  'security-guardduty': ['log-archive-detection', 'security-alerts'],
  'management-delegation': ['security-guardduty'],
  'security-guardduty-org': ['management-delegation'],
  'management-trail': ['log-archive-detection'],
  'security-athena': ['log-archive-detection'],
  'payments-prod-flow-logs': ['log-archive-detection'],
  'analytics-dev-flow-logs': ['log-archive-detection'],
  'payments-prod-dns-query-logs': ['log-archive-detection'],
  'analytics-dev-dns-query-logs': ['log-archive-detection'],
  'management-config-recorders': ['log-archive-detection'],
  'security-config-rules': ['management-config-recorders', 'management-delegation'],
  'security-breakglass-alarm': ['security-alerts'],
  'management-breakglass-alarm': ['security-breakglass-alarm'],
  'forensics-clean-room': ['management-scps'],
};

it('lists every stack the example builds', () => {
  expect(accountStacksIn(app).map((s) => s.node.id).sort()).toEqual(Object.keys(EXPECTED_ORDER).sort());
});

it.each(Object.entries(EXPECTED_ORDER))('%s is deployed after %j', (id, expected) => {
  expect(dependenciesOf(id)).toEqual(expected);
});

it('returns a typed handle for every stack it builds, and builds no stack it does not return', () => {
  const handles = [org.scps, ...Object.values(org.detection).flat(), ...Object.values(org.response).flat()];
  expect(handles.map((s) => s.node.id).sort()).toEqual(accountStacksIn(app).map((s) => s.node.id).sort());
  expect(org.response.forensics).toBeInstanceOf(CleanRoomStack);
});

it('refuses, at compile time, a stack built without the stacks it depends on', () => {
  const other = testApp();
  const security = { name: 'security', id: '222222222222' };
  const management = { name: 'management', id: '111111111111' };
  // Each line is a type error (without the directive, typecheck fails); at run time the missing handle throws.
  // @ts-expect-error the bus pages the alert topic, which must exist first
  expect(() => new BreakGlassBusStack(other, { config, security })).toThrow();
  // @ts-expect-error the member rules forward to the bus, which must exist first
  expect(() => new BreakGlassAlarmStack(other, { config, management })).toThrow();
  // @ts-expect-error the detectors export to the log archive and page the alert topic
  expect(() => new SecurityGuardDutyStack(other, { config, security })).toThrow();
});
