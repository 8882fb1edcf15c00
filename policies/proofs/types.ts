/**
 * Proof tables: requests and the decision each policy must reach, as plain data. The tests and
 * `npm run policies` evaluate the same tables with the IAM simulator (a devDependency that no
 * file here imports), so the report auditors read is the test that runs in CI.
 */
import type { PolicyDocument } from '../document';

/** The decision a request must get. */
export type Expected = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One request, with concrete ARNs: caller, action, resource and context (the simulator's input too). */
export interface ProofRequest {
  /**
   * The caller: an IAM role ARN (with its path) is turned into a session of that role, with
   * `aws:PrincipalArn` set to the role ARN, as AWS does; a service principal
   * (`cloudtrail.amazonaws.com`) acts on `resourceAccount`'s resource; any other ARN is used as given.
   */
  readonly principal: string;
  readonly action: string;
  /**
   * A concrete resource ARN, or `*` for actions without resource-level permissions.
   * @default a concrete ARN of the action's first required resource type (iam-data), in `region`
   */
  readonly resource?: string;
  /** Account that owns the resource. @default the principal's account */
  readonly resourceAccount?: string;
  /** Sets `aws:RequestedRegion`. @default us-east-1 */
  readonly region?: string;
  /** Further context keys (condition keys of the action and global keys). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** One row: what is asked and what must happen. */
export interface ProofRow {
  readonly name: string;
  readonly request: ProofRequest;
  readonly expected: Expected;
  /** Resource policy for this row only (a bucket or key policy), replacing the table's. */
  readonly resourcePolicy?: PolicyDocument;
}

/** A table of rows evaluated against one set of policies. */
export interface ProofTable {
  /** File-name-safe identifier. */
  readonly id: string;
  readonly title: string;
  /** Names of the shipped policies under test (for the report). */
  readonly policyNames: readonly string[];
  readonly policies: {
    readonly scps?: readonly PolicyDocument[];
    /** @default allow-all, so an SCP table shows the SCP's effect alone */
    readonly identity?: readonly PolicyDocument[];
    readonly resourcePolicy?: PolicyDocument;
    /** Resource control policies (RCPFullAWSAccess is added beside them). */
    readonly rcps?: readonly PolicyDocument[];
    /** A VPC endpoint policy the request passes through. */
    readonly vpcEndpoint?: PolicyDocument;
  };
  readonly rows: readonly ProofRow[];
  /** The policy under test denies every request (the deny-all), so no row can be allowed. @default false */
  readonly deniesEverything?: boolean;
}
