/**
 * From a recorded AWS call to the IAM requests it makes: the action on each resource ARN the
 * call names (a call on an ENI and a group is authorized against both), plus the actions AWS
 * checks implicitly (tag-on-create, iam:PassRole). Test code for the permission proof.
 */
import type { CallRecord } from '../../tooling/aws/record';

/** One (action, resource) the caller must be allowed. */
export interface IamRequest {
  readonly action: string;
  /** Absent: the simulator helper derives a concrete example ARN (or `*` where the action has no resource types). */
  readonly resource?: string;
  readonly region: string;
  /** Condition keys AWS sets for this request (tag-on-create). */
  readonly context?: Readonly<Record<string, string>>;
}

const ID_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/^i-/, 'instance'],
  [/^vol-/, 'volume'],
  [/^snap-/, 'snapshot'],
  [/^eni-/, 'network-interface'],
  [/^sg-/, 'security-group'],
  [/^eipalloc-/, 'elastic-ip'],
  [/^sir-/, 'spot-instances-request'],
  [/^vpc-/, 'vpc'],
  [/^subnet-/, 'subnet'],
  [/^acl-/, 'network-acl'],
  [/^sfr-/, 'spot-fleet-request'],
  [/^fleet-/, 'fleet'],
];

function ec2Arn(region: string, account: string, id: string): string {
  if (id.startsWith('ami-')) return `arn:aws:ec2:${region}::image/${id}`;
  if (id.startsWith('snap-')) return `arn:aws:ec2:${region}::snapshot/${id}`;
  const type = ID_TYPES.find(([re]) => re.test(id))?.[1];
  if (!type) throw new Error(`no ARN mapping for EC2 ID ${id}`);
  return `arn:aws:ec2:${region}:${account}:${type}/${id}`;
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [String(v)]);

/** Tags of existing resources by ARN, for `aws:ResourceTag/*` conditions. */
export type ResourceTags = (arn: string) => Readonly<Record<string, string>> | undefined;

/** Actions on existing security groups whose policy conditions read the group's tags. */
const GROUP_RULE_ACTIONS = new Set(['ec2:RevokeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress']);

/** Tags a create call requests, as `aws:RequestTag/*` condition keys. */
function requestTagContext(input: Record<string, unknown>): Record<string, string> {
  const specs = (input.TagSpecifications ?? []) as Array<{ Tags?: Array<{ Key?: string; Value?: string }> }>;
  return Object.fromEntries(specs.flatMap((s) => s.Tags ?? []).map((t) => [`aws:RequestTag/${t.Key}`, String(t.Value)]));
}

