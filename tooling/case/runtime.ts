/**
 * Turning global CLI options into a running case: config, regions, clients, role sessions,
 * reporter and prompts. Kept apart from the command table so tests can build one directly.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { CONFIG_ENV_VAR, loadOrgConfig, type OrgConfig, resolveConfigPath } from '../../config';
import { cleanRoom, forensicsRegion } from '../../shared/addresses';
import { isCommercialRegion } from '../../config/regions';
import { LOOKUP_EVENTS_HORIZON_DAYS } from '../analysis/trail';
import { AwsClients, type ClientSettings } from '../aws/clients';
import { explainAwsError, unreachableCode } from '../aws/errors';
import { callerArn, SessionBroker, type SessionSource } from '../aws/session';
import type { CaseContext, CaseValidation, Inventory, Validation } from '../model';
import type { AnchorTarget } from './anchor';
import { currentDate, systemClock, type Clock } from '../clock';
import { type Reporter, streamReporter } from './output';
import { FLAG_CHECKS } from './ids';
import { UsageError } from './usage';

/** Global options every command accepts. */
export interface GlobalOptions {
  readonly case?: string;
  readonly account?: string;
  readonly regions?: string;
  readonly config?: string;
  readonly apply?: boolean;
  readonly yesIrreversible?: boolean;
  readonly mfaSerial?: string;
  readonly mfaToken?: string;
  readonly json?: boolean;
  readonly endpoint?: string;
  readonly caseDir?: string;
  /** commander's `--no-assume` sets this false. */
  readonly assume?: boolean;
  readonly since?: string;
  readonly until?: string;
  /** Bucket for journal anchors (default: the forensics evidence bucket of the config, when assuming roles). */
  readonly anchorBucket?: string;
}

/** A case ready for phases to run on. */
export interface Runtime {
  readonly ctx: CaseContext;
  readonly base: AwsClients;
  readonly sessions: SessionSource;
  readonly reporter: Reporter;
  readonly apply: boolean;
  readonly yesIrreversible: boolean;
  readonly json: boolean;
  readonly clock: Clock;
  /** Interactive question; absent when stdin is not a terminal. */
  readonly ask?: (question: string) => Promise<string>;
  /** The org config file in force (--config, $IR_GUARDRAILS_CONFIG or the example). */
  readonly configPath: string;
  /** The IR roles of another account, same MFA and assume settings (hunt queries Athena in the security account). */
  readonly sessionsIn: (accountId: string) => SessionSource;
  /** The account a call meant for `accountId` really runs in: that one, or with --no-assume the caller's own. */
  readonly actingAccount: (accountId: string) => string;
  /** Where journal heads are anchored; absent: only in the case directory (a cut tail goes unseen). */
  readonly anchor?: AnchorTarget;
  /** The org config (--config), read when a command needs it. */
  readonly config: () => OrgConfig;
}

/** Hooks tests and benchmarks pass in (client middleware, clock, prompt). */
export interface RuntimeHooks {
  readonly onClient?: ClientSettings['onClient'];
  readonly clock?: Clock;
  readonly ask?: (question: string) => Promise<string>;
  readonly reporter?: Reporter;
  /** Credentials for the base clients (tests: moto's dummy keys). */
  readonly credentials?: ClientSettings['credentials'];
}

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,48}$/;

/** Refuse a missing or malformed case ID (it becomes a path, a tag and a session name). */
export function checkCaseId(caseId: string | undefined): asserts caseId is string {
  if (!caseId) throw new UsageError('No case ID. Fix: pass --case <id>, e.g. --case IR-2026-0042 (it names the journal, tags and role sessions).');
  if (!CASE_ID.test(caseId)) throw new UsageError(`Case ID "${caseId}" has characters tags and session names cannot carry. Fix: use letters, digits, dot, dash or underscore (max 49).`);
}

/** The case directory the options name (default cases/<case>). */
export function caseDirOf(opts: GlobalOptions): string {
  return resolve(opts.caseDir ?? `cases/${opts.case}`);
}

