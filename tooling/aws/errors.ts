/**
 * Turns AWS SDK errors into one sentence naming the problem and the fix, because a responder
 * at 3 a.m. should not have to decode `UnauthorizedOperation` or a malformed-ID error.
 */

/** Where an error happened, for the sentence. */
export interface ErrorContext {
  /** IAM action attempted, e.g. `ec2:ModifyNetworkInterfaceAttribute`. */
  readonly action?: string;
  /** Role or caller ARN that made the call. */
  readonly role?: string;
  readonly region?: string;
  readonly target?: string;
}

/** The error code an SDK v3 error carries (`name`, or `Code` on some query-protocol errors). */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; Code?: string; code?: string };
    return e.Code ?? e.name ?? e.code ?? 'Error';
  }
  return 'Error';
}

/** The raw message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * When the endpoint answered with something that is not an AWS API response (an HTML error page:
 * an emulator or proxy that does not implement the call), one sentence saying so; else undefined.
 * The SDK's own text ("Deserialization error: ... inspect the hidden field") helps no responder.
 */
export function notAnAwsAnswer(err: unknown): string | undefined {
  const e = err as { message?: string; $response?: { statusCode?: number; headers?: Record<string, string> } } | undefined;
  if (!e?.message || !/Deserialization error/.test(e.message)) return undefined;
  const type = e.$response?.headers?.['content-type']?.split(';')[0];
  const what = [e.$response?.statusCode ? `HTTP ${e.$response.statusCode}` : undefined, type].filter(Boolean).join(', ');
  return `the endpoint answered${what ? ` (${what})` : ''} with something that is not an AWS API response: it does not implement this call (check --endpoint)`;
}

const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled', 'RequestThrottledException', 'SlowDown']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'Forbidden']);
const UNKNOWN_REGION = new Set(['UnrecognizedClientException', 'AuthFailure', 'InvalidClientTokenId', 'OptInRequired']);

/** True when AWS refused the call for lack of permission. */
export function isAccessDenied(err: unknown): boolean {
  return DENIED.has(errorCode(err));
}

/** For `.catch`: a NotFound / Malformed answer becomes undefined (the resource is not there); any other error is rethrown. */
export function notFound(err: unknown): undefined {
  if (/NotFound|Malformed|NoSuchEntity/.test(errorCode(err))) return undefined;
  throw err;
}

/** True when an EC2 `DryRun: true` call reports that the real call would have been allowed. */
export function isDryRunOk(err: unknown): boolean {
  return errorCode(err) === 'DryRunOperation';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/** The network error code when the endpoint could not be reached at all (no AWS answer). */
export function unreachableCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  const code = e?.code ?? e?.cause?.code;
  if (code && UNREACHABLE.has(code)) return code;
  // The SDK may wrap the socket error ("AWS SDK error wrapper for Error: connect ECONNREFUSED ...").
  return [...UNREACHABLE].find((c) => new RegExp(`\\b${c}\\b`).test(errorMessage(err)));
}

/** One sentence: what failed, why, and what to do about it. */
export function explainAwsError(err: unknown, ctx: ErrorContext = {}): string {
  const unreachable = unreachableCode(err);
  if (unreachable) {
    return `${ctx.action ?? 'the call'}: the AWS endpoint could not be reached (${unreachable}: ${errorMessage(err)}). Fix: check --endpoint (is the emulator running on that port?) or the network and proxy settings, then rerun.`;
  }
  const code = errorCode(err);
  const msg = errorMessage(err);
  const where = [ctx.target, ctx.region && `in ${ctx.region}`].filter(Boolean).join(' ');
  const action = ctx.action ?? 'the call';
  if (/^Deserialization error/i.test(msg) || msg.includes('$response')) {
    // The answer was not AWS's (a proxy page, an emulator without this API, a wrong --endpoint).
    return `${action}${where ? ` on ${where}` : ''} got an answer that is not an AWS response (${code}). Fix: check --endpoint and any proxy; an emulator may not implement this API.`;
  }
  if (DENIED.has(code)) {
    return (
      `${action}${where ? ` on ${where}` : ''} was denied for ${ctx.role ?? 'the current credentials'} (${code}). ` +
      `Fix: run as the IR role that grants it (reads as SecurityAnalyst, writes as SecurityBreakGlass: drop --no-assume, pass --account), and ask the platform team whether an SCP denies ${action} in that region.`
    );
  }
  if (THROTTLED.has(code)) {
    return `${action}${where ? ` on ${where}` : ''} was throttled by AWS (${code}), still after the SDK's retries. Fix: wait a minute, then rerun the same command.`;
  }
  if (/^InvalidInstanceID\.(NotFound|Malformed)$/.test(code)) {
    return `Instance ${ctx.target ?? ''} was not found${ctx.region ? ` in ${ctx.region}` : ''} (${code}: ${msg}). Fix: check the instance ID, --account and --regions.`;
  }
  if (/NotFound|NoSuchEntity/.test(code)) {
    return `${action}: ${ctx.target ?? 'the resource'} does not exist${ctx.region ? ` in ${ctx.region}` : ''} (${code}: ${msg}). Fix: check the ID, or rerun scope if it was already removed.`;
  }
  if (UNKNOWN_REGION.has(code)) {
    return `${action}${ctx.region ? ` in ${ctx.region}` : ''} failed with ${code}: the region may be disabled for this account or unknown. Fix: check --regions (or enable the region) and the credentials.`;
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    return `The role session expired during ${action}. Fix: rerun the same command; it resumes from the journal and skips what is done.`;
  }
  return `${action}${where ? ` on ${where}` : ''} failed: ${code}: ${msg}`;
}
