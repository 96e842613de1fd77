// One Gateway's listeners checked on their own: protocol, TLS mode and certificates, hostname,
// allowedRoutes. Conflicts between listeners are decided afterwards (gateway-conflicts.ts), since
// they depend on the other listeners of the Gateway and of the class.
import type { Gateway, Listener } from '../api/gateway/index.js';
import type { GatewayRef } from '../ir/index.js';
import { allowedKinds, kindsForProtocol, namespacePolicy } from './gateway-allowed-routes.js';
import { resolveCertificates, type CertificateContext, type CertificateProblem } from './gateway-certs.js';
import {
  GatewayReason,
  verdictFail,
  verdictOk,
  type ListenerFinding,
  type PortFamily,
  type Verdict,
} from './gateway-findings.js';

export interface ListenerContext {
  gateway: GatewayRef;
  certificates: CertificateContext;
  labelsOf: (namespace: string) => Readonly<Record<string, string>> | undefined;
}

const CORE_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP']);
const FAMILY: Readonly<Record<string, PortFamily>> = { HTTP: 'http', HTTPS: 'tls', TLS: 'tls', TCP: 'tcp', UDP: 'udp' };
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;

/** The spec: core protocol names are case-insensitive; implementation-specific ones are kept as written. */
export function canonicalProtocol(protocol: string): string {
  const upper = protocol.toUpperCase();
  return CORE_PROTOCOLS.has(upper) ? upper : protocol;
}

export function evaluateListeners(gateway: Gateway, ctx: ListenerContext): ListenerFinding[] {
  // Required by the CRD; objects from files may still leave it out.
  const listeners = (gateway.spec.listeners as Listener[] | undefined) ?? [];
  const validation = clientValidationPorts(gateway);
  return listeners.map((listener, index) => {
    const first = listeners.findIndex((l) => l.name === listener.name);
    const duplicate = first !== index ? `listener ${first} already has the name ${listener.name}` : undefined;
    return evaluateListener(listener, index, ctx, duplicate, validation(listener.port));
  });
}

