// Kubernetes objects from manifest text: parseManifests splits multi-document YAML (or JSON) into
// objects, reporting every bad document instead of throwing; classify sorts objects into the
// translator's ClusterSnapshot, making them look as the API server would serve them.
import { shapeProblems } from './shape.js';
import type { V1ConfigMap, V1EndpointSlice, V1Namespace, V1Secret, V1Service } from '@kubernetes/client-node';
import { isMap, isNode, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import {
  GATEWAY_GROUP,
  gatewayKindInfo,
  isGatewayKind,
  normalizeToV1,
  splitApiVersion,
  type Converted,
  type GatewayKind,
} from './gateway/index.js';
// classify builds the translator's input, so it needs that type (and only the type); the
// boundaries policy does not allow api -> translate yet, which the lead is asked to settle.
import type { ClusterSnapshot } from './snapshot.js';

/** The metadata fields parseManifests checks; the others are passed through unchecked. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** An object with the fields every Kubernetes object has; the rest is checked by classify. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Where a problem was found. Parse problems have a document; classify problems name the object. */
export interface ManifestError {
  source: string;
  /** 1-based position of the YAML document in the source (empty documents count too). */
  document?: number;
  /** 0-based index in `items` when the document is a `kind: List`. */
  item?: number;
  /** 1-based line where the document, item or syntax error starts. */
  line?: number;
  /** `Kind namespace/name` of the object concerned, once known. */
  object?: string;
  message: string;
}

export interface IgnoredObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  source?: string;
  document?: number;
  reason: string;
}

export interface ParsedManifests {
  objects: KubeObject[];
  errors: ManifestError[];
}

export interface Classified {
  snapshot: ClusterSnapshot;
  /** Well-formed objects of kinds Sidelane does not read (Deployments, Pods, ...). */
  ignored: IgnoredObject[];
  /** Objects that could not be used (e.g. a Gateway API version that is not served). */
  errors: ManifestError[];
  /** Objects used, but with a caveat (a duplicate, a field v1 no longer allows). */
  warnings: ManifestError[];
}

export const SYNTHESIZED_ANNOTATION = 'sidelane.io/synthesized';
/** Set on every Namespace by the API server (since Kubernetes 1.22); selectors rely on it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

interface Origin {
  source: string;
  document: number;
  item?: number;
}

// Where each parsed object came from, so classify can point at the document. Weak, so objects
// built in code (or dropped) cost nothing.
const origins = new WeakMap<object, Origin>();

export function originOf(obj: object): Readonly<Origin> | undefined {
  return origins.get(obj);
}

export function formatManifestError(e: ManifestError): string {
  const where = [
    e.source,
    e.document === undefined ? undefined : `document ${e.document}`,
    e.item === undefined ? undefined : `item ${e.item}`,
    e.line === undefined ? undefined : `line ${e.line}`,
    e.object,
  ].filter((part): part is string => part !== undefined && part !== '');
  return `${where.join(', ')}: ${e.message}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing

export function parseManifests(text: string, source: string): ParsedManifests {
  const objects: KubeObject[] = [];
  const errors: ManifestError[] = [];
  const lines = new LineCounter();
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lines.linePos(offset).line;
  // Messages carry the line separately; the pretty form would embed a source excerpt.
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  docs.forEach((doc, index) => {
    const document = index + 1;
    const fail = (message: string, line: number | undefined, item?: number): void => {
      errors.push({ source, document, ...(item === undefined ? {} : { item }), ...(line ? { line } : {}), message });
    };
    const syntax = doc.errors[0];
    if (syntax) {
      fail(`YAML: ${syntax.message}`, lineAt(syntax.pos[0]));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (err) {
      // e.g. an alias to an undefined anchor, or an alias bomb (maxAliasCount).
      fail(`YAML: ${err instanceof Error ? err.message : String(err)}`, lineAt(doc.contents?.range[0]));
      return;
    }
    if (value === null || value === undefined) return; // an empty document (`---` with comments)
    const docLine = lineAt(doc.contents?.range[0]);
    if (isRecord(value) && isListKind(value['kind'])) {
      const items = value['items'];
      if (!Array.isArray(items)) {
        fail(`${String(value['kind'])}: items must be a list`, docLine);
        return;
      }
      items.forEach((item: unknown, i) => {
        const line = itemLine(doc, i, lineAt) ?? docLine;
        const checked = checkObject(item);
        if (typeof checked === 'string') fail(checked, line, i);
        else objects.push(remember(checked, { source, document, item: i }));
      });
      return;
    }
    const checked = checkObject(value);
    if (typeof checked === 'string') fail(checked, docLine);
    else objects.push(remember(checked, { source, document }));
  });
  return { objects, errors };
}

/** `kind: List` (kubectl's generic list) and typed lists such as `ServiceList`. */
function isListKind(kind: unknown): boolean {
  return typeof kind === 'string' && kind.endsWith('List');
}

