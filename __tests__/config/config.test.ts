import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  ConfigError,
  EXAMPLE_CONFIG_PATH,
  detectionRegions,
  instanceTypeRule,
  loadOrgConfig,
  parseOrgConfig,
  resolveConfigPath,
} from '../../config';
import { COMMERCIAL_REGIONS, OPT_IN_REGIONS } from '../../config/regions';
import { largeOrgConfig } from '../../bench/large-org';

/** A fresh mutable copy of the committed example. */
function example(): any {
  return parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'));
}

function problemsOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    parseOrgConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('the committed example', () => {
  const config = loadOrgConfig(EXAMPLE_CONFIG_PATH);

  it('is the default config', () => {
    expect(resolveConfigPath(undefined, {})).toBe(EXAMPLE_CONFIG_PATH);
  });

  it('has the accounts and OUs the guardrails need', () => {
    expect(config.accounts.workloads.length).toBeGreaterThanOrEqual(2);
    expect(new Set(config.accounts.workloads.map((w) => w.ou)).size).toBeGreaterThanOrEqual(2);
    expect(config.accounts.forensics.id).toMatch(/^\d{12}$/);
  });

  it('fills documented defaults', () => {
    expect(detectionRegions(config)).toEqual(COMMERCIAL_REGIONS.filter((r) => !OPT_IN_REGIONS.has(r)));
    expect(instanceTypeRule(config)).toEqual({ mode: 'denylist', patterns: expect.arrayContaining(['p*', 'g*', '*.metal']) });
    expect(config.irRoles.maxSessionSeconds).toBe(3600);
  });
});

describe('detection regions', () => {
  it('`all` covers every default region plus the allowed opt-in regions, and no other opt-in region', () => {
    const raw = example();
    raw.regions.allowed = ['us-east-1', 'us-west-2', 'eu-west-1', 'af-south-1'];
    const regions = detectionRegions(parseOrgConfig(raw));
    expect(regions).toContain('af-south-1');
    expect(regions).toContain('sa-east-1');
    expect(regions).not.toContain('me-south-1');
    expect(regions).toHaveLength(COMMERCIAL_REGIONS.length - OPT_IN_REGIONS.size + 1);
  });

  it('an explicit list is used as written', () => {
    const raw = example();
    raw.regions.detection = ['us-east-1', 'us-west-2', 'eu-west-1', 'me-south-1'];
    expect(detectionRegions(parseOrgConfig(raw))).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'me-south-1']);
  });
});

describe('instance-type rule', () => {
  it('adds custom deny patterns to the defaults', () => {
    const raw = example();
    raw.instanceTypes = { mode: 'denylist', deny: ['x1*'] };
    expect(instanceTypeRule(parseOrgConfig(raw)).patterns).toEqual(expect.arrayContaining(['x1*', 'p*', 'g*']));
  });

  it('replaces the defaults only when asked', () => {
    const raw = example();
    raw.instanceTypes = { mode: 'denylist', deny: ['x1*'], replaceDefaultDenylist: true };
    expect(instanceTypeRule(parseOrgConfig(raw)).patterns).toEqual(['x1*']);
  });
});

describe('config selection', () => {
  it('prefers the environment variable over cdktf context', () => {
    expect(resolveConfigPath('/ctx.yaml', { IR_GUARDRAILS_CONFIG: '/env.yaml' })).toBe('/env.yaml');
    expect(resolveConfigPath('/ctx.yaml', {})).toBe('/ctx.yaml');
  });

  it('names a missing file and the fix', () => {
    expect(() => loadOrgConfig('/nonexistent/org.yaml')).toThrow(/file not found\. Fix: pass --config with an existing config file \(or set IR_GUARDRAILS_CONFIG to one\)/);
  });
});

