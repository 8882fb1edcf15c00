/**
 * What `npm run policies` adds to the auditors' README beyond the per-policy sections: the SCP
 * packing, the EC2 declarative policy, and the live-account checks. Pure: it returns files and
 * Markdown; the writer puts them on disk.
 */
import type { OrgConfig } from '../config';
import { declarativeJson, ec2DeclarativePolicy } from './declarative';
import { policyJson } from './document';
import { liveAccountChecks, liveChecksMarkdown } from './live-checks';
import { identityPerimeterRcp } from './rcp';
import { guardrailScps, packGuardrails, type AuditedPolicy } from './scp';
import { packingMarkdown } from './scp/pack';

/** A generated file, relative to generated/policies. */
export interface ReportFile {
  readonly path: string;
  readonly text: string;
}

/** The report pieces for `config`. */
export interface GuardrailReport {
  readonly files: readonly ReportFile[];
  /** Goes right under the SCP heading, before the per-rule sections. */
  readonly packing: readonly string[];
  /** RCPs to list with the other audited policies (empty when the type is switched off). */
  readonly rcps: readonly AuditedPolicy[];
  /** The declarative policy section (empty when switched off). */
  readonly declarative: readonly string[];
  readonly liveChecks: readonly string[];
  /** What does not fit AWS's limits (synth refuses such a config too). */
  readonly problems: readonly string[];
}

/** Build the report for `config`. */
export function guardrailReport(config: OrgConfig): GuardrailReport {
  const pack = packGuardrails(config, guardrailScps(config));
  const files: ReportFile[] = pack.documents.map((d) => ({ path: `scp/packed/${d.name}.min.json`, text: policyJson(d.document) }));
  const rcps = config.orgPolicies.resourceControl.enabled ? [identityPerimeterRcp(config)] : [];
  let declarative: string[] = [];
  if (config.orgPolicies.declarativeEc2.enabled) {
    const ec2 = ec2DeclarativePolicy(config);
    const json = declarativeJson(ec2);
    files.push({ path: `declarative/${ec2.name}.json`, text: `${JSON.stringify(ec2.content, null, 2)}\n` }, { path: `declarative/${ec2.name}.min.json`, text: json });
    declarative = [
      '## EC2 declarative policy',
      '',
      `### ${ec2.name}`,
      '',
      `${ec2.description} **${json.length} characters.** JSON: [pretty](declarative/${ec2.name}.json), [as deployed](declarative/${ec2.name}.min.json). ` +
        'Proof: the documented-grammar test and the live checks below (a simulator cannot evaluate declarative policies).',
      '',
      ...ec2.explanation.split('\n').map((l) => `> ${l}`),
      '',
    ];
  }
  return { files, packing: packingMarkdown(pack), rcps, declarative, liveChecks: liveChecksMarkdown(liveAccountChecks(config)), problems: pack.problems };
}
