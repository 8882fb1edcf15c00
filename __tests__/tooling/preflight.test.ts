/**
 * `npm run preflight` against moto's Organizations: the example organization is recreated in
 * moto (same OUs and accounts, moto's IDs), then broken one way per row; each break must be
 * reported with its fix, and a ready organization must pass with exit 0.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigServiceClient, PutConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DisablePolicyTypeCommand,
  EnableAWSServiceAccessCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { readFileSync } from 'node:fs';
import { stringify, parse } from 'yaml';
import { EXAMPLE_CONFIG_PATH, parseOrgConfig, type OrgConfigInput } from '../../config';
import { guardrailScps, packGuardrails } from '../../policies/scp';
import { FULL_AWS_ACCESS_COUNT } from '../../policies/scp/pack';
import { TRUSTED_ACCESS } from '../../shared/prerequisites';
import { MOTO_UNHOSTED_POLICY_TYPES, recreateOrgInMoto } from '../../scripts/terraform/moto-org';
import { main } from '../../tooling/preflight/cli';
import { MOTO_CREDENTIALS, useShellCredentials, workerMoto, type MotoServer } from '../support/moto';

let moto: MotoServer;
useShellCredentials();
beforeAll(async () => {
  moto = await workerMoto();
});

const client = <T>(Ctor: new (c: object) => T, credentials: object = MOTO_CREDENTIALS, region = 'us-east-1') => new Ctor({ endpoint: moto.endpoint, region, credentials });

/**
 * A fresh moto organization like the example, trusted access on, and its config file. moto
 * cannot enable DECLARATIVE_POLICY_EC2, so recreateOrgInMoto turns that switch off; SCPs and RCPs
 * are enabled on the root as the example config needs.
 */
async function readyOrg(): Promise<{ config: OrgConfigInput; file: string }> {
  await moto.reset();
  const config = await recreateOrgInMoto(moto.endpoint, parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as OrgConfigInput);
  const orgs = client(OrganizationsClient);
  for (const { principal } of TRUSTED_ACCESS) await orgs.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: principal }));
  return { config, file: writeConfig(config) };
}

function writeConfig(config: OrgConfigInput): string {
  const file = join(mkdtempSync(join(tmpdir(), 'irg-preflight-')), 'org.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'preflight', '--endpoint', moto.endpoint, ...args], {
    stdout: { write: (s: string) => ((out += s), true) } as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as NodeJS.WritableStream,
  });
  return { code, out, err };
}

async function assumedCredentials(accountId: string) {
  const c = (await client(STSClient).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 't' }))).Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

/** The example's guardrail SCPs as deployed (packed), and how many more SCPs its root can take. */
function scpRoomOf(config: OrgConfigInput): { packed: number; max: number; free: number } {
  const parsed = parseOrgConfig(config);
  const packed = packGuardrails(parsed, guardrailScps(parsed)).documents.length;
  const max = parsed.scp.maxPoliciesPerTarget;
  return { packed, max, free: max - FULL_AWS_ACCESS_COUNT - packed };
}

