/**
 * Evidence first: before irctl changes anything about an instance, it saves what the instance
 * looked like (metadata, decoded UserData, console output, tags, security groups, instance
 * profile, volumes) with a SHA-256 manifest. A plan run saves a set marked `plan` (the state
 * when the responder looked); `--apply` saves a `containment` set at the moment it acts, since
 * minutes or hours may separate the two and the attacker keeps working. Both are kept, under
 * `<caseDir>/evidence/<instance>/<purpose>/`, and an index manifest lists each set with the hash
 * of its manifest. Files are written once and never overwritten: a rerun keeps the original.
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
import { checkFiles, type FileProblem } from '../case/recorded-files';

/** One file in an evidence manifest. */
export interface EvidenceFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Why a set was collected: a plan run (look only), or the containment itself (--apply). */
export type EvidencePurpose = 'plan' | 'containment';

/** `manifest.json` of one evidence set of an instance. */
export interface EvidenceManifest {
  readonly caseId: string;
  readonly instanceId: string;
  readonly region: string;
  readonly purpose: EvidencePurpose;
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

/** Index `evidence/<instance>/manifest.json`: every set, with the SHA-256 of its manifest. */
export interface EvidenceIndex {
  readonly instanceId: string;
  readonly sets: ReadonlyArray<{ readonly purpose: EvidencePurpose; readonly collectedAt: string; readonly manifest: string; readonly sha256: string }>;
}

/** Directory holding one instance's evidence (all sets). */
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
    /** @default 'containment' */
    readonly purpose?: EvidencePurpose;
  },
): Promise<{ manifest: EvidenceManifest; created: boolean }> {
  const instanceId = input.instance.InstanceId!;
  const purpose = input.purpose ?? 'containment';
  const dir = join(evidenceDir(input.caseDir, instanceId), purpose);
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
    purpose,
    collectedAt: currentDate(input.clock).toISOString(),
    collectedBy: input.caller,
    files: entries,
  };
  // The manifest is written last: its presence means the set is complete.
  const body = json(manifest);
  writeFileSync(manifestFile, body, { flag: 'wx' });
  writeIndex(input.caseDir, instanceId, { purpose, collectedAt: manifest.collectedAt, manifest: `${purpose}/manifest.json`, sha256: sha256(body) });
  return { manifest, created: true };
}

function readIndex(caseDir: string, instanceId: string): EvidenceIndex {
  const file = join(evidenceDir(caseDir, instanceId), 'manifest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as EvidenceIndex) : { instanceId, sets: [] };
}

// The index only grows: a set once listed keeps its entry and hash.
function writeIndex(caseDir: string, instanceId: string, set: EvidenceIndex['sets'][number]): void {
  const index = readIndex(caseDir, instanceId);
  writeFileSync(join(evidenceDir(caseDir, instanceId), 'manifest.json'), json({ instanceId, sets: [...index.sets.filter((s) => s.purpose !== set.purpose), set] }));
}

/** Re-hash every set of an instance's evidence against its manifests; returns the files (case-relative) missing or modified. */
export function verifyEvidence(caseDir: string, instanceId: string): FileProblem[] {
  const root = evidenceDir(caseDir, instanceId);
  const rel = `evidence/${instanceId}`;
  const bad: FileProblem[] = [];
  for (const set of readIndex(caseDir, instanceId).sets) {
    const manifest = { path: `${rel}/${set.manifest}`, sha256: set.sha256, source: `the index ${rel}/manifest.json` };
    const [problem] = checkFiles(caseDir, [manifest]);
    if (problem) {
      bad.push(problem);
      continue;
    }
    const listed = JSON.parse(readFileSync(join(root, set.manifest), 'utf8')) as EvidenceManifest;
    bad.push(...checkFiles(caseDir, listed.files.map((f) => ({ path: `${rel}/${set.purpose}/${f.name}`, sha256: f.sha256, source: `the manifest ${manifest.path}` }))));
  }
  return bad;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
