/**
 * Benchmark settings read from the environment, refused with a clear error when malformed:
 * a parallelism of 0 would never start a plan (the run hangs), NaN would lift the cap, and a
 * non-numeric limit would plan no stack and print a meaningless figure.
 */

/** A comma-separated list of positive integers, e.g. BENCH_PARALLELISM=1,2,4; `fallback` when unset or empty. */
export function positiveIntegers(name: string, raw: string | undefined, fallback: readonly number[]): number[] {
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const parts = raw.split(',').map((p) => p.trim());
  const bad = parts.filter((p) => !/^[1-9]\d*$/.test(p));
  if (bad.length) throw new Error(`${name}=${JSON.stringify(raw)}: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length > 1 ? 'are not positive integers' : 'is not a positive integer'}; use e.g. ${name}=${fallback.join(',')}`);
  return parts.map(Number);
}

/** One positive integer, e.g. BENCH_LIMIT=40; undefined when unset or empty. */
export function positiveInteger(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^[1-9]\d*$/.test(raw.trim())) throw new Error(`${name}=${JSON.stringify(raw)} is not a positive integer; use e.g. ${name}=40, or unset it`);
  return Number(raw.trim());
}
