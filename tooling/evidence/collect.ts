/**
 * Evidence first: before irctl changes anything about an instance, it saves what the instance
 * looked like (metadata, decoded UserData, console output, tags, security groups, instance
 * profile, volumes) to `<caseDir>/evidence/<instance>/` with a SHA-256 manifest. Files are
 * written once and never overwritten: a rerun keeps the original, pre-containment record.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  GetConsoleOutputCommand,
  type IamInstanceProfileAssociation,
  type Instance,
  type SecurityGroup,
  type Volume,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../aws/clients';
import { currentDate, type Clock } from '../clock';

/** One file in an evidence manifest. */
export interface EvidenceFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** `manifest.json` of one instance's evidence. */
export interface EvidenceManifest {
  readonly caseId: string;
  readonly instanceId: string;
  readonly region: string;
  /** ISO 8601 UTC. */
  readonly collectedAt: string;
  readonly collectedBy: string;
  readonly files: readonly EvidenceFile[];
}

/** Region-wide reads evidence can reuse instead of asking per instance. */
export interface EvidencePrefetch {
  readonly volumes: readonly Volume[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly associations: readonly IamInstanceProfileAssociation[];
}

/** Directory holding one instance's evidence. */
export function evidenceDir(caseDir: string, instanceId: string): string {
  return join(caseDir, 'evidence', instanceId);
}

/** Decode EC2 UserData (base64, possibly gzip-compressed) to text; binary stays base64. */
export function decodeUserData(base64?: string): { text?: string; raw: Buffer } {
  const raw = Buffer.from(base64 ?? '', 'base64');
  let data = raw;
  if (raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      data = gunzipSync(raw);
    } catch {
      return { raw }; // truncated gzip: keep the bytes, they are still evidence
    }
  }
  const text = data.toString('utf8');
  return Buffer.from(text, 'utf8').equals(data) ? { text, raw } : { raw };
}

/** Collect one instance's evidence unless a manifest already exists; returns the manifest. */
export async function collectInstanceEvidence(
  clients: AwsClients,
  input: {
    readonly caseId: string;
    readonly caseDir: string;
    readonly region: string;
    readonly instance: Instance;
    readonly caller: string;
    readonly clock: Clock;
    /** Already read for the whole region (saves three calls per instance). */
    readonly prefetched?: EvidencePrefetch;
  },
): Promise<{ manifest: EvidenceManifest; created: boolean }> {
  const instanceId = input.instance.InstanceId!;
  const dir = evidenceDir(input.caseDir, instanceId);
  const manifestFile = join(dir, 'manifest.json');
  if (existsSync(manifestFile)) {
    return { manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as EvidenceManifest, created: false };
  }
  const ec2 = clients.ec2(input.region);
  const instance = input.instance;
  const groupIds = [...new Set((instance.NetworkInterfaces ?? []).flatMap((n) => (n.Groups ?? []).map((g) => g.GroupId!)))];
  const volumeIds = (instance.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId).filter((v): v is string => !!v);
  // Independent reads: in parallel, so evidence costs one round trip, not six.
  const pre = input.prefetched;
  const [userData, console, groups, associations, volumes] = await Promise.all([
    ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' })),
    ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true })).catch((err: Error) => ({ Output: undefined, error: err.message })),
    pre
      ? { SecurityGroups: pre.securityGroups.filter((g) => groupIds.includes(g.GroupId!)) }
      : groupIds.length
        ? ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }))
        : Promise.resolve({ SecurityGroups: [] }),
    pre
      ? { IamInstanceProfileAssociations: pre.associations.filter((a) => a.InstanceId === instanceId) }
      : ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [instanceId] }] })),
    pre
      ? { Volumes: pre.volumes.filter((v) => volumeIds.includes(v.VolumeId!)) }
      : volumeIds.length
        ? ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }))
        : Promise.resolve({ Volumes: [] }),
  ]);
  const profileArn = instance.IamInstanceProfile?.Arn;
  const profile = profileArn
    ? await clients.iam().send(new GetInstanceProfileCommand({ InstanceProfileName: profileArn.split('/').pop()! }))
    : undefined;
  const decoded = decodeUserData(userData.UserData?.Value);
  const consoleText = console.Output ? Buffer.from(console.Output, 'base64').toString('utf8') : `(no console output: ${'error' in console ? console.error : 'empty'})\n`;

  const files: Array<[string, Buffer]> = [
    ['metadata.json', json(instance)],
    ['userdata.raw.b64', Buffer.from(userData.UserData?.Value ?? '', 'utf8')],
    ['userdata.txt', Buffer.from(decoded.text ?? `(binary UserData, ${decoded.raw.length} bytes: see userdata.raw.b64)\n`, 'utf8')],
    ['console-output.txt', Buffer.from(consoleText, 'utf8')],
    ['tags.json', json(instance.Tags ?? [])],
    ['security-groups.json', json(groups.SecurityGroups ?? [])],
    ['instance-profile.json', json({ associations: associations.IamInstanceProfileAssociations ?? [], profile: profile?.InstanceProfile ?? null })],
    ['volumes.json', json(volumes.Volumes ?? [])],
  ];
  mkdirSync(dir, { recursive: true });
  const entries: EvidenceFile[] = files.map(([name, body]) => {
    writeFileSync(join(dir, name), body, { flag: 'wx' });
    return { name, sha256: sha256(body), bytes: body.length };
  });
  const manifest: EvidenceManifest = {
    caseId: input.caseId,
    instanceId,
    region: input.region,
    collectedAt: currentDate(input.clock).toISOString(),
    collectedBy: input.caller,
    files: entries,
  };
  // The manifest is written last: its presence means the set is complete.
  writeFileSync(manifestFile, json(manifest), { flag: 'wx' });
  return { manifest, created: true };
}

/** Re-hash every file of an evidence directory; returns the names that no longer match. */
export function verifyEvidence(caseDir: string, instanceId: string): string[] {
  const dir = evidenceDir(caseDir, instanceId);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as EvidenceManifest;
  return manifest.files.filter((f) => !existsSync(join(dir, f.name)) || sha256(readFileSync(join(dir, f.name))) !== f.sha256).map((f) => f.name);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
