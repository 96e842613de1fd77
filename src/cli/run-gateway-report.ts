// What `sidelane run` tells a user about the Gateways in their files: where each listener is served
// (after --port-offset), and every status condition that says something is not served or not
// attached (Accepted=False, ResolvedRefs=False, Conflicted=True, ...), with its reason and message,
// so "why does curl not answer" is answered on the terminal. Pure: the caller prints.
import {
  GATEWAY_CONTROLLER_NAME,
  type ConditionIR,
  type GatewayClassIR,
  type GatewayClassStatusIR,
  type GatewayStatusIR,
  type ListenerRef,
  type MeshIR,
  type RouteStatusIR,
  type TlsListenerIR,
} from '../ir/index.js';

export interface GatewayReportInput {
  ir: MeshIR;
  statuses: readonly RouteStatusIR[];
  gatewayClassStatuses: readonly GatewayClassStatusIR[];
  gatewayStatuses: readonly GatewayStatusIR[];
}

/** Where a listener port is bound: host and port after the offset; undefined when it is not. */
export type BoundPortLookup = (className: string, listenerPort: number, transport: 'TCP' | 'UDP') => { host: string; port: number } | undefined;

export interface GatewayReport {
  /** One line per listener served, e.g. `Gateway default/web listener http (HTTP) on http://127.0.0.1:8080`. */
  served: string[];
  /** One line per condition that keeps something from being served or attached. */
  problems: string[];
}

export function gatewayReport(input: GatewayReportInput, bound: BoundPortLookup, classes?: readonly string[]): GatewayReport {
  const served: string[] = [];
  for (const gatewayClass of input.ir.gateways ?? []) {
    if (classes !== undefined && !classes.includes(gatewayClass.name)) continue;
    served.push(...servedLines(gatewayClass, bound));
  }
  const problems: string[] = [];
  for (const status of input.gatewayClassStatuses) {
    for (const c of status.conditions.filter(isBad)) problems.push(`GatewayClass ${status.name}: ${condition(c)}`);
  }
  for (const status of input.gatewayStatuses) {
    const gateway = `Gateway ${status.namespace}/${status.name}`;
    for (const c of status.conditions.filter(isBad)) problems.push(`${gateway}: ${condition(c)}`);
    for (const listener of status.listeners) {
      for (const c of listener.conditions.filter(isBad)) problems.push(`${gateway} listener ${listener.name}: ${condition(c)}`);
    }
  }
  for (const route of input.statuses) {
    for (const parent of route.parents) {
      if (parent.controllerName !== GATEWAY_CONTROLLER_NAME) continue;
      const ref = parent.parentRef;
      const section = ref.sectionName === undefined ? '' : ` listener ${ref.sectionName}`;
      const where = `${ref.kind} ${ref.namespace ?? route.namespace}/${ref.name}${section}${ref.port === undefined ? '' : ` port ${ref.port}`}`;
      for (const c of parent.conditions.filter(isBad)) problems.push(`${route.kind} ${route.namespace}/${route.name} on ${where}: ${condition(c)}`);
    }
  }
  return { served, problems };
}

function servedLines(gatewayClass: GatewayClassIR, bound: BoundPortLookup): string[] {
  const lines: string[] = [];
  const line = (ref: ListenerRef, protocol: string, hostname: string, listenerPort: number, transport: 'TCP' | 'UDP', scheme?: string): void => {
    const at = bound(gatewayClass.name, listenerPort, transport);
    const where = at === undefined ? `port ${listenerPort}: not bound (see the log)` : `${scheme === undefined ? '' : `${scheme}://`}${hostPort(at.host, at.port)}`;
    const hostText = hostname === '*' ? '' : ` for ${hostname}`;
    lines.push(`Gateway ${ref.gateway.namespace}/${ref.gateway.name} listener ${ref.name} (${protocol} ${listenerPort}${hostText}) on ${where}`);
  };
  for (const port of gatewayClass.ports) {
    switch (port.kind) {
      case 'http':
        for (const l of port.listeners) line(l.listener, 'HTTP', l.hostname, port.port, 'TCP', 'http');
        break;
      case 'tls':
        for (const l of port.listeners) line(l.listener, tlsProtocol(l), l.hostname, port.port, 'TCP', l.http === undefined ? undefined : 'https');
        break;
      case 'tcp':
        line(port.listener, 'TCP', '*', port.port, 'TCP');
        break;
      case 'udp':
        line(port.listener, 'UDP', '*', port.port, 'UDP');
        break;
    }
  }
  return lines;
}

function tlsProtocol(listener: TlsListenerIR): string {
  if (listener.http !== undefined) return 'HTTPS';
  return listener.mode === 'Passthrough' ? 'TLS passthrough' : 'TLS terminate';
}

/** A condition that means trouble: Conflicted is bad when True, every other type when not True. */
function isBad(c: ConditionIR): boolean {
  return c.type === 'Conflicted' ? c.status === 'True' : c.status !== 'True';
}

function condition(c: ConditionIR): string {
  return `${c.type}=${c.status} (${c.reason})${c.message === '' ? '' : `: ${c.message}`}`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
