/**
 * The responder's drill on a local moto server (docs/runbook.md, "Drill"): builds the project's
 * one attack scenario (dev/attack-scenario.ts), then queues the rows Athena would return for
 * it, because moto does not run SQL. The rows are derived from what the server holds, so every
 * step can run in its own process. Talks only to the local endpoint given (default
 * http://127.0.0.1:5000).
 *
 *   npx tsx scripts/drill.ts seed        [endpoint]   the attack scenario and the investigation workgroup
 *   npx tsx scripts/drill.ts queue-scope [endpoint]   organization-trail rows for scope --source athena
 *   npx tsx scripts/drill.ts queue-hunt  [endpoint]   Flow Logs rows for hunt --pool-ip
 */
import { AthenaClient, CreateWorkGroupCommand, GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeSnapshotsCommand, DescribeSpotInstanceRequestsCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { GetUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ATHENA } from '../shared/names';
import { SCENARIO_ACCOUNT, SCENARIO_NAMES, SCENARIO_REGIONS, seedAttack, type ScenarioRegion } from '../dev/attack-scenario';
import { MOTO_CREDENTIALS } from '../dev/moto';

// The SDK's Node-version notice would open every drill step's output; the README says it once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [command, endpoint = 'http://127.0.0.1:5000'] = process.argv.slice(2);
const OTHER_ACCOUNT = '666666666666';
const POOL_IP = '198.51.100.23';
const ATTACKER_IP = '203.0.113.7';
const AGENT = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.kali';

if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(endpoint)) {
  process.stderr.write(`drill: ${endpoint} is not a local endpoint. Fix: pass the moto server's address, e.g. http://127.0.0.1:5000.\n`);
  process.exit(2);
}

const config = (region: string) => ({ region, endpoint, credentials: MOTO_CREDENTIALS });
const ec2 = (region: string) => new EC2Client(config(region));
const iam = new IAMClient(config('us-east-1'));

/** An attacker instance and how it was launched: by hand (RunInstances with the key), or by AWS for the Auto Scaling group or the Spot request. */
interface Miner {
  readonly region: ScenarioRegion;
  readonly instance: Instance;
  readonly launchedBy: 'hand' | 'auto-scaling' | 'spot';
}

/** What the server holds of the scenario, read back (another process seeded it). */
interface Seeded {
  readonly attackerKeyId: string;
  readonly backdoorKeyId: string;
  /** When the backdoor user was created: the attack's first write, whole second. */
  readonly since: string;
  readonly miners: ReadonlyArray<Miner>;
  readonly spotRequestId?: string;
  readonly spotCreated?: Date;
  readonly backdoorKeyCreated?: Date;
}

async function userExists(userName: string): Promise<Date | undefined> {
  try {
    return (await iam.send(new GetUserCommand({ UserName: userName }))).User?.CreateDate ?? new Date(0);
  } catch {
    return undefined;
  }
}

const firstKey = async (userName: string) => (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.[0]?.AccessKeyId ?? '';
const isoSecond = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

async function readSeeded(): Promise<Seeded> {
  const created = await userExists(SCENARIO_NAMES.backdoorUser);
  if (!created) throw new Error(`the server does not hold the attack scenario (no user ${SCENARIO_NAMES.backdoorUser}). Fix: npx tsx scripts/drill.ts seed ${endpoint}`);
  const spot = (await ec2('eu-west-1').send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests ?? [];
  // moto does not report SpotInstanceRequestId on the instance: the request names its instance.
  const spotInstances = new Set(spot.flatMap((r) => r.InstanceId ?? []));
  const miners = await Promise.all(
    SCENARIO_REGIONS.map(async (region) => {
      const out = await ec2(region).send(new DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: [SCENARIO_NAMES.minerKey] }] }));
      return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((instance): Miner => ({
        region,
        instance,
        launchedBy: autoScaled(instance) ? 'auto-scaling' : spotInstances.has(instance.InstanceId ?? '') || instance.SpotInstanceRequestId ? 'spot' : 'hand',
      }));
    }),
  );
  return {
    attackerKeyId: await firstKey(SCENARIO_NAMES.attackerUser),
    backdoorKeyId: await firstKey(SCENARIO_NAMES.backdoorUser),
    backdoorKeyCreated: (await iam.send(new ListAccessKeysCommand({ UserName: SCENARIO_NAMES.backdoorUser }))).AccessKeyMetadata?.[0]?.CreateDate,
    since: isoSecond(created),
    miners: miners.flat(),
    spotRequestId: spot[0]?.SpotInstanceRequestId,
    spotCreated: spot[0]?.CreateTime,
  };
}