// Each row breaks one thing; the validator must name the path and say what is wrong.
const cases: Array<{ name: string; mutate: (c: any) => void; path: string; message: RegExp }> = [
  { name: 'short account ID', mutate: (c) => (c.accounts.security.id = '12345'), path: 'accounts.security.id', message: /12-digit/ },
  { name: 'duplicate account ID', mutate: (c) => (c.accounts.workloads[1].id = c.accounts.workloads[0].id), path: 'accounts.workloads.1.id', message: /duplicate account ID/ },
  { name: 'duplicate account name', mutate: (c) => (c.accounts.workloads[1].name = 'security'), path: 'accounts.workloads.1.name', message: /duplicate account name "security"/ },
  { name: 'unknown region', mutate: (c) => (c.regions.allowed = ['us-east-1', 'us-middle-9']), path: "regions.allowed.1", message: /unknown region "us-middle-9"/ },
  { name: 'home region not allowed', mutate: (c) => (c.organization.homeRegion = 'ap-south-1'), path: 'organization.homeRegion', message: /not in regions.allowed/ },
  { name: 'malformed principal ARN', mutate: (c) => (c.exemptPrincipals = ['arn:aws:iam:role/Oops']), path: 'exemptPrincipals.0', message: /IAM role ARN pattern/ },
  { name: 'malformed instance pattern', mutate: (c) => (c.instanceTypes = { mode: 'denylist', deny: ['P3 large'] }), path: 'instanceTypes.deny.0', message: /instance type or pattern/ },
  { name: 'perimeter CIDR admitting everything', mutate: (c) => (c.networkPerimeter = { corporateCidrs: ['203.0.113.0/24', '0.0.0.0/0'] }), path: 'networkPerimeter.corporateCidrs.1', message: /admits every address/ },
  { name: 'malformed perimeter CIDR', mutate: (c) => (c.networkPerimeter = { corporateCidrs: ['203.0.113.0'] }), path: 'networkPerimeter.corporateCidrs.0', message: /CIDR/ },
  { name: 'malformed VPC endpoint', mutate: (c) => (c.networkPerimeter = { vpcEndpoints: ['vpc-0123456789abcdef0'] }), path: 'networkPerimeter.vpcEndpoints.0', message: /vpce-/ },
  { name: 'duplicate image provider', mutate: (c) => (c.orgPolicies.declarativeEc2.allowedImages.trustedOwners = ['amazon', 'amazon']), path: 'orgPolicies.declarativeEc2.allowedImages.trustedOwners.1', message: /duplicate image provider/ },
  { name: 'compute platform principal that is not a role', mutate: (c) => (c.instanceTypes.computePlatformPrincipals = ['arn:aws:iam::*:user/ci']), path: 'instanceTypes.computePlatformPrincipals.0', message: /IAM role ARN pattern/ },
  { name: 'account in unknown OU', mutate: (c) => (c.accounts.workloads[0].ou = 'Sandbox'), path: 'accounts.workloads.0.ou', message: /OU "Sandbox", which is not in organizationalUnits/ },
  { name: 'SCP target unknown', mutate: (c) => (c.scp.targets = ['root', 'Nope']), path: 'scp.targets.1', message: /OU "Nope"/ },
  { name: 'responder outside security account', mutate: (c) => (c.irRoles.responderPrincipals = ['arn:aws:iam::999999999999:role/X']), path: 'irRoles.responderPrincipals.0', message: /security account 222222222222/ },
  { name: 'VPC in a denied region', mutate: (c) => (c.accounts.workloads[0].vpcs[0].region = 'ap-south-1'), path: 'accounts.workloads.0.vpcs.0.region', message: /not in regions.allowed/ },
  { name: 'user ARN as exemption', mutate: (c) => (c.exemptPrincipals = ['arn:aws:iam::*:user/emergency-admin']), path: 'exemptPrincipals.0', message: /IAM role ARN pattern/ },
  { name: 'assumed-role ARN as exemption', mutate: (c) => (c.exemptPrincipals = ['arn:aws:sts::*:assumed-role/PlatformOps/*']), path: 'exemptPrincipals.0', message: /SCPs see a session as its role ARN/ },
  { name: 'empty replacement denylist', mutate: (c) => (c.instanceTypes = { mode: 'denylist', replaceDefaultDenylist: true }), path: 'instanceTypes.deny', message: /would allow every instance type/ },
  {
    name: 'opt-in home region',
    mutate: (c) => {
      c.organization.homeRegion = 'af-south-1';
      c.regions.allowed.push('af-south-1');
    },
    path: 'organization.homeRegion',
    message: /opt-in region: GuardDuty cannot export/,
  },
  { name: 'allowlist without types', mutate: (c) => (c.instanceTypes = { mode: 'allowlist' }), path: 'instanceTypes.allow', message: /at least one/ },
  { name: 'forensics neither id nor create', mutate: (c) => delete c.accounts.forensics.id, path: 'accounts.forensics', message: /either `id`/ },
  { name: 'misspelt key', mutate: (c) => (c.regions.alowed = []), path: 'regions', message: /unknown key "alowed"/ },
  { name: 'missing contacts', mutate: (c) => delete c.contacts, path: 'contacts', message: /is required/ },
  { name: 'SCP size limit above AWS maximum', mutate: (c) => (c.scp.maxPolicyChars = 20000), path: 'scp.maxPolicyChars', message: /10240/ },
  { name: 'malformed VPC ID', mutate: (c) => (c.accounts.workloads[0].vpcs[0].id = 'vpc-xyz'), path: 'accounts.workloads.0.vpcs.0.id', message: /vpc-/ },
];

