// Injection into manifests, as `istioctl kube-inject` does: every Pod and every pod template of the
// workload kinds in a multi-document YAML stream gets the sidecar; other objects pass through
// unchanged, comments included. One bad object fails the whole stream, so nothing half-injected is
// ever applied.
import YAML, { type Document } from 'yaml';
import type { InjectorConfig } from './config.js';
import { injectPod } from './mutate.js';
import { isRecord } from './pod-shape.js';

export interface InjectedManifests {
  /** The documents again, injected where they hold pods; "" when there are errors. */
  text: string;
  /** What was left alone and why (for stderr). */
  notes: string[];
  /** Why the stream cannot be injected; non-empty means do not use `text`. */
  errors: string[];
}

type Path = (string | number)[];

/** Where each kind keeps its pod template, by API group ("" is core). */
const TEMPLATE_PATHS: Readonly<Record<string, { group: string; path: Path }>> = {
  Pod: { group: '', path: [] },
  Deployment: { group: 'apps', path: ['spec', 'template'] },
  StatefulSet: { group: 'apps', path: ['spec', 'template'] },
  DaemonSet: { group: 'apps', path: ['spec', 'template'] },
  ReplicaSet: { group: 'apps', path: ['spec', 'template'] },
  Job: { group: 'batch', path: ['spec', 'template'] },
  CronJob: { group: 'batch', path: ['spec', 'jobTemplate', 'spec', 'template'] },
};

export function injectManifests(yamlText: string, config: InjectorConfig, source: string): InjectedManifests {
  const report: Report = { notes: [], errors: [] };
  const parsed = YAML.parseAllDocuments(yamlText, { prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const out: string[] = [];
  let objects = 0;
  let previousEnd = 0;
  documents.forEach((document, index) => {
    const where = `${source} document ${index + 1}`;
    // What the user wrote for this document, its `---` and comments included: unchanged documents
    // are copied byte for byte rather than re-serialized.
    const written = yamlText.slice(previousEnd, document.range[2]);
    previousEnd = document.range[2];
    if (document.errors.length > 0) {
      for (const e of document.errors) report.errors.push(`${where}: not YAML: ${e.message}`);
      return;
    }
    const object: unknown = document.toJS();
    if (object !== null && object !== undefined) objects += 1;
    const changed = object !== null && object !== undefined && injectObject(document, [], object, where, config, report);
    let text = changed ? document.toString({ lineWidth: 0 }) : written;
    if (text !== '' && !text.endsWith('\n')) text += '\n';
    out.push(out.length > 0 && !DOCUMENT_START.test(text) ? `---\n${text}` : text);
  });
  if (report.errors.length === 0 && objects === 0) report.errors.push(`${source}: no Kubernetes objects`);
  return { text: report.errors.length > 0 ? '' : out.join(''), notes: report.notes, errors: report.errors };
}

/** A document that begins (after blank lines and comments) with its own `---`. */
const DOCUMENT_START = /^(?:[ \t]*(?:#[^\n]*)?\n)*---/;

interface Report {
  notes: string[];
  errors: string[];
}

/**
 * Injects the pod template(s) `object` holds into `document` at `at`, a List's items one by one.
 * True when `document` was changed.
 */
function injectObject(document: Document, at: Path, object: unknown, where: string, config: InjectorConfig, report: Report): boolean {
  if (!isRecord(object) || typeof object.kind !== 'string' || typeof object.apiVersion !== 'string') {
    report.errors.push(`${where}: not a Kubernetes object (no apiVersion and kind)`);
    return false;
  }
  const { kind, apiVersion } = object;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (kind === 'List' && group === '' && Array.isArray(object.items)) {
    const changed = object.items.map((item: unknown, i) =>
      injectObject(document, [...at, 'items', i], item, `${where} item ${i + 1}`, config, report),
    );
    return changed.includes(true);
  }
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '(unnamed)';
  const subject = kind === 'Pod' ? `Pod ${namespace}/${name}` : `the pod template of ${kind} ${namespace}/${name}`;
  const template = TEMPLATE_PATHS[kind];
  if (template?.group !== group) return false; // not a kind that holds pods: left as it is
  const pod = template.path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), object);
  if (!isRecord(pod)) {
    report.errors.push(`${where}: ${kind} ${namespace}/${name} has no ${template.path.join('.')}`);
    return false;
  }
  const result = injectPod(pod, config, namespace, subject);
  const outcome = result.outcome;
  if (outcome.kind === 'invalid-pod') {
    report.errors.push(`${where}: ${outcome.reason}`);
    return false;
  }
  if (result.pod === undefined) {
    report.notes.push(`${where}: left unchanged: ${outcome.reason}`);
    return false;
  }
  for (const warning of outcome.warnings) report.notes.push(`${where}: warning: ${warning}`);
  // Only what injection adds is written back, so comments elsewhere in the object survive.
  const base = [...at, ...template.path];
  const set = (path: Path, value: unknown): void => {
    document.setIn([...base, ...path], document.createNode(value, { aliasDuplicateObjects: false }));
  };
  set(['metadata', 'annotations'], result.pod.metadata?.annotations);
  set(['spec', 'initContainers'], result.pod.spec?.initContainers);
  set(['spec', 'volumes'], result.pod.spec?.volumes);
  return true;
}
