// GatewayClasses whose controllerName is ours, and their parametersRef: a ConfigMap whose keys are
// the class's tunables. A reference that does not resolve, or a key we do not know, makes the class
// not Accepted (InvalidParameters) rather than silently running with defaults.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { GatewayClass } from '../api/gateway/index.js';
import type { ClusterSnapshot } from './input.js';
import { parseDuration } from './duration.js';
import { GatewayReason, verdictFail, verdictOk, type ClassFinding, type Verdict } from './gateway-findings.js';
import type { GatewayTranslateOptions, ResolvedGatewayClass } from './gateway-model.js';
import { compareStrings } from './precedence.js';

/** ConfigMap keys a class's parameters may set. */
const PARAMETER_KEYS = ['udpIdleTimeout'] as const;

export function resolveGatewayClasses(snapshot: ClusterSnapshot, options: GatewayTranslateOptions): ClassFinding[] {
  const configMaps = new Map<string, V1ConfigMap>();
  for (const cm of snapshot.configMaps) {
    configMaps.set(`${cm.metadata?.namespace ?? 'default'}/${cm.metadata?.name ?? ''}`, cm);
  }
  return snapshot.gatewayClasses
    .filter((gc) => gc.spec.controllerName === options.gatewayControllerName)
    .map((gc) => resolveClass(gc, configMaps))
    .sort((a, b) => compareStrings(a.resolved.name, b.resolved.name));
}

function resolveClass(gc: GatewayClass, configMaps: ReadonlyMap<string, V1ConfigMap>): ClassFinding {
  const name = gc.metadata.name ?? '';
  const generation = gc.metadata.generation ?? 1;
  const params = readParameters(gc, configMaps);
  const resolved: ResolvedGatewayClass = { name, generation, accepted: params.verdict.ok };
  if (params.udpIdleTimeoutMs !== undefined) resolved.udpIdleTimeoutMs = params.udpIdleTimeoutMs;
  return { resolved, accepted: params.verdict };
}

interface Parameters {
  verdict: Verdict;
  udpIdleTimeoutMs?: number;
}

function readParameters(gc: GatewayClass, configMaps: ReadonlyMap<string, V1ConfigMap>): Parameters {
  const ref = gc.spec.parametersRef;
  const invalid = (message: string): Parameters => ({ verdict: verdictFail(GatewayReason.InvalidParameters, message) });
  if (!ref) return { verdict: verdictOk(GatewayReason.Accepted, 'Accepted by Sidelane') };

  const group = ref.group === 'core' ? '' : ref.group;
  const what = `parametersRef ${group || 'core'}/${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  if (group !== '' || ref.kind !== 'ConfigMap') {
    return invalid(`${what}: Sidelane reads class parameters only from a core ConfigMap (group "", kind ConfigMap)`);
  }
  if (!ref.namespace) return invalid(`${what}: a ConfigMap is namespaced, so parametersRef needs a namespace`);
  const cm = configMaps.get(`${ref.namespace}/${ref.name}`);
  if (!cm) return invalid(`${what}: ConfigMap ${ref.namespace}/${ref.name} does not exist`);

  const unknown = [
    ...Object.keys(cm.data ?? {}).filter((k) => !(PARAMETER_KEYS as readonly string[]).includes(k)),
    ...Object.keys(cm.binaryData ?? {}),
  ].sort(compareStrings);
  if (unknown.length > 0) {
    return invalid(
      `${what}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (Sidelane reads ${PARAMETER_KEYS.join(', ')})`,
    );
  }

  const out: Parameters = { verdict: verdictOk(GatewayReason.Accepted, `Accepted by Sidelane with the parameters of ConfigMap ${ref.namespace}/${ref.name}`) };
  const udpIdle = cm.data?.['udpIdleTimeout'];
  if (udpIdle !== undefined) {
    const ms = parseDuration(udpIdle.trim());
    if (ms === undefined || ms === 0) {
      return invalid(`${what}: udpIdleTimeout ${JSON.stringify(udpIdle)} is not a positive Gateway API duration (e.g. 30s, 2m)`);
    }
    out.udpIdleTimeoutMs = ms;
  }
  return out;
}
