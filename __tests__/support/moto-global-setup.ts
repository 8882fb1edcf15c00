/**
 * Jest global setup: start the run's moto servers once, one per worker (files in one worker run
 * one after another, so each file gets a server no other file touches while it runs), instead
 * of one per test file. Workers read the endpoints from MOTO_ENDPOINTS_ENV.
 *
 * Also points TMPDIR at one scratch directory for the run, so the case directories, synth
 * output and journals tests write under os.tmpdir() go away with the run (the teardown removes
 * it; IR_KEEP_TEST_TMP=1 keeps it and prints where, to inspect a failure).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOTO_ENDPOINTS_ENV, startMoto, type MotoServer } from '../../dev/moto';

export default async function setup(globalConfig: { readonly maxWorkers: number }): Promise<void> {
  const servers = await Promise.all(Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, () => startMoto()));
  // The teardown runs in this process and reads them back.
  (globalThis as { __irMotoServers?: MotoServer[] }).__irMotoServers = servers;
  process.env[MOTO_ENDPOINTS_ENV] = servers.map((s) => s.endpoint).join(',');
  // The SDK's Node-version notice, once per worker, buries test failures; the README states it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const scratch = mkdtempSync(join(tmpdir(), 'aws-ir-guardrails-tests-'));
  (globalThis as { __irTestScratch?: string }).__irTestScratch = scratch;
  process.env.TMPDIR = scratch;
}