/** Build the runtime; throws a sentence naming the problem and the fix. */
export async function openRuntime(opts: GlobalOptions, hooks: RuntimeHooks = {}): Promise<Runtime> {
  checkCaseId(opts.case);
  const clock = hooks.clock ?? systemClock;
  const { start, end } = checkLocalOptions(opts, clock);
  const reporter = hooks.reporter ?? streamReporter({ json: !!opts.json });
  const base = new AwsClients({ endpoint: opts.endpoint, onClient: hooks.onClient, credentials: hooks.credentials });
  const assume = opts.assume !== false;
  let accountId = opts.account;
  if (!accountId && assume) throw new UsageError('No target account. Fix: pass --account <12-digit id> (or --no-assume to act as the current credentials).');
  if (!assume) {
    // Without role assumption the credentials decide the account: a different --account would
    // label the case (and an --apply) for one account while acting in another.
    const caller = await callerArn(base).catch((err: Error) => {
      if (unreachableCode(err)) throw new Error(`Could not tell which account the current credentials belong to: ${explainAwsError(err, { action: 'sts:GetCallerIdentity' })}`);
      throw new Error(`Could not tell which account the current credentials belong to (${err.message}). Fix: set AWS_PROFILE or the AWS_* credential variables, or pass --account with the IR roles.`);
    });
    const callerAccount = caller.split(':')[4];
    if (accountId && accountId !== callerAccount) {
      throw new UsageError(
        `--account ${accountId} does not match the current credentials, which belong to account ${callerAccount} (${caller}); with --no-assume irctl acts as those credentials. Fix: pass --account ${callerAccount}, or use credentials of ${accountId}, or drop --no-assume to assume the IR role in ${accountId}.`,
      );
    }
    accountId = callerAccount;
  }
  if (!accountId) throw new UsageError('No target account. Fix: pass --account <12-digit id>.');
  if (!/^\d{12}$/.test(accountId)) throw new UsageError(`Account "${accountId}" is not a 12-digit AWS account ID. Fix: pass --account 123456789012.`);
  const ask = hooks.ask ?? (process.stdin.isTTY ? terminalQuestion : undefined);
  const sessions = new SessionBroker(base, { caseId: opts.case, accountId, assume, mfaSerial: opts.mfaSerial, mfaToken: opts.mfaToken, promptToken: ask });
  const regions = await resolveRegions(opts, sessions);
  const ctx: CaseContext = { caseId: opts.case, accountId, regions, window: { start, end }, caseDir: caseDirOf(opts) };
  const sessionsIn = (id: string): SessionSource =>
    id === accountId ? sessions : new SessionBroker(base, { caseId: opts.case!, accountId: id, assume, mfaSerial: opts.mfaSerial, mfaToken: opts.mfaToken, promptToken: ask });
  const configPath = configPathOf(opts);
  return {
    ctx, base, sessions, reporter, apply: !!opts.apply, yesIrreversible: !!opts.yesIrreversible, json: !!opts.json, clock, ask,
    configPath, sessionsIn, actingAccount: (id: string) => (assume ? id : accountId), anchor: anchorTarget(opts, assume), config: () => loadOrgConfig(configPath),
  };
}

/** The global options that need no AWS call to check (config file, window); throws a UsageError, else returns the window. */
export function checkLocalOptions(opts: GlobalOptions, clock: Clock): { start: Date; end: Date } {
  // A named config that is not there must not be silently replaced by the example (verify, report
  // and --no-assume runs would otherwise never read it).
  if (opts.config && !existsSync(resolve(opts.config))) {
    throw new UsageError(`--config ${opts.config}: file not found (${resolve(opts.config)}). Fix: pass --config with an existing org config file, or drop --config to use $${CONFIG_ENV_VAR} or the example.`);
  }
  // An impossible window would query nothing and report "0 events" as if the account were clean.
  const end = opts.until ? parseDate(opts.until, '--until') : currentDate(clock);
  const start = opts.since ? parseDate(opts.since, '--since') : defaultWindowStart(end);
  checkWindow(start, end, currentDate(clock), opts);
  return { start, end };
}

/** --config wins over $IR_GUARDRAILS_CONFIG (a flag is the more specific choice), else the example. */
function configPathOf(opts: GlobalOptions): string {
  return opts.config ? resolve(opts.config) : resolveConfigPath();
}

/**
 * --anchor-bucket, else the forensics evidence bucket the stacks deploy (Object Lock), named
 * after the config's forensics account and home region. Without role assumption (drills on an
 * emulator) only an explicit bucket is used.
 */
