/** Jest global teardown: stop the moto servers the global setup started and remove the run's scratch directory. */
import { rmSync } from 'node:fs';
import type { MotoServer } from '../../dev/moto';

export default async function teardown(): Promise<void> {
  const servers = (globalThis as { __irMotoServers?: MotoServer[] }).__irMotoServers ?? [];
  await Promise.all(servers.map((s) => s.stop()));
  const scratch = (globalThis as { __irTestScratch?: string }).__irTestScratch;
  if (!scratch) return;
  if (process.env.IR_KEEP_TEST_TMP === '1') console.log(`test scratch kept (IR_KEEP_TEST_TMP=1): ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