describe('validation', () => {
  it.each(cases)('reports $name at $path', ({ mutate, path, message }) => {
    const raw = example();
    mutate(raw);
    const problems = problemsOf(raw);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every cross-reference problem of a broken config at once', () => {
    const raw = example();
    for (const c of cases.filter((c) => !['malformed principal ARN', 'unknown region', 'short account ID', 'misspelt key', 'missing contacts', 'SCP size limit above AWS maximum', 'malformed instance pattern', 'malformed VPC ID', 'allowlist without types', 'malformed perimeter CIDR', 'malformed VPC endpoint', 'compute platform principal that is not a role'].includes(c.name))) {
      c.mutate(raw);
    }
    const paths = problemsOf(raw).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'accounts.workloads.1.name',
        'organization.homeRegion',
        'accounts.workloads.0.ou',
        'scp.targets.1',
        'irRoles.responderPrincipals.0',
        'accounts.forensics',
      ]),
    );
  });

  it('reports shape and cross-reference problems together', () => {
    const raw = example();
    raw.accounts.security.id = '12345';
    raw.accounts.workloads[0].ou = 'Sandbox';
    const paths = problemsOf(raw).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['accounts.security.id', 'accounts.workloads.0.ou']));
  });

  it('reports every shape problem at once', () => {
    const raw = example();
    raw.accounts.security.id = '12345';
    raw.regions.allowed = ['us-middle-9'];
    raw.exemptPrincipals = ['nope'];
    raw.regions.alowed = [];
    const paths = problemsOf(raw).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['accounts.security.id', 'regions.allowed.0', 'exemptPrincipals.0', 'regions']));
  });

  // A schema error must not invent cross-reference errors from values it did not parse (an OU's
  // parent before its default, a responder checked against the malformed security account ID).
  it.each([
    {
      name: 'an unknown allowed region',
      mutate: (c: any) => c.regions.allowed.push('mars-north-9'),
      expected: [`regions.allowed.3: unknown region "mars-north-9": use a commercial region name such as us-east-1 (the list is config/regions.ts; ${COMMERCIAL_REGIONS.length} known)`],
    },
    {
      name: 'a short security account ID',
      mutate: (c: any) => (c.accounts.security.id = '22222'),
      expected: ['accounts.security.id: must be a 12-digit AWS account ID (quote it in YAML)'],
    },
    {
      name: 'a short ID plus a real dangling OU reference',
      mutate: (c: any) => {
        c.accounts.security.id = '22222';
        c.accounts.workloads[1].ou = 'Sandbox';
      },
      expected: [
        'accounts.security.id: must be a 12-digit AWS account ID (quote it in YAML)',
        'accounts.workloads.1.ou: names OU "Sandbox", which is not in organizationalUnits (known: root, Security, Workloads-Prod, Workloads-Dev, Forensics)',
      ],
    },
    {
      name: 'a malformed OU name (references to the OU list are not judged against a list that did not parse)',
      mutate: (c: any) => (c.organizationalUnits[3].name = '9-Forensics'),
      expected: ['organizationalUnits.3.name: must be an OU name'],
    },
    {
      name: 'a malformed home region (not also reported as missing from regions.allowed)',
      mutate: (c: any) => (c.organization.homeRegion = 'mars-1'),
      expected: [`organization.homeRegion: unknown region "mars-1": use a commercial region name such as us-east-1 (the list is config/regions.ts; ${COMMERCIAL_REGIONS.length} known)`],
    },
  ])('reports only the problems $name causes', ({ mutate, expected }) => {
    const raw = example();
    mutate(raw);
    expect(problemsOf(raw).map((p) => `${p.path}: ${p.message}`)).toEqual(expected);
  });

  it('formats the error with the file, every path and the fix', () => {
    const raw = example();
    raw.accounts.security.id = 'x';
    raw.organization.homeRegion = 'mars-1';
    expect(() => parseOrgConfig(raw, 'org.yaml')).toThrow(/^org\.yaml: \d+ problems[\s\S]*unknown region "mars-1"[\s\S]*accounts\.security\.id[\s\S]*nothing was written/);
  });
});

describe('the benchmark org generator', () => {
  it('produces a valid 100-account config in every commercial region', () => {
    const config = parseOrgConfig(largeOrgConfig(100));
    expect(1 + 3 + config.accounts.workloads.length).toBe(100);
    expect(config.regions.allowed).toEqual(COMMERCIAL_REGIONS);
  });
});
