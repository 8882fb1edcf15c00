/**
 * A live moto server on a free loopback port. The test run starts its servers once (jest
 * global setup, one per worker) and each test file takes its worker's server, reset;
 * `npm run bench:contain` starts its own. Requires moto in .moto/venv (`npm run setup`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Wipe all state (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Dummy credentials for SDK clients talking to moto. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The Python that serves moto: MOTO_PYTHON, else the project's .moto/venv, else python3. */
function motoPython(): string {
  if (process.env.MOTO_PYTHON) return process.env.MOTO_PYTHON;
  const venv = join(__dirname, '..', '.moto', 'venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/**
 * Where the test run's global setup publishes its servers: comma-separated endpoints, the
 * n-th for jest worker n, so no two files ever use one server at the same time.
 */
export const MOTO_ENDPOINTS_ENV = 'IR_TEST_MOTO_ENDPOINTS';

/** Wipe all state of the moto server at `endpoint`. */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto at ${endpoint} refused a reset (${res.status})`);
}

/** How a moto server starts. */
export interface MotoOptions {
  /** Extra environment for the server (e.g. MOTO_IAM_LOAD_MANAGED_POLICIES for Terraform's stacks). */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 30 s (loading IAM's managed policies takes longer) */
  readonly startTimeoutMs?: number;
}

/** Start moto on 127.0.0.1 and wait until it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const python = motoPython();
  const child: ChildProcess = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'false', ...options.env },
  });
  let stderr = '';
  // The tail is enough to explain a failed start; a long-lived server must not hoard its log.
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`moto server exited (${child.exitCode}); run scripts/install-moto.sh (or npm run setup)\n${stderr}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto server did not start on ${endpoint} within ${timeoutMs / 1000} s\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    reset: () => resetMoto(endpoint),
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}
