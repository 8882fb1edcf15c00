/**
 * docs/runbook.md stays true to the command line: every irctl command it names exists, every
 * flag it names is one irctl (or the drill script) takes, and every command line of the drill
 * names a known command. The drill itself was run by hand as written; this keeps it from
 * drifting as the CLI changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../tooling/cli';

const runbook = readFileSync(join(__dirname, '..', '..', 'docs', 'runbook.md'), 'utf8');

async function help(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  expect(await main(['node', 'irctl', ...args, '--help'], { stdout, stderr: new PassThrough() })).toBe(0);
  return out;
}

let commands: string[];
let flags: Set<string>;
beforeAll(async () => {
  const root = await help([]);
  commands = [...root.slice(root.indexOf('Commands:')).matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  const texts = [root, ...(await Promise.all(commands.map((c) => help([c]))))];
  flags = new Set(texts.flatMap((t) => [...t.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0])));
});

test('the CLI has the commands the runbook walks through', () => {
  for (const c of ['validate', 'scope', 'hunt', 'contain-credentials', 'contain-instances', 'eradicate', 'release', 'report', 'verify', 'run']) expect(commands).toContain(c);
});

test('every flag the runbook names is one irctl takes', () => {
  // `--import` and the like never appear; the drill script takes no flags.
  const named = new Set([...runbook.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
  expect([...named].filter((f) => !flags.has(f))).toEqual([]);
});

test('every irctl line of the drill runs a known command', () => {
  const lines = runbook.split('\n').filter((l) => /^ {7}irctl /.test(l));
  expect(lines.length).toBeGreaterThan(10);
  const valued = new Set(['--case', '--account', '--regions', '--config', '--mfa-serial', '--mfa-token', '--endpoint', '--case-dir', '--since', '--until']);
  for (const line of lines) {
    const tokens = line.trim().split(/\s+/).slice(1);
    let i = 0;
    while (tokens[i]?.startsWith('--')) i += valued.has(tokens[i]!) ? 2 : 1;
    expect(commands).toContain(tokens[i]);
  }
});

test('the runbook points to the journal format in docs/', () => {
  expect(runbook).toContain('](journal.md)');
});