function anchorTarget(opts: GlobalOptions, assume: boolean): AnchorTarget | undefined {
  if (opts.anchorBucket) {
    FLAG_CHECKS.anchorBucket(opts.anchorBucket);
    const config = assume ? loadOrgConfig(configPathOf(opts)) : undefined;
    return { bucket: opts.anchorBucket, region: config ? forensicsRegion(config) : 'us-east-1' };
  }
  if (!assume) return undefined;
  const config = loadOrgConfig(configPathOf(opts));
  if (!config.accounts.forensics.id) return undefined;
  const room = cleanRoom(config, config.accounts.forensics.id);
  return { bucket: room.bucketName, region: room.region };
}

/**
 * Without --since: as far back as CloudTrail LookupEvents answers, less an hour. The horizon
 * moves with the clock, so a start exactly 90 days back is already past it when scope runs a
 * moment later, and every default run would report the window as cut.
 */
export function defaultWindowStart(end: Date): Date {
  return new Date(end.getTime() - LOOKUP_EVENTS_HORIZON_DAYS * 86_400_000 + DEFAULT_WINDOW_MARGIN_MS);
}

/** Slack between the default window start and LookupEvents' horizon (a long run stays inside it). */
export const DEFAULT_WINDOW_MARGIN_MS = 3_600_000;

/** `--regions a,b` (checked), else the org config's allowed regions plus those enabled in the account. */
async function resolveRegions(opts: GlobalOptions, sessions: SessionBroker): Promise<string[]> {
  if (opts.regions) {
    const list = opts.regions.split(',').map((r) => r.trim()).filter(Boolean);
    const unknown = list.filter((r) => !isCommercialRegion(r));
    if (unknown.length) throw new UsageError(`Unknown region${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Fix: use region names such as us-east-1 (aws ec2 describe-regions lists them).`);
    return [...new Set(list)];
  }
  const config = loadOrgConfig(configPathOf(opts));
  // Attackers launch where the guardrails are not: scan every enabled region, not only the allowed ones.
  const analyst = await sessions.session('analyst');
  const out = await analyst.clients.ec2(analyst.clients.homeRegion).send(new DescribeRegionsCommand({ AllRegions: false }));
  const enabled = (out.Regions ?? []).map((r) => r.RegionName!).filter(isCommercialRegion);
  return [...new Set([...config.regions.allowed, ...enabled])];
}

function parseDate(text: string, flag: string): Date {
  // Without a zone, JavaScript reads a date-time as local time: demand one rather than guess.
  if (/T\d/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    throw new UsageError(`${flag} "${text}" has no time zone and would be read as local time. Fix: end it with Z for UTC, e.g. ${text}Z.`);
  }
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag} "${text}" is not a date. Fix: use ISO 8601 UTC, e.g. 2026-11-20T00:00:00Z.`);
  return d;
}

/** Refuse a window that cannot hold any event: empty, reversed, or wholly in the future. */
function checkWindow(start: Date, end: Date, now: Date, opts: GlobalOptions): void {
  const since = opts.since ? `--since ${start.toISOString()}` : `the default start ${start.toISOString()}`;
  if (start.getTime() >= end.getTime()) {
    throw new UsageError(`${since} is not before --until ${end.toISOString()}: the window is empty. Fix: pass a --since earlier than --until (both UTC, e.g. --since 2026-11-20T00:00:00Z).`);
  }
  if (start.getTime() > now.getTime()) {
    throw new UsageError(`${since} is in the future (now is ${now.toISOString()}): no event can be in the window. Fix: pass a --since in the past, e.g. --since ${new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z.`);
  }
}

async function terminalQuestion(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Read a phase output saved in the case directory, if present. */
export function readCaseFile<T>(ctx: Pick<CaseContext, 'caseDir'>, name: 'validation.json' | 'inventory.json'): T | undefined {
  const file = resolve(ctx.caseDir, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Every subject validated in the case (validation.json holds `{ subjects }`; an older file holds one validation). */
export function readValidations(ctx: Pick<CaseContext, 'caseDir'>): Validation[] {
  const file = readCaseFile<CaseValidation | Validation>(ctx, 'validation.json');
  if (!file) return [];
  return 'subjects' in file ? [...file.subjects] : [file];
}

/** Save a phase output in the case directory. */
export function writeCaseFile(ctx: CaseContext, name: 'validation.json' | 'inventory.json' | 'report.md', body: CaseValidation | Validation | Inventory | string): string {
  mkdirSync(ctx.caseDir, { recursive: true });
  const file = resolve(ctx.caseDir, name);
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n');
  return file;
}
