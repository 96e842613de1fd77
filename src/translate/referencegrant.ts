// ReferenceGrant: lets objects of one namespace reference objects in another. Mesh routes do not
// need it (GEP-1294); routes attached to Gateways do, for backends in another namespace.
import type { ReferenceGrant } from '../api/gateway/index.js';

export interface ReferenceGrantIndex {
  /** Grants by the namespace they live in (the namespace of the referenced object). */
  byNamespace: Map<string, ReferenceGrant[]>;
}

export interface Reference {
  fromGroup: string;
  fromKind: string;
  fromNamespace: string;
  toGroup: string;
  toKind: string;
  toNamespace: string;
  toName: string;
}

export function indexReferenceGrants(grants: ReferenceGrant[]): ReferenceGrantIndex {
  const byNamespace = new Map<string, ReferenceGrant[]>();
  for (const grant of grants) {
    const ns = grant.metadata.namespace ?? 'default';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), grant]);
  }
  return { byNamespace };
}

export function referenceGrantAllows(index: ReferenceGrantIndex, ref: Reference): boolean {
  if (ref.fromNamespace === ref.toNamespace) return true;
  const norm = (g: string | undefined): string => (g === 'core' ? '' : (g ?? ''));
  return (index.byNamespace.get(ref.toNamespace) ?? []).some(
    (grant) =>
      grant.spec.from.some(
        (f) => norm(f.group) === norm(ref.fromGroup) && f.kind === ref.fromKind && f.namespace === ref.fromNamespace,
      ) &&
      grant.spec.to.some(
        (t) =>
          norm(t.group) === norm(ref.toGroup) && t.kind === ref.toKind && (t.name === undefined || t.name === '' || t.name === ref.toName),
      ),
  );
}
