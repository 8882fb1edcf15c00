/**
 * moto for `terraform apply`: one server on 127.0.0.1 plus a loopback-only forwarding proxy.
 *
 * Why the proxy: provider >= 6.23 reads S3 bucket tags through S3 Control at
 * `<account-id>.<endpoint host>`, a name that does not resolve for 127.0.0.1. Terraform's HTTP
 * client sends every request for a host that is not a loopback address or `localhost` through
 * HTTP_PROXY; this proxy forwards those whose target port is moto's to moto, and refuses
 * everything else (CONNECT included), so nothing the provider does can leave the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export interface Emulator {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** http://127.0.0.1:<port> of the forwarding proxy. */
  readonly proxy: string;
  /** Requests the proxy refused (anything not addressed to moto), for the report. */
  readonly refused: string[];
  stop(): Promise<void>;
}

const root = resolve(__dirname, '..', '..');

function motoPython(): string {
  if (process.env.MOTO_PYTHON) return process.env.MOTO_PYTHON;
  const venv = join(root, '.moto', 'venv', 'bin', 'python');
  if (!existsSync(venv)) throw new Error('moto is not installed: run `npm run setup` (it installs moto into .moto/venv)');
  return venv;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((ok) => probe.close(ok));
  return port;
}

/** Start moto (IAM managed policies loaded: some stacks attach AWS-managed policies) and the proxy. */
export async function startEmulator(): Promise<Emulator> {
  const port = await freePort();
  const child: ChildProcess = spawn(motoPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited (${child.exitCode}); run \`npm run setup\`\n${stderr}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not answer on ${endpoint} within 60 s\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const refused: string[] = [];
  const proxyServer = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    const host = target.hostname;
    const loopback = host === '127.0.0.1' || host.endsWith('.127.0.0.1') || host === 'localhost' || host.endsWith('.localhost');
    if (!loopback || Number(target.port) !== port) {
      refused.push(`${req.method} ${target.origin}`);
      res.writeHead(403).end(`refused by the check's proxy: only moto on ${endpoint} may be reached, not ${target.origin}`);
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => res.writeHead(502).end(String(e)));
    req.pipe(upstream);
  });
  proxyServer.on('connect', (req, socket) => {
    refused.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  const proxyPort = await listen(proxyServer);

  return {
    endpoint,
    proxy: `http://127.0.0.1:${proxyPort}`,
    refused,
    async stop() {
      await new Promise((ok) => proxyServer.close(ok));
      if (child.exitCode !== null) return;
      await new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}
