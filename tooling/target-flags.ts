/**
 * The flags naming what a phase acts on, in a module of their own so the command modules share
 * them without importing each other.
 */
/** Flags naming what a phase acts on; absent ones come from validation.json / inventory.json. */
export interface TargetFlags {
  readonly instance?: readonly string[];
  readonly accessKey?: string;
  readonly principal?: string;
  readonly finding?: string;
  readonly region?: string;
  readonly user?: readonly string[];
  /** contain-credentials: revoke these roles' older sessions (instead of the roles CloudTrail ties); release: only these roles. */
  readonly role?: readonly string[];
  readonly keyPair?: readonly string[];
  readonly image?: readonly string[];
  /** eradicate: fleets (`region:sfr-…` / `region:fleet-…`) to cancel, named by the responder. */
  readonly fleet?: readonly string[];
  /** eradicate: Auto Scaling groups (`region:name`) to delete, named by the responder. */
  readonly autoScalingGroup?: readonly string[];
  /** contain-instances, eradicate: also act on what scope tied to the attacker by heuristics only. */
  readonly includeHeuristic?: boolean;
  /** scope: `cloudtrail` (LookupEvents) or `athena` (the organization trail). */
  readonly source?: string;
  /** release: confirm re-enabling credentials the evidence ties to the attacker without a typed answer. */
  readonly releaseAttackerCredentials?: boolean;
  /** release: confirm putting back compute (instances, fleets, Auto Scaling groups) the evidence ties to the attacker without a typed answer. */
  readonly releaseAttackerCompute?: boolean;
  /** contain-instances: also cut subnets that hold only suspect instances with a deny-all network ACL. */
  readonly networkAclCut?: boolean;
}
