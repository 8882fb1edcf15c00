/**
 * What `npm run policies` adds to the auditors' README beyond the per-document sections: how the
 * SCP rules are packed into the deployed documents, and the live-account checks. Pure: it returns
 * Markdown; the writer puts it on disk.
 */
import type { OrgConfig } from '../config';
import { liveAccountChecks, liveChecksMarkdown } from './live-checks';
import { guardrailScps, packGuardrails } from './scp';
import { packingMarkdown } from './scp/pack';

/** The report pieces for `config`. */
export interface GuardrailReport {
  /** Goes under the SCP heading: which deployed document carries which rule, and its size. */
  readonly packing: readonly string[];
  readonly liveChecks: readonly string[];
  /** What does not fit AWS's limits (synth refuses such a config too). */
  readonly problems: readonly string[];
}

/** Build the report for `config`. */
export function guardrailReport(config: OrgConfig): GuardrailReport {
  const pack = packGuardrails(config, guardrailScps(config));
  return { packing: packingMarkdown(pack), liveChecks: liveChecksMarkdown(liveAccountChecks(config)), problems: pack.problems };
}
