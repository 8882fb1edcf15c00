/** The IR roles under the guardrail SCPs as deployed, in a region the organization denies. */
import type { OrgConfig } from '../../config';
import { guardrailScps, packGuardrails } from '../scp';
import { proofFixtures } from './fixtures';
import { analystProofs, breakGlassProofs } from './role-proofs';
import type { ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const IMPLICIT = 'ImplicitlyDenied' as const;
const EXPLICIT = 'ExplicitlyDenied' as const;

/**
 * `base`'s allowed rows again, in a region the organization denies, under the guardrail SCPs as
 * deployed (packed): what the role may do must survive the SCPs too, or nobody can do it there.
 */
function underGuardrails(config: OrgConfig, base: ProofTable, id: string, title: string, extra: (region: string) => ProofRow[]): ProofTable {
  const f = proofFixtures(config);
  const region = f.deniedRegion ?? f.allowedRegion;
  const rows = base.rows
    .filter((r) => r.expected === ALLOWED)
    .map((r): ProofRow => ({
      ...r,
      name: `${r.name} (in ${region}, under the guardrail SCPs)`,
      request: {
        ...r.request,
        region,
        context: Object.fromEntries(Object.entries(r.request.context ?? {}).map(([k, v]) => [k, k === 'kms:ViaService' && String(v).startsWith('ec2.') ? `ec2.${region}.amazonaws.com` : v])),
      },
    }));
  // The documents as deployed (packed), so the proof covers the exact text AWS receives.
  const scps = packGuardrails(config, guardrailScps(config)).documents;
  return {
    id,
    title: `${title} under the guardrail SCPs in ${region}`,
    policyNames: [...base.policyNames, ...scps.map((p) => p.name)],
    policies: { ...base.policies, scps: scps.map((p) => p.document) },
    rows: [...rows, ...extra(region)],
  };
}

/** Break-glass under the guardrail SCPs in a denied region: every containment step it may take. */
export function breakGlassUnderGuardrailsProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  return underGuardrails(config, breakGlassProofs(config), 'role-break-glass-under-guardrails', 'SecurityBreakGlass', (region) => [
    ({ name: `the guardrails still stop a GPU launch by break-glass in ${region}`, expected: EXPLICIT, request: {
      principal: f.irRole('breakGlass'), action: 'ec2:RunInstances', region,
      resource: `arn:aws:ec2:${region}:${f.workloadAccount}:instance/i-0123456789abcdef0`,
      context: { 'ec2:InstanceType': 'p4d.24xlarge', 'ec2:MetadataHttpTokens': 'required' },
    } }),
  ]);
}

/**
 * SecurityAnalyst under the guardrail SCPs in a denied region: irctl scopes and validates with
 * it where attackers launch, so every read it may make must survive the region deny; its own
 * policy still refuses any write there.
 */
export function analystUnderGuardrailsProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  return underGuardrails(config, analystProofs(config), 'role-analyst-under-guardrails', 'SecurityAnalyst', (region) => [
    ({ name: `the analyst still cannot launch in ${region}`, expected: IMPLICIT, request: {
      principal: f.irRole('analyst'), action: 'ec2:RunInstances', region,
      resource: `arn:aws:ec2:${region}:${f.workloadAccount}:instance/i-0123456789abcdef0`,
      context: { 'ec2:InstanceType': 't3.micro', 'ec2:MetadataHttpTokens': 'required' },
    } }),
    ({ name: `the analyst still cannot stop an instance in ${region}`, expected: IMPLICIT, request: {
      principal: f.irRole('analyst'), action: 'ec2:StopInstances', region,
      resource: `arn:aws:ec2:${region}:${f.workloadAccount}:instance/i-0123456789abcdef0`,
    } }),
  ]);
}
