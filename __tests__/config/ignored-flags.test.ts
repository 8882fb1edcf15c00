/**
 * A config override main.ts can never see (cdktf drops `--context`; the app reads no arguments)
 * must stop synth instead of silently synthesizing the example. A fake /proc stands in for the
 * process tree (the real one is exercised by app.test.ts and by `cdktf synth --context`).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ancestorCommandLines, ignoredOverride } from '../../config/ignored-flags';

const cdktf = ['node', '/repo/node_modules/.bin/cdktf'];

it.each([
  { name: 'nothing to ignore', args: [], ancestors: [['npm', 'run', 'synth'], [...cdktf, 'deploy', '*']], expected: undefined },
  { name: 'an argument to the app itself', args: ['--context', 'config=org.yaml'], ancestors: [], expected: '--context config=org.yaml' },
  { name: 'cdktf synth --context', args: [], ancestors: [['sh', '-c', 'npx tsx main.ts'], [...cdktf, 'synth', '--context', 'config=org.yaml']], expected: '--context config=org.yaml' },
  { name: 'cdktf deploy -c k=v', args: [], ancestors: [[...cdktf, 'deploy', '*', '-c', 'config=org.yaml']], expected: '-c config=org.yaml' },
  { name: 'cdktf diff --config=path', args: [], ancestors: [[...cdktf, 'diff', '--config=org.yaml']], expected: '--config=org.yaml' },
  { name: 'a flag on a process that is not cdktf', args: [], ancestors: [['jest', '--config', 'jest.config.js']], expected: undefined },
])('$name', ({ args, ancestors, expected }) => {
  expect(ignoredOverride(args, ancestors)).toBe(expected);
});

it('reads ancestors from /proc, nearest first, stopping at init', () => {
  const proc = mkdtempSync(join(tmpdir(), 'irg-proc-'));
  const fake = (pid: number, ppid: number, argv: string[]) => {
    mkdirSync(join(proc, String(pid)));
    writeFileSync(join(proc, String(pid), 'stat'), `${pid} (node (weird) name) S ${ppid} 1 1 0`);
    writeFileSync(join(proc, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
  };
  fake(300, 200, ['node', 'main.ts']);
  fake(200, 100, ['sh', '-c', 'npx tsx main.ts']);
  fake(100, 1, [...cdktf, 'synth', '--context', 'config=org.yaml']);
  expect(ancestorCommandLines(proc, 300)).toEqual([['sh', '-c', 'npx tsx main.ts'], [...cdktf, 'synth', '--context', 'config=org.yaml']]);
  expect(ancestorCommandLines(join(proc, 'absent'), 300)).toEqual([]);
});
