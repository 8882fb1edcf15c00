/** Jest global teardown: stop the moto servers the global setup started. */
import type { MotoServer } from '../../dev/moto';

export default async function teardown(): Promise<void> {
  const servers = (globalThis as { __irMotoServers?: MotoServer[] }).__irMotoServers ?? [];
  await Promise.all(servers.map((s) => s.stop()));
}
