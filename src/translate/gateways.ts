// Our GatewayClasses and their Gateways, resolved before any route attaches: each listener checked
// on its own, then against the other listeners of its Gateway and of its class (one shared
// deployment serves them all), giving what routes may attach to (gateway-model.ts). Status is
// computed afterwards from the same findings, once route attachment has counted routes.
import type { V1Secret } from '@kubernetes/client-node';
import type { Gateway } from '../api/gateway/index.js';
import type { GatewayClassStatusIR, GatewayStatusIR } from '../ir/index.js';
import type { ClusterSnapshot } from './input.js';
import { classAddresses, type AddressOutcome } from './gateway-addresses.js';
import { resolveGatewayClasses } from './gateway-class.js';
import { markConflictsAcrossGateways, markConflictsWithinGateway, markOverlappingTls } from './gateway-conflicts.js';
import { GatewayReason, verdictFail, verdictOk, type ClassFinding, type GatewayFinding, type Verdict } from './gateway-findings.js';
import { evaluateListeners, type ListenerContext } from './gateway-listeners.js';
import {
  gatewayKey,
  type GatewayResolution,
  type GatewayTranslateOptions,
  type ResolvedGateway,
  type ResolvedListener,
} from './gateway-model.js';
import { gatewayClassStatus, gatewayStatus, isAttachable, isProgrammed } from './gateway-status.js';
import { compareStrings } from './precedence.js';
import { indexReferenceGrants } from './referencegrant.js';

interface Findings {
  classes: ClassFinding[];
  /** Oldest first (createdAt, then namespace/name): the order conflicts across Gateways are settled in. */
  gateways: GatewayFinding[];
}

// The reasons behind a resolution, for gatewayStatuses. Weak: a resolution dropped costs nothing.
const findingsOf = new WeakMap<GatewayResolution, Findings>();

export function resolveGateways(snapshot: ClusterSnapshot, options: GatewayTranslateOptions): GatewayResolution {
  const findings = findAll(snapshot, options);
  const classes = findings.classes.map((c) => c.resolved);
  const gateways = new Map<string, ResolvedGateway>();
  for (const g of [...findings.gateways].sort((a, b) => compareStrings(gatewayKey(a.ref), gatewayKey(b.ref)))) {
    gateways.set(gatewayKey(g.ref), resolvedGateway(g));
  }
  const resolution: GatewayResolution = { classes, gateways };
  findingsOf.set(resolution, findings);
  return resolution;
}

/**
 * Status of every class of ours and every Gateway of those classes. `attachedRoutes` counts, by
 * listenerKey(), the routes each listener accepted.
 */
export function gatewayStatuses(
  resolution: GatewayResolution,
  snapshot: ClusterSnapshot,
  options: GatewayTranslateOptions,
  attachedRoutes: ReadonlyMap<string, number>,
): { gatewayClassStatuses: GatewayClassStatusIR[]; gatewayStatuses: GatewayStatusIR[] } {
  // A resolution built elsewhere (by hand, in a test) carries no findings: find them again.
  const findings = findingsOf.get(resolution) ?? findAll(snapshot, options);
  const addresses = new Map<string, AddressOutcome>();
  const addressesOf = (className: string): AddressOutcome => {
    let outcome = addresses.get(className);
    if (outcome === undefined) {
      outcome = classAddresses(className, snapshot, options);
      addresses.set(className, outcome);
    }
    return outcome;
  };
  return {
    gatewayClassStatuses: findings.classes.map(gatewayClassStatus),
    gatewayStatuses: [...findings.gateways]
      .sort((a, b) => compareStrings(a.ref.namespace, b.ref.namespace) || compareStrings(a.ref.name, b.ref.name))
      .map((g) => gatewayStatus(g, addressesOf(g.className), attachedRoutes)),
  };
}

