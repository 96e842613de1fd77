// Which ConfigMaps the controller reads: only those our GatewayClasses name in parametersRef
// (group "", kind ConfigMap, with a namespace), watched one by one by ReferencedInformers. Other
// controllers' classes are not ours to read.
import type { KubeObject } from '../../api/objects.js';

/** `namespace/name` of every ConfigMap a GatewayClass with `controllerName` references. */
export function referencedConfigMaps(gatewayClasses: readonly KubeObject[], controllerName: string): Set<string> {
  const refs = new Set<string>();
  for (const gatewayClass of gatewayClasses) {
    const spec = gatewayClass['spec'] as { controllerName?: unknown; parametersRef?: unknown } | undefined;
    if (spec?.controllerName !== controllerName) continue;
    const ref = spec.parametersRef;
    if (typeof ref !== 'object' || ref === null) continue;
    const { group, kind, name, namespace } = ref as Record<string, unknown>;
    if ((group ?? '') !== '' || kind !== 'ConfigMap') continue;
    if (typeof name !== 'string' || name === '' || typeof namespace !== 'string' || namespace === '') continue;
    refs.add(`${namespace}/${name}`);
  }
  return refs;
}
