/**
 * The shape of an inverse: what release runs to undo one kind of containment step. Each forward
 * step in tooling/contain/ defines its inverse beside it with this type.
 */
import type { Action } from './executor';
import type { PhaseEnv } from './phase';
import type { UndoKind, UndoOf } from './undo';

/** The inverse of one undo kind: an Action like any other (check-then-act, dry run where EC2 has one). */
export type Inverse<K extends UndoKind> = (env: PhaseEnv, r: UndoOf<K>) => Action;

/** What every inverse shares: the record's region, reversible, and no undo of its own. */
export const inverseBase = (r: { readonly region: string }) => ({ region: r.region, reversible: true, undo: undefined }) as const;
