/** SCP (a): nothing happens outside `regions.allowed`, except global services and responders. */
import type { OrgConfig } from '../../config';
import type { AuditedPolicy } from './audited';
import { regionExemptArnPatterns } from './principals';

/**
 * Global services (AWS's published region-deny example). Their calls are signed for
 * us-east-1 (or another fixed region) whatever the workload region, so denying them outside
 * the allowed regions would break IAM, STS, Organizations, support and billing everywhere.
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  'a4b:*', 'acm:*', 'aws-marketplace-management:*', 'aws-marketplace:*', 'aws-portal:*',
  'budgets:*', 'ce:*', 'chime:*', 'cloudfront:*', 'cur:*', 'directconnect:*',
  'ec2:DescribeRegions', 'ec2:DescribeTransitGateways', 'ec2:DescribeVpnGateways',
  'fms:*', 'globalaccelerator:*', 'health:*', 'iam:*', 'importexport:*', 'mobileanalytics:*',
  'networkmanager:*', 'organizations:*', 'pricing:*', 'route53:*', 'route53domains:*',
  'route53-recovery-cluster:*', 'route53-recovery-control-config:*', 'route53-recovery-readiness:*',
  's3:GetAccountPublic*', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints', 's3:PutAccountPublic*',
  'shield:*', 'sts:*', 'support:*', 'trustedadvisor:*', 'waf-regional:*', 'waf:*', 'wafv2:*', 'wellarchitected:*',
];

/**
 * KMS and Config stay callable everywhere by default: multi-region keys replicate into
 * regions outside the list, and AWS's example keeps Config open so recorders in every region
 * keep reporting (an attacker's resources in a denied region are then still recorded).
 */
export const KMS_AND_CONFIG_ACTIONS: readonly string[] = ['kms:*', 'config:*'];

/** Plain-text explanation for auditors. */
export const explanation = `Denies every API call whose aws:RequestedRegion is not one of the allowed regions.
Global services (IAM, STS, Organizations, CloudFront, Route 53, billing, support, ...) are
listed in NotAction because their endpoints live in one fixed region; denying them would break
the organization everywhere. KMS and Config stay open in every region unless
scp.regionDenyExemptsKmsAndConfig is false. Four kinds of principal are exempt through
ArnNotLike aws:PrincipalArn: the SecurityBreakGlass role in every account (responders must be
able to contain a miner running in a region nobody uses), the SecurityAnalyst role (irctl reads
the attacker's instances, groups, snapshots and CloudTrail events there with it; its own policy
allows only reads and queries, and the tamper rule keeps its policies the deployers'), the
deploying roles (SecurityDeploy and the Terraform deployment role, which manage GuardDuty in every
region), and the principals in config exemptPrincipals. aws:PrincipalArn of a role session is the
role ARN, so sessions of these roles are matched; the IR roles are matched with their
/incident-response/ path, so a look-alike role elsewhere is not exempt. SecurityAdmin is not
exempt: what must be changed in a denied region is changed as break-glass, which pages the team.`;

/** The region-deny SCP for `config`. */
export function denyUnapprovedRegionsScp(config: OrgConfig): AuditedPolicy {
  const notAction = config.scp.regionDenyExemptsKmsAndConfig
    ? [...GLOBAL_SERVICE_ACTIONS, ...KMS_AND_CONFIG_ACTIONS]
    : [...GLOBAL_SERVICE_ACTIONS];
  return {
    name: 'ir-guardrails-deny-unapproved-regions',
    description: `Deny all but global services outside ${config.regions.allowed.join(', ')}; responders and deployers exempt.`,
    explanation,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyOutsideAllowedRegions',
          Effect: 'Deny',
          NotAction: notAction,
          Resource: '*',
          Condition: {
            StringNotEquals: { 'aws:RequestedRegion': [...config.regions.allowed] },
            ArnNotLike: { 'aws:PrincipalArn': regionExemptArnPatterns(config) },
          },
        },
      ],
    },
  };
}