it('passes a ready organization: every check ok, exit 0', async () => {
  const { config, file } = await readyOrg();
  const { code, out } = await runCli(['--config', file]);
  expect(out).toContain('Ready for the first deploy.');
  expect(out).not.toContain('FAIL');
  for (const { principal } of TRUSTED_ACCESS) expect(out).toContain(`ok    trusted access for ${principal}`);
  for (const type of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']) expect(out).toContain(`ok    policy type ${type} enabled on the root`);
  // FullAWSAccess plus the packed guardrail SCPs.
  const { packed, max, free } = scpRoomOf(config);
  expect(out).toContain(`ok    SCP room on root: ${max - free} of ${max}`);
  expect(packed).toBeLessThan(guardrailScps(parseOrgConfig(config)).length);
  expect(code).toBe(0);
});

it('the moto organization stands in for the declarative policy switch only', () => {
  expect(MOTO_UNHOSTED_POLICY_TYPES.map((u) => u.type)).toEqual(['DECLARATIVE_POLICY_EC2']);
});

const exampleRoom = scpRoomOf(parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as OrgConfigInput);

type Break = (config: OrgConfigInput) => Promise<OrgConfigInput | void>;

const BREAKS: Array<{ name: string; breakIt: Break; expected: RegExp; fix: RegExp }> = [
  {
    name: 'trusted access off for CloudTrail',
    breakIt: async () => {
      await moto.reset();
      const config = await recreateOrgInMoto(moto.endpoint, parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as OrgConfigInput);
      const orgs = client(OrganizationsClient);
      for (const { principal } of TRUSTED_ACCESS.filter((t) => t.principal !== 'cloudtrail.amazonaws.com')) {
        await orgs.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: principal }));
      }
      return config;
    },
    expected: /\[trusted access\] trusted access for cloudtrail\.amazonaws\.com is off/,
    fix: /fix: aws organizations enable-aws-service-access --service-principal cloudtrail\.amazonaws\.com/,
  },
  {
    name: 'SCPs disabled on the root',
    breakIt: async (config) => {
      await client(OrganizationsClient).send(new DisablePolicyTypeCommand({ RootId: config.organization.rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    },
    expected: /\[policy types\] SERVICE_CONTROL_POLICY is not enabled on the root/,
    fix: /fix: aws organizations enable-policy-type --root-id r-\w+ --policy-type SERVICE_CONTROL_POLICY/,
  },
  {
    name: 'RCPs disabled on the root while the identity-perimeter RCP is on',
    breakIt: async (config) => {
      await client(OrganizationsClient).send(new DisablePolicyTypeCommand({ RootId: config.organization.rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }));
    },
    expected: /\[policy types\] RESOURCE_CONTROL_POLICY is not enabled on the root/,
    fix: /fix: aws organizations enable-policy-type --root-id r-\w+ --policy-type RESOURCE_CONTROL_POLICY/,
  },
  {
    // The root of a fresh organization has only what was enabled (moto cannot enable this type at all).
    name: 'the EC2 declarative policy switched on without its type on the root',
    breakIt: async (config) => ({ ...config, orgPolicies: { ...config.orgPolicies, declarativeEc2: { ...config.orgPolicies?.declarativeEc2, enabled: true } } }),
    expected: /\[policy types\] DECLARATIVE_POLICY_EC2 is not enabled on the root/,
    fix: /fix: aws organizations enable-policy-type --root-id r-\w+ --policy-type DECLARATIVE_POLICY_EC2/,
  },
  {
    name: 'an OU ID that does not exist',
    breakIt: async (config) => {
      config.organizationalUnits![1].id = 'ou-zzzz-zzzzzzzz';
    },
    expected: /\[OUs\] OU Workloads-Prod \(ou-zzzz-zzzzzzzz\) cannot be read/,
    fix: /fix: set the OU's real ID in organizationalUnits/,
  },
  {
    // The Forensics OU gets its SCP from accounts.forensics.ou, not scp.targets: the fix must say so.
    name: 'a wrong Forensics OU ID, where the forensics SCP goes',
    breakIt: async (config) => {
      config.organizationalUnits![3].id = 'ou-zzzz-zzzzzzzz';
    },
    expected: /\[SCP room\] cannot list the SCPs on Forensics \(ou-zzzz-zzzzzzzz\), which accounts\.forensics\.ou names/,
    fix: /fix: check the id of OU "Forensics" in organizationalUnits \(or accounts\.forensics\.ou\)/,
  },
  {
    name: 'an account that is not in the organization',
    breakIt: async (config) => {
      config.accounts.workloads![1].id = '999999999999';
    },
    expected: /\[accounts\] account analytics-dev \(999999999999\) is not in the organization/,
    fix: /invite it to the organization/,
  },
  {
    name: 'an account in another OU than the config says',
    breakIt: async (config) => {
      const [prod, dev] = [config.organizationalUnits![1].id, config.organizationalUnits![2].id];
      await client(OrganizationsClient).send(new MoveAccountCommand({ AccountId: config.accounts.workloads![0].id, SourceParentId: prod, DestinationParentId: dev }));
    },
    expected: /\[accounts\] account payments-prod \(\d{12}\) is in ou-\S+, the config puts it in Workloads-Prod/,
    fix: /move the account or fix its ou/,
  },
  {
    // One SCP more than the root has room for beside FullAWSAccess and the packed guardrails.
    name: 'no room for the guardrail SCPs on the root',
    breakIt: async (config) => {
      const orgs = client(OrganizationsClient);
      for (let n = 1; n <= scpRoomOf(config).free + 1; n++) {
        const p = await orgs.send(new CreatePolicyCommand({ Name: `team-scp-${n}`, Description: 'x', Type: 'SERVICE_CONTROL_POLICY', Content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}' }));
        await orgs.send(new AttachPolicyCommand({ PolicyId: p.Policy!.PolicySummary!.Id!, TargetId: config.organization.rootId }));
      }
    },
    expected: new RegExp(
      `\\[SCP room\\] root \\(r-\\w+\\) would hold ${exampleRoom.max + 1} SCPs ` +
        `\\(${FULL_AWS_ACCESS_COUNT + exampleRoom.free + 1} already attached: FullAWSAccess, team-scp-1.*; ${exampleRoom.packed} from this project\\), over the limit of ${exampleRoom.max}`,
    ),
    fix: /detach or merge SCPs on root/,
  },
  {
    name: 'another Config recorder where ours goes',
    breakIt: async (config) => {
      const config2 = client(ConfigServiceClient, await assumedCredentials(config.accounts.workloads![0].id), 'eu-west-1');
      await config2.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'aws-controltower-BaselineConfigRecorder', roleARN: 'arn:aws:iam::123456789012:role/x' } }));
    },
    expected: /\[Config recorders\] payments-prod \(\d{12}\) in eu-west-1 already has Config recorder "aws-controltower-BaselineConfigRecorder"/,
    fix: /remove that recorder/,
  },
  {
    name: 'a config naming another organization',
    breakIt: async (config) => {
      config.organization.id = 'o-aaaaaaaaaa';
    },
    expected: /\[organization\] the organization is o-\w+, the config says o-aaaaaaaaaa/,
    fix: /set organization\.id/,
  },
];

