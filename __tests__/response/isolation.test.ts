/**
 * Isolation groups: in every configured workload VPC, an isolation group that admits nothing
 * (rule lists explicitly empty so Terraform strips drift) and a transition group open to all.
 */
import { SECURITY_GROUPS, TAGS, MANAGED_BY } from '../../shared/names';
import { IsolationStack, buildIsolationStacks } from '../../stacks/response/isolation';
import { exampleConfig, resources, synthJson, testApp, type Json } from './fixtures';

const RULE_RESOURCES = ['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'];

function groupsOf(json: Record<string, Json>, role: 'isolation' | 'transition') {
  return resources(json, 'aws_security_group')
    .map(([, g]) => g)
    .filter((g) => g.tags[TAGS.isolationRole] === role);
}

describe('example org', () => {
  const config = exampleConfig();
  const stacks = buildIsolationStacks(testApp(), config);

  it('builds one <account>-isolation stack per workload account with VPCs, in that account', () => {
    expect(stacks.map((s) => s.node.id)).toEqual(['payments-prod-isolation', 'analytics-dev-isolation']);
    for (const stack of stacks) {
      const workload = config.accounts.workloads.find((w) => `${w.name}-isolation` === stack.node.id)!;
      expect(synthJson(stack).provider.aws[0].allowed_account_ids).toEqual([workload.id]);
    }
  });

  describe.each(config.accounts.workloads.flatMap((w) => w.vpcs.map((v) => ({ account: w.name, vpc: v }))))('$account $vpc.id', ({ account, vpc }) => {
    const json = synthJson(stacks.find((s) => s.node.id === `${account}-isolation`)!);
    const inVpc = (role: 'isolation' | 'transition') => groupsOf(json, role).filter((g) => g.vpc_id === vpc.id);

    it('has exactly one isolation and one transition group, in the VPC region, tagged for irctl', () => {
      for (const role of ['isolation', 'transition'] as const) {
        const groups = inVpc(role);
        expect(groups).toHaveLength(1);
        expect(groups[0]).toMatchObject({ name: SECURITY_GROUPS[role], region: vpc.region, tags: { [TAGS.managedBy]: MANAGED_BY } });
      }
    });

    it('isolation group: ingress and egress present and empty, so Terraform removes Json rule found', () => {
      const [isolation] = inVpc('isolation');
      expect(Object.prototype.hasOwnProperty.call(isolation, 'ingress')).toBe(true);
      expect(Object.prototype.hasOwnProperty.call(isolation, 'egress')).toBe(true);
      expect(isolation.ingress).toEqual([]);
      expect(isolation.egress).toEqual([]);
    });

    it('transition group: all protocols to and from 0.0.0.0/0 and ::/0, nothing else', () => {
      const [transition] = inVpc('transition');
      for (const direction of ['ingress', 'egress']) {
        expect(transition[direction]).toHaveLength(1);
        expect(transition[direction][0]).toMatchObject({
          protocol: '-1',
          from_port: 0,
          to_port: 0,
          cidr_blocks: ['0.0.0.0/0'],
          ipv6_cidr_blocks: ['::/0'],
          security_groups: [],
          prefix_list_ids: [],
        });
      }
    });
  });

  it.each(['payments-prod-isolation', 'analytics-dev-isolation'])('%s declares no standalone rule resource that could attach to a group', (id) => {
    const json = synthJson(stacks.find((s) => s.node.id === id)!);
    for (const type of RULE_RESOURCES) expect(resources(json, type)).toEqual([]);
  });
});

describe('allowForensicsIngress', () => {
  const config = exampleConfig((raw) => {
    raw.accounts.forensics.isolation = { allowForensicsIngress: true };
  });
  const json = synthJson(buildIsolationStacks(testApp(), config)[0]);

  it('admits SSH from the forensics VPC CIDR only, and still no egress', () => {
    for (const group of groupsOf(json, 'isolation')) {
      expect(group.egress).toEqual([]);
      expect(group.ingress).toHaveLength(1);
      expect(group.ingress[0]).toMatchObject({ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['10.250.0.0/16'], ipv6_cidr_blocks: [] });
    }
  });

  it('never admits 0.0.0.0/0 or ::/0 into an isolation group', () => {
    const text = JSON.stringify(groupsOf(json, 'isolation'));
    expect(text).not.toContain('0.0.0.0/0');
    expect(text).not.toContain('::/0');
  });
});

it('defaults allowForensicsIngress to false', () => {
  expect(exampleConfig().accounts.forensics.isolation.allowForensicsIngress).toBe(false);
});

it('skips workload accounts without VPCs and refuses to build an empty isolation stack', () => {
  const config = exampleConfig((raw) => {
    raw.accounts.workloads[1].vpcs = [];
  });
  expect(buildIsolationStacks(testApp(), config).map((s) => s.node.id)).toEqual(['payments-prod-isolation']);
  expect(() => new IsolationStack(testApp(), { config, workload: config.accounts.workloads[1] })).toThrow(/at least one VPC/);
});
