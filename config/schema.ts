/**
 * The organization config model: one typed document describing accounts, OUs, regions,
 * instance-type rules, exempt principals, contacts and deployment settings.
 *
 * Shape checks live in the zod schema below; cross-references (an OU named by an account
 * exists, the home region is allowed, ...) live in `validate.ts`, so every problem is
 * reported together with its path.
 */
import { z } from 'zod';
import { COMMERCIAL_REGIONS, isCommercialRegion } from './regions';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account ID (quote it in YAML)');
const region = z.string().refine(isCommercialRegion, {
  error: (issue) =>
    `unknown region "${String(issue.input)}": use a commercial region name such as us-east-1 (the list is config/regions.ts; ${COMMERCIAL_REGIONS.length} known)`,
});
const email = z.email('must be an email address');
const name = z.string().regex(/^[a-z][a-z0-9-]{0,38}$/, 'must be lower-case letters, digits and dashes, starting with a letter (max 39)');
const ouId = z.string().regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, 'must look like ou-abcd-12345678');
const rootId = z.string().regex(/^r-[0-9a-z]{4,32}$/, 'must look like r-abcd');
const orgId = z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must look like o-abcdefghij');
const vpcId = z.string().regex(/^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must look like vpc-0123456789abcdef0');
/** An IAM principal ARN; `*` is allowed in the account and name parts, since SCPs match with ArnLike. */
const principalArnPattern = z
  .string()
  .regex(
    /^arn:aws:(iam|sts)::(\d{12}|\*):(role|user|assumed-role|root)(\/[\w+=,.@*\/-]*)?$/,
    'must be an IAM principal ARN such as arn:aws:iam::*:role/PlatformAdmin (wildcards * allowed)',
  );
/** An IAM role ARN pattern (no assumed-role or user ARNs): what an SCP exemption can safely name. */
const exemptRoleArnPattern = z
  .string()
  .regex(
    /^arn:aws:iam::(\d{12}|\*):role\/[\w+=,.@*\/-]+$/,
    'must be an IAM role ARN pattern such as arn:aws:iam::*:role/PlatformAdmin: SCPs see a session as its role ARN, and only role names are reserved by the tamper SCP',
  );
/** Instance type pattern as EC2 names them: family and size, `*` wildcards allowed (p*, *.metal, m5.24xlarge). */
const instanceTypePattern = z
  .string()
  .regex(/^[a-z0-9*][a-z0-9*-]*(\.[a-z0-9*-]+)?$/, 'must be an instance type or pattern such as p*, *.metal or m5.24xlarge');

const vpc = z.strictObject({
  id: vpcId,
  region,
  /** Human label used in resource names. */
  name: name.optional(),
  /** Deploy VPC Flow Logs for this VPC. @default true */
  flowLogs: z.boolean().default(true),
  /** Log this VPC's DNS queries (Route 53 Resolver query logging) to the log archive. @default true */
  dnsQueryLogs: z.boolean().default(true),
});

const account = z.strictObject({
  name,
  id: accountId,
  email: email.optional(),
  /** OU (by name in `organizationalUnits`) or `root`. */
  ou: z.string().min(1),
  /** Workload VPCs that get isolation security groups and Flow Logs. */
  vpcs: z.array(vpc).default([]),
});

const forensicsAccount = z.strictObject({
  name,
  /** Existing account ID; omit and set `create` to have Organizations create it. */
  id: accountId.optional(),
  create: z.strictObject({ email, accountName: z.string().min(1).max(50) }).optional(),
  ou: z.string().min(1),
  /** CIDR of the clean-room VPC. @default 10.250.0.0/16 */
  vpcCidr: z.cidrv4().default('10.250.0.0/16'),
  evidence: z
    .strictObject({
      objectLockMode: z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE'),
      retentionDays: z.number().int().min(1).max(36500).default(365),
      /** Move evidence to Glacier after this many days. @default 90 */
      glacierAfterDays: z.number().int().min(1).default(90),
    })
    .prefault({}),
  isolation: z
    .strictObject({
      /** Let the isolation group admit SSH (TCP 22) from `vpcCidr` only, for examiners in the clean room. @default false */
      allowForensicsIngress: z.boolean().default(false),
    })
    .prefault({}),
});

const ou = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9 _-]{0,127}$/, 'must be an OU name'),
  /** Existing OU ID. */
  id: ouId,
  /** Parent OU by name, or `root`. @default root */
  parent: z.string().default('root'),
});