function evaluateListener(
  l: Listener,
  index: number,
  ctx: ListenerContext,
  duplicate: string | undefined,
  clientValidation: boolean,
): ListenerFinding {
  const protocol = canonicalProtocol(l.protocol);
  const family = FAMILY[protocol];
  const notes: string[] = [];
  let problem: Verdict | undefined;
  const fail = (reason: string, message: string): void => {
    problem ??= verdictFail(reason, message);
  };

  if (duplicate !== undefined) fail(GatewayReason.UnsupportedValue, `listener names must be unique: ${duplicate}`);
  if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) fail(GatewayReason.PortUnavailable, `port ${l.port} is not between 1 and 65535`);
  if (family === undefined) {
    fail(GatewayReason.UnsupportedProtocol, `protocol ${l.protocol} is not supported; Sidelane serves HTTP, HTTPS, TLS, TCP and UDP`);
  }

  const tlsMode = tlsModeOf(protocol, l, fail);
  if (protocol === 'HTTPS' && clientValidation) {
    fail(
      GatewayReason.UnsupportedValue,
      `client certificate validation (spec.tls.frontend) for port ${l.port} is not supported by Sidelane; the listener is not served rather than served without it`,
    );
  }
  if (l.tls?.options && Object.keys(l.tls.options).length > 0) notes.push('tls.options are not read by Sidelane');

  let hostname: string | undefined;
  if (l.hostname) {
    if (family === 'tcp' || family === 'udp') {
      // The spec: the field is ignored for protocols that do not match on hostnames.
      notes.push(`hostname is ignored for protocol ${protocol}`);
    } else {
      hostname = l.hostname.toLowerCase();
      if (hostname.length > 253 || !HOSTNAME.test(hostname) || IPV4.test(hostname)) {
        fail(GatewayReason.UnsupportedValue, `hostname ${l.hostname} is not a DNS name or a *. wildcard`);
      }
    }
  }

  const carried = kindsForProtocol(protocol, tlsMode);
  const { kinds, invalid } = allowedKinds(carried, l.allowedRoutes?.kinds);
  const policy = namespacePolicy(ctx.gateway.namespace, l.allowedRoutes?.namespaces, ctx.labelsOf);
  if (!policy.ok) fail(GatewayReason.UnsupportedValue, policy.message);

  const certs =
    family === 'tls' && tlsMode === 'Terminate'
      ? resolveCertificates(l.tls?.certificateRefs, ctx.certificates)
      : { certificates: [], problems: [] };
  const refProblems: CertificateProblem[] = [...certs.problems];
  if (invalid.length > 0) {
    refProblems.push({
      reason: GatewayReason.InvalidRouteKinds,
      message: `allowedRoutes.kinds ${invalid.join(', ')} cannot attach to a ${protocol} listener (it takes ${carried.join(', ') || 'no route kind'})`,
    });
  }
  const [firstRef] = refProblems;
  const refs =
    firstRef === undefined
      ? verdictOk(GatewayReason.ResolvedRefs, 'All references resolved')
      : verdictFail(firstRef.reason, refProblems.map((p) => p.message).join('; '));

  const finding: ListenerFinding = {
    gateway: ctx.gateway,
    name: l.name,
    index,
    port: l.port,
    protocol,
    accepted: problem ?? verdictOk(GatewayReason.Accepted, 'Listener is accepted'),
    notes,
    refs,
    certificates: certs.certificates,
    kinds,
    allowsNamespace: policy.ok ? policy.allows : () => false,
  };
  if (family !== undefined) finding.family = family;
  if (hostname !== undefined) finding.hostname = hostname;
  if (tlsMode !== undefined) finding.tlsMode = tlsMode;
  return finding;
}

/** The TLS mode the listener runs in (undefined for plain protocols), reporting what cannot be served. */
function tlsModeOf(
  protocol: string,
  l: Listener,
  fail: (reason: string, message: string) => void,
): 'Terminate' | 'Passthrough' | undefined {
  if (protocol !== 'HTTPS' && protocol !== 'TLS') {
    if (l.tls && CORE_PROTOCOLS.has(protocol)) fail(GatewayReason.UnsupportedValue, `tls must not be set for protocol ${protocol}`);
    return undefined;
  }
  if (!l.tls) {
    fail(GatewayReason.UnsupportedValue, protocol === 'HTTPS' ? 'protocol HTTPS needs tls with certificateRefs' : 'protocol TLS needs tls.mode (Passthrough or Terminate)');
    return undefined;
  }
  // The CRD defaults the mode to Terminate.
  const mode: string = l.tls.mode ?? 'Terminate';
  if (mode !== 'Terminate' && mode !== 'Passthrough') {
    fail(GatewayReason.UnsupportedValue, `tls.mode ${mode} is not Terminate or Passthrough`);
    return undefined;
  }
  if (protocol === 'HTTPS' && mode === 'Passthrough') {
    fail(GatewayReason.UnsupportedValue, 'protocol HTTPS terminates TLS; for passthrough use protocol TLS with TLSRoutes');
    return undefined;
  }
  return mode;
}

/** Ports whose HTTPS listeners the Gateway asks to validate client certificates on (spec.tls.frontend). */
function clientValidationPorts(gateway: Gateway): (port: number) => boolean {
  const frontend = gateway.spec.tls?.frontend;
  if (!frontend) return () => false;
  return (port) => {
    // A perPort entry replaces the default for its port.
    const perPort = frontend.perPort?.find((p) => p.port === port);
    // `default` is required by the CRD, but files never meet the API server's validation.
    const fallback = frontend.default as typeof frontend.default | undefined;
    return (perPort ? perPort.tls.validation : fallback?.validation) !== undefined;
  };
}
