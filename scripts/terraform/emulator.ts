/**
 * moto for `terraform apply`: one server on 127.0.0.1 plus a loopback-only forwarding proxy.
 *
 * Why the proxy: provider >= 6.23 reads S3 bucket tags through S3 Control at
 * `<account-id>.<endpoint host>`, a name that does not resolve for 127.0.0.1. Terraform's HTTP
 * client sends every request for a host that is not a loopback address or `localhost` through
 * HTTP_PROXY; this proxy forwards those whose target port is moto's to moto, and refuses
 * everything else (CONNECT included), so nothing the provider does can leave the machine.
 */
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { startMoto } from '../../dev/moto';

export interface Emulator {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** http://127.0.0.1:<port> of the forwarding proxy. */
  readonly proxy: string;
  /** Requests the proxy refused (anything not addressed to moto), for the report. */
  readonly refused: string[];
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  return (server.address() as AddressInfo).port;
}

/** Start moto (IAM managed policies loaded: some stacks attach AWS-managed policies) and the proxy. */
export async function startEmulator(): Promise<Emulator> {
  const moto = await startMoto({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' }, startTimeoutMs: 60_000 });
  const { endpoint } = moto;
  const port = Number(new URL(endpoint).port);

  const refused: string[] = [];
  const proxyServer = createServer((req, res) => {
    // Parsed by hand: WHATWG URL rejects `<account>.127.0.0.1` (a host ending in a number must be
    // an IPv4 address), which is exactly the S3 Control host this proxy exists for.
    const target = /^http:\/\/([^/:]+)(?::(\d+))?(\/.*)?$/.exec(req.url ?? '');
    if (!target) {
      refused.push(`${req.method} ${req.url}`);
      res.writeHead(400).end(`the check's proxy takes absolute http:// URLs only, not ${req.url}`);
      return;
    }
    const [, host, targetPort, path = '/'] = target;
    const origin = `http://${host}:${targetPort ?? 80}`;
    const loopback = host === '127.0.0.1' || host.endsWith('.127.0.0.1') || host === 'localhost' || host.endsWith('.localhost');
    if (!loopback || Number(targetPort) !== port) {
      refused.push(`${req.method} ${origin}`);
      res.writeHead(403).end(`refused by the check's proxy: only moto on ${endpoint} may be reached, not ${origin}`);
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path, headers: req.headers },
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
      await moto.stop();
    },
  };
}