const scpTarget = z.string().min(1).describe('`root` or an OU name');

const instanceTypes = z
  .strictObject({
    /** denylist: deny the patterns in `deny`; allowlist: deny everything not in `allow`. */
    mode: z.enum(['denylist', 'allowlist']).default('denylist'),
    /** Patterns denied in addition to the default denylist (GPU/accelerator families, metal, 12xlarge and up). */
    deny: z.array(instanceTypePattern).optional(),
    /** Use `deny` instead of the defaults rather than on top of them. @default false */
    replaceDefaultDenylist: z.boolean().optional(),
    allow: z.array(instanceTypePattern).optional(),
    /**
     * Roles (CI, an ML platform) that may still configure the launchers SCPs cannot filter by type
     * (EKS node groups, Batch, PCS, Image Builder, Lightsail, GameLift, AppStream, Deadline, CodeBuild
     * GPU, EC2 Fleet/Spot Fleet changes, Capacity Blocks) besides the deployers. The tamper SCP
     * reserves these role names for the deployers. @default []
     */
    computePlatformPrincipals: z.array(exemptRoleArnPattern).default([]),
  })
  .prefault({});

/** A CIDR (IPv4 or IPv6) of the corporate egress, as aws:SourceIp sees it. */
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a CIDR such as 203.0.113.0/24' });
const vpcEndpointId = z.string().regex(/^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must look like vpce-0123456789abcdef0');

const networkPerimeter = z
  .strictObject({
    /** Public egress CIDRs of the corporate network. @default [] */
    corporateCidrs: z.array(cidr).default([]),
    /** VPC endpoint IDs requests from inside AWS arrive through. @default [] */
    vpcEndpoints: z.array(vpcEndpointId).default([]),
  })
  .prefault({});

const allowedImages = z
  .strictObject({
    /** audit_mode flags AMIs outside the criteria; enabled refuses them. @default audit_mode */
    state: z.enum(['audit_mode', 'enabled']).default('audit_mode'),
    /** Image providers: amazon, aws_marketplace, aws_backup_vault or a 12-digit account ID. @default [amazon] */
    trustedOwners: z
      .array(z.union([z.enum(['amazon', 'aws_marketplace', 'aws_backup_vault']), accountId]))
      .min(1)
      .max(200)
      .default(['amazon']),
  })
  .prefault({});

const orgPolicies = z
  .strictObject({
    /**
     * EC2 declarative policy (Organizations type DECLARATIVE_POLICY_EC2, enabled on the root first).
     * @default enabled
     */
    declarativeEc2: z
      .strictObject({
        enabled: z.boolean().default(true),
        allowedImages,
      })
      .prefault({}),
    /**
     * Resource control policy (Organizations type RESOURCE_CONTROL_POLICY, enabled on the root first).
     * @default enabled
     */
    resourceControl: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  })
  .prefault({});

const stateBackend = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('local'), directory: z.string().default('terraform-state') }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
    region,
    keyPrefix: z.string().default('aws-ir-guardrails'),
    /** Role (ARN) to assume for state access. */
    roleArn: z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]+$/, 'must be an IAM role ARN').optional(),
    kmsKeyId: z.string().optional(),
  }),
]);

