/**
 * The few S3 calls irctl makes (put an object under Object Lock, list keys, create a bucket in
 * drills), signed with the SDK's own SigV4 signer. A stand-in until `@aws-sdk/client-s3` is a
 * dependency: it exposes the same `send(command)` shape and a middleware stack the call
 * recorder plugs into, so swapping it for the SDK client is mechanical.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from '@smithy/types';

/** An S3 operation: its name (as the SDK's command class) and input. */
export interface S3Command {
  readonly name: 'PutObjectCommand' | 'ListObjectsV2Command' | 'CreateBucketCommand';
  readonly input: Record<string, unknown>;
}

/** Put an object; Content-MD5 is sent because Object Lock buckets refuse puts without it. */
export function putObject(input: { Bucket: string; Key: string; Body: string; ContentType?: string }): S3Command {
  return { name: 'PutObjectCommand', input };
}

/** List keys under a prefix (one page of up to 1000; anchors per case stay far below). */
export function listObjects(input: { Bucket: string; Prefix: string }): S3Command {
  return { name: 'ListObjectsV2Command', input };
}

/** Create a bucket with Object Lock (drills and tests; the stacks create the real one). */
export function createBucket(input: { Bucket: string; ObjectLockEnabledForBucket?: boolean }): S3Command {
  return { name: 'CreateBucketCommand', input };
}

type Middleware = (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { clientName: string; commandName: string }) => (args: { input: Record<string, unknown> }) => Promise<unknown>;

/** Settings of the S3 client. */
export interface S3Settings {
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentialIdentity>;
  /** Path-style endpoint override (moto). @default virtual-hosted AWS endpoint */
  readonly endpoint?: string;
}

/** A minimal S3 client with the SDK client's `send` and `middlewareStack.add`. */
export class S3Client {
  private readonly middlewares: Middleware[] = [];
  readonly middlewareStack = { add: (mw: Middleware) => void this.middlewares.push(mw) };
  readonly config: { region: () => Promise<string> };

  constructor(private readonly settings: S3Settings) {
    this.config = { region: async () => settings.region };
  }

  /** Send a command; resolves to the parsed response, rejects with an error named by S3's code. */
  async send(command: S3Command): Promise<{ keys?: string[] }> {
    const context = { clientName: 'S3Client', commandName: command.name };
    let handler = (args: { input: Record<string, unknown> }) => this.call(command.name, args.input);
    for (const mw of [...this.middlewares].reverse()) handler = mw(handler as never, context) as typeof handler;
    return (await handler({ input: command.input })) as { keys?: string[] };
  }

  private async call(name: S3Command['name'], input: Record<string, unknown>): Promise<{ keys?: string[] }> {
    const bucket = String(input.Bucket);
    const key = input.Key === undefined ? '' : String(input.Key);
    const query: Record<string, string> = name === 'ListObjectsV2Command' ? { 'list-type': '2', prefix: String(input.Prefix ?? '') } : {};
    const body = name === 'PutObjectCommand' ? String(input.Body) : name === 'CreateBucketCommand' && this.settings.region !== 'us-east-1'
      ? `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${this.settings.region}</LocationConstraint></CreateBucketConfiguration>`
      : '';
    const headers: Record<string, string> = {};
    if (name === 'PutObjectCommand') {
      headers['content-md5'] = createHash('md5').update(body).digest('base64');
      headers['content-type'] = String(input.ContentType ?? 'application/json');
    }
    if (name === 'CreateBucketCommand' && input.ObjectLockEnabledForBucket) headers['x-amz-bucket-object-lock-enabled'] = 'true';
    const method = name === 'ListObjectsV2Command' ? 'GET' : 'PUT';
    const url = this.url(bucket, key, query);
    headers.host = url.host;
    const signer = new SignatureV4({ service: 's3', region: this.settings.region, credentials: this.settings.credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
    const signed = await signer.sign({ method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers, body });
    const res = await fetch(url, { method, headers: signed.headers, body: method === 'GET' ? undefined : body });
    const text = await res.text();
    if (!res.ok) {
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `Http${res.status}`;
      const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200);
      throw Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: res.status } });
    }
    if (name === 'ListObjectsV2Command') return { keys: [...text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => decodeXml(m[1])) };
    return {};
  }

  private url(bucket: string, key: string, query: Record<string, string>): URL {
    const path = key ? `/${key.split('/').map(encodeURIComponent).join('/')}` : '/';
    const base = this.settings.endpoint
      ? new URL(`${this.settings.endpoint.replace(/\/$/, '')}/${bucket}${path}`)
      : new URL(`https://${bucket}.s3.${this.settings.region}.amazonaws.com${path}`);
    for (const [k, v] of Object.entries(query)) base.searchParams.set(k, v);
    return base;
  }
}

/** Credentials of any SDK client as a provider (the SDK resolves the chain, the role session). */
export function credentialsOf(client: { config: { credentials: AwsCredentialIdentityProvider } }): () => Promise<AwsCredentialIdentity> {
  return () => client.config.credentials();
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

// The signer's hash interface: SHA-256, or HMAC-SHA-256 when given a secret.
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}
