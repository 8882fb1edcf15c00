/**
 * `npm run policies`: write every policy document AWS receives from this project (pretty JSON to
 * read, minified JSON exactly as deployed) and a Markdown proof table per policy, evaluated now
 * with the IAM simulator, into generated/policies/ for auditors. The README indexes every document
 * with where it is attached and which stack (or irctl command) places it. Exits non-zero when
 * any proof fails (the report still says which).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { loadOrgConfig, resolveConfigPath, type OrgConfig } from '../config';
import { runProofTable, type ProofResult } from '../dev/simulate';
import { policyCatalog, type CatalogEntry, type PolicyKind } from '../policies/catalog';
import { guardrailReport } from '../policies/report';
import { policyJson, policySize, type PolicyDocument } from '../policies/document';
import { allProofTables, type ProofTable } from '../policies/proofs';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'generated', 'policies');

const SECTIONS: ReadonlyArray<{ kind: PolicyKind; title: string }> = [
  { kind: 'scp', title: 'Service control policies (as deployed)' },
  { kind: 'scp-rule', title: 'SCP rules (what the deployed SCPs carry)' },
  { kind: 'rcp', title: 'Resource control policies' },
  { kind: 'declarative', title: 'EC2 declarative policy' },
  { kind: 'role', title: 'Identity policies of the IR roles and service roles' },
  { kind: 'trust', title: 'Trust policies' },
  { kind: 'resource', title: 'Resource policies: buckets, keys, topics, buses, endpoints' },
  { kind: 'containment', title: 'Containment policies irctl attaches' },
];

function writeDocument(dir: string, name: string, document: PolicyDocument): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.min.json`), policyJson(document));
}

/** A path as the report may show it: relative to the repository, never absolute (undefined outside it). */
function shownPath(path: string): string | undefined {
  const rel = relative(ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
}

/** The config as the README names it: its repository path, or its file name when it lives elsewhere. */
function configText(path: string): string {
  const shown = shownPath(path);
  return shown ? `the config \`${shown}\`` : `the config \`${basename(path)}\` (outside this repository; its directory is left out so the report holds no absolute path)`;
}

/** How the documents StackSets carry differ from what each member account receives. */
const STACKSET_NOTE = [
  'Documents placed through a StackSet (the IR roles, the break-glass forwarder and the Config recorders in every member',
  'account) are written here as the management account receives them from its own stack. In the StackSet template, where',
  'a document names the account it is deployed in, that account is a CloudFormation intrinsic: the whole value',
  '`{"Ref": "AWS::AccountId"}` (the recorder and forwarder trusts\' `aws:SourceAccount`), or a `{"Fn::Join": ["", [...,',
  '{"Ref": "AWS::AccountId"}, ...]]}` around it inside a longer string (the recorder\'s delivery prefix). Each member',
  'account receives its own ID in that place, where this report shows the management account\'s. Nothing else differs;',
  'the catalog test checks each template document against these files with the intrinsics rendered that way.',
];

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function requestText(result: ProofResult): string {
  const r = result.row.request;
  const context = Object.entries(r.context ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : v}`);
  return [`\`${r.action}\``, `by \`${r.principal}\``, `on \`${result.resource}\``, `in ${r.region ?? 'us-east-1'}`, ...(context.length ? [`with ${context.join('; ')}`] : [])].join(' ');
}

function levelsText(table: ProofTable): string {
  if (table.policies.rcps) return ' (RCP level: RCPFullAWSAccess plus the policy; identity: allow-all; each row\'s resource policy as stated).';
  if (table.policies.scps) return ' (SCP level: FullAWSAccess plus the policy; identity: allow-all).';
  if (table.policies.vpcEndpoint) return ' as a VPC endpoint policy (identity: allow-all, so the endpoint alone decides).';
  if (table.policies.resourcePolicy && !table.policies.identity) return ' as a resource policy (SCP level: FullAWSAccess only; identity: allow-all, so each decision is the resource policy\'s own).';
  return ' (SCP level: FullAWSAccess only).';
}