function itemLine(
  doc: Document.Parsed,
  index: number,
  lineAt: (offset: number | undefined) => number | undefined,
): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  const items = doc.contents.get('items', true);
  if (!isSeq(items)) return undefined;
  const node = items.items[index];
  return isNode(node) ? lineAt(node.range?.[0]) : undefined;
}

function remember(obj: KubeObject, origin: Origin): KubeObject {
  origins.set(obj, origin);
  return obj;
}

/** The checks kubectl/the API server make on every object; returns the reason if it fails. */
function checkObject(value: unknown): KubeObject | string {
  if (!isRecord(value)) return `expected a Kubernetes object (a mapping), got ${describe(value)}`;
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || apiVersion === '') return 'apiVersion is missing or not a string';
  if (typeof kind !== 'string' || kind === '') return 'kind is missing or not a string';
  if (!isRecord(metadata)) return `${kind}: metadata is missing or not a mapping`;
  const { name, namespace, labels, annotations } = metadata;
  if (typeof name !== 'string' || name === '') return `${kind}: metadata.name is missing or not a string`;
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    return `${kind} ${name}: metadata.namespace must be a string`;
  }
  // Label and annotation values must be strings; YAML turns `true` or `8080` into other types.
  for (const [field, map] of [['labels', labels], ['annotations', annotations]] as const) {
    if (map === undefined || map === null) continue;
    if (!isRecord(map)) return `${kind} ${name}: metadata.${field} must be a mapping`;
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') return `${kind} ${name}: metadata.${field}.${k} must be a string (quote it)`;
    }
  }
  return value as KubeObject;
}

// ---------------------------------------------------------------------------------------------
// Classification

export type CoreKind = 'Service' | 'Namespace' | 'Secret' | 'ConfigMap' | 'EndpointSlice';

const CORE_KINDS: Readonly<Record<string, Partial<Record<string, CoreKind>>>> = {
  v1: { Service: 'Service', Namespace: 'Namespace', Secret: 'Secret', ConfigMap: 'ConfigMap' },
  'discovery.k8s.io/v1': { EndpointSlice: 'EndpointSlice' },
};

/** Gateway API kinds the ClusterSnapshot has a place for. */
const SNAPSHOT_GATEWAY_KINDS: ReadonlySet<GatewayKind> = new Set<GatewayKind>([
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'UDPRoute',
  'ReferenceGrant',
  'Gateway',
  'GatewayClass',
]);

/** Snapshot fields keyed by what goes in them, so duplicates can be detected per kind. */
interface Buckets {
  core: Record<CoreKind, Map<string, KubeObject>>;
  gateway: Map<string, Converted>;
}

/**
 * Sorts objects into a ClusterSnapshot. Gateway API objects are defaulted with their own version's
 * schema and converted to v1; namespaced objects without a namespace get `defaultNamespace`;
 * namespaces that objects live in but that no Namespace object declares are synthesized.
 * The input objects are not modified.
 */
/**
 * What classify decided about one object: the expensive part (shape check, copy, defaulting,
 * conversion), which depends on the object and the default namespace only. A caller that keeps
 * the same object references between calls (an informer cache) passes a WeakMap to `classify`
 * so an unchanged object is not converted again.
 */
