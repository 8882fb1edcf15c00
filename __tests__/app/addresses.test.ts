/**
 * Addresses in one place: outside shared/addresses.ts no shipped code builds an ARN or an S3
 * location by interpolation, so a bucket policy, the role policy that names the bucket and the
 * stack (or irctl command) that uses it cannot drift apart. The few that remain are listed with
 * why, each with its exact count, so a new one fails here and a moved one shrinks the list.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Template literals that interpolate into an ARN or an `s3://` location. */
const BUILT_ADDRESS = /`[^`]*(?:arn:aws:|s3:\/\/)[^`]*\$\{/g;

/** Files allowed to build addresses, with how many and why. */
const REMAINING: Record<string, { count: number; why: string }> = {
  'policies/live-checks.ts': { count: 1, why: 'a command line shown to an auditor, with a placeholder account' },
  'policies/proofs/fixtures.ts': { count: 1, why: 'an invented workload role that proof requests act as' },
  'policies/roles/break-glass.ts': { count: 5, why: 'patterns derived from the responder principals the config gives as ARNs' },
  'policies/scp/principals.ts': { count: 3, why: 'guardrail SCP principals: to move with the guardrail change that owns policies/scp' },
  'policies/scp/protect-alerting.ts': { count: 6, why: 'any-account patterns of fixed names in the guardrail SCPs (policies/scp)' },
  'policies/scp/protect-security-services.ts': { count: 3, why: 'any-account patterns of fixed rule names in the guardrail SCPs (policies/scp)' },
  'tooling/analysis/attack-sequence.ts': { count: 1, why: 'the ARN of an IAM user AWS listed' },
  'tooling/analysis/validate-finding.ts': { count: 1, why: 'the ARN of the IAM user a GuardDuty finding names' },
  'tooling/case/anchor.ts': { count: 2, why: 'the location of one anchor object in the anchor bucket (named by addresses)' },
  'tooling/record-commands.ts': { count: 1, why: 'a message naming the anchor bucket (named by addresses)' },
};

const shipped = ['config', 'shared', 'stacks', 'policies', 'tooling']
  .flatMap((d) => tsFiles(join(root, d)))
  .map((f) => relative(root, f))
  // Proof tables build example request ARNs on purpose; their fixtures derive from the config and are checked.
  .filter((f) => f !== 'shared/addresses.ts' && (!f.startsWith('policies/proofs/') || f === 'policies/proofs/fixtures.ts'));

const builtIn = (file: string) => [...readFileSync(join(root, file), 'utf8').matchAll(BUILT_ADDRESS)].map((m) => m[0].slice(0, 80));

it('no shipped file builds an ARN or S3 location outside shared/addresses.ts, except those listed', () => {
  const found: Record<string, string[]> = Object.fromEntries(shipped.map((f) => [f, builtIn(f)] as const).filter(([, hits]) => hits.length > 0));
  const unexpected = Object.entries(found).filter(([f, hits]) => hits.length !== REMAINING[f]?.count);
  expect(Object.fromEntries(unexpected)).toEqual({});
  expect(Object.keys(REMAINING).filter((f) => !(f in found))).toEqual([]);
});

it('the scan finds what it describes', () => {
  expect('const a = `arn:aws:iam::${id}:role/x`; const b = `s3://${bucket}/k`; const c = `arn:aws:iam::aws:policy/x`;'.match(BUILT_ADDRESS)).toHaveLength(2);
});
