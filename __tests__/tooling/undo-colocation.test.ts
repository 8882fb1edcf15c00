/**
 * "Forward and inverse side by side": the containment step that writes an undo kind and the
 * inverse release runs for it live in the same module of tooling/contain/, so whoever changes
 * one sees the other. (That every kind has an inverse at all is a type error otherwise: the
 * release table is typed by the undo union.) Read from the source, as a reviewer would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVERSES } from '../../tooling/release-inverses';

const dir = join(__dirname, '../../tooling/contain');
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));

test.each(Object.keys(INVERSES))('undo kind %s: forward step and inverse in one module', (kind) => {
  const forward = modules.filter((m) => m.text.includes(`kind: '${kind}'`)).map((m) => m.file);
  const inverse = modules.filter((m) => m.text.includes(`Inverse<'${kind}'>`)).map((m) => m.file);
  expect(forward).toHaveLength(1);
  expect(inverse).toEqual(forward);
});
