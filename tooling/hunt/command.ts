/**
 * `irctl hunt`: gathers the indicators (flags and the case's own records), checks them all
 * before any AWS call, finds the investigation workgroup in the security account, and runs the
 * org-wide hunt as SecurityAnalyst there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { loadOrgConfig } from '../../config';
import { ATHENA } from '../../shared/names';
import { errorMessage } from '../aws/errors';
import type { TrailSource } from '../analysis/scope';
import type { SessionSource } from '../aws/session';
import { Journal } from '../case/journal';
import { anchorPhaseEnd, lockCase } from '../case/open';
import { readCaseFile, readValidations, type Runtime } from '../case/runtime';
import type { CommandResult } from '../command-result';
import type { CaseContext, IndicatorClass, Inventory, StepFailure } from '../model';
import { athenaFix } from './athena';
import { hunt } from './hunt';
import { huntFiles, huntOutcome, recordHunt } from './record';
import { athenaTrailSource } from './scope-source';
import { caseIndicators, checkIndicators, indicatorCount, mergeIndicators, type IndicatorSet } from './indicators';
import { checkRegion, wholeNumber } from '../case/ids';
import { UsageError } from '../case/usage';

/** Flags of `hunt` (commander names; repeatable ones are lists). */
export interface HuntFlags {
  readonly accessKey?: readonly string[];
  readonly sourceIp?: readonly string[];
  readonly userAgent?: readonly string[];
  readonly ami?: readonly string[];
  readonly keyName?: readonly string[];
  readonly userDataSha256?: readonly string[];
  readonly poolDomain?: readonly string[];
  readonly poolIp?: readonly string[];
  /** `--no-case-indicators` sets false: only the flags are hunted. */
  readonly caseIndicators?: boolean;
  readonly athenaRegion?: string;
  readonly maxRows?: string;
  readonly queryTimeout?: string;
}

function flagIndicators(flags: HuntFlags): IndicatorSet {
  const pick: Array<[IndicatorClass, readonly string[] | undefined]> = [
    ['access-key', flags.accessKey], ['source-ip', flags.sourceIp], ['user-agent', flags.userAgent], ['ami', flags.ami],
    ['key-pair', flags.keyName], ['user-data-sha256', flags.userDataSha256], ['pool-domain', flags.poolDomain], ['pool-ip', flags.poolIp],
  ];
  return Object.fromEntries(pick.filter(([, v]) => v?.length).map(([k, v]) => [k, [...v!]]));
}

/** What a hunt run searches and with which limits, from its flags and the case's records. */
interface HuntInputs {
  readonly flagged: IndicatorSet;
  readonly indicators: IndicatorSet;
  readonly maxRows: number;
  readonly timeoutMinutes: number;
}

/**
 * Every check of hunt's input that needs no AWS call (the CLI runs it before opening a session,
 * huntCommand again on its own); throws a UsageError naming the flag and the fix.
 */
export function huntInputs(ctx: Pick<CaseContext, 'caseDir'>, flags: HuntFlags): HuntInputs {
  const flagged = checkIndicators(flagIndicators(flags));
  const maxRows = flags.maxRows === undefined ? 10_000 : wholeNumber('--max-rows', flags.maxRows, 1_000_000, 10_000);
  const timeoutMinutes = flags.queryTimeout === undefined ? 15 : wholeNumber('--query-timeout', flags.queryTimeout, 24 * 60, 15);
  if (flags.athenaRegion !== undefined) checkRegion('--athena-region', flags.athenaRegion);
  const fromCase = flags.caseIndicators === false ? {} : caseIndicators(readValidations(ctx), readCaseFile<Inventory>(ctx, 'inventory.json'));
  const indicators = mergeIndicators(flagged, fromCase);
  if (indicatorCount(indicators) === 0) {
    throw new UsageError('Nothing to hunt for. Fix: pass indicators (--access-key, --source-ip, --user-agent, --ami, --key-name, --pool-domain, --pool-ip), or run validate and scope first so the case has them.');
  }
  return { flagged, indicators, maxRows, timeoutMinutes };
}

/** The workgroup must exist and be enabled where the hunt looks for it. */
async function checkWorkgroup(sessions: SessionSource, region: string, account: string): Promise<void> {
  const analyst = await sessions.session('analyst');
  let state: string | undefined;
  try {
    state = (await analyst.clients.athena(region).send(new GetWorkGroupCommand({ WorkGroup: ATHENA.workgroup }))).WorkGroup?.State;
  } catch (error) {
    const message = errorMessage(error);
    throw new Error(`Cannot read Athena workgroup ${ATHENA.workgroup} in ${region} of account ${account}: ${message}. Fix: ${athenaFix(message)}.`);
  }
  if (!state) {
    throw new Error(`Athena workgroup ${ATHENA.workgroup} does not exist in ${region} of account ${account}. Fix: deploy the security-athena stack, or pass --athena-region with the org's home region.`);
  }
  if (state !== 'ENABLED') throw new Error(`Athena workgroup ${ATHENA.workgroup} in ${region} is ${state}. Fix: enable it (SecurityAdmin), then rerun hunt.`);
}

