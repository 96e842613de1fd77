// The gateway half of `validate()`: GatewayClasses, their ports, listeners by hostname precedence,
// TLS modes and certificates. Route tables behind a listener are checked by the same rules as the
// mesh's (validate-routes.ts), so a backend must name a Service in `services`, as everywhere.
import type { GatewayClassIR, GatewayPortIR, HttpListenerIR, ListenerRef, TlsListenerIR, UdpRouteTable, VirtualHostIR } from './gateway.js';
import { isHostnamePattern } from './hostname.js';
import { compareGatewayClasses, compareGatewayPorts, compareHostnamePatterns, gatewayPortTransport } from './order.js';
import type { TlsCertificateIR } from './tls.js';
import { checkL4Backends, checkRoutes, checkRuleId, checkTable, type RouteCheckContext } from './validate-routes.js';
import { checkName, checkPort, checkRef, checkSortedUnique, type ProblemCollector } from './validate-support.js';

/** Checks `ir.gateways` (present: absent means no class of ours, which needs no check). */
export function checkGateways(gateways: readonly GatewayClassIR[], context: RouteCheckContext): void {
  const { problems } = context;
  const classes = problems.list(gateways, 'gateways');
  checkSortedUnique(problems, classes, 'gateways', {
    compare: compareGatewayClasses,
    key: (gatewayClass) => gatewayClass.name,
    codes: { unsorted: 'IR_UNSORTED_GATEWAY_CLASSES', duplicate: 'IR_DUPLICATE_GATEWAY_CLASS' },
    what: 'GatewayClass',
  });
  classes.forEach((gatewayClass, index) => {
    const path = `gateways[${index}]`;
    problems.guard(path, () => {
      checkClass(gatewayClass, path, context);
    });
  });
}

function checkClass(gatewayClass: GatewayClassIR, path: string, context: RouteCheckContext): void {
  const { problems } = context;
  checkName(problems, gatewayClass.name, `${path}.name`, 'GatewayClass name');
  const idle: unknown = gatewayClass.udpIdleTimeoutMs;
  if (idle !== undefined && !(typeof idle === 'number' && Number.isInteger(idle) && idle > 0)) {
    problems.report(`${path}.udpIdleTimeoutMs`, 'IR_INVALID_TIMEOUT', `${JSON.stringify(idle)} is not a whole number of milliseconds > 0`);
  }
  const ports = problems.list(gatewayClass.ports, `${path}.ports`);
  checkSortedUnique(problems, ports, `${path}.ports`, {
    compare: compareGatewayPorts,
    key: (port) => `${port.port}/${gatewayPortTransport(port)}`,
    codes: { unsorted: 'IR_UNSORTED_PORTS', duplicate: 'IR_DUPLICATE_PORT' },
    what: 'port',
  });
  // A Gateway listener has one port, so it is served in one place of the class.
  const listeners = new Map<string, string>();
  const seeListener = (ref: ListenerRef, refPath: string): void => {
    checkListenerRef(problems, ref, refPath);
    // Names as they arrived (possibly not strings): the key only has to tell listeners apart.
    const key = JSON.stringify([ref.gateway.namespace, ref.gateway.name, ref.name]);
    const first = listeners.get(key);
    if (first === undefined) listeners.set(key, refPath);
    else problems.report(refPath, 'IR_DUPLICATE_LISTENER', `listener ${key} is served again (first at ${first})`);
  };
  ports.forEach((port, index) => {
    const portPath = `${path}.ports[${index}]`;
    problems.guard(portPath, () => {
      checkGatewayPort(port, portPath, seeListener, context);
    });
  });
}

type SeeListener = (ref: ListenerRef, path: string) => void;

function checkGatewayPort(port: GatewayPortIR, path: string, seeListener: SeeListener, context: RouteCheckContext): void {
  const { problems } = context;
  checkPort(problems, port.port, `${path}.port`);
  const kind: unknown = port.kind;
  switch (port.kind) {
    case 'http': {
      const listeners = checkHostnameList(problems, port.listeners, `${path}.listeners`, 'listener');
      listeners.forEach((listener, index) => {
        const listenerPath = `${path}.listeners[${index}]`;
        problems.guard(listenerPath, () => {
          checkHttpListener(listener, listenerPath, seeListener, context);
        });
      });
      return;
    }
    case 'tls': {
      const listeners = checkHostnameList(problems, port.listeners, `${path}.listeners`, 'listener');
      listeners.forEach((listener, index) => {
        const listenerPath = `${path}.listeners[${index}]`;
        problems.guard(listenerPath, () => {
          checkTlsListener(listener, listenerPath, seeListener, context);
        });
      });
      return;
    }
    case 'tcp':
      seeListener(port.listener, `${path}.listener`);
      if (port.table !== undefined) checkTableOfKind(port.table, 'tcp', `${path}.table`, context);
      return;
    case 'udp':
      seeListener(port.listener, `${path}.listener`);
      if (port.table !== undefined) checkUdpTable(port.table, `${path}.table`, context);
      return;
    default:
      problems.report(`${path}.kind`, 'IR_MALFORMED', `unknown gateway port kind ${JSON.stringify(kind)}`);
  }
}

function checkHttpListener(listener: HttpListenerIR, path: string, seeListener: SeeListener, context: RouteCheckContext): void {
  seeListener(listener.listener, `${path}.listener`);
  checkHostname(context.problems, listener.hostname, `${path}.hostname`);
  checkHosts(listener.hosts, `${path}.hosts`, context);
}