/** The scenario, once: a second run finds it in place and prints it again; a server with only part of it is refused. */
async function seed(): Promise<void> {
  const [attacker, backdoor] = await Promise.all([userExists(SCENARIO_NAMES.attackerUser), userExists(SCENARIO_NAMES.backdoorUser)]);
  if (attacker && !backdoor) {
    throw new Error(`the server holds user ${SCENARIO_NAMES.attackerUser} but not the rest of the attack scenario (an interrupted seed, or other state). Fix: restart moto (Ctrl-C, start it again) and rerun seed`);
  }
  if (backdoor) process.stdout.write(`${endpoint} already holds the attack scenario; nothing seeded again.\n`);
  else await seedAttack(endpoint);
  const athena = new AthenaClient(config('us-east-1'));
  const existing = await athena.send(new GetWorkGroupCommand({ WorkGroup: ATHENA.workgroup })).catch(() => undefined);
  if (!existing?.WorkGroup) {
    await athena.send(new CreateWorkGroupCommand({ Name: ATHENA.workgroup, Description: 'drill: the investigation workgroup the security-athena stack creates' }));
  }
  const s = await readSeeded();
  const how = { hand: '', 'auto-scaling': `, Auto Scaling group ${SCENARIO_NAMES.asgName}`, spot: `, Spot request ${s.spotRequestId}` };
  const miners = s.miners.map(({ region, instance: i, launchedBy }) => `${i.InstanceId} (${region}, ${i.InstanceType}, ${i.State?.Name}${how[launchedBy]})`);
  process.stdout.write(
    [
      `stolen access key: ${s.attackerKeyId} (user ${SCENARIO_NAMES.attackerUser})`,
      `backdoor user: ${SCENARIO_NAMES.backdoorUser}`,
      `miners: ${miners.join(', ')}`,
      `the attack started at ${s.since}: pass --since ${s.since} so the platform team's earlier work stays out of the window`,
      '',
    ].join('\n'),
  );
}

const autoScaled = (i: Instance) => (i.Tags ?? []).some((t) => t.Key === 'aws:autoscaling:groupName');

type Row = ReadonlyArray<string | undefined>;

