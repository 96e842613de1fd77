// The injector's cluster-wide settings (`--config /etc/sidelane/injector.yaml`, rendered by the
// Helm chart): the proxy image, where the controller is, the proxy's defaults. Parsing reports every
// problem with its path at once, so a bad ConfigMap is fixed in one round, not one error at a time.
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { CONFIG_PORT, PROXY_UID } from '../src/shared/pod-mesh.js';
import {
  parseCidr,
  parseLogLevel,
  parsePort,
  parseQuantity,
  quantityValue,
  show,
  type Parsed,
  type ProxyLogLevel,
} from './values.js';

export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

export interface ProxyResources {
  requests?: ResourceQuantities;
  limits?: ResourceQuantities;
}

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface InjectorConfig {
  /** The `sidelane` image both injected containers run. */
  image: string;
  imagePullPolicy: ImagePullPolicy;
  /** Controller replicas, host:port, handed to the proxy as SIDELANE_CONTROL_PLANE. */
  controlPlane: string[];
  /** Sidelane's own namespace: never injected (nor kube-system). */
  systemNamespace: string;
  /** UID and GID of the proxy container; the init container's iptables rules exempt it. */
  proxyUid: number;
  logLevel: ProxyLogLevel;
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the proxy; "" sets nothing. */
  otlpEndpoint: string;
  resources: ProxyResources;
  /** Cluster-wide exclusions; a pod's annotations add to them, never remove. */
  excludeOutboundIpRanges: string[];
  excludeOutboundPorts: number[];
  excludeInboundPorts: number[];
}

export const DEFAULT_INJECTOR_CONFIG: Readonly<InjectorConfig> = deepFreeze({
  image: 'ghcr.io/sidelane/sidelane:0.1.0',
  imagePullPolicy: 'IfNotPresent',
  controlPlane: [`sidelane-controller.sidelane-system.svc:${CONFIG_PORT}`],
  systemNamespace: 'sidelane-system',
  proxyUid: PROXY_UID,
  logLevel: 'info',
  otlpEndpoint: '',
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  excludeOutboundIpRanges: [],
  excludeOutboundPorts: [],
  excludeInboundPorts: [],
});

