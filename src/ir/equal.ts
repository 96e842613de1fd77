// Equality of IRs by meaning: two IRs are equal when their canonical forms are, so the order of
// lists the IR keeps sorted, and the order of object keys, never make two configurations differ.
import { canonicalJson } from './canonical-json.js';
import type { MeshIR } from './mesh.js';
import { normalize } from './normalize.js';

export function equal(a: MeshIR, b: MeshIR): boolean {
  return a === b || canonicalJson(normalize(a)) === canonicalJson(normalize(b));
}
