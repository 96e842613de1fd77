// Content versions of IRs. A version is a hash of the canonical form, so it depends
// on what the IR says and nothing else (no counter, no clock): an unchanged IR keeps its version
// across restarts and replicas, and the config server can skip a push whose version the proxy has.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { MeshIR } from './mesh.js';
import { normalize } from './normalize.js';

/** `sha256:<hex>` of the normalized IR's canonical JSON. */
export function irVersion(ir: MeshIR): string {
  return `sha256:${createHash('sha256').update(canonicalJson(normalize(ir)), 'utf8').digest('hex')}`;
}
