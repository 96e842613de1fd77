// One JSON spelling per value: object keys sorted (by UTF-16 code unit, locale-independent),
// no whitespace, `undefined` properties left out. Equal values give equal strings, which is what
// `irVersion()` hashes and `equal()` compares.
import { compareStrings } from './order.js';

/**
 * Serializes `value` as JSON with sorted keys. Unlike `JSON.stringify`, it refuses values JSON
 * would silently mangle (NaN and ±Infinity become `null`, bigint throws late, functions vanish):
 * two different IRs must never serialize alike.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, new Set(), []);
  return parts.join('');
}

/** `$.a[0].b`: spelled out only for an error; building it for every value cost more than the rest. */
function spell(path: readonly (string | number)[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${String(p)}]` : `.${p}`)).join('')}`;
}

function write(value: unknown, out: string[], ancestors: Set<object>, path: (string | number)[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${String(value)} at ${spell(path)}`);
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot serialize a ${typeof value} at ${spell(path)}`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (ancestors.has(value)) throw new TypeError(`canonicalJson: circular reference at ${spell(path)}`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item: unknown, index) => {
      if (index > 0) out.push(',');
      // As in JSON.stringify, a hole or undefined in an array is null (keeps indexes meaningful).
      if (item === undefined) {
        out.push('null');
      } else {
        path.push(index);
        write(item, out, ancestors, path);
        path.pop();
      }
    });
    out.push(']');
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      // A Map, Date or class instance would come out as `{}` or lose its identity.
      throw new TypeError(`canonicalJson: not a plain object at ${spell(path)}`);
    }
    out.push('{');
    let first = true;
    for (const key of Object.keys(value).sort(compareStrings)) {
      const property: unknown = (value as Record<string, unknown>)[key];
      if (property === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      path.push(key);
      write(property, out, ancestors, path);
      path.pop();
    }
    out.push('}');
  }
  ancestors.delete(value);
}