/** A config file that cannot be used; `problems` holds one "path: what is wrong" line each. */
export class InjectorConfigError extends Error {
  readonly code = 'SIDELANE_ERR_INJECTOR_CONFIG';
  readonly problems: readonly string[];
  constructor(problems: readonly string[], source: string) {
    super(`invalid injector config ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'InjectorConfigError';
    this.problems = problems;
  }
}

const PULL_POLICIES: readonly ImagePullPolicy[] = ['Always', 'IfNotPresent', 'Never'];
// RFC 1123 label: what a namespace name must be.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Keys left out take their defaults; `resources`, when given, replaces the default as a whole. */
export function parseInjectorConfig(yamlText: string, source = '(text)'): InjectorConfig {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = YAML.parse(yamlText, { prettyErrors: false });
  } catch (error) {
    throw new InjectorConfigError([`not YAML: ${(error as Error).message}`], source);
  }
  const config = structuredClone(DEFAULT_INJECTOR_CONFIG) as InjectorConfig;
  if (document === null || document === undefined) return config;
  if (!isRecord(document)) throw new InjectorConfigError([`must be a mapping, got ${show(document)}`], source);

  const field = <T>(key: keyof InjectorConfig, parse: (value: unknown, path: string) => Parsed<T>): T | undefined => {
    if (!Object.hasOwn(document, key)) return undefined;
    const parsed = parse(document[key], key);
    if (parsed.ok) return parsed.value;
    if (parsed.problem !== REPORTED) problems.push(`${key}: ${parsed.problem}`);
    return undefined;
  };
  for (const key of Object.keys(document)) {
    if (!Object.hasOwn(DEFAULT_INJECTOR_CONFIG, key)) problems.push(`${key}: unknown key`);
  }
  const assign = <K extends keyof InjectorConfig>(key: K, value: InjectorConfig[K] | undefined): void => {
    if (value !== undefined) config[key] = value;
  };
  assign('image', field('image', nonEmptyString));
  assign('imagePullPolicy', field('imagePullPolicy', (v) =>
    PULL_POLICIES.includes(v as ImagePullPolicy) ? { ok: true, value: v as ImagePullPolicy } : fail(`must be one of ${PULL_POLICIES.join(', ')}, got ${show(v)}`)));
  assign('controlPlane', field('controlPlane', (v, path) => {
    const list = listOf(v, path, hostPort, problems);
    return list.ok && list.value.length === 0 ? fail('must list at least one controller address (host:port)') : list;
  }));
  assign('systemNamespace', field('systemNamespace', (v) =>
    typeof v === 'string' && DNS_LABEL.test(v) ? { ok: true, value: v } : fail(`${show(v)} is not a namespace name`)));
  assign('proxyUid', field('proxyUid', (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2147483647
      ? { ok: true, value: v }
      : fail(`must be a non-zero UID (the proxy runs as non-root), got ${show(v)}`)));
  assign('logLevel', field('logLevel', parseLogLevel));
  assign('otlpEndpoint', field('otlpEndpoint', otlpEndpoint));
  assign('resources', field('resources', (v, path) => proxyResources(v, path, problems)));
  assign('excludeOutboundIpRanges', field('excludeOutboundIpRanges', (v, path) => listOf(v, path, parseCidr, problems)));
  assign('excludeOutboundPorts', field('excludeOutboundPorts', (v, path) => listOf(v, path, parsePort, problems)));
  assign('excludeInboundPorts', field('excludeInboundPorts', (v, path) => listOf(v, path, parsePort, problems)));

  if (problems.length > 0) throw new InjectorConfigError(problems, source);
  return config;
}

/** Reads and parses the config file; without a path, the defaults. */
export async function loadInjectorConfig(path?: string): Promise<InjectorConfig> {
  if (path === undefined) return structuredClone(DEFAULT_INJECTOR_CONFIG);
  return parseInjectorConfig(await readFile(path, 'utf8'), path);
}

// A sentinel problem meaning "already reported item by item" (see listOf).
const REPORTED = '';

function fail<T>(problem: string): Parsed<T> {
  return { ok: false, problem };
}

/** A list whose items are parsed one by one; bad items are reported with their index. */
function listOf<T>(value: unknown, path: string, parse: (item: unknown) => Parsed<T>, problems: string[]): Parsed<T[]> {
  if (value === null) return { ok: true, value: [] };
  if (!Array.isArray(value)) return fail(`must be a list, got ${show(value)}`);
  const items: T[] = [];
  let allGood = true;
  for (const [index, item] of (value as unknown[]).entries()) {
    const parsed = parse(item);
    if (parsed.ok) {
      if (!items.includes(parsed.value)) items.push(parsed.value);
    } else {
      problems.push(`${path}[${index}]: ${parsed.problem}`);
      allGood = false;
    }
  }
  return allGood ? { ok: true, value: items } : silentFailure();
}

function proxyResources(value: unknown, path: string, problems: string[]): Parsed<ProxyResources> {
  if (!isRecord(value)) return fail(`must be a mapping with requests and/or limits, got ${show(value)}`);
  const resources: ProxyResources = {};
  let allGood = true;
  for (const [section, quantities] of Object.entries(value)) {
    if (section !== 'requests' && section !== 'limits') {
      problems.push(`${path}.${section}: unknown key (requests or limits)`);
      allGood = false;
      continue;
    }
    if (quantities === null) continue;
    if (!isRecord(quantities)) {
      problems.push(`${path}.${section}: must be a mapping with cpu and/or memory, got ${show(quantities)}`);
      allGood = false;
      continue;
    }
    const parsed: ResourceQuantities = {};
    for (const [resource, quantity] of Object.entries(quantities)) {
      const q = parseQuantity(quantity);
      if (resource !== 'cpu' && resource !== 'memory') problems.push(`${path}.${section}.${resource}: unknown key (cpu or memory)`);
      else if (!q.ok) problems.push(`${path}.${section}.${resource}: ${q.problem}`);
      else {
        parsed[resource] = q.value;
        continue;
      }
      allGood = false;
    }
    resources[section] = parsed;
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = resources.requests?.[resource];
    const limit = resources.limits?.[resource];
    if (request !== undefined && limit !== undefined && quantityValue(request) > quantityValue(limit)) {
      problems.push(`${path}.requests.${resource}: ${request} is more than the limit ${limit}`);
      allGood = false;
    }
  }
  return allGood ? { ok: true, value: resources } : silentFailure();
}

function silentFailure<T>(): Parsed<T> {
  return { ok: false, problem: REPORTED };
}

function nonEmptyString(value: unknown): Parsed<string> {
  return typeof value === 'string' && value.trim() !== '' ? { ok: true, value } : fail(`must be a non-empty string, got ${show(value)}`);
}

function hostPort(value: unknown): Parsed<string> {
  if (typeof value !== 'string') return fail(`${show(value)} is not host:port`);
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d+)$/.exec(value);
  const port = match === null ? undefined : parsePort(match[2]);
  return port?.ok === true ? { ok: true, value } : fail(`${show(value)} is not host:port`);
}

function otlpEndpoint(value: unknown): Parsed<string> {
  if (value === null || value === '') return { ok: true, value: '' };
  if (typeof value === 'string' && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)) return { ok: true, value };
  return fail(`must be "" or an http(s) URL, got ${show(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
  return Object.freeze(value);
}
