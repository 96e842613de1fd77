// A pod's own proxy settings: the sidelane.io/* annotations, read over the injector config's
// defaults. A bad annotation is a problem naming the annotation, and the pod is then left alone
// rather than half-injected; an unknown sidelane.io/* annotation (a typo, likely) is a warning.
import { ANNOTATIONS, INJECT_LABEL } from '../src/shared/pod-mesh.js';
import type { InjectorConfig, ProxyResources } from './config.js';
import {
  parseCidrList,
  parseLogLevel,
  parsePortList,
  parseQuantity,
  quantityValue,
  show,
  type Parsed,
  type ProxyLogLevel,
} from './values.js';

/** What the injected containers are built from: the config's defaults with the pod's annotations applied. */
export interface ProxySettings {
  /** "*" redirects every inbound port; a list only those; [] none. */
  includeInboundPorts: '*' | number[];
  excludeInboundPorts: number[];
  excludeOutboundPorts: number[];
  excludeOutboundIpRanges: string[];
  resources: ProxyResources;
  logLevel: ProxyLogLevel;
}

export interface AnnotationReading {
  /** Present when `problems` is empty. */
  settings?: ProxySettings;
  /** One sentence per bad annotation, each naming it; non-empty means: do not inject. */
  problems: string[];
  /** Things worth telling the user that do not stop injection. */
  warnings: string[];
}

const PREFIX = 'sidelane.io/';
const KNOWN = new Set<string>(Object.values(ANNOTATIONS));

export function readProxySettings(
  annotations: Readonly<Record<string, string>> | undefined,
  config: InjectorConfig,
): AnnotationReading {
  const given = annotations ?? {};
  const problems: string[] = [];
  const warnings: string[] = [];
  const read = <T>(key: string, parse: (text: string) => Parsed<T>): T | undefined => {
    const text = Object.hasOwn(given, key) ? given[key] : undefined;
    if (text === undefined) return undefined;
    const parsed = parse(text);
    if (parsed.ok) return parsed.value;
    problems.push(`annotation ${key}: ${parsed.problem}`);
    return undefined;
  };

  for (const key of Object.keys(given).sort()) {
    if (!key.startsWith(PREFIX) || KNOWN.has(key)) continue;
    warnings.push(
      key === INJECT_LABEL
        ? `${INJECT_LABEL} is read from the pod's labels, not its annotations`
        : `unknown annotation ${key} ignored`,
    );
  }

  // Pod exclusions add to the cluster-wide ones: a pod cannot take back what the admin excluded.
  const excludeInboundPorts = union(config.excludeInboundPorts, read(ANNOTATIONS.excludeInboundPorts, parsePortList));
  const excludeOutboundPorts = union(config.excludeOutboundPorts, read(ANNOTATIONS.excludeOutboundPorts, parsePortList));
  const excludeOutboundIpRanges = union(
    config.excludeOutboundIpRanges,
    read(ANNOTATIONS.excludeOutboundIpRanges, parseCidrList),
  );
  const includeInboundPorts = read(ANNOTATIONS.includeInboundPorts, parseInboundPorts) ?? '*';
  const logLevel = read(ANNOTATIONS.logLevel, parseLogLevel) ?? config.logLevel;
  const resources = proxyResources(config.resources, read);
  problems.push(...requestsWithinLimits(resources, given));

  if (problems.length > 0) return { problems, warnings };
  return {
    settings: { includeInboundPorts, excludeInboundPorts, excludeOutboundPorts, excludeOutboundIpRanges, resources, logLevel },
    problems,
    warnings,
  };
}

/** "*" (every port), "" (none) or a port list. */
function parseInboundPorts(text: string): Parsed<'*' | number[]> {
  if (text.trim() === '*') return { ok: true, value: '*' };
  if (text.includes('*')) return { ok: false, problem: `${show(text)} mixes "*" with ports: use "*" alone or list the ports` };
  return parsePortList(text);
}

type Reader = <T>(key: string, parse: (text: string) => Parsed<T>) => T | undefined;

function proxyResources(defaults: ProxyResources, read: Reader): ProxyResources {
  const resources = structuredClone(defaults);
  const set = (section: 'requests' | 'limits', resource: 'cpu' | 'memory', key: string): void => {
    const quantity = read(key, parseQuantity);
    if (quantity !== undefined) resources[section] = { ...resources[section], [resource]: quantity };
  };
  set('requests', 'cpu', ANNOTATIONS.proxyCpu);
  set('requests', 'memory', ANNOTATIONS.proxyMemory);
  set('limits', 'cpu', ANNOTATIONS.proxyCpuLimit);
  set('limits', 'memory', ANNOTATIONS.proxyMemoryLimit);
  return resources;
}

/** The API server refuses a container whose request exceeds its limit: say so before it does. */
function requestsWithinLimits(resources: ProxyResources, given: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const pairs = [
    ['cpu', ANNOTATIONS.proxyCpu, ANNOTATIONS.proxyCpuLimit],
    ['memory', ANNOTATIONS.proxyMemory, ANNOTATIONS.proxyMemoryLimit],
  ] as const;
  for (const [resource, requestKey, limitKey] of pairs) {
    const request = resources.requests?.[resource];
    const limit = resources.limits?.[resource];
    if (request === undefined || limit === undefined || quantityValue(request) <= quantityValue(limit)) continue;
    const origin = (key: string): string => (Object.hasOwn(given, key) ? `annotation ${key}` : 'the injector config');
    problems.push(
      `annotation ${Object.hasOwn(given, requestKey) ? requestKey : limitKey}: the proxy's ${resource} request ${request} ` +
        `(from ${origin(requestKey)}) is more than its limit ${limit} (from ${origin(limitKey)})`,
    );
  }
  return problems;
}

function union<T>(base: readonly T[], extra: readonly T[] | undefined): T[] {
  const all = [...base];
  for (const item of extra ?? []) if (!all.includes(item)) all.push(item);
  return all;
}