/** hunt: search every account and region of the organization's logs for the case's indicators. */
export async function huntCommand(rt: Runtime, flags: HuntFlags): Promise<CommandResult> {
  // Every flag value is checked before anything else: a typo must not cost a query.
  const { flagged, indicators, maxRows, timeoutMinutes } = huntInputs(rt.ctx, flags);
  const config = loadOrgConfig(rt.configPath);
  const region = flags.athenaRegion ?? config.organization.homeRegion;
  rt.reporter.progress(`hunting ${indicatorCount(indicators)} indicator(s) (${indicatorCount(flagged)} from flags) from ${rt.ctx.window.start.toISOString()} to ${rt.ctx.window.end.toISOString()}`);

  const security = config.accounts.security.id;
  const sessions = rt.sessionsIn(security);
  await checkWorkgroup(sessions, region, rt.actingAccount(security));
  const analyst = await sessions.session('analyst');
  // The run's files go into the case journal and its head is anchored, as any phase's: a damaged
  // journal is refused before a query costs anything, and the lock keeps two runs apart.
  mkdirSync(rt.ctx.caseDir, { recursive: true });
  const unlock = lockCase(rt.ctx.caseDir);
  try {
    const journal = Journal.open(rt.ctx.caseDir, { caseId: rt.ctx.caseId, caller: analyst.caller, clock: rt.clock });
    const summary = await hunt({
      caseId: rt.ctx.caseId,
      caseAccountId: rt.ctx.accountId,
      caseDir: rt.ctx.caseDir,
      indicators,
      window: rt.ctx.window,
      athena: analyst.clients.athena(region),
      athenaRegion: region,
      target: { workgroup: ATHENA.workgroup, database: ATHENA.database },
      maxRows,
      query: { timeoutMs: timeoutMinutes * 60_000 },
      onProgress: (m) => rt.reporter.progress(m),
      clock: rt.clock,
    });
    const entry = recordHunt(journal, rt.ctx.caseDir, summary);

    const failures: StepFailure[] = summary.results.filter((r) => r.error).map((r) => ({ step: `hunt/${r.cls}`, target: r.values.join(', '), message: r.error! }));
    for (const r of summary.results) {
      if (r.notSearched) rt.reporter.warn(`${r.cls} (${r.values.join(', ')}) not searched: ${r.notSearched}`);
      if (r.truncated) rt.reporter.warn(`${r.cls}: ${r.rows} rows, the --max-rows limit; there may be more. Narrow --since/--until or raise --max-rows.`);
    }
    const outcome = huntOutcome(rt.ctx.caseDir, summary, entry.seq);
    if (outcome.accountsOutsideCase.length) rt.reporter.warn(`indicators seen in other accounts: ${outcome.accountsOutsideCase.join(', ')}. Open a case per account (validate, scope) before containing there.`);
    rt.reporter.progress(`hunt results in ${outcome.runDir}`);
    // Only break-glass may put anchors in the evidence bucket; without a bucket nothing is sent.
    const anchorClients = rt.anchor ? (await rt.sessions.session('breakGlass')).clients : analyst.clients;
    const anchorFailure = await anchorPhaseEnd({ ctx: rt.ctx, phase: 'hunt', anchor: rt.anchor, reporter: rt.reporter }, anchorClients, journal, rt.clock);
    if (anchorFailure) failures.push(anchorFailure);
    const files = huntFiles(summary).map((f) => join(rt.ctx.caseDir, f));
    return { command: 'hunt', results: [], failures, files, hunt: outcome, exitCode: failures.length ? 1 : 0 };
  } finally {
    unlock();
  }
}

/** scope --source athena: the organization trail through the security account's workgroup, as SecurityAnalyst there. */
export async function athenaScopeSource(rt: Runtime, flags: Pick<HuntFlags, 'athenaRegion'> = {}): Promise<TrailSource> {
  const config = loadOrgConfig(rt.configPath);
  const region = flags.athenaRegion ?? config.organization.homeRegion;
  const sessions = rt.sessionsIn(config.accounts.security.id);
  await checkWorkgroup(sessions, region, rt.actingAccount(config.accounts.security.id));
  const analyst = await sessions.session('analyst');
  return athenaTrailSource({
    athena: analyst.clients.athena(region),
    target: { workgroup: ATHENA.workgroup, database: ATHENA.database },
    window: rt.ctx.window,
    onRows: (rows, limit) => {
      rt.reporter.progress(`Athena: ${rows} attacker events in the organization trail`);
      if (rows >= limit) rt.reporter.warn(`the organization trail returned ${limit} events, the limit: narrow --since/--until to see the rest`);
    },
  });
}
