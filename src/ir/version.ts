// Content versions of IRs. A version is a hash of the normalized IR, so it depends on what the IR
// says and nothing else (no counter, no clock): an unchanged IR keeps its version across restarts
// and replicas, and the config server can skip a push whose version the proxy has.
import { createHash } from 'node:crypto';
import type { MeshIR } from './mesh.js';
import { normalize } from './normalize.js';

/**
 * `sha256:<hex>` of the normalized IR. normalize() already sorts every key and drops undefined, so
 * the native JSON.stringify spells it canonically, five times faster than canonicalJson on a
 * 5,000-Service mesh; the replacer keeps canonicalJson's refusal of NaN and ±Infinity, which JSON
 * would turn into null (two different IRs must never hash alike).
 */
export function irVersion(ir: MeshIR): string {
  const text = JSON.stringify(normalize(ir), finiteOnly);
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

function finiteOnly(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`irVersion: ${String(value)} at key "${key}"`);
  return value;
}
