/**
 * Isolation security groups in every workload VPC the config lists: one stack per workload
 * account (`<account>-isolation`), each group created in its VPC's region.
 *
 * Containment (docs/runbook.md) moves an ENI to `transition` first, where all traffic is allowed
 * and flows become untracked, then to `isolation`, which admits nothing; changing groups alone
 * would leave a miner's tracked pool connection alive. irctl finds both by tag and VPC.
 */
import type { Construct } from 'constructs';
import { SecurityGroup, type SecurityGroupIngress } from '@cdktf/provider-aws/lib/security-group';
import type { AccountConfig, OrgConfig, VpcConfig } from '../../config';
import { MANAGED_BY, SECURITY_GROUPS, TAGS } from '../../shared/names';
import { AccountStack } from '../account-stack';

/** What an isolation stack needs: the config and the workload account it serves. */
export interface IsolationStackProps {
  readonly config: OrgConfig;
  /** Workload account whose `vpcs` get the groups. */
  readonly workload: AccountConfig;
}

/** The transition and isolation groups for each VPC of one workload account. */
export class IsolationStack extends AccountStack {
  constructor(scope: Construct, props: IsolationStackProps) {
    super(scope, { config: props.config, account: { name: props.workload.name, id: props.workload.id }, concern: 'isolation' });
    if (props.workload.vpcs.length === 0) throw new Error(`${props.workload.name}: an isolation stack needs at least one VPC in the config`);
    for (const vpc of props.workload.vpcs) this.isolationGroupsFor(vpc);
  }

  private isolationGroupsFor(vpc: VpcConfig): void {
    const label = vpc.name ?? vpc.id;
    const tags = (role: 'isolation' | 'transition') => ({ Name: `${SECURITY_GROUPS[role]}-${label}`, [TAGS.isolationRole]: role, [TAGS.managedBy]: MANAGED_BY });

    // `ingress = []` and `egress = []` are explicit on purpose: with the arguments omitted the
    // provider treats the rule sets as computed and leaves rules added out of band (a console
    // click, an attacker) in place; an explicit empty list makes every plan remove them. The
    // default allow-all egress rule AWS adds at creation is revoked by the provider either way.
    new SecurityGroup(this, `isolation-${label}`, {
      region: vpc.region,
      vpcId: vpc.id,
      name: SECURITY_GROUPS.isolation,
      description: 'IR isolation: no traffic in or out. Do not add rules; managed by aws-ir-guardrails.',
      ingress: this.forensicsIngress(),
      egress: [],
      revokeRulesOnDelete: true,
      tags: tags('isolation'),
    });

    new SecurityGroup(this, `transition-${label}`, {
      region: vpc.region,
      vpcId: vpc.id,
      name: SECURITY_GROUPS.transition,
      description: 'IR transition: allow all so tracked flows become untracked before isolation.',
      ingress: [allTraffic('untrack inbound flows')],
      egress: [allTraffic('untrack outbound flows')],
      revokeRulesOnDelete: true,
      tags: tags('transition'),
    });
  }

  /** SSH from the clean-room VPC only when the config opts in; never from anywhere else. */
  private forensicsIngress(): SecurityGroupIngress[] {
    const forensics = this.config.accounts.forensics;
    if (!forensics.isolation.allowForensicsIngress) return [];
    return [
      {
        description: 'SSH from the forensics clean-room VPC',
        protocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrBlocks: [forensics.vpcCidr],
        ipv6CidrBlocks: [],
        prefixListIds: [],
        securityGroups: [],
        selfAttribute: false,
      },
    ];
  }
}

function allTraffic(description: string) {
  return {
    description,
    protocol: '-1',
    fromPort: 0,
    toPort: 0,
    cidrBlocks: ['0.0.0.0/0'],
    ipv6CidrBlocks: ['::/0'],
    prefixListIds: [],
    securityGroups: [],
    selfAttribute: false,
  };
}

/** One isolation stack per workload account that lists VPCs. */
export function buildIsolationStacks(scope: Construct, config: OrgConfig): IsolationStack[] {
  return config.accounts.workloads.filter((w) => w.vpcs.length > 0).map((workload) => new IsolationStack(scope, { config, workload }));
}