it.each(BREAKS)('reports $name with its fix, exit 1', async ({ breakIt, expected, fix }) => {
  const { config } = await readyOrg();
  const broken = (await breakIt(config)) ?? config;
  const { code, out } = await runCli(['--config', writeConfig(broken)]);
  expect(out).toMatch(expected);
  expect(out).toMatch(fix);
  expect(code).toBe(1);
});

it('asks for no policy type the config does not use: RCPs off on the root and in the config pass', async () => {
  const { config } = await readyOrg();
  await client(OrganizationsClient).send(new DisablePolicyTypeCommand({ RootId: config.organization.rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }));
  const { code, out } = await runCli(['--config', writeConfig({ ...config, orgPolicies: { ...config.orgPolicies, resourceControl: { enabled: false } } })]);
  expect(out).not.toContain('RESOURCE_CONTROL_POLICY');
  expect(out).toContain('ok    policy type SERVICE_CONTROL_POLICY enabled on the root');
  expect(code).toBe(0);
});

it('reports credentials of a member account instead of the management account', async () => {
  const { config, file } = await readyOrg();
  const member = await assumedCredentials(config.accounts.security.id);
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: member.accessKeyId, AWS_SECRET_ACCESS_KEY: member.secretAccessKey, AWS_SESSION_TOKEN: member.sessionToken });
  try {
    const { code, out } = await runCli(['--config', file]);
    expect(out).toMatch(new RegExp(`\\[credentials\\] the credentials belong to account ${config.accounts.security.id}, not the management account`));
    expect(code).toBe(1);
  } finally {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    delete process.env.AWS_SESSION_TOKEN;
  }
});

it('prints JSON with --json', async () => {
  const { file } = await readyOrg();
  const { out } = await runCli(['--config', file, '--json']);
  expect(JSON.parse(out)).toMatchObject({ problems: [] });
});

it('refuses a config that does not parse, exit 2, before any AWS call', async () => {
  const file = writeConfig({ organization: { name: 'x' } } as unknown as OrgConfigInput);
  const { code, err } = await runCli(['--config', file]);
  expect(err).toMatch(/problem/);
  expect(code).toBe(2);
});