export type ObjectOutcome =
  | { use: 'ignored'; ignored: IgnoredObject }
  | { use: 'error'; error: ManifestError }
  | { use: 'core'; kind: CoreKind; key: string; object: KubeObject; at: Omit<ManifestError, 'message'> }
  | { use: 'gateway'; key: string; converted: Converted; at: Omit<ManifestError, 'message'> };

export type ClassifyMemo = WeakMap<KubeObject, ObjectOutcome>;

export function classify(objects: readonly KubeObject[], defaultNamespace: string, memo?: ClassifyMemo): Classified {
  const ignored: IgnoredObject[] = [];
  const errors: ManifestError[] = [];
  const warnings: ManifestError[] = [];
  const buckets: Buckets = {
    core: { Service: new Map(), Namespace: new Map(), Secret: new Map(), ConfigMap: new Map(), EndpointSlice: new Map() },
    gateway: new Map(),
  };

  for (const original of objects) {
    let outcome = memo?.get(original);
    if (outcome === undefined) {
      outcome = classifyOne(original, defaultNamespace);
      memo?.set(original, outcome);
    }
    const duplicate = (at: Omit<ManifestError, 'message'>): void => {
      warnings.push({ ...at, message: 'defined more than once; the last definition is used' });
    };
    switch (outcome.use) {
      case 'ignored':
        ignored.push(outcome.ignored);
        break;
      case 'error':
        errors.push(outcome.error);
        break;
      case 'core': {
        const bucket = buckets.core[outcome.kind];
        if (bucket.has(outcome.key)) duplicate(outcome.at);
        bucket.set(outcome.key, outcome.object);
        break;
      }
      case 'gateway':
        for (const w of outcome.converted.warnings) warnings.push({ ...outcome.at, message: w });
        if (buckets.gateway.has(outcome.key)) duplicate(outcome.at);
        buckets.gateway.set(outcome.key, outcome.converted);
        break;
    }
  }

  return { snapshot: toSnapshot(buckets), ignored, errors, warnings };
}

