/** Runs proof tables as jest tests: one test per row, decision and ignored context keys asserted. */
import type { ProofTable } from '../../policies/proofs';
import { runProofTable, type ProofResult } from '../../dev/simulate';

/** Register one describe block per table and one test per row. */
export function describeProofTables(label: string, tables: readonly ProofTable[]): void {
  describe.each(tables.map((t) => [t.id, t] as const))(`${label}: %s`, (_id, table) => {
    let results: ProofResult[] = [];
    beforeAll(async () => {
      results = await runProofTable(table);
    });

    it('has rows the policies must allow and rows they must deny', () => {
      expect(table.rows.some((r) => r.expected === 'Allowed')).toBe(!table.deniesEverything);
      expect(table.rows.some((r) => r.expected !== 'Allowed')).toBe(true);
    });

    it.each(table.rows.map((row, i) => [row.name, row.expected, i] as const))('%s -> %s', (_name, expected, i) => {
      const result = results[i];
      expect({ decision: result.decision, ignoredContextKeys: result.ignoredContextKeys }).toEqual({ decision: expected, ignoredContextKeys: [] });
    });
  });
}
