/**
 * The moto server of this jest worker, started once for the run by the global setup. A file
 * takes it in beforeAll: reset, so the file starts from an empty AWS, whatever ran before it.
 */
import { MOTO_ENDPOINTS_ENV, resetMoto, type MotoServer } from '../../dev/moto';

export { MOTO_CREDENTIALS, type MotoServer } from '../../dev/moto';

/** This worker's moto server, reset; `stop()` does nothing (the run owns the server). */
export async function workerMoto(): Promise<MotoServer> {
  const endpoints = (process.env[MOTO_ENDPOINTS_ENV] ?? '').split(',').filter(Boolean);
  if (endpoints.length === 0) throw new Error(`${MOTO_ENDPOINTS_ENV} is not set: run the tests through jest (jest.config.js starts moto in its global setup)`);
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  const endpoint = endpoints[(worker - 1) % endpoints.length];
  await resetMoto(endpoint);
  return { endpoint, reset: () => resetMoto(endpoint), stop: async () => undefined };
}

/**
 * For a CLI that uses the SDK's default credential chain, as a platform engineer's shell would:
 * moto's test keys in the environment for the file, the environment restored after it.
 */
export function useShellCredentials(): void {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });
}
