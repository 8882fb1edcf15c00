/**
 * irctl: the incident-response playbook as a command line. A thin table of commands handing
 * off to plain async functions (tooling/commands.ts, tooling/record-commands.ts); errors go to stderr as a sentence with
 * the fix, and the exit code says whether everything completed.
 */
import { Command, CommanderError, Option } from 'commander';
import type { CommandResult } from './command-result';
import type { StepFailure } from './model';
import {
  containCredentialsCommand,
  containInstancesCommand,
  eradicateCommand,
  runAllCommand,
  scopeCommand,
  type TargetFlags,
  validateCommand,
} from './commands';
import { handoffCommand, releaseCommand, reportCommand, verifyCommand } from './record-commands';
import { checkCommandLine } from './case/command-line';
import { systemClock } from './clock';
import { ATTACKER_CREDENTIALS_FLAG } from './case/executor';
import { UsageError } from './case/usage';
import { type Reporter, streamReporter } from './case/output';
import { huntCommand, type HuntFlags } from './hunt/command';
import { type GlobalOptions, openRuntime, type Runtime, type RuntimeHooks } from './case/runtime';

type Handler = (rt: Runtime, flags: TargetFlags) => Promise<CommandResult>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The command table: name, what it does, which target flags it takes, and its handler. */
const COMMANDS: ReadonlyArray<{ name: string; summary: string; flags: ReadonlyArray<keyof typeof TARGET_FLAGS>; run: Handler }> = [
  { name: 'validate', summary: 'who owns the finding / instance / key, and how it was launched', flags: ['finding', 'region', 'instance', 'accessKey'], run: validateCommand },
  { name: 'scope', summary: 'everything the attacker touched, in every region (writes inventory.json)', flags: ['accessKey', 'principal', 'source'], run: scopeCommand },
  {
    name: 'hunt',
    summary: "search every account and region's logs (Athena) for the case's indicators; writes hunt/*.csv (docs/runbook.md)",
    flags: ['huntAccessKey', 'sourceIp', 'userAgent', 'ami', 'keyName', 'userDataSha256', 'poolDomain', 'poolIp', 'caseIndicators', 'athenaRegion', 'maxRows', 'queryTimeout'],
    run: (rt, flags) => huntCommand(rt, flags as HuntFlags),
  },
  {
    name: 'contain-credentials',
    summary: 'deactivate keys, attach deny-all, revoke sessions: of the named key/principal/--user/--role and of users and roles CloudTrail ties to the attacker (a role: its older sessions only); other users and roles scope found are listed as suspects, untouched',
    flags: ['accessKey', 'principal', 'user', 'role'],
    run: containCredentialsCommand,
  },
  { name: 'contain-instances', summary: 'instances CloudTrail ties to the attacker, or --instance (heuristic suspects are listed): evidence, snapshots, isolation, Auto Scaling/ELB/profile hold, fleets held at capacity 0, Elastic IPs disassociated (all reversible)', flags: ['instance', 'networkAclCut', 'includeHeuristic'], run: containInstancesCommand },
  {
    name: 'eradicate',
    summary: 'cancel Spot requests and fleets, terminate after snapshots complete, release Elastic IPs; delete Auto Scaling groups, key pairs, AMIs, backdoor users (each confirmed; the plan only reads them)',
    flags: ['instance', 'keyPair', 'image', 'user', 'fleet', 'autoScalingGroup', 'includeHeuristic'],
    run: eradicateCommand,
  },
  {
    name: 'release',
    summary: 'undo the containment recorded in the journal: the whole case, or only --instance / --user / --role / --access-key (releasing an instance never re-enables a credential)',
    flags: ['instance', 'user', 'role', 'accessKey', 'releaseAttackerCredentials', 'releaseAttackerCompute'],
    run: releaseCommand,
  },
  {
    name: 'handoff',
    summary: "copy the case's snapshots re-encrypted with the forensics key and share them with the forensics account only; the report says how to attach them in the clean room",
    flags: [],
    run: (rt) => handoffCommand(rt),
  },
  { name: 'report', summary: 'write report.md: timeline, inventory, actions, what remains manual', flags: [], run: (rt) => reportCommand(rt) },
  { name: 'verify', summary: 'check the journal hash chain against its anchored head, and re-hash every evidence and hunt file it records', flags: [], run: (rt) => verifyCommand(rt) },
  { name: 'run', summary: 'validate, scope, contain credentials and instances, eradicate, report', flags: ['finding', 'region', 'instance', 'accessKey', 'principal', 'includeHeuristic', 'source'], run: runAllCommand },
];

