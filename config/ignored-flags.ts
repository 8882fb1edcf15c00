/**
 * A config override the app can never see. `cdktf synth`/`deploy` have no `--context` option
 * (the CLI accepts and drops unknown flags) and `npm run synth -- …` hands arguments to an app
 * that reads none: either way the committed example would be synthesized instead of the user's
 * config. The app looks at its own arguments and, on Linux, at the cdktf CLI that started it.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CONFIG_ENV_VAR } from './index';

const OVERRIDE = /^(--context|-c|--config)(=|$)/;

/** A command line runs the cdktf CLI when one of its words is the `cdktf` executable. */
const isCdktfCli = (argv: readonly string[]) => argv.some((word) => basename(word) === 'cdktf' || /[\\/]cdktf-cli[\\/]/.test(word));

/**
 * The ignored override, as typed, if any: every argument to the app itself (it takes none), and
 * `--context`/`-c`/`--config` with its value on an ancestor cdktf CLI command line.
 */
export function ignoredOverride(appArgs: readonly string[], ancestors: ReadonlyArray<readonly string[]>): string | undefined {
  if (appArgs.length > 0) return appArgs.join(' ');
  for (const argv of ancestors.filter(isCdktfCli)) {
    const at = argv.findIndex((word) => OVERRIDE.test(word));
    if (at >= 0) return argv[at].includes('=') ? argv[at] : argv.slice(at, at + 2).join(' ');
  }
  return undefined;
}

/** The sentence telling the user the override was ignored and how to select a config instead. */
export function ignoredOverrideMessage(override: string): string {
  return (
    `"${override}" was ignored: the cdktf CLI has no --context option and the app takes no arguments, ` +
    'so the committed example config would have been synthesized instead of yours. ' +
    `Select your config with ${CONFIG_ENV_VAR}=path/to/org.yaml (for npm run synth and cdktf alike), ` +
    'or set "context": { "config": "path/to/org.yaml" } in cdktf.json.'
  );
}

/** Command lines of this process's ancestors, nearest first (empty where /proc cannot be read). */
export function ancestorCommandLines(procRoot = '/proc', pid = process.pid, depth = 12): string[][] {
  const lines: string[][] = [];
  let current = pid;
  for (let i = 0; i < depth && current > 1; i++) {
    try {
      const stat = readFileSync(join(procRoot, String(current), 'stat'), 'utf8');
      current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]); // fields after "(comm)": state, ppid
      if (!(current > 1)) break;
      lines.push(readFileSync(join(procRoot, String(current), 'cmdline'), 'utf8').split('\0').filter(Boolean));
    } catch {
      break; // not Linux, or the process is gone: nothing more to learn
    }
  }
  return lines;
}
