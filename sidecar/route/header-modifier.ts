// Request/ResponseHeaderModifier on a header list, in the spec's order: set (replaces every value
// of the name), then add (appends), then remove. Names compare case-insensitively; names the
// modifier writes are the IR's lower-cased ones, which HTTP/2 requires anyway.
import type { HeaderModifierIR } from '../../src/ir/index.js';
import type { NameValue } from './request.js';

export function applyHeaderModifier(headers: readonly NameValue[], modifier: HeaderModifierIR): NameValue[] {
  let out: NameValue[] = [...headers];
  for (const { name, value } of modifier.set) {
    const at = out.findIndex(([n]) => n.toLowerCase() === name);
    const without = out.filter(([n]) => n.toLowerCase() !== name);
    // Keep the header where it first was, so a set does not reorder a request for no reason.
    without.splice(at < 0 ? without.length : at, 0, [name, value]);
    out = without;
  }
  for (const { name, value } of modifier.add) out.push([name, value]);
  const removed = new Set(modifier.remove.map((n) => n.toLowerCase()));
  if (removed.size > 0) out = out.filter(([n]) => !removed.has(n.toLowerCase()));
  return out;
}
