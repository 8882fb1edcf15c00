/**
 * Preflight: what the first `cdktf deploy` needs from the organization that Terraform does not
 * create, checked read-only with the management account's credentials. Each problem names what
 * is wrong and the command or config change that fixes it.
 */
import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  ListParentsCommand,
  ListRootsCommand,
  paginateListAccounts,
  paginateListAWSServiceAccessForOrganization,
  paginateListPoliciesForTarget,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { DescribeConfigurationRecordersCommand } from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import { memberAccounts, targetId, type OrgConfig } from '../../config';
import { forensicsOuScp, guardrailScps, packGuardrails } from '../../policies/scp';
import { deploymentRoleArn } from '../../shared/addresses';
import { CONFIG_RECORDER_NAME, requiredPolicyTypes, TRUSTED_ACCESS } from '../../shared/prerequisites';
import type { AwsClients } from '../aws/clients';
import { errorCode, errorMessage } from '../aws/errors';

/** One thing in the way of the first deploy. */
export interface PreflightProblem {
  readonly check: string;
  readonly problem: string;
  readonly fix: string;
}

export interface PreflightReport {
  /** Checks that passed, one line each. */
  readonly passed: string[];
  readonly problems: PreflightProblem[];
}

type Check = (ctx: Context, caller: string | undefined) => Promise<void>;

interface Context {
  readonly config: OrgConfig;
  readonly clients: AwsClients;
  readonly orgs: OrganizationsClient;
  readonly report: PreflightReport;
}

const pass = (ctx: Context, line: string) => ctx.report.passed.push(line);
const fail = (ctx: Context, check: string, problem: string, fix: string) => ctx.report.problems.push({ check, problem, fix });
const why = (err: unknown) => `${errorCode(err)}: ${errorMessage(err)}`;

/** Network failures the SDK surfaces as plain errors with a Node code (no AWS answer at all). */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'TimeoutError']);

/**
 * Whether anything can be checked at all: one STS call. Without an answer (nothing listening,
 * no credentials) every check would fail with a misleading fix, so this one problem is reported
 * instead, naming the endpoint. Resolves to the caller's account, or undefined after failing.
 */
async function reach(ctx: Context): Promise<string | undefined> {
  const endpoint = ctx.clients.settings.endpoint ?? `AWS (https://sts.${ctx.clients.homeRegion}.amazonaws.com)`;
  try {
    return (await ctx.clients.sts().send(new GetCallerIdentityCommand({}))).Account;
  } catch (err) {
    // The SDK may wrap a socket error in a plain Error whose message is all that is left of it.
    const e = err as { code?: string; cause?: { code?: string } };
    const code = [e.code, e.cause?.code, errorCode(err), ...errorMessage(err).split(/[^A-Za-z_]+/)].find((c) => c !== undefined && NO_CONNECTION.has(c));
    if (code) {
      const fix = ctx.clients.settings.endpoint
        ? `start the emulator at ${endpoint}, or correct --endpoint (leave it out to check the real organization)`
        : 'check the network path to AWS (proxy settings such as HTTPS_PROXY, DNS) and run again';
      fail(ctx, 'connection', `cannot reach ${endpoint} (${code}: ${errorMessage(err).replace(/^AWS SDK error wrapper for (Error: )?/, '')}); no check could run`, fix);
    } else if (errorCode(err) === 'CredentialsProviderError') {
      fail(ctx, 'credentials', `no AWS credentials found (${errorMessage(err)}); no check could run`, "export the management account's credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and run again");
    } else {
      fail(ctx, 'credentials', `${endpoint} refused the credentials: ${why(err)}; no check could run`, "use valid, unexpired credentials of the management account (aws sts get-caller-identity must work)");
    }
    return undefined;
  }
}

async function organization(ctx: Context, caller: string | undefined): Promise<void> {
  const { config } = ctx;
  if (caller !== config.accounts.management.id) {
    fail(ctx, 'credentials', `the credentials belong to account ${caller}, not the management account ${config.accounts.management.id}`, 'run preflight with credentials of the management account (the one cdktf deploy starts from)');
  }
  const org = (await ctx.orgs.send(new DescribeOrganizationCommand({}))).Organization;
  if (org?.Id !== config.organization.id) fail(ctx, 'organization', `the organization is ${org?.Id}, the config says ${config.organization.id}`, 'set organization.id in the config to the real organization ID');
  else pass(ctx, `organization ${org.Id}`);
  if (org?.MasterAccountId && org.MasterAccountId !== config.accounts.management.id) {
    fail(ctx, 'organization', `the management account is ${org.MasterAccountId}, the config says ${config.accounts.management.id}`, 'set accounts.management.id to the organization\'s management account');
  }
  if (org?.FeatureSet !== 'ALL') {
    fail(ctx, 'organization', `the organization has feature set ${org?.FeatureSet}; SCPs, delegated administrators and StackSets need ALL`, 'enable all features: aws organizations enable-all-features (then accept in every account)');
  }
}