export const orgConfigSchema = z.strictObject({
  organization: z.strictObject({
    name,
    id: orgId,
    rootId,
    /** Region where single-region resources (trail, Athena, topic) live. */
    homeRegion: region,
  }),
  organizationalUnits: z.array(ou).default([]),
  accounts: z.strictObject({
    management: account.omit({ vpcs: true, ou: true }),
    security: account.omit({ vpcs: true }),
    logArchive: account.omit({ vpcs: true }),
    forensics: forensicsAccount,
    workloads: z.array(account).default([]),
  }),
  regions: z.strictObject({
    /** Regions where workloads may run; everything else is denied by SCP. */
    allowed: z.array(region).min(1),
    /**
     * Regions with GuardDuty and crypto-finding routing. `all` = every commercial region that can
     * be used: those enabled by default plus allowed opt-in regions (others cannot be enabled). @default all
     */
    detection: z.union([z.literal('all'), z.array(region).min(1)]).default('all'),
  }),
  instanceTypes,
    /**
   * Extra roles (beyond SecurityBreakGlass/SecurityDeploy) exempt from the region deny. Roles only:
   * SCPs match aws:PrincipalArn, which is the role ARN for a session, and the tamper SCP reserves
   * these role names for the deployers (a user name could be created by anyone with iam:CreateUser).
   */
  exemptPrincipals: z.array(exemptRoleArnPattern).default([]),
  contacts: z.strictObject({
    /** Email subscribers of the central alert topic. */
    alertEmails: z.array(email).min(1),
    /** Optional HTTPS endpoint (pager) subscribed to the alert topic. */
    pagerUrl: z.url({ protocol: /^https$/ }).optional(),
    securityTeam: z.string().min(1),
  }),
  deployment: z
    .strictObject({
      /** Role Terraform assumes in each account. @default OrganizationAccountAccessRole */
      roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name').default('OrganizationAccountAccessRole'),
      stateBackend: stateBackend.prefault({ type: 'local' }),
      /** Tags on every resource. */
      tags: z.record(z.string(), z.string()).default({}),
    })
    .prefault({}),
  /**
   * Optional network perimeter for IAM user (long-term key) credentials: when either list is set,
   * their requests from anywhere else are denied. Off when both are empty. @default off
   */
  networkPerimeter,
  /** AWS's newer Organizations policy types, one switch each. */
  orgPolicies,
  scp: z
    .strictObject({
      /** Max characters of one SCP (the packer fills documents up to it). AWS's long-standing limit is 5,120; 10,240 where raised. @default 5120 */
      maxPolicyChars: z.number().int().min(1000).max(10240).default(5120),
      /** Max SCPs attached per target (AWS counts FullAWSAccess too). @default 5 */
      maxPoliciesPerTarget: z.number().int().min(1).max(10).default(5),
      /** Targets (root or OU names) for the guardrail pack. @default [root] */
      targets: z.array(scpTarget).min(1).default(['root']),
      /** Keep KMS and Config callable in denied regions (for multi-region keys/recorders). @default true */
      regionDenyExemptsKmsAndConfig: z.boolean().default(true),
    })
    .prefault({}),
  irRoles: z
    .strictObject({
      /** Principals in the security account allowed to assume the IR roles (MFA required). */
      responderPrincipals: z.array(principalArnPattern).min(1),
      /** Max session seconds for the IR roles. @default 3600 */
      maxSessionSeconds: z.number().int().min(900).max(43200).default(3600),
      /** OUs (by name, or `root`) the IR-role StackSet auto-deploys to. @default every OU holding a member account */
      stackSetTargets: z.array(z.string()).optional(),
    }),
  billing: z
    .strictObject({
      /** USD thresholds for the EstimatedCharges alarms. */
      totalMonthlyUsd: z.number().positive().default(5000),
      ec2MonthlyUsd: z.number().positive().default(2000),
      monthlyBudgetUsd: z.number().positive().default(6000),
      anomalyThresholdUsd: z.number().positive().default(100),
    })
    .prefault({}),
  cloudtrail: z
    .strictObject({
      /** Days objects stay locked (governance mode). @default 365 */
      objectLockDays: z.number().int().min(1).default(365),
      /** Move logs to Glacier Instant Retrieval (still queryable by Athena) after this many days. @default 90 */
      glacierAfterDays: z.number().int().min(1).default(90),
      /** Expire logs after this many days. @default 2555 */
      expireAfterDays: z.number().int().min(1).default(2555),
    })
    .prefault({}),
  athena: z
    .strictObject({
      /** Per-query bytes-scanned cutoff. @default 10 GiB */
      bytesScannedCutoff: z.number().int().min(10485760).default(10 * 1024 ** 3),
    })
    .prefault({}),
});

/** Config as written by a user (defaults optional). */
export type OrgConfigInput = z.input<typeof orgConfigSchema>;
/** Config after parsing: defaults filled in. */
export type OrgConfig = z.output<typeof orgConfigSchema>;
export type AccountConfig = z.output<typeof account>;
export type VpcConfig = z.output<typeof vpc>;
export type ForensicsAccountConfig = z.output<typeof forensicsAccount>;
export type StateBackendConfig = z.output<typeof stateBackend>;