function checkTlsListener(listener: TlsListenerIR, path: string, seeListener: SeeListener, context: RouteCheckContext): void {
  const { problems } = context;
  seeListener(listener.listener, `${path}.listener`);
  checkHostname(problems, listener.hostname, `${path}.hostname`);
  const mode: unknown = listener.mode;
  const certificates = problems.list(listener.certificates, `${path}.certificates`);
  if (mode === 'Terminate') {
    if (certificates.length === 0) {
      problems.report(`${path}.certificates`, 'IR_MISSING_CERTIFICATE', 'a Terminate listener needs at least one certificate');
    }
    certificates.forEach((certificate, index) => {
      checkCertificate(problems, certificate, `${path}.certificates[${index}]`);
    });
  } else if (mode === 'Passthrough') {
    if (certificates.length > 0) {
      problems.report(`${path}.certificates`, 'IR_PASSTHROUGH_WITH_CERTIFICATE', 'a Passthrough listener never terminates TLS, so it carries no certificate');
    }
  } else {
    problems.report(`${path}.mode`, 'IR_MALFORMED', `${JSON.stringify(mode)} is not Terminate or Passthrough`);
  }
  if (listener.http !== undefined && listener.tls !== undefined) {
    problems.report(path, 'IR_INVALID_TLS_LISTENER', 'a TLS listener has either HTTP hosts (HTTPS) or a TLS table, not both');
  } else if (listener.http !== undefined && mode === 'Passthrough') {
    problems.report(`${path}.http`, 'IR_INVALID_TLS_LISTENER', 'a Passthrough listener cannot route HTTP: it never sees the plaintext');
  }
  if (listener.http !== undefined) checkHosts(listener.http, `${path}.http`, context);
  if (listener.tls !== undefined) checkTableOfKind(listener.tls, 'tls', `${path}.tls`, context);
  problems.list(listener.alpn, `${path}.alpn`).forEach((protocol: unknown, index) => {
    if (typeof protocol !== 'string' || protocol === '') problems.report(`${path}.alpn[${index}]`, 'IR_MALFORMED', 'an ALPN protocol is a non-empty string');
  });
}

function checkCertificate(problems: ProblemCollector, certificate: TlsCertificateIR, path: string): void {
  problems.guard(path, () => {
    checkRef(problems, certificate, path);
    for (const field of ['certificatePem', 'privateKeyPem'] as const) {
      const pem: unknown = certificate[field];
      // The PEM itself is never quoted: this message may be logged, and one of them is a key.
      if (typeof pem !== 'string' || pem.trim() === '') problems.report(`${path}.${field}`, 'IR_MISSING_CERTIFICATE', `${field} is empty`);
    }
  });
}

function checkHosts(hosts: readonly VirtualHostIR[], path: string, context: RouteCheckContext): void {
  const { problems } = context;
  checkHostnameList(problems, hosts, path, 'virtual host').forEach((host, index) => {
    const hostPath = `${path}[${index}]`;
    problems.guard(hostPath, () => {
      checkHostname(problems, host.hostname, `${hostPath}.hostname`);
      checkTableOfKind(host.table, 'http', `${hostPath}.table`, context);
    });
  });
}

/** The list, checked to be in hostname precedence order with each hostname once. */
function checkHostnameList<T extends { hostname: string }>(
  problems: ProblemCollector,
  items: readonly T[],
  path: string,
  what: string,
): readonly T[] {
  const list = problems.list(items, path);
  // A malformed hostname is reported by its own check; here it only must not break the order.
  const hostnameOf = (item: T): string => (typeof item.hostname === 'string' ? item.hostname : '');
  checkSortedUnique(problems, list, path, {
    compare: (a, b) => compareHostnamePatterns(hostnameOf(a), hostnameOf(b)),
    key: hostnameOf,
    codes: { unsorted: 'IR_UNSORTED_HOSTNAMES', duplicate: 'IR_DUPLICATE_HOSTNAME' },
    what: `${what} hostname`,
  });
  return list;
}

function checkHostname(problems: ProblemCollector, hostname: unknown, path: string): void {
  if (!isHostnamePattern(hostname)) {
    problems.report(path, 'IR_INVALID_HOSTNAME', `${JSON.stringify(hostname)} is not "*", "*.<dns name>" or a lower-case DNS name`);
  }
}

function checkListenerRef(problems: ProblemCollector, ref: ListenerRef, path: string): void {
  problems.guard(path, () => {
    checkRef(problems, ref.gateway, `${path}.gateway`);
    checkName(problems, ref.name, `${path}.name`, 'listener name');
  });
}

function checkTableOfKind(table: { kind: string }, kind: 'http' | 'tls' | 'tcp', path: string, context: RouteCheckContext): void {
  const actual: unknown = table.kind;
  if (actual !== kind) {
    context.problems.report(`${path}.kind`, 'IR_MALFORMED', `expected a ${kind} table, got ${JSON.stringify(actual)}`);
    return;
  }
  checkTable(table as Parameters<typeof checkTable>[0], path, context);
}

function checkUdpTable(table: UdpRouteTable, path: string, context: RouteCheckContext): void {
  context.problems.guard(path, () => {
    const kind: unknown = table.kind;
    if (kind !== 'udp') {
      context.problems.report(`${path}.kind`, 'IR_MALFORMED', `expected a udp table, got ${JSON.stringify(kind)}`);
      return;
    }
    checkRoutes(table.routes, 'UDPRoute', path, context);
    checkRuleId(table.rule.id, table.routes, `${path}.rule`, context);
    checkL4Backends(table.rule.backends, `${path}.rule`, context);
  });
}