/** Queue rows for the next Athena queries, as Athena returns them (header row first). */
async function queue(results: ReadonlyArray<{ columns: readonly string[]; rows: readonly Row[] }>): Promise<void> {
  const body = {
    account_id: SCENARIO_ACCOUNT,
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

/** The attacker's trail: what svc-build's stolen key did, then what the backdoor user did with its own key. */
async function queueScope(): Promise<void> {
  const s = await readSeeded();
  // Each event at the time its resource carries (the report's timeline must read in order); the rest just after the attack began.
  let t = new Date(s.since).getTime();
  let n = 0;
  const actor = (user: string, key: string, account = SCENARIO_ACCOUNT) => ({ user, key, account });
  const stolen = actor(SCENARIO_NAMES.attackerUser, s.attackerKeyId);
  const event = (who: ReturnType<typeof actor>, source: string, name: string, region: string, req: unknown, resp?: unknown, at?: Date | string): Row => {
    const time = at ? new Date(at).getTime() : (t += 100);
    return [`drill-${String(++n).padStart(3, '0')}-${name}-${region}`, new Date(time).toISOString(), `${source}.amazonaws.com`, name, region, who.account, who.user, who.key, `arn:aws:iam::${who.account}:user/${who.user}`, ATTACKER_IP, AGENT, undefined, JSON.stringify(req), resp === undefined ? undefined : JSON.stringify(resp)];
  };
  const backdoor = SCENARIO_NAMES.backdoorUser;
  const rows: Row[] = [
    event(stolen, 'iam', 'CreateUser', 'us-east-1', { userName: backdoor }, { user: { userName: backdoor } }, s.since),
    event(stolen, 'iam', 'CreateAccessKey', 'us-east-1', { userName: backdoor }, { accessKey: { userName: backdoor, accessKeyId: s.backdoorKeyId } }, s.backdoorKeyCreated),
    event(stolen, 'iam', 'CreateLoginProfile', 'us-east-1', { userName: backdoor }),
    event(stolen, 'iam', 'PutUserPolicy', 'us-east-1', { userName: backdoor, policyName: 'admin' }),
    event(stolen, 'iam', 'AttachUserPolicy', 'us-east-1', { userName: backdoor, policyArn: `arn:aws:iam::${SCENARIO_ACCOUNT}:policy/${SCENARIO_NAMES.backdoorPolicy}` }),
  ];
  for (const region of SCENARIO_REGIONS) {
    const pair = ((await ec2(region).send(new DescribeKeyPairsCommand({ KeyNames: [SCENARIO_NAMES.minerKey] }))).KeyPairs ?? [])[0];
    rows.push(event(stolen, 'ec2', 'CreateKeyPair', region, { keyName: SCENARIO_NAMES.minerKey }, { keyName: SCENARIO_NAMES.minerKey }, pair?.CreateTime));
    // Launched by hand: the Auto Scaling group and the Spot request launch theirs as AWS services.
    for (const { instance: i } of s.miners.filter((m) => m.region === region && m.launchedBy === 'hand')) {
      rows.push(event(stolen, 'ec2', 'RunInstances', region, { instanceType: SCENARIO_NAMES.minerType, instancesSet: { items: [{ keyName: SCENARIO_NAMES.minerKey, minCount: 1 }] } }, { instancesSet: { items: [{ instanceId: i.InstanceId }] } }, i.LaunchTime));
      if (i.State?.Name === 'stopped') rows.push(event(stolen, 'ec2', 'StopInstances', region, { instancesSet: { items: [{ instanceId: i.InstanceId }] } }, undefined, new Date((i.LaunchTime?.getTime() ?? t) + 1000)));
    }
    for (const image of (await ec2(region).send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []) {
      rows.push(event(stolen, 'ec2', 'CreateImage', region, { name: image.Name }, { imageId: image.ImageId }, image.CreationDate));
    }
    for (const snap of ((await ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []).filter((x) => x.Description === 'backup')) {
      rows.push(event(stolen, 'ec2', 'CreateSnapshot', region, { volumeId: snap.VolumeId }, { snapshotId: snap.SnapshotId }, snap.StartTime));
    }
  }
  const asg = (await new AutoScalingClient(config('us-east-1')).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [SCENARIO_NAMES.asgName] }))).AutoScalingGroups?.[0];
  const asgAt = asg?.CreatedTime;
  rows.push(event(stolen, 'ec2', 'CreateLaunchTemplate', 'us-east-1', { CreateLaunchTemplateRequest: { LaunchTemplateName: SCENARIO_NAMES.launchTemplate } }, undefined, asgAt && new Date(asgAt.getTime() - 500)));
  if (asg) rows.push(event(stolen, 'autoscaling', 'CreateAutoScalingGroup', 'us-east-1', { autoScalingGroupName: asg.AutoScalingGroupName, minSize: asg.MinSize, maxSize: asg.MaxSize }, undefined, asgAt));
  if (s.spotRequestId) {
    rows.push(event(stolen, 'ec2', 'RequestSpotInstances', 'eu-west-1', { type: 'persistent', launchSpecification: { instanceType: SCENARIO_NAMES.minerType, keyName: SCENARIO_NAMES.minerKey } }, { spotInstanceRequestSet: { items: [{ spotInstanceRequestId: s.spotRequestId }] } }, s.spotCreated));
  }
  // Later: the same key in another member account of the organization (what LookupEvents cannot see), then the backdoor user's own calls.
  const later = (seconds: number) => new Date(Math.max(...rows.map((r) => Date.parse(r[1] ?? ''))) + seconds * 1000);
  rows.push(event(actor(SCENARIO_NAMES.attackerUser, s.attackerKeyId, OTHER_ACCOUNT), 'ec2', 'RunInstances', 'eu-west-1', { instanceType: SCENARIO_NAMES.minerType, instancesSet: { items: [{ keyName: SCENARIO_NAMES.minerKey }] } }, { instancesSet: { items: [{ instanceId: 'i-0f00dfeedbeef0001' }] } }, later(1)));
  const own = actor(backdoor, s.backdoorKeyId);
  const backdoorRows: Row[] = [event(own, 'sts', 'GetCallerIdentity', 'us-east-1', {}, undefined, later(2)), event(own, 'iam', 'ListUsers', 'us-east-1', {}, undefined, later(3))];
  const byTime = (a: Row, b: Row) => (a[1] ?? '').localeCompare(b[1] ?? '');
  await queue([{ columns: TRAIL_COLUMNS, rows: [...rows].sort(byTime) }, { columns: TRAIL_COLUMNS, rows: backdoorRows }]);
  process.stdout.write(`queued ${rows.length} trail events for the stolen key and ${backdoorRows.length} for the backdoor user ${backdoor} (scope asks for them in that order)\n`);
}

/** Flow Logs rows: the hand-launched miners reaching the pool, and a host in another member account. */
async function queueHunt(): Promise<void> {
  const s = await readSeeded();
  const columns = ['flow_start', 'account', 'region', 'vpc_id', 'instance_id', 'interface_id', 'srcaddr', 'srcport', 'dstaddr', 'dstport', 'protocol', 'packets', 'bytes', 'action', 'flow_direction'];
  const at = new Date(s.since).getTime();
  const ts = (seconds: number) => new Date(at + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');
  const running = s.miners.filter((m) => m.instance.State?.Name === 'running' && m.launchedBy === 'hand');
  const rows: Row[] = running.map(({ region, instance: i }, n) => {
    const eni = i.NetworkInterfaces?.[0];
    return [ts(5 + n), SCENARIO_ACCOUNT, region, i.VpcId, i.InstanceId, eni?.NetworkInterfaceId, i.PrivateIpAddress, String(43512 + n), POOL_IP, '3333', '6', '1200', '640000', 'ACCEPT', 'egress'];
  });
  rows.push([ts(30), OTHER_ACCOUNT, 'eu-west-1', 'vpc-0a1b2c3d4e5f60003', 'i-0f00dfeedbeef0001', 'eni-0f00dfeedbeef0001', '10.1.4.9', '40022', POOL_IP, '3333', '6', '800', '410000', 'ACCEPT', 'egress']);
  await queue([{ columns, rows }]);
  process.stdout.write(`queued ${rows.length} Flow Logs rows for the pool IP ${POOL_IP} (${running.map((m) => `${m.instance.InstanceId} in ${m.region}`).join(', ')}, and one host in account ${OTHER_ACCOUNT})\n`);
}

const COMMANDS: Record<string, () => Promise<void>> = { seed, 'queue-scope': queueScope, 'queue-hunt': queueHunt };
const run = COMMANDS[command ?? ''];
if (!run) {
  process.stderr.write(`drill: unknown command "${command ?? ''}". Fix: npx tsx scripts/drill.ts seed|queue-scope|queue-hunt [endpoint]\n`);
  process.exit(2);
}
run().catch((error: unknown) => {
  const message = (error as Error).message;
  const unreachable = /ECONNREFUSED|fetch failed|connect/i.test(message) || (error as { code?: string }).code === 'ECONNREFUSED';
  process.stderr.write(`drill: ${message}${unreachable ? `. Fix: start moto first: .moto/venv/bin/python -m moto.server -H 127.0.0.1 -p ${new URL(endpoint).port || '80'}` : ''}\n`);
  process.exit(1);
});