function findAll(snapshot: ClusterSnapshot, options: GatewayTranslateOptions): Findings {
  const classes = resolveGatewayClasses(snapshot, options);
  const classByName = new Map(classes.map((c) => [c.resolved.name, c]));
  const secrets = new Map<string, V1Secret>(
    snapshot.secrets.map((s) => [`${s.metadata?.namespace ?? 'default'}/${s.metadata?.name ?? ''}`, s]),
  );
  const labels = new Map<string, Readonly<Record<string, string>>>(
    snapshot.namespaces.map((ns) => [ns.metadata?.name ?? '', ns.metadata?.labels ?? {}]),
  );
  const grants = indexReferenceGrants(snapshot.referenceGrants);

  const gateways: GatewayFinding[] = [];
  for (const gw of snapshot.gateways) {
    const gatewayClass = classByName.get(gw.spec.gatewayClassName);
    if (gatewayClass === undefined) continue; // not ours: another controller's, or no such class
    const ref = { namespace: gw.metadata.namespace ?? 'default', name: gw.metadata.name ?? '' };
    const ctx: ListenerContext = { gateway: ref, certificates: { gateway: ref, secrets, grants }, labelsOf: (ns) => labels.get(ns) };
    const listeners = evaluateListeners(gw, ctx);
    markConflictsWithinGateway(listeners);
    const ts = gw.metadata.creationTimestamp as Date | string | undefined;
    gateways.push({
      ref,
      className: gatewayClass.resolved.name,
      generation: gw.metadata.generation ?? 1,
      createdAt: ts === undefined ? '' : typeof ts === 'string' ? ts : ts.toISOString(),
      accepted: gatewayVerdict(gw, gatewayClass),
      notes: gatewayNotes(gw),
      listeners,
    });
  }
  gateways.sort(
    (a, b) =>
      compareStrings(a.createdAt, b.createdAt) ||
      compareStrings(a.ref.namespace, b.ref.namespace) ||
      compareStrings(a.ref.name, b.ref.name),
  );
  for (const c of classes) {
    const ofClass = gateways.filter((g) => g.className === c.resolved.name);
    markConflictsAcrossGateways(ofClass, c.resolved.name);
    markOverlappingTls(ofClass.filter((g) => g.accepted.ok).flatMap((g) => g.listeners));
  }
  return { classes, gateways };
}

/** Gateway-level checks: the class, and spec fields a shared deployment cannot honour. */
function gatewayVerdict(gw: Gateway, gatewayClass: ClassFinding): Verdict {
  const className = gatewayClass.resolved.name;
  if (!gatewayClass.accepted.ok) {
    return verdictFail(GatewayReason.Invalid, `GatewayClass ${className} is not accepted: ${gatewayClass.accepted.message}`);
  }
  if ((gw.spec.addresses ?? []).length > 0) {
    return verdictFail(
      GatewayReason.UnsupportedAddress,
      `spec.addresses cannot be honoured: every Gateway of class ${className} is served by one shared deployment, ` +
        'reached at the addresses of its Service; remove spec.addresses',
    );
  }
  const params = gw.spec.infrastructure?.parametersRef;
  if (params) {
    return verdictFail(
      GatewayReason.InvalidParameters,
      `spec.infrastructure.parametersRef ${params.group || 'core'}/${params.kind} ${params.name}: Sidelane has no per-Gateway parameters (set them on the GatewayClass)`,
    );
  }
  return verdictOk(GatewayReason.Accepted, 'Accepted');
}

/** Fields accepted but without effect, said in the Accepted message rather than ignored silently. */
function gatewayNotes(gw: Gateway): string[] {
  const notes: string[] = [];
  const from = gw.spec.allowedListeners?.namespaces?.from;
  if (from !== undefined && from !== 'None') notes.push('ListenerSets are not supported, so none attach (spec.allowedListeners)');
  if (gw.spec.defaultScope !== undefined && gw.spec.defaultScope !== 'None') {
    notes.push('spec.defaultScope is not implemented: routes attach through their parentRefs only');
  }
  if (gw.spec.tls?.backend?.clientCertificateRef) {
    notes.push('spec.tls.backend.clientCertificateRef is not used: the gateway does not originate TLS to backends');
  }
  const infra = gw.spec.infrastructure;
  if (Object.keys(infra?.labels ?? {}).length > 0 || Object.keys(infra?.annotations ?? {}).length > 0) {
    notes.push('spec.infrastructure labels and annotations are not propagated: the class shares one deployment');
  }
  return notes;
}

function resolvedGateway(g: GatewayFinding): ResolvedGateway {
  const listeners = g.listeners.map((l): ResolvedListener => {
    const resolved: ResolvedListener = {
      ref: { gateway: g.ref, name: l.name },
      index: l.index,
      port: l.port,
      protocol: l.protocol,
      certificates: l.certificates,
      kinds: l.kinds,
      allowsNamespace: l.allowsNamespace,
      attachable: isAttachable(l),
      programmed: isProgrammed(l, g),
    };
    if (l.hostname !== undefined) resolved.hostname = l.hostname;
    if (l.tlsMode !== undefined) resolved.tlsMode = l.tlsMode;
    return resolved;
  });
  return {
    ref: g.ref,
    className: g.className,
    generation: g.generation,
    createdAt: g.createdAt,
    accepted: g.accepted.ok,
    listeners,
  };
}