const TARGET_FLAGS = {
  finding: () => new Option('--finding <id>', 'GuardDuty finding ID'),
  region: () => new Option('--region <region>', 'region of the finding or instance'),
  instance: () => new Option('--instance <id>', 'instance ID (repeatable; release: only these instances)').argParser(collect),
  accessKey: () => new Option('--access-key <id>', 'the stolen access key ID (release: re-activate only this key)'),
  principal: () => new Option('--principal <arn>', 'attacker IAM user/role ARN'),
  user: () =>
    new Option('--user <name>', 'IAM user name (repeatable). contain-credentials: contain this user (a suspect is contained only when named here); eradicate: delete it; release: release only it').argParser(collect),
  role: () =>
    new Option('--role <name>', "IAM role name (repeatable). contain-credentials: revoke this role's sessions issued before now (a suspect role is revoked only when named here; never an IR or service-linked role); release: remove only its revocation").argParser(collect),
  keyPair: () => new Option('--key-pair <region:name>', 'key pair to delete (repeatable)').argParser(collect),
  image: () => new Option('--image <region:ami>', 'AMI to deregister (repeatable)').argParser(collect),
  fleet: () =>
    new Option('--fleet <region:id>', 'Spot Fleet (sfr-…) or EC2 Fleet (fleet-…) to cancel, its running instances snapshotted then terminated first (repeatable; for a fleet scope did not tie to the attacker, or just this one)').argParser(
      collect,
    ),
  autoScalingGroup: () =>
    new Option('--auto-scaling-group <region:name>', 'Auto Scaling group to delete: sized to 0, its instances snapshotted then terminated first, then deleted (repeatable)').argParser(collect),
  networkAclCut: () =>
    new Option(
      '--network-acl-cut',
      'also put a deny-all network ACL on each subnet that holds only suspect instances: ends connections a security group change leaves open (tracked flows), but cuts the whole subnet, your own access too; release restores the ACL',
    ),
  releaseAttackerCredentials: () =>
    new Option(
      '--release-attacker-credentials',
      "confirm re-enabling credentials the evidence ties to the attacker (the validated stolen key and its owner's deny-all, users CloudTrail shows they created) without typing each key ID or user name; for automation, once the case is a false positive",
    ),
  releaseAttackerCompute: () =>
    new Option(
      '--release-attacker-compute',
      'confirm putting back compute CloudTrail ties to the attacker (their instances, the capacity of their fleets, their Auto Scaling groups) without typing each ID; for automation, once the case is a false positive',
    ),
  includeHeuristic: () =>
    new Option('--include-heuristic', 'also act on what scope attributed by heuristics only, not CloudTrail (contain-instances: contain the suspects it lists; eradicate: remove them); check the list first'),
  source: () => new Option('--source <source>', 'where attacker events come from: cloudtrail (LookupEvents, 90 days, this account) or athena (org trail, every account, data events)').choices(['cloudtrail', 'athena']).default('cloudtrail'),
  huntAccessKey: () => new Option('--access-key <id>', 'access key ID to hunt (repeatable)').argParser(collect),
  sourceIp: () => new Option('--source-ip <ip>', 'attacker source IP in CloudTrail (repeatable)').argParser(collect),
  userAgent: () => new Option('--user-agent <ua>', 'attacker user agent, exact (repeatable)').argParser(collect),
  ami: () => new Option('--ami <id>', 'AMI ID (repeatable)').argParser(collect),
  keyName: () => new Option('--key-name <name>', 'key pair name (repeatable)').argParser(collect),
  userDataSha256: () => new Option('--user-data-sha256 <hash>', 'UserData SHA-256 (repeatable; no log holds UserData, listed as manual)').argParser(collect),
  poolDomain: () => new Option('--pool-domain <name>', 'mining-pool domain, subdomains included (repeatable)').argParser(collect),
  poolIp: () => new Option('--pool-ip <ip>', 'mining-pool IP in Flow Logs (repeatable)').argParser(collect),
  caseIndicators: () => new Option('--no-case-indicators', 'hunt only the flags, not the indicators in validation.json and inventory.json'),
  athenaRegion: () => new Option('--athena-region <region>', 'region of the investigation workgroup (default: the org home region)'),
  maxRows: () => new Option('--max-rows <n>', 'rows kept per indicator kind (default 10000)'),
  queryTimeout: () => new Option('--query-timeout <minutes>', 'stop a query still running after this long (default 15)'),
} as const;