function classifyOne(original: KubeObject, defaultNamespace: string): ObjectOutcome {
  const origin = originOf(original);
  const at = (o: KubeObject): Omit<ManifestError, 'message'> => ({
    source: origin?.source ?? '',
    ...(origin ? { document: origin.document } : {}),
    ...(origin?.item === undefined ? {} : { item: origin.item }),
    object: objectName(o),
  });
  const coreKind = CORE_KINDS[original.apiVersion]?.[original.kind];
  const gatewayKind =
    splitApiVersion(original.apiVersion).group === GATEWAY_GROUP && isGatewayKind(original.kind)
      ? original.kind
      : undefined;
  const reason = !coreKind && !gatewayKind
    ? `Sidelane does not read ${original.kind} (${original.apiVersion})`
    : gatewayKind && !SNAPSHOT_GATEWAY_KINDS.has(gatewayKind)
      ? `the translator does not implement ${gatewayKind} yet`
      : undefined;
  if (reason !== undefined) {
    return {
      use: 'ignored',
      ignored: {
        apiVersion: original.apiVersion,
        kind: original.kind,
        name: original.metadata.name,
        ...(original.metadata.namespace ? { namespace: original.metadata.namespace } : {}),
        ...(origin ? { source: origin.source, document: origin.document } : {}),
        reason,
      },
    };
  }

  const shape = shapeProblems(original);
  if (shape.length > 0) return { use: 'error', error: { ...at(original), message: `invalid object: ${shape.join('; ')}` } };

  const clusterScoped =
    coreKind === 'Namespace' || (gatewayKind !== undefined && gatewayKindInfo(gatewayKind).scope === 'Cluster');
  const obj = withNamespace(original, clusterScoped ? undefined : defaultNamespace);
  const key = `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  if (coreKind) return { use: 'core', kind: coreKind, key, object: coreKind === 'Secret' ? mergeStringData(obj) : obj, at: at(obj) };
  const converted = normalizeToV1(obj);
  if (!converted.ok) return { use: 'error', error: { ...at(obj), message: converted.error } };
  return { use: 'gateway', key, converted, at: at(obj) };
}

function objectName(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
}

/** A copy with the namespace the API server would give it (none for cluster-scoped kinds). */
function withNamespace(obj: KubeObject, namespace: string | undefined): KubeObject {
  const copy = structuredClone(obj);
  if (namespace === undefined) delete copy.metadata.namespace;
  else if (!copy.metadata.namespace) copy.metadata.namespace = namespace;
  return copy;
}

/** The API server folds Secret stringData into (base64) data on write; readers see only data. */
function mergeStringData(secret: KubeObject): KubeObject {
  const stringData = secret['stringData'];
  if (!isRecord(stringData)) return secret;
  const data: Record<string, unknown> = isRecord(secret['data']) ? { ...secret['data'] } : {};
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  const { stringData: _dropped, ...rest } = secret;
  return { ...rest, data };
}

/**
 * Manifest data as client-node models. Those are classes only to carry (de)serialization
 * metadata, which nothing here uses; the data was checked by checkObject as far as every
 * Kubernetes object goes, and the translator reads core objects' fields defensively.
 */
function asModels<T>(objects: Iterable<KubeObject>): T[] {
  return [...objects] as unknown as T[];
}

function toSnapshot(buckets: Buckets): ClusterSnapshot {
  const snapshot: ClusterSnapshot = {
    services: asModels<V1Service>(buckets.core.Service.values()),
    endpointSlices: asModels<V1EndpointSlice>(buckets.core.EndpointSlice.values()),
    namespaces: asModels<V1Namespace>(namespaces(buckets)),
    httpRoutes: [],
    grpcRoutes: [],
    tcpRoutes: [],
    tlsRoutes: [],
    udpRoutes: [],
    referenceGrants: [],
    gateways: [],
    gatewayClasses: [],
    secrets: asModels<V1Secret>(buckets.core.Secret.values()),
    configMaps: asModels<V1ConfigMap>(buckets.core.ConfigMap.values()),
  };
  for (const c of buckets.gateway.values()) {
    switch (c.kind) {
      case 'HTTPRoute':
        snapshot.httpRoutes.push(c.object);
        break;
      case 'GRPCRoute':
        snapshot.grpcRoutes.push(c.object);
        break;
      case 'TCPRoute':
        snapshot.tcpRoutes.push(c.object);
        break;
      case 'TLSRoute':
        snapshot.tlsRoutes.push(c.object);
        break;
      case 'UDPRoute':
        snapshot.udpRoutes.push(c.object);
        break;
      case 'ReferenceGrant':
        snapshot.referenceGrants.push(c.object);
        break;
      case 'Gateway':
        snapshot.gateways.push(c.object);
        break;
      case 'GatewayClass':
        snapshot.gatewayClasses.push(c.object);
        break;
      case 'BackendTLSPolicy':
        break; // classify reports it as ignored (SNAPSHOT_GATEWAY_KINDS)
    }
  }
  return snapshot;
}

/** Declared namespaces (with the name label the API server adds), then synthesized ones. */
function namespaces(buckets: Buckets): KubeObject[] {
  const declared = [...buckets.core.Namespace.values()].map((ns) => {
    const copy = structuredClone(ns);
    copy.metadata.labels = { ...copy.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
    return copy;
  });
  const known = new Set(declared.map((ns) => ns.metadata.name));
  const used = new Set<string>();
  const all: { metadata: { namespace?: string } }[] = [
    ...Object.values(buckets.core).flatMap((m) => [...m.values()]),
    ...[...buckets.gateway.values()].map((c) => c.object),
  ];
  for (const o of all) {
    const ns = o.metadata.namespace;
    if (ns && !known.has(ns)) used.add(ns);
  }
  const synthesized = [...used].sort().map(
    (name): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: { [NAMESPACE_NAME_LABEL]: name },
        annotations: { [SYNTHESIZED_ANNOTATION]: 'true' },
      },
    }),
  );
  return [...declared, ...synthesized];
}