function proofMarkdown(table: ProofTable, results: ProofResult[]): string {
  const failed = results.filter((r) => !r.passed).length;
  const lines = [
    `# Proof: ${table.title}`,
    '',
    `Policies under test: ${table.policyNames.map((n) => `\`${n}\``).join(', ')}. Evaluated with @cloud-copilot/iam-simulate${levelsText(table)}`,
    '',
    `**${results.length - failed} of ${results.length} rows as expected${failed ? `; ${failed} FAILED` : ''}.** ` +
      'A row passes when the decision matches and the simulator ignored no context key.',
    '',
    '| # | request | expected | actual | ignored keys | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map((r, i) =>
      `| ${i + 1} | ${cell(r.row.name)}: ${cell(requestText(r))} | ${r.row.expected} | ${r.decision} | ${r.ignoredContextKeys.join(', ') || '-'} | ${r.passed ? 'ok' : '**FAIL**'} |`),
    '',
  ];
  return lines.join('\n');
}

function entrySection(entry: CatalogEntry, proofs: readonly string[]): string[] {
  const { policy, kind } = entry;
  const proofText = proofs.length > 0 ? proofs.map((p) => `[${p}](proofs/${p}.md)`).join(', ') : 'none (see the explanation)';
  return [
    `### ${policy.name}`,
    '',
    `${policy.description} **${policySize(policy.document)} / ${entry.limit} characters.**`,
    '',
    `- Attached to: ${entry.attachedTo}`,
    `- Placed by: ${entry.placedBy}`,
    `- JSON: [pretty](${kind}/${policy.name}.json), [as deployed](${kind}/${policy.name}.min.json)`,
    `- Proofs: ${proofText}`,
    '',
    ...policy.explanation.split('\n').map((l) => `> ${l}`),
    '',
  ];
}

async function main(): Promise<void> {
  const configPath = resolveConfigPath();
  const config: OrgConfig = loadOrgConfig(configPath);
  rmSync(OUT, { recursive: true, force: true });
  const catalog = policyCatalog(config);
  const report = guardrailReport(config);
  for (const entry of catalog) writeDocument(join(OUT, entry.kind), entry.policy.name, entry.policy.document);

  const tables = allProofTables(config);
  let failures = 0;
  const proofsOf = new Map<string, string[]>();
  mkdirSync(join(OUT, 'proofs'), { recursive: true });
  for (const table of tables) {
    const results = await runProofTable(table);
    failures += results.filter((r) => !r.passed).length;
    writeFileSync(join(OUT, 'proofs', `${table.id}.md`), proofMarkdown(table, results));
    for (const name of table.policyNames) proofsOf.set(name, [...(proofsOf.get(name) ?? []), table.id]);
  }

  const index = [
    '# Every policy document this project gives AWS, and its proofs',
    '',
    `Generated by \`npm run policies\` from ${configText(configPath)}. Every file here is rebuilt from the config; do not edit.`,
    `${catalog.length} documents, ${tables.length} proof tables, ${tables.reduce((n, t) => n + t.rows.length, 0)} requests, ${failures} failed.`,
    '',
    ...STACKSET_NOTE,
    '',
    '| document | kind | attached to | placed by | characters |',
    '| --- | --- | --- | --- | --- |',
    ...catalog.map((e) => `| [${e.policy.name}](#${e.policy.name.toLowerCase()}) | ${e.kind} | ${cell(e.attachedTo)} | ${cell(e.placedBy)} | ${policySize(e.policy.document)} / ${e.limit} |`),
    '',
    ...SECTIONS.flatMap(({ kind, title }) => [
      `## ${title}`,
      '',
      ...(kind === 'scp' ? report.packing : []),
      ...catalog.filter((e) => e.kind === kind).flatMap((e) => entrySection(e, proofsOf.get(e.policy.name) ?? [])),
    ]),
    ...report.liveChecks,
  ];
  writeFileSync(join(OUT, 'README.md'), `${index.join('\n')}\n`);
  process.stdout.write(`wrote ${catalog.length} policy documents and ${tables.length} proof tables to ${shownPath(OUT) ?? OUT}; ${failures} proof rows failed\n`);
  for (const problem of report.problems) process.stderr.write(`does not fit: ${problem}\n`);
  if (failures > 0 || report.problems.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
