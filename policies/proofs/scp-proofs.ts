/** Proof tables for the guardrail SCPs and the Forensics OU SCP. */
import { instanceTypeRule, type OrgConfig } from '../../config';
import {
  denyUnapprovedInstanceTypesScp, denyUnapprovedRegionsScp, forensicsOuScp, protectSecurityServicesScp, requireImdsv2Scp,
} from '../scp';
import { NETWORK_EXIT_ACTIONS, EVIDENCE_EXPOSURE_ACTIONS, LAMBDA_CONFIG_ACTIONS } from '../scp/forensics-ou';
import {
  ALERT_RULE_CHANGE_ACTIONS, ALWAYS_DENIED_ACTIONS, EXEMPT_ROLE_CHANGE_ACTIONS, DEPLOYER_ONLY_ACTIONS, GUARDDUTY_ADMIN_ACTIONS,
  INLINE_ROLE_POLICY_ACTIONS,
} from '../scp/protect-security-services';
import { ALERT_RULES } from '../../shared/names';
import { concreteArn, globMatches, proofFixtures, type ProofFixtures } from './fixtures';
import type { ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const DENIED = 'ExplicitlyDenied' as const;

/** Realistic instance types for the default patterns; other patterns get a generic example. */
const EXAMPLE_TYPES: Readonly<Record<string, string>> = {
  'p*': 'p4d.24xlarge', 'g*': 'g5.xlarge', 'inf*': 'inf2.xlarge', 'trn*': 'trn1.2xlarge', 'dl*': 'dl1.24xlarge',
  'f*': 'f1.2xlarge', 'vt*': 'vt1.3xlarge', '*.metal': 'm5.metal', '*.metal-*': 'm7i.metal-24xl',
  'u*': 'u7inh-32tb.480xlarge', 'u-*': 'u-6tb1.112xlarge', 'x2*': 'x2iedn.xlarge', 'x8*': 'x8g.large', 'hpc*': 'hpc6a.48xlarge',
};
/**
 * Types the default denylist must deny whatever its patterns say (the rows do not derive their
 * expectation from the patterns, so a pattern that misses one fails): every High Memory family,
 * including u7i, u7in and u7inh and the 480xlarge size.
 */
const DEFAULT_DENYLIST_MUST_DENY = ['u-6tb1.112xlarge', 'u-24tb1.metal', 'u7i-6tb.112xlarge', 'u7i-12tb.224xlarge', 'u7in-16tb.224xlarge', 'u7inh-32tb.480xlarge', 'x8g.48xlarge'];
/** Ordinary types a workload launches. */
const ORDINARY_TYPES = ['t3.micro', 'm5.large', 'c6i.xlarge', 'r6g.2xlarge', 'm5.8xlarge'];
/** What a miner asks for. */
const MINER_TYPES = ['p4d.24xlarge', 'g5.xlarge', 'g4dn.12xlarge', 'inf2.xlarge', 'c5.metal', 'm5.24xlarge'];

/** An instance type matching `pattern`. */
export function exampleInstanceType(pattern: string): string {
  const known = EXAMPLE_TYPES[pattern];
  if (known) return known;
  // Family wildcards get a plausible size, size wildcards a plausible family.
  return pattern.replace(/^\*/, 'm5').replace(/\.\*$/, '.large').replace(/\*$/, '5.2xlarge').replace(/\*/g, 'x');
}

const instanceArn = (f: ProofFixtures, region = f.allowedRegion) => `arn:aws:ec2:${region}:${f.workloadAccount}:instance/i-0123456789abcdef0`;
const compliantLaunch = { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': '1' };

/** Region deny: allowed and denied regions, global services, exempt and non-exempt principals. */
export function regionProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denyUnapprovedRegionsScp(config);
  const rows: ProofRow[] = [
    { name: 'workload reads EC2 in an allowed region', request: { principal: f.appRole, action: 'ec2:DescribeInstances', region: f.allowedRegion }, expected: ALLOWED },
    ...config.regions.allowed.map((region): ProofRow => ({
      name: `workload starts an instance in allowed ${region}`,
      request: { principal: f.appRole, action: 'ec2:StartInstances', region },
      expected: ALLOWED,
    })),
  ];
  const denied = f.deniedRegion;
  if (denied) {
    const kmsConfig = config.scp.regionDenyExemptsKmsAndConfig ? ALLOWED : DENIED;
    rows.push(
      { name: `workload launches in denied ${denied}`, request: { principal: f.appRole, action: 'ec2:RunInstances', resource: instanceArn(f, denied), region: denied }, expected: DENIED },
      { name: `workload reads EC2 in denied ${denied}`, request: { principal: f.appRole, action: 'ec2:DescribeInstances', region: denied }, expected: DENIED },
      { name: `workload reads S3 objects through ${denied}`, request: { principal: f.appRole, action: 's3:GetObject', region: denied }, expected: DENIED },
      { name: `Lambda in denied ${denied}`, request: { principal: f.appRole, action: 'lambda:CreateFunction', region: denied }, expected: DENIED },
      ...[
        ['iam:CreateRole', 'IAM'], ['sts:AssumeRole', 'STS'], ['organizations:DescribeOrganization', 'Organizations'],
        ['support:DescribeCases', 'Support'], ['route53:ChangeResourceRecordSets', 'Route 53'], ['cloudfront:CreateInvalidation', 'CloudFront'],
        ['ec2:DescribeRegions', 'EC2 region list'], ['s3:ListAllMyBuckets', 'S3 bucket list'], ['budgets:ViewBudget', 'Budgets'],
      ].map(([action, label]): ProofRow => ({ name: `global service ${label} signed for ${denied}`, request: { principal: f.appRole, action, region: denied }, expected: ALLOWED })),
      { name: `KMS in denied ${denied} (regionDenyExemptsKmsAndConfig=${config.scp.regionDenyExemptsKmsAndConfig})`, request: { principal: f.appRole, action: 'kms:CreateKey', region: denied }, expected: kmsConfig },
      { name: `Config in denied ${denied} (regionDenyExemptsKmsAndConfig=${config.scp.regionDenyExemptsKmsAndConfig})`, request: { principal: f.appRole, action: 'config:PutEvaluations', region: denied }, expected: kmsConfig },
      { name: `SecurityBreakGlass stops an instance in denied ${denied}`, request: { principal: f.irRole('breakGlass'), action: 'ec2:StopInstances', region: denied }, expected: ALLOWED },
      { name: `SecurityBreakGlass in the security account, denied ${denied}`, request: { principal: f.irRole('breakGlass', f.securityAccount), action: 'ec2:DescribeInstances', region: denied }, expected: ALLOWED },
      { name: `SecurityDeploy creates a detector in denied ${denied}`, request: { principal: f.irRole('deploy'), action: 'guardduty:CreateDetector', region: denied }, expected: ALLOWED },
      { name: `deployment role in denied ${denied}`, request: { principal: f.deploymentRole, action: 'guardduty:CreateDetector', region: denied }, expected: ALLOWED },
      {
        name: `StackSet execution role creates the break-glass alarm rule in denied ${denied}`,
        request: { principal: `arn:aws:iam::${f.workloadAccount}:role/stacksets-exec-0123456789abcdef`, action: 'events:PutRule', region: denied },
        expected: ALLOWED,
      },
      ...f.exemptPrincipals.map((principal): ProofRow => ({ name: `exempt principal ${principal} in denied ${denied}`, request: { principal, action: 'ec2:StopInstances', region: denied }, expected: ALLOWED })),
      { name: `SecurityAnalyst reads EC2 in denied ${denied} (irctl scopes there)`, request: { principal: f.irRole('analyst'), action: 'ec2:DescribeInstances', region: denied }, expected: ALLOWED },
      { name: `SecurityAdmin is not exempt in denied ${denied}`, request: { principal: f.irRole('admin'), action: 'ec2:DescribeInstances', region: denied }, expected: DENIED },
      {
        name: `a role named SecurityBreakGlass outside the IR path is not exempt in ${denied}`,
        request: { principal: `arn:aws:iam::${f.workloadAccount}:role/SecurityBreakGlass`, action: 'ec2:DescribeInstances', region: denied },
        expected: DENIED,
      },
      { name: `an IAM user in denied ${denied}`, request: { principal: `arn:aws:iam::${f.workloadAccount}:user/ci-bot`, action: 'ec2:DescribeInstances', region: denied }, expected: DENIED },
    );
  }
  return { id: 'scp-regions', title: 'Deny outside allowed regions', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** Instance types: each denied family vs allowed types, on every launch path; allowlist mode too. */
export function instanceTypeProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = denyUnapprovedInstanceTypesScp(config);
  const rule = instanceTypeRule(config);
  const isDenied = (type: string) => {
    const matches = rule.patterns.some((p) => globMatches(p, type));
    return rule.mode === 'denylist' ? matches : !matches;
  };
  const deniedTypes = rule.mode === 'denylist' ? rule.patterns.map(exampleInstanceType) : MINER_TYPES.filter(isDenied);
  const allowedTypes = rule.mode === 'allowlist' ? rule.patterns.map(exampleInstanceType) : ORDINARY_TYPES.filter((t) => !isDenied(t));
  const launchRow = (type: string, expected: typeof ALLOWED | typeof DENIED): ProofRow => ({
    name: `RunInstances ${type}`,
    request: { principal: f.appRole, action: 'ec2:RunInstances', resource: instanceArn(f), context: { 'ec2:InstanceType': type, ...compliantLaunch } },
    expected,
  });
  const bad = deniedTypes[0];
  const good = allowedTypes[0];
  const template = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:launch-template/lt-0123456789abcdef0`;
  const paths = (type: string, expected: typeof ALLOWED | typeof DENIED): ProofRow[] => [
    { name: `RunInstances from a launch template, ${type}`, request: { principal: f.appRole, action: 'ec2:RunInstances', resource: instanceArn(f), context: { 'ec2:InstanceType': type, 'ec2:LaunchTemplate': template, 'ec2:IsLaunchTemplateResource': 'false' } }, expected },
    { name: `RunInstances as Spot (InstanceMarketOptions), ${type}`, request: { principal: f.appRole, action: 'ec2:RunInstances', resource: instanceArn(f), context: { 'ec2:InstanceType': type, 'ec2:InstanceMarketType': 'spot' } }, expected },
    { name: `EC2 Fleet (CreateFleet), ${type}`, request: { principal: f.appRole, action: 'ec2:CreateFleet', resource: instanceArn(f), context: { 'ec2:InstanceType': type } }, expected },
    { name: `Auto Scaling launch configuration, ${type}`, request: { principal: f.appRole, action: 'autoscaling:CreateLaunchConfiguration', context: { 'autoscaling:InstanceType': type } }, expected },
    { name: `Auto Scaling group override (CreateAutoScalingGroup), ${type}`, request: { principal: f.appRole, action: 'autoscaling:CreateAutoScalingGroup', context: { 'autoscaling:InstanceTypes': [type] } }, expected },
    { name: `Auto Scaling group override (UpdateAutoScalingGroup), ${type}`, request: { principal: f.appRole, action: 'autoscaling:UpdateAutoScalingGroup', context: { 'autoscaling:InstanceTypes': [type] } }, expected },
  ];
  const defaultsApply = config.instanceTypes.mode === 'denylist' && !config.instanceTypes.replaceDefaultDenylist;
  const rows: ProofRow[] = [
    ...(defaultsApply ? DEFAULT_DENYLIST_MUST_DENY.map((t) => ({ ...launchRow(t, DENIED), name: `RunInstances ${t} (default denylist)` })) : []),
    ...deniedTypes.map((t) => launchRow(t, DENIED)),
    ...allowedTypes.map((t) => launchRow(t, ALLOWED)),
    ...(bad ? paths(bad, DENIED) : []),
    ...(good ? paths(good, ALLOWED) : []),
    ...(bad ? resizeRows(f, bad, DENIED) : []),
    ...(good ? resizeRows(f, good, ALLOWED) : []),
    // The red-team finding as reported: t3.micro resized to p5.48xlarge, then started.
    ...resizeRows(f, 'p5.48xlarge', isDenied('p5.48xlarge') ? DENIED : ALLOWED),
    {
      name: `ModifyInstanceAttribute of security groups on a running ${bad ?? 'GPU'} instance (containment, no resize)`,
      request: { principal: f.appRole, action: 'ec2:ModifyInstanceAttribute', resource: instanceArn(f), context: { 'ec2:InstanceType': bad ?? 'p4d.24xlarge', 'ec2:Attribute': 'groupSet' } },
      expected: ALLOWED,
    },
    { name: 'legacy RequestSpotInstances (no instance-type key): denied outright', request: { principal: f.appRole, action: 'ec2:RequestSpotInstances' }, expected: DENIED },
    { name: 'legacy RequestSpotFleet (service-linked role launches): denied outright', request: { principal: f.appRole, action: 'ec2:RequestSpotFleet' }, expected: DENIED },
    { name: 'SecurityBreakGlass is not exempt from the type rule', request: { principal: f.irRole('breakGlass'), action: 'ec2:RunInstances', resource: instanceArn(f), context: { 'ec2:InstanceType': bad ?? 'p4d.24xlarge' } }, expected: bad ? DENIED : ALLOWED },
    { name: 'CreateFleet on the fleet resource (type checked on instance/*)', request: { principal: f.appRole, action: 'ec2:CreateFleet' }, expected: ALLOWED },
    { name: 'CreateLaunchTemplate exposes no type key: allowed, its launches are checked', request: { principal: f.appRole, action: 'ec2:CreateLaunchTemplate' }, expected: ALLOWED },
  ];
  return { id: 'scp-instance-types', title: `Deny instance types outside policy (${rule.mode})`, policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** Resize path: a stopped t3.micro changed to `type`, then started (StartInstances carries the new type). */
function resizeRows(f: ProofFixtures, type: string, expected: typeof ALLOWED | typeof DENIED): ProofRow[] {
  return [
    {
      name: `ModifyInstanceAttribute resizes a stopped t3.micro to ${type}`,
      request: { principal: f.appRole, action: 'ec2:ModifyInstanceAttribute', resource: instanceArn(f), context: { 'ec2:InstanceType': 't3.micro', 'ec2:Attribute/InstanceType': type } },
      expected,
    },
    { name: `StartInstances of a stopped ${type}`, request: { principal: f.appRole, action: 'ec2:StartInstances', resource: instanceArn(f), context: { 'ec2:InstanceType': type } }, expected },
  ];
}

/** Tamper protection: each protected action for workloads, deployers and break-glass. */
export function tamperProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = protectSecurityServicesScp(config);
  const rows: ProofRow[] = [];
  for (const action of ALWAYS_DENIED_ACTIONS) {
    rows.push({ name: `workload: ${action}`, request: { principal: f.appRole, action }, expected: DENIED });
    rows.push({ name: `SecurityDeploy: ${action} (nobody may)`, request: { principal: f.irRole('deploy'), action }, expected: DENIED });
  }
  const admin = f.irRole('admin', f.securityAccount);
  for (const action of ALWAYS_DENIED_ACTIONS.filter((a) => a.startsWith('guardduty:'))) {
    rows.push({ name: `SecurityAdmin: ${action} (nobody may)`, request: { principal: admin, action }, expected: DENIED });
  }
  for (const action of GUARDDUTY_ADMIN_ACTIONS) {
    rows.push({ name: `workload: ${action}`, request: { principal: f.appRole, action }, expected: DENIED });
    rows.push({ name: `SecurityBreakGlass: ${action}`, request: { principal: f.irRole('breakGlass'), action }, expected: DENIED });
    rows.push({ name: `SecurityDeploy: ${action} (stacks change it)`, request: { principal: f.irRole('deploy'), action }, expected: ALLOWED });
    rows.push({ name: `SecurityAdmin: ${action} (administers GuardDuty)`, request: { principal: admin, action }, expected: ALLOWED });
  }
  for (const action of DEPLOYER_ONLY_ACTIONS) {
    rows.push({ name: `workload: ${action}`, request: { principal: f.appRole, action }, expected: DENIED });
    rows.push({ name: `SecurityBreakGlass: ${action}`, request: { principal: f.irRole('breakGlass'), action }, expected: DENIED });
    rows.push({ name: `SecurityAdmin: ${action}`, request: { principal: admin, action }, expected: DENIED });
    rows.push({ name: `SecurityDeploy: ${action} (stacks change it)`, request: { principal: f.irRole('deploy'), action }, expected: ALLOWED });
  }
  // DHCP options naming an outside resolver take a whole VPC out of Resolver query logging and GuardDuty's DNS view.
  const vpc = `arn:aws:ec2:${f.allowedRegion}:${f.workloadAccount}:vpc/vpc-0a1b2c3d4e5f60001`;
  rows.push(
    { name: 'workload: ec2:AssociateDhcpOptions on a VPC (outside resolver)', request: { principal: f.appRole, action: 'ec2:AssociateDhcpOptions', resource: vpc }, expected: DENIED },
    { name: 'SecurityDeploy: ec2:AssociateDhcpOptions on a VPC', request: { principal: f.irRole('deploy'), action: 'ec2:AssociateDhcpOptions', resource: vpc }, expected: ALLOWED },
    { name: 'workload: ec2:CreateDhcpOptions (unassociated options change nothing)', request: { principal: f.appRole, action: 'ec2:CreateDhcpOptions' }, expected: ALLOWED },
  );
  const stackSetRole = `arn:aws:iam::${f.workloadAccount}:role/stacksets-exec-0123456789abcdef`;
  const breakGlassRole = f.irRole('breakGlass');
  for (const action of EXEMPT_ROLE_CHANGE_ACTIONS) {
    rows.push({ name: `workload: ${action} on SecurityBreakGlass`, request: { principal: f.appRole, action, resource: breakGlassRole }, expected: DENIED });
    rows.push({ name: `workload: ${action} on a look-alike StackSet role`, request: { principal: f.appRole, action, resource: `arn:aws:iam::${f.workloadAccount}:role/stacksets-exec-evil` }, expected: DENIED });
    rows.push({ name: `SecurityBreakGlass: ${action} on itself`, request: { principal: breakGlassRole, action, resource: breakGlassRole }, expected: DENIED });
    rows.push({ name: `StackSet execution role: ${action} on SecurityBreakGlass (deploys the IR roles)`, request: { principal: stackSetRole, action, resource: breakGlassRole }, expected: ALLOWED });
    rows.push({ name: `workload: ${action} on its own app role`, request: { principal: f.appRole, action, resource: f.appRole }, expected: ALLOWED });
  }
  rows.push(...exemptRoleRows(f, stackSetRole));
  // Compute-platform roles may configure untyped launchers, so their names are reserved like the exempt roles'.
  for (const pattern of config.instanceTypes.computePlatformPrincipals) {
    const platform = concreteArn(pattern, f.workloadAccount);
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy']) {
      rows.push({ name: `workload: ${action} on compute-platform role ${platform.split(':role/')[1]}`, request: { principal: f.appRole, action, resource: platform }, expected: DENIED });
      rows.push({ name: `SecurityDeploy: ${action} on compute-platform role ${platform.split(':role/')[1]}`, request: { principal: f.irRole('deploy'), action, resource: platform }, expected: ALLOWED });
    }
  }
  for (const action of DEPLOYER_ONLY_ACTIONS) {
    rows.push({ name: `StackSet execution role: ${action} (Config recorder StackSet)`, request: { principal: stackSetRole, action }, expected: ALLOWED });
  }
  rows.push(...alertRuleRows(f, stackSetRole));
  rows.push(...detectorResourceRows(f));
  rows.push(
    { name: 'deployment role updates a detector', request: { principal: f.deploymentRole, action: 'guardduty:UpdateDetector' }, expected: ALLOWED },
    { name: 'workload reads GuardDuty findings', request: { principal: f.appRole, action: 'guardduty:GetFindings' }, expected: ALLOWED },
    { name: 'workload creates its own flow log', request: { principal: f.appRole, action: 'ec2:CreateFlowLogs' }, expected: ALLOWED },
    { name: 'workload reads trail status', request: { principal: f.appRole, action: 'cloudtrail:GetTrailStatus' }, expected: ALLOWED },
  );
  return { id: 'scp-tamper-protection', title: 'Protect GuardDuty, CloudTrail, Config, Flow Logs, org membership and regions', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/**
 * Every role under the IR path is protected (SecurityAdmin included); break-glass may still write
 * inline policies (session revocation) on the other exempt roles and the other IR roles, never on itself.
 */
function exemptRoleRows(f: ProofFixtures, stackSetRole: string): ProofRow[] {
  const rows: ProofRow[] = [];
  const breakGlass = f.irRole('breakGlass');
  const otherIrRoles = [f.irRole('analyst'), f.irRole('admin'), f.irRole('deploy'), f.irRole('admin', f.securityAccount)];
  const otherExempt = [
    f.deploymentRole, `arn:aws:iam::${f.workloadAccount}:role/stacksets-exec-0123456789abcdef`,
    ...f.exemptPrincipals.filter((p) => p.includes(':role/')),
  ].filter((arn) => arn !== f.irRole('deploy'));
  const name = (arn: string) => arn.split(':role/')[1];
  for (const action of EXEMPT_ROLE_CHANGE_ACTIONS) {
    for (const role of [...otherIrRoles, `arn:aws:iam::${f.workloadAccount}:role/incident-response/LookAlike`]) {
      const account = role.split(':')[4];
      rows.push({ name: `workload: ${action} on ${name(role)} in ${account}`, request: { principal: `arn:aws:iam::${account}:role/app-server`, action, resource: role }, expected: DENIED });
    }
    const admin = f.irRole('admin', f.securityAccount);
    rows.push({ name: `SecurityAdmin: ${action} on itself`, request: { principal: admin, action, resource: admin }, expected: DENIED });
  }
  for (const action of INLINE_ROLE_POLICY_ACTIONS) {
    for (const role of [...otherIrRoles.slice(0, 3), ...otherExempt]) {
      rows.push({ name: `SecurityBreakGlass: ${action} on ${name(role)} (session revocation)`, request: { principal: breakGlass, action, resource: role }, expected: ALLOWED });
    }
    rows.push({ name: `SecurityAnalyst: ${action} on SecurityAdmin`, request: { principal: f.irRole('analyst'), action, resource: f.irRole('admin') }, expected: DENIED });
    rows.push({ name: `StackSet execution role: ${action} on SecurityAdmin (deploys it)`, request: { principal: stackSetRole, action, resource: f.irRole('admin') }, expected: ALLOWED });
  }
  for (const action of EXEMPT_ROLE_CHANGE_ACTIONS.filter((a) => !INLINE_ROLE_POLICY_ACTIONS.includes(a))) {
    for (const role of [f.irRole('analyst'), ...otherExempt]) {
      rows.push({ name: `SecurityBreakGlass: ${action} on ${name(role)} (only inline revocation is allowed)`, request: { principal: breakGlass, action, resource: role }, expected: DENIED });
    }
  }
  return rows;
}

/**
 * Detectors the stacks deploy outside the core services, on the resources AWS authorizes: Resolver
 * query logging in workload accounts, organization Config rules and retention in the security account.
 */
function detectorResourceRows(f: ProofFixtures): ProofRow[] {
  const queryLogs = `arn:aws:route53resolver:${f.allowedRegion}:${f.workloadAccount}:resolver-query-log-config/rqlc-0123456789abcdef`;
  const orgRule = `arn:aws:config:${f.allowedRegion}:${f.securityAccount}:organization-config-rule/ir-ec2-imdsv2-check-abcdef`;
  const securityApp = `arn:aws:iam::${f.securityAccount}:role/app-server`;
  const rows: ProofRow[] = [];
  const cases: ReadonlyArray<[string, string, string, string]> = [
    ['route53resolver:DisassociateResolverQueryLogConfig', queryLogs, f.appRole, f.irRole('deploy')],
    ['route53resolver:DeleteResolverQueryLogConfig', queryLogs, f.appRole, f.irRole('deploy')],
    ['route53resolver:PutResolverQueryLogConfigPolicy', queryLogs, f.appRole, f.irRole('deploy')],
    ['config:DeleteOrganizationConfigRule', orgRule, securityApp, f.irRole('deploy', f.securityAccount)],
    ['config:PutOrganizationConfigRule', orgRule, securityApp, f.irRole('deploy', f.securityAccount)],
    ['config:PutRetentionConfiguration', '*', securityApp, f.irRole('deploy', f.securityAccount)],
  ];
  for (const [action, resource, workload, deployer] of cases) {
    rows.push(
      { name: `${workload.split(':')[4]} workload: ${action} on ${resource}`, request: { principal: workload, action, resource }, expected: DENIED },
      { name: `SecurityBreakGlass: ${action} on ${resource}`, request: { principal: f.irRole('breakGlass', workload.split(':')[4]), action, resource }, expected: DENIED },
      { name: `SecurityDeploy: ${action} on ${resource} (stacks own it)`, request: { principal: deployer, action, resource }, expected: ALLOWED },
    );
  }
  rows.push(
    { name: 'workload: associating a VPC with query logging stays allowed', request: { principal: f.appRole, action: 'route53resolver:AssociateResolverQueryLogConfig', resource: queryLogs }, expected: ALLOWED },
    { name: 'workload: reading Config rule compliance stays allowed', request: { principal: securityApp, action: 'config:DescribeOrganizationConfigRules' }, expected: ALLOWED },
  );
  return rows;
}

/** The project's alert rules (by exact ARN) are the deployers' alone; other rules stay their owners'. */
function alertRuleRows(f: ProofFixtures, stackSetRole: string): ProofRow[] {
  const rule = (name: string, account = f.workloadAccount) => `arn:aws:events:${f.allowedRegion}:${account}:rule/${name}`;
  const ours = [
    rule(ALERT_RULES.breakGlass),
    rule(`${ALERT_RULES.breakGlassBus}/${ALERT_RULES.breakGlass}`, f.securityAccount),
    rule(ALERT_RULES.findings, f.securityAccount),
  ];
  const rows: ProofRow[] = [];
  for (const action of ALERT_RULE_CHANGE_ACTIONS) {
    for (const resource of ours) {
      const account = resource.split(':')[4];
      rows.push({ name: `workload: ${action} on ${resource}`, request: { principal: `arn:aws:iam::${account}:role/app-server`, action, resource }, expected: DENIED });
      rows.push({ name: `SecurityBreakGlass: ${action} on ${resource}`, request: { principal: f.irRole('breakGlass', account), action, resource }, expected: DENIED });
      rows.push({ name: `SecurityDeploy: ${action} on ${resource} (stacks own it)`, request: { principal: f.irRole('deploy', account), action, resource }, expected: ALLOWED });
    }
    rows.push({ name: `StackSet execution role: ${action} on the member break-glass rule`, request: { principal: stackSetRole, action, resource: ours[0] }, expected: ALLOWED });
    rows.push({ name: `workload: ${action} on its own rule`, request: { principal: f.appRole, action, resource: rule('app-nightly-report') }, expected: ALLOWED });
    rows.push({ name: `workload: ${action} on a same-named rule on its own bus`, request: { principal: f.appRole, action, resource: rule(`app-bus/${ALERT_RULES.breakGlass}`) }, expected: ALLOWED });
  }
  return rows;
}

/** IMDSv2: launches and metadata changes with and without required tokens; IMDSv1 credentials. */
export function imdsProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const policy = requireImdsv2Scp();
  const instance = instanceArn(f);
  const run = (name: string, context: Record<string, string>, expected: typeof ALLOWED | typeof DENIED): ProofRow => ({
    name, request: { principal: f.appRole, action: 'ec2:RunInstances', resource: instanceArn(f), context }, expected,
  });
  // ModifyInstanceMetadataOptions carries the instance's current settings on ec2:Metadata* and the
  // requested ones on ec2:Attribute/*; a setting the call leaves out keeps its current value.
  const current = (tokens: string, endpoint = 'enabled', hops = '1') => ({ 'ec2:MetadataHttpTokens': tokens, 'ec2:MetadataHttpEndpoint': endpoint, 'ec2:MetadataHttpPutResponseHopLimit': hops });
  const modify = (name: string, now: Record<string, string>, requested: Record<string, string>, expected: typeof ALLOWED | typeof DENIED, principal = f.appRole): ProofRow => ({
    name, request: { principal, action: 'ec2:ModifyInstanceMetadataOptions', resource: instance, context: { ...now, ...requested } }, expected,
  });
  const rows: ProofRow[] = [
    run('launch with HttpTokens=required, hop limit 1', { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': '1' }, ALLOWED),
    run('launch with HttpTokens=required, hop limit 2 (containers)', { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': '2' }, ALLOWED),
    run('launch with HttpTokens=optional (IMDSv1)', { 'ec2:MetadataHttpTokens': 'optional', 'ec2:MetadataHttpPutResponseHopLimit': '1' }, DENIED),
    run('launch that omits metadata options', {}, DENIED),
    run('launch with HttpTokens=required, hop limit 3', { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpPutResponseHopLimit': '3' }, DENIED),
    run('launch with the endpoint off over optional tokens (would come back as IMDSv1)', { 'ec2:MetadataHttpTokens': 'optional', 'ec2:MetadataHttpEndpoint': 'disabled' }, DENIED),
    run('launch with the endpoint off and tokens required', { 'ec2:MetadataHttpTokens': 'required', 'ec2:MetadataHttpEndpoint': 'disabled' }, ALLOWED),
    modify('switch a required instance back to optional tokens', current('required'), { 'ec2:Attribute/HttpTokens': 'optional' }, DENIED),
    modify('raise the hop limit of a required instance from 1 to 64', current('required'), { 'ec2:Attribute/HttpPutResponseHopLimit': '64' }, DENIED),
    modify('switch the endpoint back on over optional tokens (launched optional, endpoint off)', current('optional', 'disabled'), { 'ec2:Attribute/HttpEndpoint': 'enabled' }, DENIED),
    modify('switch the endpoint on and tokens to optional in one call', current('required', 'disabled'), { 'ec2:Attribute/HttpEndpoint': 'enabled', 'ec2:Attribute/HttpTokens': 'optional' }, DENIED),
    modify('upgrade an IMDSv1 instance to required tokens', current('optional'), { 'ec2:Attribute/HttpTokens': 'required' }, ALLOWED),
    modify('switch the endpoint on with required tokens (launched optional, endpoint off)', current('optional', 'disabled'), { 'ec2:Attribute/HttpEndpoint': 'enabled', 'ec2:Attribute/HttpTokens': 'required' }, ALLOWED),
    modify('switch the endpoint back on for an instance that requires tokens', current('required', 'disabled'), { 'ec2:Attribute/HttpEndpoint': 'enabled' }, ALLOWED),
    modify('switch IMDS off on an IMDSv1 instance (containment)', current('optional'), { 'ec2:Attribute/HttpEndpoint': 'disabled' }, ALLOWED),
    modify('SecurityBreakGlass switches IMDS off on an IMDSv1 instance', current('optional'), { 'ec2:Attribute/HttpEndpoint': 'disabled' }, ALLOWED, f.irRole('breakGlass')),
    modify('lower the hop limit from 2 to 1 (tokens not repeated)', current('required', 'enabled', '2'), { 'ec2:Attribute/HttpPutResponseHopLimit': '1' }, ALLOWED),
    modify('set required tokens and hop limit 2 in one call', current('required'), { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': '2' }, ALLOWED),
    ...imdsElsewhereRows(f),
    { name: 'API call with credentials delivered by IMDSv1', request: { principal: f.appRole, action: 's3:ListAllMyBuckets', resource: '*', context: { 'ec2:RoleDelivery': '1.0' } }, expected: DENIED },
    { name: 'API call with credentials delivered by IMDSv2', request: { principal: f.appRole, action: 's3:ListAllMyBuckets', resource: '*', context: { 'ec2:RoleDelivery': '2.0' } }, expected: ALLOWED },
    { name: 'API call with credentials not from an instance', request: { principal: f.appRole, action: 's3:ListAllMyBuckets', resource: '*' }, expected: ALLOWED },
  ];
  return { id: 'scp-require-imdsv2', title: 'Require IMDSv2', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}

/** IMDSv2 beyond RunInstances: launch configurations, account defaults, Image Builder, SageMaker notebooks. */
function imdsElsewhereRows(f: ProofFixtures): ProofRow[] {
  const row = (name: string, action: string, context: Record<string, string>, expected: typeof ALLOWED | typeof DENIED): ProofRow => ({
    name, request: { principal: f.appRole, action, context }, expected,
  });
  const lc = 'autoscaling:CreateLaunchConfiguration';
  const defaults = 'ec2:ModifyInstanceMetadataDefaults';
  return [
    row('launch configuration with required tokens, hop limit 2', lc, { 'autoscaling:MetadataHttpTokens': 'required', 'autoscaling:MetadataHttpPutResponseHopLimit': '2' }, ALLOWED),
    row('launch configuration with optional tokens', lc, { 'autoscaling:MetadataHttpTokens': 'optional' }, DENIED),
    row('launch configuration that omits metadata options', lc, {}, DENIED),
    row('launch configuration with hop limit 3', lc, { 'autoscaling:MetadataHttpTokens': 'required', 'autoscaling:MetadataHttpPutResponseHopLimit': '3' }, DENIED),
    row('launch configuration with the endpoint off over optional tokens', lc, { 'autoscaling:MetadataHttpEndpoint': 'disabled' }, DENIED),
    row('launch configuration with the endpoint off and tokens required', lc, { 'autoscaling:MetadataHttpEndpoint': 'disabled', 'autoscaling:MetadataHttpTokens': 'required' }, ALLOWED),
    row('account default HttpTokens=required, hop limit 2', defaults, { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': '2' }, ALLOWED),
    row('account default HttpTokens=optional', defaults, { 'ec2:Attribute/HttpTokens': 'optional' }, DENIED),
    row('account default HttpTokens=no-preference', defaults, { 'ec2:Attribute/HttpTokens': 'no-preference' }, DENIED),
    row('account default hop limit 5', defaults, { 'ec2:Attribute/HttpTokens': 'required', 'ec2:Attribute/HttpPutResponseHopLimit': '5' }, DENIED),
    row('account default: only the hop limit, set to 1 (tokens not repeated)', defaults, { 'ec2:Attribute/HttpPutResponseHopLimit': '1' }, ALLOWED),
    row('account default: only the hop limit, set to 64', defaults, { 'ec2:Attribute/HttpPutResponseHopLimit': '64' }, DENIED),
    row('account default: only the endpoint, switched off', defaults, { 'ec2:Attribute/HttpEndpoint': 'disabled' }, ALLOWED),
    row('Image Builder infrastructure requiring IMDSv2', 'imagebuilder:CreateInfrastructureConfiguration', { 'imagebuilder:Ec2MetadataHttpTokens': 'required' }, ALLOWED),
    row('Image Builder infrastructure with optional tokens', 'imagebuilder:UpdateInfrastructureConfiguration', { 'imagebuilder:Ec2MetadataHttpTokens': 'optional' }, DENIED),
    row('SageMaker notebook with minimum IMDS version 2', 'sagemaker:CreateNotebookInstance', { 'sagemaker:MinimumInstanceMetadataServiceVersion': '2' }, ALLOWED),
    row('SageMaker notebook with minimum IMDS version 1', 'sagemaker:CreateNotebookInstance', { 'sagemaker:MinimumInstanceMetadataServiceVersion': '1' }, DENIED),
    row('SageMaker notebook that omits the IMDS version', 'sagemaker:CreateNotebookInstance', {}, DENIED),
    row('SageMaker notebook update back to IMDS version 1', 'sagemaker:UpdateNotebookInstance', { 'sagemaker:MinimumInstanceMetadataServiceVersion': '1' }, DENIED),
    row('SageMaker notebook update that leaves the IMDS version alone', 'sagemaker:UpdateNotebookInstance', {}, ALLOWED),
  ];
}

/** Forensics OU: every internet path denied, private building blocks allowed. */
export function forensicsProofs(config: OrgConfig): ProofTable {
  const f = proofFixtures(config);
  const account = config.accounts.forensics.id ?? f.workloadAccount;
  const app = `arn:aws:iam::${account}:role/forensic-analyst`;
  const deploy = f.irRole('deploy', account);
  const policy = forensicsOuScp(config);
  const eni = `arn:aws:ec2:${f.allowedRegion}:${account}:network-interface/eni-0123456789abcdef0`;
  const rows: ProofRow[] = [
    ...NETWORK_EXIT_ACTIONS.map((action): ProofRow => ({ name: `${action}`, request: { principal: app, action }, expected: DENIED })),
    ...NETWORK_EXIT_ACTIONS.slice(0, 3).map((action): ProofRow => ({ name: `SecurityDeploy: ${action} (nobody may)`, request: { principal: deploy, action }, expected: DENIED })),
    { name: 'launch with a public IP', request: { principal: app, action: 'ec2:RunInstances', resource: eni, context: { 'ec2:AssociatePublicIpAddress': 'true' } }, expected: DENIED },
    { name: 'launch without a public IP', request: { principal: app, action: 'ec2:RunInstances', resource: eni, context: { 'ec2:AssociatePublicIpAddress': 'false' } }, expected: ALLOWED },
    { name: 'switch a subnet to public IPs on launch', request: { principal: app, action: 'ec2:ModifySubnetAttribute', context: { 'ec2:Attribute/MapPublicIpOnLaunch': 'true' } }, expected: DENIED },
    { name: 'S3 bucket ACL change', request: { principal: app, action: 's3:PutBucketAcl' }, expected: DENIED },
    { name: 'S3 object ACL change', request: { principal: app, action: 's3:PutObjectAcl' }, expected: DENIED },
    ...EVIDENCE_EXPOSURE_ACTIONS.map((action): ProofRow => ({ name: `${action} by an analyst`, request: { principal: app, action }, expected: DENIED })),
    ...EVIDENCE_EXPOSURE_ACTIONS.map((action): ProofRow => ({ name: `${action} by SecurityDeploy`, request: { principal: deploy, action }, expected: ALLOWED })),
    ...LAMBDA_CONFIG_ACTIONS.flatMap((action): ProofRow[] => [
      { name: `${action} without a VPC`, request: { principal: app, action }, expected: DENIED },
      { name: `${action} in the clean-room VPC`, request: { principal: app, action, context: { 'lambda:VpcIds': ['vpc-0123456789abcdef0'], 'lambda:SubnetIds': ['subnet-0123456789abcdef0'] } }, expected: ALLOWED },
      { name: `SecurityDeploy: ${action} without a VPC (nobody may)`, request: { principal: deploy, action }, expected: DENIED },
    ]),
    { name: 'accept a RAM resource share invitation', request: { principal: app, action: 'ram:AcceptResourceShareInvitation', context: { 'ram:ShareOwnerAccountId': f.workloadAccount } }, expected: DENIED },
    { name: 'SecurityDeploy: accept a RAM resource share invitation (nobody may)', request: { principal: deploy, action: 'ram:AcceptResourceShareInvitation' }, expected: DENIED },
    { name: 'interface VPC endpoint (private path)', request: { principal: app, action: 'ec2:CreateVpcEndpoint' }, expected: ALLOWED },
    { name: 'put evidence into the bucket', request: { principal: app, action: 's3:PutObject' }, expected: ALLOWED },
    { name: 'ingress rule (no CIDR key exists; nothing routes to the VPC)', request: { principal: app, action: 'ec2:AuthorizeSecurityGroupIngress' }, expected: ALLOWED },
  ];
  return { id: 'scp-forensics-ou', title: 'Forensics OU: no path to the internet', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}
