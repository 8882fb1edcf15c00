/**
 * The forensics clean room: created through Organizations or taken as existing; a VPC with no
 * way out but its endpoints; an Object Lock evidence bucket; a key member accounts can use for
 * snapshot copies only through EC2; a workstation profile that reads evidence.
 */
import { FORENSICS } from '../../shared/names';
import { CleanRoomStack, ForensicsAccountStack, buildForensicsStacks } from '../../stacks/response/forensics';
import { FLOW_LOG_FIELDS } from '../../stacks/plumbing/flow-log-format';
import { CLEAN_ROOM_INTERFACE_ENDPOINTS, privateSubnetCidrs } from '../../stacks/response/forensics-network';
import { dependencies, exampleConfig, resourceTypes, resources, synthJson, testApp, type Json } from './fixtures';

const management = { name: 'management', id: '111111111111' };
const FORENSICS_ID = '444444444444';
const BUCKET = `ir-evidence-${FORENSICS_ID}-us-east-1`;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;

function cleanRoomJson(edit?: (raw: Json) => void) {
  const config = exampleConfig(edit);
  const app = testApp();
  return synthJson(new CleanRoomStack(app, { config, forensics: { name: 'forensics', id: FORENSICS_ID }, scps: dependencies.scps(app, config) }));
}
const only = (json: Record<string, Json>, type: string) => {
  const found = resources(json, type);
  expect(found).toHaveLength(1);
  return found[0][1];
};

