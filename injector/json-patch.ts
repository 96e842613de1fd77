// The JSON Patch (RFC 6902) the webhook answers with, and a tiny `add`-only applier so tests and
// `sidelane inject` can check that the patch turns the pod into exactly the injected pod.
// Only `add` is needed: injection never removes or rewrites what the pod already has.
import type { V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS } from '../src/shared/pod-mesh.js';
import type { SidecarParts } from './pod-spec.js';

export interface JsonPatchOp {
  op: 'add';
  /** A JSON Pointer (RFC 6901). */
  path: string;
  value: unknown;
}

/** Escapes one JSON Pointer token: `sidelane.io/status` → `sidelane.io~1status`. */
export function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The ops that add the sidecar to `pod`: init containers first (sidelane-init, sidelane-proxy, then
 * the pod's own, which may need the network set up), the token volume last, the status annotation.
 * A missing (or null) array or map is added whole, since `add` cannot reach into what is absent.
 */
export function injectionPatch(pod: V1Pod, parts: SidecarParts): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const spec = pod.spec;
  if (absent(spec?.initContainers)) {
    ops.push({ op: 'add', path: '/spec/initContainers', value: [parts.initContainer, parts.proxyContainer] });
  } else {
    ops.push({ op: 'add', path: '/spec/initContainers/0', value: parts.initContainer });
    ops.push({ op: 'add', path: '/spec/initContainers/1', value: parts.proxyContainer });
  }
  if (absent(spec?.volumes)) {
    ops.push({ op: 'add', path: '/spec/volumes', value: [parts.tokenVolume] });
  } else {
    ops.push({ op: 'add', path: '/spec/volumes/-', value: parts.tokenVolume });
  }
  const status = { [ANNOTATIONS.status]: 'injected' };
  if (absent(pod.metadata)) {
    ops.push({ op: 'add', path: '/metadata', value: { annotations: status } });
  } else if (absent(pod.metadata?.annotations)) {
    ops.push({ op: 'add', path: '/metadata/annotations', value: status });
  } else {
    ops.push({ op: 'add', path: `/metadata/annotations/${pointerToken(ANNOTATIONS.status)}`, value: 'injected' });
  }
  return ops;
}

/** Pods arrive as JSON, where a field may be null although the types say it is absent or set. */
function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** The patch as the AdmissionReview response carries it. */
export function encodePatch(ops: readonly JsonPatchOp[]): string {
  return Buffer.from(JSON.stringify(ops)).toString('base64');
}

/** Applies `add` ops to a copy of `document` (RFC 6902 §4.1); throws on a path that does not exist. */
export function applyJsonPatch<T>(document: T, ops: readonly JsonPatchOp[]): T {
  let root: unknown = structuredClone(document);
  for (const { op, path, value } of ops) {
    if ((op as string) !== 'add') throw new Error(`unsupported JSON Patch op ${op as string}`);
    if (path === '') {
      root = structuredClone(value);
      continue;
    }
    if (!path.startsWith('/')) throw new Error(`JSON Pointer ${path} does not start with /`);
    const tokens = path.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop() ?? '';
    let parent: unknown = root;
    for (const token of tokens) parent = child(parent, token, path);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : arrayIndex(last, parent.length, path);
      parent.splice(index, 0, structuredClone(value));
    } else if (typeof parent === 'object' && parent !== null) {
      // defineProperty, not assignment: a "__proto__" key must stay a plain member.
      Object.defineProperty(parent, last, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
    } else {
      throw new Error(`JSON Patch path ${path}: parent is not an object or array`);
    }
  }
  return root as T;
}

function child(parent: unknown, token: string, path: string): unknown {
  if (Array.isArray(parent)) return parent[arrayIndex(token, parent.length - 1, path)];
  if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, token)) {
    return (parent as Record<string, unknown>)[token];
  }
  throw new Error(`JSON Patch path ${path}: ${token} does not exist`);
}

function arrayIndex(token: string, max: number, path: string): number {
  const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : Number.NaN;
  if (!(index >= 0 && index <= max)) throw new Error(`JSON Patch path ${path}: bad array index ${token}`);
  return index;
}
