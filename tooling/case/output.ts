/**
 * How irctl talks to people and to automation: progress lines on a terminal, or one JSON
 * document at the end with `--json`. Phases only call this interface.
 */

/** Sink for progress and results. */
export interface Reporter {
  /** A progress line (suppressed in JSON mode). */
  progress(message: string): void;
  /** A warning a responder must read (stderr in every mode). */
  warn(message: string): void;
}

/** Reporter writing to the given streams; JSON mode keeps stdout clean for the final document. */
export function streamReporter(options: { readonly json: boolean; readonly out?: NodeJS.WritableStream; readonly err?: NodeJS.WritableStream }): Reporter {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  return {
    progress: (message) => {
      if (!options.json) out.write(message + '\n');
    },
    warn: (message) => {
      err.write(`warning: ${message}\n`);
    },
  };
}

/** A reporter that keeps lines in memory (tests, benchmarks). */
export function memoryReporter(): Reporter & { readonly lines: string[]; readonly warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, progress: (m) => void lines.push(m), warn: (m) => void warnings.push(m) };
}
