/**
 * The example organization, recreated inside moto: the organization, its OUs, member accounts
 * and workload VPCs exist there with moto's own IDs, and the example config is rewritten to
 * those IDs. Stacks synthesized from it then attach SCPs to a real root, assume the deployment
 * role into real member accounts and place flow logs on real VPCs, as on a live organization.
 * The policy types the config needs are enabled on moto's root, except those moto cannot host
 * (MOTO_UNHOSTED_POLICY_TYPES): their switch is turned off in the returned config.
 */
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parse, stringify } from 'yaml';
import { parseOrgConfig, type OrgConfigInput } from '../../config';
import { requiredPolicyTypes, type OrgPolicyType } from '../../shared/prerequisites';

/** moto's fixed test credentials; never valid anywhere else. */
export const MOTO_KEYS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const client = <T>(Ctor: new (c: object) => T, endpoint: string, region: string, credentials: Credentials = MOTO_KEYS) =>
  new Ctor({ endpoint, region, credentials, maxAttempts: 2 });

/**
 * Policy types moto (5.2.5) cannot host, with the config switch that creates a policy of each.
 * Tried: EnablePolicyType and CreatePolicy both answer InvalidInputException ("You specified an
 * invalid value") for DECLARATIVE_POLICY_EC2; SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY
 * are accepted. The declarative policy is still validated against the real provider schema.
 */
export const MOTO_UNHOSTED_POLICY_TYPES: ReadonlyArray<{
  readonly type: OrgPolicyType;
  /** The config switch turned off for moto. */
  readonly setting: string;
  readonly switchOff: (config: OrgConfigInput) => OrgConfigInput;
}> = [
  {
    type: 'DECLARATIVE_POLICY_EC2',
    setting: 'orgPolicies.declarativeEc2.enabled',
    switchOff: (c) => ({ ...c, orgPolicies: { ...c.orgPolicies, declarativeEc2: { ...c.orgPolicies?.declarativeEc2, enabled: false } } }),
  },
];

/** Create the config's organization in moto and return the config rewritten to moto's IDs. */
export async function recreateOrgInMoto(endpoint: string, config: OrgConfigInput): Promise<OrgConfigInput> {
  const home = config.organization.homeRegion ?? 'us-east-1';
  const orgs = client(OrganizationsClient, endpoint, home);
  const ids = new Map<string, string>();

  const management = (await client(STSClient, endpoint, home).send(new GetCallerIdentityCommand({}))).Account!;
  ids.set(config.accounts.management.id, management);
  const org = (await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!;
  ids.set(config.organization.id, org.Id!);
  const root = (await orgs.send(new ListRootsCommand({}))).Roots![0];
  ids.set(config.organization.rootId, root.Id!);
  const unhosted = new Set(MOTO_UNHOSTED_POLICY_TYPES.map((u) => u.type));
  for (const type of requiredPolicyTypes(parseOrgConfig(config)).filter((t) => !unhosted.has(t))) {
    await orgs.send(new EnablePolicyTypeCommand({ RootId: root.Id!, PolicyType: type }));
  }

  const ouIds = new Map<string, string>();
  const pending = [...(config.organizationalUnits ?? [])];
  while (pending.length) {
    const next = pending.findIndex((ou) => !ou.parent || ouIds.has(ou.parent));
    if (next < 0) throw new Error(`OU parents do not resolve: ${pending.map((o) => o.name).join(', ')}`);
    const [ou] = pending.splice(next, 1);
    const created = await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: ou.parent ? ouIds.get(ou.parent)! : root.Id!, Name: ou.name }));
    ouIds.set(ou.name, created.OrganizationalUnit!.Id!);
    ids.set(ou.id, created.OrganizationalUnit!.Id!);
  }

  const members = [config.accounts.security, config.accounts.logArchive, config.accounts.forensics, ...(config.accounts.workloads ?? [])];
  for (const account of members) {
    if (!account.id) continue;
    const status = await orgs.send(new CreateAccountCommand({ AccountName: account.name, Email: `${account.name}@example.com` }));
    const id = status.CreateAccountStatus!.AccountId!;
    ids.set(account.id, id);
    if (account.ou) await orgs.send(new MoveAccountCommand({ AccountId: id, SourceParentId: root.Id!, DestinationParentId: ouIds.get(account.ou)! }));
  }

  const roleName = config.deployment?.roleName ?? 'OrganizationAccountAccessRole';
  for (const workload of config.accounts.workloads ?? []) {
    const accountId = ids.get(workload.id)!;
    for (const [n, vpc] of (workload.vpcs ?? []).entries()) {
      const assumed = await client(STSClient, endpoint, vpc.region).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'ir-guardrails-check' }),
      );
      const c = assumed.Credentials!;
      const ec2 = client(EC2Client, endpoint, vpc.region, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
      const created = await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${n}.0.0/16` }));
      ids.set(vpc.id, created.Vpc!.VpcId!);
    }
  }

  // Every ID appears as a whole string in the YAML (account IDs also inside ARNs): replace them all.
  let text = stringify(config);
  for (const [from, to] of ids) text = text.split(from).join(to);
  return MOTO_UNHOSTED_POLICY_TYPES.reduce((c, u) => u.switchOff(c), parse(text) as OrgConfigInput);
}
