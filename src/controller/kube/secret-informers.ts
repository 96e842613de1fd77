// Which Secrets the controller reads: only those a Gateway listener names in certificateRefs
// (watched one by one by ReferencedInformers).
import type { KubeObject } from '../../api/objects.js';

/** `namespace/name` of every Secret a Gateway listener references. */
export function referencedSecrets(gateways: readonly KubeObject[]): Set<string> {
  const refs = new Set<string>();
  for (const gateway of gateways) {
    const listeners = (gateway['spec'] as { listeners?: unknown } | undefined)?.listeners;
    if (!Array.isArray(listeners)) continue;
    for (const listener of listeners) {
      const certificateRefs = (listener as { tls?: { certificateRefs?: unknown } } | null)?.tls?.certificateRefs;
      if (!Array.isArray(certificateRefs)) continue;
      for (const ref of certificateRefs as unknown[]) {
        if (typeof ref !== 'object' || ref === null) continue;
        const { group, kind, name, namespace } = ref as Record<string, unknown>;
        if ((group ?? '') !== '' || (kind ?? 'Secret') !== 'Secret' || typeof name !== 'string') continue;
        const ns = typeof namespace === 'string' && namespace !== '' ? namespace : gateway.metadata.namespace;
        if (ns) refs.add(`${ns}/${name}`);
      }
    }
  }
  return refs;
}