/** Streams and hooks main() writes to (tests pass their own). */
export interface CliIo {
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  readonly hooks?: RuntimeHooks;
}

/** What a command printed as it ran: --json carries it too. */
interface Said {
  readonly progress: string[];
  readonly warnings: string[];
}

/** Build the commander program; `onResult` receives each finished command. */
function program(io: CliIo, said: Said, onResult: (r: CommandResult, json: boolean) => void): Command {
  const root = new Command('irctl')
    .description('Incident response for EC2 cryptomining: plans by default, acts with --apply, journals everything.')
    .requiredOption('--case <id>', 'case ID, e.g. IR-2026-0042 (journal, tags, session names)')
    .option('--account <id>', 'target account (12 digits)')
    .option('--regions <list>', 'comma-separated regions (default: org config allowed + enabled in the account)')
    .option('--config <file>', 'org config file (default: $IR_GUARDRAILS_CONFIG or the example)')
    .option('--apply', 'act; without it irctl only plans (reversible EC2 steps sent with DryRun; irreversible steps never sent, their targets only read)', false)
    .option('--yes-irreversible', 'confirm every irreversible step (terminate, delete, release EIP) without asking', false)
    .option('--mfa-serial <arn>', 'MFA device for assuming the IR roles')
    .option('--mfa-token <code>', 'current MFA code (else prompted on a terminal)')
    .option('--no-assume', 'use the current credentials as they are (moto, or already in the role)')
    .option('--json', 'one JSON document on stdout instead of progress lines', false)
    .option('--endpoint <url>', 'AWS endpoint override (moto)')
    .option('--case-dir <dir>', 'case directory (default: cases/<case>)')
    .option('--since <iso>', 'start of the investigation window (UTC; default: as far back as CloudTrail LookupEvents keeps, 90 days less an hour)')
    .option('--until <iso>', 'end of the investigation window (UTC; default now)')
    .option('--anchor-bucket <name>', 'S3 bucket (Object Lock) where each phase anchors the journal head so verify detects a cut journal (default: the forensics evidence bucket of the config; none with --no-assume)')
    .exitOverride();
  root.configureOutput({ outputError: commanderError() });
  if (io.stdout || io.stderr) root.configureOutput({ writeOut: (s) => io.stdout?.write(s), writeErr: (s) => io.stderr?.write(s) });
  for (const c of COMMANDS) {
    const sub = root.command(c.name).description(c.summary).exitOverride();
    sub.configureOutput({ outputError: commanderError(c.name) });
    if (io.stdout || io.stderr) sub.configureOutput({ writeOut: (s) => io.stdout?.write(s), writeErr: (s) => io.stderr?.write(s) });
    for (const f of c.flags) sub.addOption(TARGET_FLAGS[f]());
    sub.action(async (flags: TargetFlags) => {
      const global = root.opts<GlobalOptions>();
      // A mistyped ID, a missing case or a flag the command cannot use is refused here, before any AWS call (even the caller-identity one).
      checkCommandLine(c.name, global, flags, io.hooks?.clock ?? systemClock);
      const base = io.hooks?.reporter ?? streamReporter({ json: !!global.json, out: io.stdout, err: io.stderr });
      const reporter: Reporter = {
        progress: (m) => (said.progress.push(m), base.progress(m)),
        warn: (m) => (said.warnings.push(m), base.warn(m)),
      };
      const rt = await openRuntime(global, { ...io.hooks, reporter });
      onResult(await c.run(rt, flags), !!global.json);
    });
  }
  return root;
}

/**
 * commander's own refusals (unknown flag or command, a flag without its value, a value not in
 * its choices) as one line like irctl's: the problem, commander's suggestion, and where the
 * flags are listed, instead of the whole help text after it.
 */