/** The IAM requests behind one call. */
export function iamRequests(call: CallRecord, account: string, resourceTags: ResourceTags = () => undefined): IamRequest[] {
  const [service, op] = call.action.split(':');
  const input = call.input;
  const region = call.region;
  const one = (resource: string | undefined, context?: Record<string, string>): IamRequest => ({ action: call.action, resource, region, context });
  // S3 (journal anchors): the IAM action of ListObjectsV2 is s3:ListBucket, conditioned on the prefix.
  if (service === 's3') {
    const bucket = `arn:aws:s3:::${String(input.Bucket)}`;
    if (op === 'ListObjectsV2') return [{ action: 's3:ListBucket', resource: bucket, region, context: { 's3:prefix': String(input.Prefix ?? '') } }];
    return [one(`${bucket}/${String(input.Key)}`)];
  }
  // Reads that name no resource: let the helper pick a concrete ARN of the action's resource type.
  if (/^(Describe|Get|List)/.test(op) && !(service === 'iam' && op !== 'GetAccessKeyLastUsed' && (input.UserName || input.RoleName || input.InstanceProfileName))) return [one(undefined)];
  if (service === 'iam') {
    const resources = [
      ...asList(input.UserName).map((u) => `arn:aws:iam::${account}:user/${u}`),
      ...asList(input.RoleName).map((r) => `arn:aws:iam::${account}:role/${r}`),
      ...asList(input.InstanceProfileName).map((p) => `arn:aws:iam::${account}:instance-profile/${p}`),
      ...(op === 'RemoveUserFromGroup' ? asList(input.GroupName).map((g) => `arn:aws:iam::${account}:group/${g}`) : []),
    ];
    const target = op === 'RemoveUserFromGroup' ? resources.filter((r) => r.includes(':group/')) : resources.slice(0, 1);
    return (target.length ? target : [undefined]).map((r) => one(r));
  }
  if (service === 'sts') return [one(undefined)];
  if (service === 'autoscaling') {
    return [one(`arn:aws:autoscaling:${region}:${account}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${String(input.AutoScalingGroupName)}`)];
  }
  if (service === 'elasticloadbalancing') return [one(String(input.TargetGroupArn))];
  // EC2: every ID the request names.
  const ids = [
    ...asList(input.InstanceId),
    ...asList(input.InstanceIds),
    ...asList(input.NetworkInterfaceId),
    ...asList(input.Groups),
    ...asList(input.GroupId),
    ...asList(input.VolumeId),
    ...asList(input.AllocationId),
    ...asList(input.SpotInstanceRequestIds),
    ...asList(input.SpotFleetRequestIds),
    ...asList(input.FleetIds),
    ...asList(input.FleetId),
    ...asList(input.SpotFleetRequestId),
    ...asList(input.SnapshotId),
    ...asList(input.NetworkAclId),
    ...asList(input.ImageId),
    ...asList(input.Resources),
    ...asList(input.VpcId),
  ];
  const requests = ids.map((id) => {
    const arn = ec2Arn(region, account, id);
    const tags = GROUP_RULE_ACTIONS.has(call.action) ? resourceTags(arn) : undefined;
    return one(arn, tags && Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v])));
  });
  if (op === 'DeleteKeyPair') requests.push(one(`arn:aws:ec2:${region}:${account}:key-pair/${String(input.KeyName)}`));
  // Resources a call creates get a concrete placeholder ID (the simulator wants concrete ARNs).
  const newSnapshot = `arn:aws:ec2:${region}::snapshot/snap-0000000000000proof`;
  const newGroup = `arn:aws:ec2:${region}:${account}:security-group/sg-0000000000000proof`;
  const newAcl = `arn:aws:ec2:${region}:${account}:network-acl/acl-0000000000000proof`;
  if (op === 'CreateNetworkAcl') requests.push(one(newAcl, requestTagContext(input)));
  if (op === 'CreateSnapshot' || op === 'CopySnapshot') requests.push(one(newSnapshot));
  // A copy reads its source snapshot, in the source region.
  if (op === 'CopySnapshot') requests.push(one(ec2Arn(String(input.SourceRegion), account, String(input.SourceSnapshotId))));
  // Sharing is authorized with the account it adds.
  if (op === 'ModifySnapshotAttribute') requests.splice(0, requests.length, ...requests.map((r) => ({ ...r, context: { 'ec2:Add/userId': asList(input.UserIds)[0] } })));
  if (op === 'CreateSecurityGroup') {
    // The request tags decide; the VPC it names is authorized with them too.
    const context = requestTagContext(input);
    requests.splice(0, requests.length, ...requests.map((r) => ({ ...r, context })), one(newGroup, context));
  }
  // Tag-on-create: AWS also authorizes ec2:CreateTags with ec2:CreateAction set.
  if (input.TagSpecifications) {
    const resource = op === 'CreateSnapshot' || op === 'CopySnapshot' ? newSnapshot : op === 'CreateNetworkAcl' ? newAcl : newGroup;
    requests.push({ action: 'ec2:CreateTags', resource, region, context: { 'ec2:CreateAction': op } });
  }
  // Handing an instance profile to an instance passes its role.
  if (op === 'AssociateIamInstanceProfile') {
    const arn = String((input.IamInstanceProfile as { Arn?: string } | undefined)?.Arn ?? '');
    requests.push({ action: 'iam:PassRole', resource: arn.replace(':instance-profile/', ':role/'), region, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  }
  return requests.length ? requests : [one(undefined)];
}

/** Where the investigation catalog and its logs live, for Athena's requests. */
export interface AthenaEstate {
  /** The security account: workgroup, Glue catalog, and the analyst session that queries. */
  readonly securityAccount: string;
  readonly logArchiveAccount: string;
  readonly workgroup: string;
  readonly database: string;
  /** Log-archive bucket each table reads (name, and its purpose to find its bucket and key policies), by table name. */
  readonly tableBuckets: Readonly<Record<string, { readonly bucket: string; readonly purpose: string }>>;
  readonly resultsBucket: string;
}

/** An IAM request with the account owning its resource (S3 ARNs carry none). */
export interface AccountIamRequest extends IamRequest {
  readonly resourceAccount: string;
  /** Cross-account: which log-archive bucket or key policy must also allow it. */
  readonly resourcePolicy?: { readonly kind: 'bucket' | 'key'; readonly purpose: string };
}

/**
 * The requests behind one Athena call: the workgroup action itself, and for a query start, what
 * Athena then does with the caller's credentials: the Glue catalog reads, the log objects it
 * scans, the result it writes into the results bucket, and the KMS calls S3 makes for both.
 */
export function athenaRequests(call: CallRecord, estate: AthenaEstate): AccountIamRequest[] {
  const { region } = call;
  const sec = estate.securityAccount;
  const inSecurity = (action: string, resource: string, context?: Record<string, string>): AccountIamRequest => ({ action, resource, region, context, resourceAccount: sec });
  const inArchive = (action: string, resource: string, policy: AccountIamRequest['resourcePolicy'], context?: Record<string, string>): AccountIamRequest => ({
    action,
    resource,
    region,
    context: policy?.kind === 'bucket' ? { 'aws:SecureTransport': 'true', ...context } : context,
    resourceAccount: estate.logArchiveAccount,
    resourcePolicy: policy,
  });
  // Calls on an execution are authorized on the workgroup it ran in: irctl uses one.
  const out = [inSecurity(call.action, `arn:aws:athena:${region}:${sec}:workgroup/${String(call.input.WorkGroup ?? estate.workgroup)}`)];
  if (call.action !== 'athena:StartQueryExecution') return out;
  const sql = String(call.input.QueryString);
  const tables = [...new Set([...sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/gi)].map((m) => m[1]!))];
  for (const table of tables) {
    const backing = estate.tableBuckets[table];
    if (!backing) throw new Error(`query reads ${table}, which no log-archive bucket backs`);
    const { bucket, purpose } = backing;
    out.push(
      inSecurity('glue:GetDatabase', `arn:aws:glue:${region}:${sec}:database/${estate.database}`),
      inSecurity('glue:GetTable', `arn:aws:glue:${region}:${sec}:table/${estate.database}/${table}`),
      inSecurity('glue:GetPartitions', `arn:aws:glue:${region}:${sec}:table/${estate.database}/${table}`),
      inArchive('s3:ListBucket', `arn:aws:s3:::${bucket}`, { kind: 'bucket', purpose }),
      inArchive('s3:GetObject', `arn:aws:s3:::${bucket}/AWSLogs/example.json.gz`, { kind: 'bucket', purpose }),
      inArchive('kms:Decrypt', `arn:aws:kms:${region}:${estate.logArchiveAccount}:key/00000000-0000-0000-0000-000000000000`, { kind: 'key', purpose }, { 'kms:ViaService': `s3.${region}.amazonaws.com` }),
    );
  }
  out.push(
    inArchive('s3:PutObject', `arn:aws:s3:::${estate.resultsBucket}/${estate.workgroup}/example.csv`, { kind: 'bucket', purpose: 'athena-results' }),
    inArchive('kms:GenerateDataKey', `arn:aws:kms:${region}:${estate.logArchiveAccount}:key/00000000-0000-0000-0000-000000000001`, { kind: 'key', purpose: 'athena-results' }, { 'kms:ViaService': `s3.${region}.amazonaws.com` }),
  );
  return out;
}
