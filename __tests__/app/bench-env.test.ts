/** The terraform-plan benchmark's settings: malformed values are refused, not hung on or ignored. */
import { positiveInteger, positiveIntegers } from '../../bench/bench-env';

it.each([
  { raw: undefined, expected: [1, 2, 4] },
  { raw: '', expected: [1, 2, 4] },
  { raw: '8', expected: [8] },
  { raw: ' 1, 3 ', expected: [1, 3] },
])('BENCH_PARALLELISM=$raw gives $expected', ({ raw, expected }) => {
  expect(positiveIntegers('BENCH_PARALLELISM', raw, [1, 2, 4])).toEqual(expected);
});

it.each([
  { raw: '0', message: 'BENCH_PARALLELISM="0": "0" is not a positive integer; use e.g. BENCH_PARALLELISM=1,2,4' },
  { raw: 'four', message: 'BENCH_PARALLELISM="four": "four" is not a positive integer' },
  { raw: '2,,x', message: 'BENCH_PARALLELISM="2,,x": "", "x" are not positive integers' },
  { raw: '-1', message: '"-1" is not a positive integer' },
  { raw: '1.5', message: '"1.5" is not a positive integer' },
])('refuses BENCH_PARALLELISM=$raw', ({ raw, message }) => {
  expect(() => positiveIntegers('BENCH_PARALLELISM', raw, [1, 2, 4])).toThrow(message);
});

it.each([
  { raw: undefined, expected: undefined },
  { raw: '40', expected: 40 },
])('BENCH_LIMIT=$raw gives $expected', ({ raw, expected }) => {
  expect(positiveInteger('BENCH_LIMIT', raw)).toBe(expected);
});

it.each(['0', 'ten', '10x', '-3'])('refuses BENCH_LIMIT=%s', (raw) => {
  expect(() => positiveInteger('BENCH_LIMIT', raw)).toThrow(`BENCH_LIMIT=${JSON.stringify(raw)} is not a positive integer; use e.g. BENCH_LIMIT=40, or unset it`);
});