async function root(ctx: Context): Promise<void> {
  const { config } = ctx;
  const roots = (await ctx.orgs.send(new ListRootsCommand({}))).Roots ?? [];
  const found = roots.find((r) => r.Id === config.organization.rootId);
  if (!found) {
    fail(ctx, 'root', `no root ${config.organization.rootId}; the organization's root is ${roots.map((r) => r.Id).join(', ')}`, 'set organization.rootId in the config to the real root ID');
    return;
  }
  pass(ctx, `root ${found.Id}`);
  for (const type of requiredPolicyTypes(config)) {
    const status = found.PolicyTypes?.find((p) => p.Type === type)?.Status;
    if (status === 'ENABLED') pass(ctx, `policy type ${type} enabled on the root`);
    else fail(ctx, 'policy types', `${type} is ${status ?? 'not enabled'} on the root`, `aws organizations enable-policy-type --root-id ${found.Id} --policy-type ${type}`);
  }
}

async function trustedAccess(ctx: Context): Promise<void> {
  const enabled = new Set<string>();
  for await (const page of paginateListAWSServiceAccessForOrganization({ client: ctx.orgs }, {})) {
    for (const s of page.EnabledServicePrincipals ?? []) if (s.ServicePrincipal) enabled.add(s.ServicePrincipal);
  }
  for (const { principal, neededFor } of TRUSTED_ACCESS) {
    if (enabled.has(principal)) pass(ctx, `trusted access for ${principal}`);
    else fail(ctx, 'trusted access', `trusted access for ${principal} is off; it is needed for ${neededFor}`, `aws organizations enable-aws-service-access --service-principal ${principal}`);
  }
}

async function parentOf(ctx: Context, childId: string): Promise<string | undefined> {
  return (await ctx.orgs.send(new ListParentsCommand({ ChildId: childId }))).Parents?.[0]?.Id;
}

async function units(ctx: Context): Promise<void> {
  const { config } = ctx;
  for (const ou of config.organizationalUnits) {
    try {
      const real = (await ctx.orgs.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ou.id }))).OrganizationalUnit;
      const expectedParent = ou.parent && ou.parent !== 'root' ? targetId(config, ou.parent) : config.organization.rootId;
      const parent = await parentOf(ctx, ou.id);
      if (real?.Name !== ou.name) fail(ctx, 'OUs', `OU ${ou.id} is named "${real?.Name}" in Organizations, "${ou.name}" in the config`, 'make the names agree (stack and resource names use the config\'s)');
      else if (parent !== expectedParent) fail(ctx, 'OUs', `OU ${ou.name} (${ou.id}) sits under ${parent}, the config says ${expectedParent}`, 'fix organizationalUnits[].parent in the config, or move the OU');
      else pass(ctx, `OU ${ou.name} (${ou.id})`);
    } catch (err) {
      fail(ctx, 'OUs', `OU ${ou.name} (${ou.id}) cannot be read: ${why(err)}`, 'set the OU\'s real ID in organizationalUnits (aws organizations list-organizational-units-for-parent)');
    }
  }
}

async function accounts(ctx: Context): Promise<void> {
  const { security, logArchive, forensics, workloads } = ctx.config.accounts;
  for (const account of [security, logArchive, ...(forensics.id ? [forensics] : []), ...workloads]) {
    const label = `${account.name} (${account.id})`;
    try {
      const real = (await ctx.orgs.send(new DescribeAccountCommand({ AccountId: account.id }))).Account;
      const parent = await parentOf(ctx, account.id!);
      const expected = targetId(ctx.config, account.ou);
      if (real?.Status && real.Status !== 'ACTIVE') fail(ctx, 'accounts', `account ${label} is ${real.Status}`, 'remove it from the config or reactivate it');
      else if (parent !== expected) fail(ctx, 'accounts', `account ${label} is in ${parent}, the config puts it in ${account.ou} (${expected})`, 'move the account or fix its ou in the config');
      else pass(ctx, `account ${label}`);
    } catch (err) {
      fail(ctx, 'accounts', `account ${label} is not in the organization: ${why(err)}`, "set the account's real ID in the config, or invite it to the organization");
    }
  }
}