describe('which forensics stacks the config calls for', () => {
  const creating = exampleConfig((raw) => {
    delete raw.accounts.forensics.id;
    raw.accounts.forensics.create = { email: 'forensics@example.com', accountName: 'Forensics clean room' };
  });

  it.each([
    { name: 'existing account ID', config: exampleConfig(), ids: ['forensics-clean-room'] },
    { name: '`create` set (two-step bootstrap)', config: creating, ids: ['management-forensics-account'] },
  ])('$name → $ids', ({ config, ids }) => {
    const app = testApp();
    const stack = buildForensicsStacks(app, config, dependencies.scps(app, config));
    expect(stack.node.id).toEqual(ids[0]);
    expect(stack.dependencies.map((d) => d.node.id)).toEqual(['management-scps']);
  });

  it('creates the account from the management account, under the forensics OU, with the deployment role', () => {
    const app = testApp();
    const json = synthJson(new ForensicsAccountStack(app, { config: creating, management, scps: dependencies.scps(app, creating) }));
    expect(json.provider.aws[0].allowed_account_ids).toEqual(['111111111111']);
    const account = only(json, 'aws_organizations_account');
    expect(account).toMatchObject({
      name: 'Forensics clean room',
      email: 'forensics@example.com',
      parent_id: 'ou-ex12-forensic',
      role_name: 'OrganizationAccountAccessRole',
      close_on_deletion: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(Object.keys(json.output)).toEqual(['forensics_account_id']);
  });

  it('tells the operator, at synth, how to finish the bootstrap', () => {
    const app = testApp();
    const stack = buildForensicsStacks(app, creating, dependencies.scps(app, creating));
    const messages = stack.node.metadata.map((m) => String(m.data));
    expect(messages.some((m) => m.includes('forensics_account_id') && m.includes('accounts.forensics.id'))).toBe(true);
  });

  it('never creates an account when the ID is configured', () => {
    const app = testApp();
    const json = synthJson(buildForensicsStacks(app, exampleConfig(), dependencies.scps(app, exampleConfig())));
    expect(resources(json, 'aws_organizations_account')).toEqual([]);
    expect(json.provider.aws[0].allowed_account_ids).toEqual([FORENSICS_ID]);
  });
});

describe('clean-room network', () => {
  const json = cleanRoomJson();

  it('is a VPC on the configured CIDR with DNS on (private DNS for endpoints needs both)', () => {
    expect(only(json, 'aws_vpc')).toMatchObject({ cidr_block: '10.250.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
  });

  it('has private subnets in two different zones and nothing public', () => {
    const subnets = resources(json, 'aws_subnet').map(([, s]) => s);
    expect(subnets).toHaveLength(2);
    expect(subnets.map((s) => s.cidr_block)).toEqual(['10.250.0.0/18', '10.250.64.0/18']);
    expect(new Set(subnets.map((s) => s.availability_zone)).size).toBe(2);
    for (const s of subnets) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it.each(['aws_internet_gateway', 'aws_egress_only_internet_gateway', 'aws_nat_gateway', 'aws_eip', 'aws_route', 'aws_vpc_peering_connection', 'aws_ec2_transit_gateway_vpc_attachment'])(
    'declares no %s',
    (type) => expect(resourceTypes(json)).not.toContain(type),
  );

  it('routes nothing to 0.0.0.0/0 or ::/0 from Json route table', () => {
    for (const [, table] of resources(json, 'aws_route_table')) expect(table.route ?? []).toEqual([]);
    expect(JSON.stringify(resources(json, 'aws_route_table'))).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
  });

  it('has exactly the interface endpoints ssm, ssmmessages, ec2messages, kms, logs, sts and the S3 gateway', () => {
    const endpoints = resources(json, 'aws_vpc_endpoint').map(([, e]) => e);
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === 'Interface').map((e) => e.service_name).sort();
    expect(interfaces).toEqual([...CLEAN_ROOM_INTERFACE_ENDPOINTS].map((s) => `com.amazonaws.us-east-1.${s}`).sort());
    expect(endpoints.filter((e) => e.vpc_endpoint_type === 'Gateway').map((e) => e.service_name)).toEqual(['com.amazonaws.us-east-1.s3']);
    expect(endpoints).toHaveLength(7);
    for (const e of endpoints.filter((x) => x.vpc_endpoint_type === 'Interface')) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toHaveLength(2);
      expect(e.security_group_ids).toHaveLength(1);
    }
  });

  it('endpoint security group admits HTTPS from the VPC CIDR only and sends nothing', () => {
    const sg = resources(json, 'aws_security_group').find(([, g]) => g.name === 'ir-forensics-endpoints')![1];
    expect(sg.ingress).toHaveLength(1);
    expect(sg.ingress[0]).toMatchObject({ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.250.0.0/16'], ipv6_cidr_blocks: [] });
    expect(sg.egress).toEqual([]);
  });

  it('locks down the default security group', () => {
    expect(only(json, 'aws_default_security_group')).toMatchObject({ ingress: [], egress: [] });
  });

  it('S3 gateway endpoint policy names the evidence bucket and nothing else', () => {
    const s3 = resources(json, 'aws_vpc_endpoint').find(([, e]) => e.vpc_endpoint_type === 'Gateway')![1];
    const policy = JSON.parse(s3.policy);
    const resourcesNamed = policy.Statement.flatMap((s: Json) => [s.Resource].flat());
    expect(new Set(resourcesNamed)).toEqual(new Set([BUCKET_ARN, `${BUCKET_ARN}/*`]));
    expect(policy.Statement.every((s: Json) => s.Effect === 'Allow' && !String(s.Action).includes('*'))).toBe(true);
    expect(s3.route_table_ids).toHaveLength(1);
  });

  it('logs every flow with the v5 fields at 60-second aggregation, escaped for Terraform', () => {
    const flow = only(json, 'aws_flow_log');
    expect(flow).toMatchObject({ traffic_type: 'ALL', max_aggregation_interval: 60, log_destination_type: 'cloud-watch-logs' });
    expect(flow.vpc_id).toMatch(/^\$\{aws_vpc\./);
    expect(flow.log_format).toBe(FLOW_LOG_FIELDS.map((f) => `$\${${f.field}}`).join(' '));
    expect(only(json, 'aws_cloudwatch_log_group').kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  it('starts delivering only after the delivery role has its grant on the log group', () => {
    const [[policyId]] = resources(json, 'aws_iam_role_policy').filter(([, p]) => p.name === 'deliver-flow-logs');
    expect(only(json, 'aws_flow_log').depends_on).toContain(`aws_iam_role_policy.${policyId}`);
  });
});

describe('evidence bucket', () => {
  it.each([
    { name: 'defaults', edit: undefined, mode: 'GOVERNANCE', days: 365, glacier: 90 },
    {
      name: 'compliance mode, 30 days, glacier after 7',
      edit: (raw: Json) => (raw.accounts.forensics.evidence = { objectLockMode: 'COMPLIANCE', retentionDays: 30, glacierAfterDays: 7 }),
      mode: 'COMPLIANCE',
      days: 30,
      glacier: 7,
    },
  ])('$name: Object Lock and lifecycle follow the config', ({ edit, mode, days, glacier }) => {
    const json = cleanRoomJson(edit);
    expect(only(json, 'aws_s3_bucket')).toMatchObject({ bucket: BUCKET, object_lock_enabled: true });
    expect(only(json, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode, days } });
    const [rule] = only(json, 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rule.transition).toEqual([{ days: glacier, storage_class: 'GLACIER' }]);
    expect(rule.noncurrent_version_transition).toEqual([{ noncurrent_days: glacier, storage_class: 'GLACIER' }]);
    expect(rule.expiration).toBeUndefined();
  });

  const json = cleanRoomJson();

  it('is versioned, blocks all public access, owner-enforced and KMS-encrypted with the evidence key', () => {
    expect(only(json, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    expect(only(json, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only(json, 'aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
    const [sse] = only(json, 'aws_s3_bucket_server_side_encryption_configuration').rule;
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  it('refuses plain HTTP and deleting versions, and admits writes only from IR roles in the org', () => {
    const policy = JSON.parse(only(json, 'aws_s3_bucket_policy').policy);
    const sid = (s: string) => policy.Statement.find((x: Json) => x.Sid === s);
    expect(sid('DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(sid('DenyVersionDeletesAndLockBypass').Action).toEqual(['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention']);
    expect(sid('IrRolesAddEvidence').Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' },
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/incident-response/*' },
    });
    const allows = policy.Statement.filter((s: Json) => s.Effect === 'Allow');
    expect(allows.flatMap((s: Json) => s.Action)).not.toContain('s3:DeleteObject');
  });
});

describe('evidence key', () => {
  const json = cleanRoomJson();
  const key = only(json, 'aws_kms_key');
  const policy = JSON.parse(key.policy);
  const sid = (s: string) => policy.Statement.find((x: Json) => x.Sid === s);

  it('rotates and is aliased for irctl', () => {
    expect(key.enable_key_rotation).toBe(true);
    expect(only(json, 'aws_kms_alias').name).toBe(FORENSICS.evidenceKeyAlias);
  });

  it('lets org members re-encrypt snapshot copies only through EC2 in the clean-room region', () => {
    expect(sid('OrgMembersReEncryptSnapshotCopiesViaEc2')).toMatchObject({
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1', 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
    });
    expect(sid('OrgMembersGrantEc2ForSnapshotCopies')).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1', 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      },
    });
  });

  it('never opens the key to Json principal without both an org and a service condition', () => {
    for (const s of policy.Statement.filter((x: Json) => x.Principal?.AWS === '*')) {
      expect(s.Condition.StringEquals['aws:PrincipalOrgID']).toBe('o-exampleorg1');
      expect(s.Condition.StringEquals['kms:ViaService']).toMatch(/^(ec2|s3)\.us-east-1\.amazonaws\.com$/);
    }
    expect(sid('ForensicsAccountAdministers').Principal).toEqual({ AWS: `arn:aws:iam::${FORENSICS_ID}:root` });
    expect(policy.Statement.filter((x: Json) => x.Action === 'kms:CreateGrant' || [x.Action].flat().includes('kms:CreateGrant'))).toHaveLength(1);
  });
});

describe('forensic workstation profile', () => {
  const json = cleanRoomJson();

  it('is an instance profile on a role for EC2 in this account with Session Manager and evidence read only', () => {
    expect(only(json, 'aws_iam_instance_profile').name).toBe(FORENSICS.workstationProfile);
    const role = resources(json, 'aws_iam_role').find(([, r]) => r.name === FORENSICS.workstationProfile)![1];
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'ec2.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': FORENSICS_ID } } });
    expect(only(json, 'aws_iam_role_policy_attachment').policy_arn).toBe('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    const inline = resources(json, 'aws_iam_role_policy').find(([, p]) => p.name === 'read-evidence')![1];
    const actions = JSON.parse(inline.policy).Statement.flatMap((s: Json) => s.Action);
    expect(actions.every((a: string) => /^(s3:(Get|List)|kms:(Decrypt|DescribeKey)$)/.test(a))).toBe(true);
  });
});

describe('privateSubnetCidrs', () => {
  it.each([
    { cidr: '10.250.0.0/16', count: 2, expected: ['10.250.0.0/18', '10.250.64.0/18'] },
    { cidr: '10.250.7.9/16', count: 3, expected: ['10.250.0.0/18', '10.250.64.0/18', '10.250.128.0/18'] },
    { cidr: '192.168.10.0/24', count: 2, expected: ['192.168.10.0/26', '192.168.10.64/26'] },
    { cidr: '10.0.0.0/20', count: 6, expected: ['10.0.0.0/23', '10.0.2.0/23', '10.0.4.0/23', '10.0.6.0/23', '10.0.8.0/23', '10.0.10.0/23'] },
  ])('$cidr × $count', ({ cidr, count, expected }) => expect(privateSubnetCidrs(cidr, count)).toEqual(expected));

  it.each([
    { cidr: '10.0.0.0/8', count: 2, error: /larger than AWS allows/ },
    { cidr: '10.0.0.0/27', count: 2, error: /too small/ },
  ])('rejects $cidr', ({ cidr, count, error }) => expect(() => privateSubnetCidrs(cidr, count)).toThrow(error));
});
