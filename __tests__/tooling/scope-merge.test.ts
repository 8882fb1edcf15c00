/**
 * A later `scope` never loses what an earlier one recorded (narrower --regions or --since, a
 * key pair deleted meanwhile): inventory.json is merged, each record keeps when it was first
 * seen, and what the latest run looked for but did not find is marked, not dropped. Against
 * moto through irctl's command line. moto lacks CloudTrail LookupEvents: it is stubbed with an
 * empty RECORDED answer (no attacker events), which this test does not depend on.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DeleteKeyPairCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../tooling/cli';
import type { InstanceRecord, Inventory, RegionalResource } from '../../tooling/model';
import { type AttackScenario, seedAttack } from '../../dev/attack-scenario';
import { MOTO_CREDENTIALS, type MotoServer, workerMoto } from '../support/moto';
import { captureOutput, steppingClock } from './case-harness';

const trail = mockClient(CloudTrailClient);
let moto: MotoServer;
let scenario: AttackScenario;

beforeAll(async () => {
  moto = await workerMoto();
  scenario = await seedAttack(moto.endpoint);
  trail.on(LookupEventsCommand).resolves({ Events: [] });
}, 120_000);
afterAll(() => trail.restore());

async function scope(caseDir: string, args: string[]) {
  const io = captureOutput();
  const code = await main(['node', 'irctl', '--case', 'IR-MERGE-1', '--no-assume', '--endpoint', moto.endpoint, '--case-dir', caseDir, ...args, 'scope', '--access-key', scenario.attackerKeyId], {
    stdout: io.stdout,
    stderr: io.stderr,
    hooks: { credentials: MOTO_CREDENTIALS, clock: steppingClock() },
  });
  return { code, out: io.out, err: io.err, inventory: JSON.parse(readFileSync(join(caseDir, 'inventory.json'), 'utf8')) as Inventory };
}

test('a narrower second scope keeps the first run\'s records, marks what it no longer finds, and says so', async () => {
  const caseDir = mkdtempSync(join(tmpdir(), 'irctl-merge-'));
  const first = await scope(caseDir, ['--regions', 'us-east-1,eu-west-1']);
  expect(first.code).toBe(0);
  const euMiner = scenario.instances.find((i) => i.region === 'eu-west-1')!.instanceId;
  expect(first.inventory.instances.map((i) => i.instanceId)).toContain(euMiner);
  const usKey = first.inventory.keyPairs.find((k) => k.region === 'us-east-1' && k.name === 'miner-key')!;

  // Meanwhile the attacker deletes a key pair; the responder scopes one region only.
  await new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS }).send(new DeleteKeyPairCommand({ KeyName: 'miner-key' }));
  const second = await scope(caseDir, ['--regions', 'us-east-1']);
  expect(second.code).toBe(0);
  const inv = second.inventory;

  // Nothing the first run recorded is lost.
  for (const i of first.inventory.instances) expect(inv.instances.map((x) => x.instanceId)).toContain(i.instanceId);
  for (const k of first.inventory.keyPairs) expect(inv.keyPairs.some((x) => x.id === k.id && x.region === k.region)).toBe(true);
  expect(inv.regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1']));

  // The eu-west-1 miner was not looked for: kept as first seen, not marked missing.
  const eu = inv.instances.find((i) => i.instanceId === euMiner) as InstanceRecord;
  expect(eu.seen).toMatchObject({ firstSeenAt: first.inventory.generatedAt, lastSeenAt: first.inventory.generatedAt });
  expect(eu.seen?.missingSince).toBeUndefined();
  // The deleted key pair was looked for in its region and not found: marked, still listed.
  const key = inv.keyPairs.find((k) => k.id === usKey.id) as RegionalResource;
  expect(key.seen).toMatchObject({ firstSeenAt: first.inventory.generatedAt, missingSince: inv.generatedAt });
  // A record found again keeps its first sighting and gets the new one.
  const usMiner = inv.instances.find((i) => i.region === 'us-east-1')!;
  expect(usMiner.seen).toMatchObject({ firstSeenAt: first.inventory.generatedAt, lastSeenAt: inv.generatedAt });
  expect(usMiner.seen?.missingSince).toBeUndefined();

  // Each run is recorded with its window and regions.
  expect(inv.runs?.map((r) => r.regions)).toEqual([['us-east-1', 'eu-west-1'], ['us-east-1']]);
  // And the responder is told.
  expect(second.out).toMatch(/inventory\.json merged with 1 earlier run: kept \d+ record\(s\) this run did not look for .*; 1 no longer found .*key pair .*miner-key/);
});
