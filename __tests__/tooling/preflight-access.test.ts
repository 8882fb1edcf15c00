/**
 * Preflight's access to the organization: nothing answering (one problem, not one per check), and
 * the "deployment role assumable" check. moto's STS AssumeRole never refuses (any role,
 * any account), so the refusals here are RECORDED STS responses fed with aws-sdk-client-mock:
 * the AccessDenied AWS answers when the role is missing or does not trust the caller (AWS does
 * not say which), shaped as the SDK throws it. Organizations, Config and everything else is the
 * live moto organization.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { parse, stringify } from 'yaml';
import { EXAMPLE_CONFIG_PATH, type OrgConfigInput } from '../../config';
import { recreateOrgInMoto } from '../../scripts/terraform/moto-org';
import { TRUSTED_ACCESS } from '../../shared/prerequisites';
import { main } from '../../tooling/preflight/cli';
import { MOTO_CREDENTIALS, useShellCredentials, workerMoto, type MotoServer } from '../support/moto';

let moto: MotoServer;
useShellCredentials();
beforeAll(async () => {
  moto = await workerMoto();
});

/** The example organization in moto, every trusted access on. */
async function readyOrg(): Promise<OrgConfigInput> {
  await moto.reset();
  const config = await recreateOrgInMoto(moto.endpoint, parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as OrgConfigInput);
  const orgs = new OrganizationsClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  for (const { principal } of TRUSTED_ACCESS) await orgs.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: principal }));
  return config;
}

/** Recorded: STS AssumeRole refused (HTTP 403, code AccessDenied), as the SDK throws it. */
const accessDenied = (roleArn: string, caller: string) =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403, requestId: 'c6104cbe-af31-11e0-8154-cbc7ccf896c7' },
    message: `User: arn:aws:iam::${caller}:user/platform-deployer is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  });

/** Recorded: a successful AssumeRole (moto accepts these keys for the Config calls that follow). */
const assumed = {
  Credentials: { AccessKeyId: 'ASIAEXAMPLEPREFLIGHT', SecretAccessKey: 'testing', SessionToken: 'session', Expiration: new Date(Date.now() + 900_000) },
  AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:ir-guardrails-preflight', Arn: 'arn:aws:sts::000000000000:assumed-role/OrganizationAccountAccessRole/ir-guardrails-preflight' },
};

async function preflightWithSts(config: OrgConfigInput, refuse: (roleArn: string) => boolean) {
  const management = config.accounts.management.id;
  const sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: management, Arn: `arn:aws:iam::${management}:user/platform-deployer`, UserId: 'AIDAEXAMPLE' });
  sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
    if (refuse(input.RoleArn!)) throw accessDenied(input.RoleArn!, management);
    return assumed;
  });
  const file = join(mkdtempSync(join(tmpdir(), 'irg-preflight-sts-')), 'org.yaml');
  writeFileSync(file, stringify(config));
  let out = '';
  try {
    const code = await main(['node', 'preflight', '--endpoint', moto.endpoint, '--config', file], {
      stdout: { write: (s: string) => ((out += s), true) } as NodeJS.WritableStream,
      stderr: { write: (s: string) => ((out += s), true) } as NodeJS.WritableStream,
    });
    const triedRoles = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn);
    return { code, out, triedRoles };
  } finally {
    sts.restore();
  }
}

it('reports a deployment role AWS refuses to let the management account assume (recorded AccessDenied), with the fix', async () => {
  const config = await readyOrg();
  const payments = config.accounts.workloads!.find((w) => w.name === 'payments-prod')!.id;
  const roleArn = `arn:aws:iam::${payments}:role/OrganizationAccountAccessRole`;
  const { code, out, triedRoles } = await preflightWithSts(config, (arn) => arn === roleArn);
  expect(code).toBe(1);
  expect(out).toContain(`FAIL  [deployment role] cannot assume ${roleArn}: AccessDenied: User: arn:aws:iam::${config.accounts.management.id}:user/platform-deployer is not authorized`);
  expect(out).toMatch(/fix: create OrganizationAccountAccessRole in payments-prod trusting the management account \d{12}[^\n]*or set deployment\.roleName/);
  expect(out).toContain(`ok    deployment role assumable in analytics-dev (${config.accounts.workloads!.find((w) => w.name === 'analytics-dev')!.id})`);
  expect(out).not.toContain('deployment role assumable in payments-prod');
  expect(triedRoles).toContain(roleArn);
});

it('reports every refused account, one problem each, and still checks the others', async () => {
  const config = await readyOrg();
  const { code, out } = await preflightWithSts(config, (arn) => !arn.includes(`::${config.accounts.management.id}:`));
  expect(code).toBe(1);
  const members = [config.accounts.security, config.accounts.logArchive, config.accounts.forensics, ...config.accounts.workloads!];
  expect(out.match(/FAIL {2}\[deployment role\]/g)).toHaveLength(members.length);
  expect(out).toContain(`ok    deployment role assumable in management (${config.accounts.management.id})`);
});

it('reports an account outside the organization from the Organizations listing, before any AssumeRole into it', async () => {
  const config = await readyOrg();
  const outsider = '999999999999';
  const analytics = config.accounts.workloads!.find((w) => w.name === 'analytics-dev')!;
  const moved = { ...config, accounts: { ...config.accounts, workloads: config.accounts.workloads!.map((w) => (w === analytics ? { ...w, id: outsider } : w)) } };
  // moto would let this AssumeRole succeed; the check must not rely on it.
  const { code, out, triedRoles } = await preflightWithSts(moved, () => false);
  expect(code).toBe(1);
  expect(out).toContain(`FAIL  [deployment role] analytics-dev (${outsider}) is not a member of organization ${moved.organization.id}, so the deployment role cannot be assumed there`);
  expect(triedRoles.filter((arn) => arn?.includes(outsider))).toEqual([]);
  expect(out).not.toContain(`deployment role assumable in analytics-dev`);
});

describe('when nothing answers', () => {
  const run = async (endpoint: string) => {
    let out = '';
    const io = { write: (s: string) => ((out += s), true) } as NodeJS.WritableStream;
    const code = await main(['node', 'preflight', '--endpoint', endpoint], { stdout: io, stderr: io });
    return { code, out };
  };

  it('an unreachable endpoint is one problem naming it and the fix, not a FAIL per check', async () => {
    const { code, out } = await run('http://127.0.0.1:1');
    expect(code).toBe(1);
    expect(out.match(/FAIL/g)).toHaveLength(1);
    expect(out).toContain('FAIL  [connection] cannot reach http://127.0.0.1:1 (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1); no check could run');
    expect(out).toContain('fix: start the emulator at http://127.0.0.1:1, or correct --endpoint');
  });

  it('no credentials at all is one problem saying how to provide them', async () => {
    const env = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), 'irg-no-such-credentials');
    process.env.AWS_CONFIG_FILE = join(tmpdir(), 'irg-no-such-config');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      const { code, out } = await run(moto.endpoint);
      expect(code).toBe(1);
      expect(out.match(/FAIL/g)).toHaveLength(1);
      expect(out).toMatch(/FAIL {2}\[credentials\] no AWS credentials found[\s\S]*fix: export the management account's credentials/);
    } finally {
      process.env = env;
    }
  });
});
