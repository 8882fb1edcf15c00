/**
 * Evaluate one request against SCPs, identity policies and an optional resource (or trust)
 * policy with @cloud-copilot/iam-simulate. Test and report code only: the simulator is AGPL and
 * must never be imported by `policies/`, `stacks/` or `tooling/`.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../policies/document';

/** The decision the simulator reached. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One request, with concrete ARNs. */
export interface SimRequest {
  /**
   * The caller: an IAM role ARN (with its path) is turned into a session of that role, with
   * `aws:PrincipalArn` set to the role ARN, as AWS does; any other ARN is used as given.
   */
  readonly principal: string;
  readonly action: string;
  /** A concrete resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Account that owns the resource. @default the principal's account */
  readonly resourceAccount?: string;
  /** Sets `aws:RequestedRegion`. @default us-east-1 */
  readonly region?: string;
  /** Further context keys (condition keys of the action and global keys). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** The policies that apply. */
export interface SimPolicies {
  /** Guardrail SCPs; the simulator always gets an explicit FullAWSAccess next to them. */
  readonly scps?: readonly PolicyDocument[];
  /** Identity policies of the caller. @default one allow-all policy (to isolate SCP effects) */
  readonly identity?: readonly PolicyDocument[];
  /** A resource policy, e.g. a role trust policy for sts:AssumeRole. */
  readonly resourcePolicy?: PolicyDocument;
}

/** What a simulation returns: the decision and the context keys the simulator dropped. */
export interface SimOutcome {
  readonly decision: Decision;
  readonly ignoredContextKeys: readonly string[];
}

/** The FullAWSAccess SCP: the simulator does not imply it, AWS attaches it by default. */
export const FULL_AWS_ACCESS: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** Evaluate `request` under `policies`; throws when the simulator rejects the input. */
export async function simulate(request: SimRequest, policies: SimPolicies = {}): Promise<SimOutcome> {
  const { sessionArn, principalContext, account } = principalOf(request.principal);
  const simulation: Simulation = {
    request: {
      principal: sessionArn,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount ?? account },
      contextVariables: {
        'aws:RequestedRegion': request.region ?? 'us-east-1',
        'aws:PrincipalAccount': account,
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
    resourceControlPolicies: [],
    resourcePolicy: policies.resourcePolicy,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`simulator rejected ${request.action} on ${request.resource}: ${result.errors.message}\n${JSON.stringify(result.errors, null, 1)}`);
  }
  const ignored =
    result.resultType === 'single'
      ? (result.result.ignoredContextKeys ?? [])
      : [...new Set(result.results.flatMap((r) => r.ignoredContextKeys ?? []))];
  return { decision: result.overallResult as Decision, ignoredContextKeys: ignored };
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const ANY_ARN_ACCOUNT = /^arn:aws:[\w-]+::(\d{12}):/;

function principalOf(principal: string): { sessionArn: string; principalContext: Record<string, string>; account: string } {
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