function commanderError(command?: string): (text: string, write: (s: string) => void) => void {
  return (text, write) => {
    const problem = text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
    const help = command ? `irctl ${command} --help lists its flags` : /unknown command/.test(problem) ? 'irctl --help lists the commands' : 'irctl --help lists the flags';
    write(`irctl: ${problem}. Fix: correct the command line; ${help}.\n`);
  };
}

/** The command line irctl parses (every command and flag), for tests that walk it. */
export function irctlProgram(): Command {
  return program({}, { progress: [], warnings: [] }, () => undefined);
}

/** Run irctl with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: readonly string[] = process.argv, io: CliIo = {}): Promise<number> {
  // The SDK's Node-version notice (releases after January 2027 need Node 22) is in the README,
  // not on every command's stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let code = 0;
  const said: Said = { progress: [], warnings: [] };
  const prog = program(io, said, (result, json) => {
    code = result.exitCode;
    const closing = closingLines(result);
    if (json) {
      // The same facts as the text output: progress lines, warnings and closing sentences included.
      const plan = result.results.some((r) => r.outcome === 'dry-run-ok' || r.outcome === 'planned');
      stdout.write(JSON.stringify({ ...result, plan, progress: said.progress, warnings: said.warnings, messages: [...closing.err, ...closing.out] }, null, 2) + '\n');
      return;
    }
    stdout.write(`\n${summaryLine(result)}\n`);
    for (const f of result.failures) stderr.write(`${failureLine(f)}\n`);
    for (const line of closing.err) stderr.write(`${line}\n`);
    for (const line of closing.out) stdout.write(`${line}\n`);
  });
  try {
    await prog.parseAsync([...argv]);
    return code;
  } catch (err) {
    const exitCode = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : 2) : err instanceof UsageError ? 2 : 1;
    if (!(err instanceof CommanderError)) stderr.write(`irctl: ${(err as Error).message}\n`);
    // --json promises one document on stdout: an error that stopped the command is one too.
    if (exitCode !== 0 && argv.includes('--json')) {
      const message = (err as Error).message.replace(/^error: /, '');
      stdout.write(JSON.stringify({ command: prog.args[0] ?? null, error: message, exitCode, progress: said.progress, warnings: said.warnings }, null, 2) + '\n');
    }
    // 2: the command line must change; 1: something failed while running.
    return exitCode;
  }
}

/** The text output's first line after the progress: the command and its outcome counts. */
function summaryLine(result: CommandResult): string {
  const counts = new Map<string, number>();
  for (const r of result.results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return `${result.command}: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing changed in AWS'}`;
}

/** One failure as the text output prints it. */
export function failureLine(f: StepFailure): string {
  return `FAILED ${f.step}${f.region ? ` (${f.region})` : ''}${f.target ? ` ${f.target}` : ''}: ${f.message}`;
}

/** The sentences that close a command's output: what was not confirmed, and whether it was a plan. */
function closingLines(result: CommandResult): { err: string[]; out: string[] } {
  const err: string[] = [];
  const unconfirmed = result.results.filter((r) => r.outcome === 'needs-confirmation');
  if (unconfirmed.some((r) => !r.step.startsWith('release/'))) {
    err.push('Some irreversible steps were not confirmed and did not run. Fix: rerun with --yes-irreversible, or answer the prompt on a terminal.');
  }
  if (unconfirmed.some((r) => r.step.startsWith('release/'))) {
    err.push(`Credentials tied to the attacker were left contained: not confirmed. Fix: rerun and type the key ID, user or role name when asked, or pass ${ATTACKER_CREDENTIALS_FLAG}.`);
  }
  const plan = result.results.some((r) => r.outcome === 'dry-run-ok' || r.outcome === 'planned');
  // A DryRun call AWS carried out (or may have) did change something: the plan must not say otherwise.
  const changed = result.results.filter((r) => r.mayHaveChanged);
  if (changed.length) {
    const list = changed.map((r) => `${r.action} ${r.target}${r.region ? ` (${r.region})` : ''}`).join(', ');
    err.push(`This was a plan, but ${changed.length} call(s) sent with DryRun may have changed AWS: ${list}. Fix: inspect each of them now (see the FAILED lines above); every other step was only planned. Add --apply to act.`);
    return { err, out: [] };
  }
  return { err, out: plan ? ['This was a plan: nothing changed. Add --apply to act.'] : [] };
}

if (require.main === module) {
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      process.stderr.write(`irctl: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    });
}