/** Room for the guardrail SCPs on each target: attached SCPs that are not ours, plus ours as deployed (packed). */
async function scpRoom(ctx: Context): Promise<void> {
  const { config } = ctx;
  const ours = new Map<string, string[]>();
  /** The config key that puts SCPs on each target, for the fix. */
  const placedBy = new Map<string, string[]>();
  const add = (target: string, name: string, key: string) => {
    ours.set(target, [...(ours.get(target) ?? []), name]);
    placedBy.set(target, [...new Set([...(placedBy.get(target) ?? []), key])]);
  };
  for (const target of new Set(config.scp.targets)) for (const scp of packGuardrails(config, guardrailScps(config)).documents) add(target, scp.name, 'scp.targets');
  add(config.accounts.forensics.ou, forensicsOuScp(config).name, 'accounts.forensics.ou');
  const ourNames = new Set([...ours.values()].flat());
  for (const [target, names] of ours) {
    const id = targetId(config, target);
    const keys = placedBy.get(target)!.join(' and ');
    const others: string[] = [];
    try {
      for await (const page of paginateListPoliciesForTarget({ client: ctx.orgs }, { TargetId: id, Filter: 'SERVICE_CONTROL_POLICY' })) {
        for (const p of page.Policies ?? []) if (p.Name && !ourNames.has(p.Name)) others.push(p.Name);
      }
    } catch (err) {
      const where = target === 'root' ? 'organization.rootId' : `the id of OU "${target}" in organizationalUnits`;
      fail(ctx, 'SCP room', `cannot list the SCPs on ${target} (${id}), which ${keys} names: ${why(err)}`, `check ${where} (or ${keys}) and the caller's organizations:ListPoliciesForTarget permission`);
      continue;
    }
    const total = others.length + names.length;
    const max = config.scp.maxPoliciesPerTarget;
    if (total > max) {
      fail(ctx, 'SCP room', `${target} (${id}) would hold ${total} SCPs (${others.length} already attached: ${others.join(', ')}; ${names.length} from this project), over the limit of ${max}`, `detach or merge SCPs on ${target}, or raise scp.maxPoliciesPerTarget if AWS raised your quota`);
    } else pass(ctx, `SCP room on ${target}: ${total} of ${max}`);
  }
}

/**
 * The deployment role in every account, and no other Config recorder where ours will go. An
 * account the Organizations listing lacks is reported without trying AssumeRole: an emulator
 * (and a role a former organization left behind) could still answer.
 */
async function deploymentAccess(ctx: Context): Promise<void> {
  const { config } = ctx;
  const inOrg = new Set<string>();
  for await (const page of paginateListAccounts({ client: ctx.orgs }, {})) for (const a of page.Accounts ?? []) if (a.Id) inOrg.add(a.Id);
  const accountsToDeploy = [{ name: config.accounts.management.name, id: config.accounts.management.id }, ...memberAccounts(config)];
  const limit = pLimit(4);
  await Promise.all(
    accountsToDeploy.map((account) =>
      limit(async () => {
        const roleArn = deploymentRoleArn(config, account.id);
        if (!inOrg.has(account.id)) {
          fail(ctx, 'deployment role', `${account.name} (${account.id}) is not a member of organization ${config.organization.id}, so the deployment role cannot be assumed there`, `set the account's real ID in the config (aws organizations list-accounts), or invite ${account.id} to the organization`);
          return;
        }
        let session: AwsClients;
        try {
          const creds = (await ctx.clients.sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ir-guardrails-preflight', DurationSeconds: 900 }))).Credentials!;
          session = ctx.clients.withCredentials({ accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken });
          pass(ctx, `deployment role assumable in ${account.name} (${account.id})`);
        } catch (err) {
          // AWS answers AccessDenied both for a missing role and for one that does not trust the caller.
          fail(ctx, 'deployment role', `cannot assume ${roleArn}: ${why(err)}`, `create ${config.deployment.roleName} in ${account.name} trusting the management account ${config.accounts.management.id} (and let the caller sts:AssumeRole it), or set deployment.roleName to the role that exists`);
          return;
        }
        for (const region of config.regions.allowed) {
          try {
            const recorders = (await session.configService(region).send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
            // Service-linked recorders (ServicePrincipal set) coexist with ours; a second customer recorder cannot.
            for (const r of recorders.filter((r) => !r.servicePrincipal && r.name !== CONFIG_RECORDER_NAME)) {
              fail(ctx, 'Config recorders', `${account.name} (${account.id}) in ${region} already has Config recorder "${r.name}"; AWS allows one per region and the stacks deploy "${CONFIG_RECORDER_NAME}"`, 'remove that recorder (e.g. a Control Tower baseline) or leave this account and region out of the config');
            }
          } catch (err) {
            fail(ctx, 'Config recorders', `cannot read Config recorders in ${account.name} (${account.id}) ${region}: ${why(err)}`, `check that ${config.deployment.roleName} may call config:DescribeConfigurationRecorders and that ${region} is enabled`);
          }
        }
      }),
    ),
  );
}

const CHECKS: ReadonlyArray<[string, Check]> = [
  ['organization', organization],
  ['root and policy types', root],
  ['trusted access', trustedAccess],
  ['OUs', units],
  ['accounts', accounts],
  ['SCP room', scpRoom],
  ['deployment role and Config recorders', deploymentAccess],
];

/** Run every check; one that cannot run at all becomes a problem, and the others still run. */
export async function runPreflight(config: OrgConfig, clients: AwsClients): Promise<PreflightReport> {
  const ctx: Context = { config, clients, orgs: clients.organizations(), report: { passed: [], problems: [] } };
  const caller = await reach(ctx);
  if (caller === undefined) return ctx.report;
  for (const [name, check] of CHECKS) {
    try {
      await check(ctx, caller);
    } catch (err) {
      fail(ctx, name, `the check could not run: ${why(err)}`, 'run with the management account\'s credentials (organizations:Describe*/List*, sts:AssumeRole into the deployment role)');
    }
  }
  return ctx.report;
}
