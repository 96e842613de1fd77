// Listener conflicts, by the Gateway API's "distinct listeners" rules: on one port, HTTP, the
// TLS-borne protocols (HTTPS and TLS, told apart by SNI) and TCP cannot mix; listeners of one kind
// need distinct hostnames; TCP and UDP have no hostname, so one listener per port. UDP ports are
// apart from TCP ones. Inside a Gateway every indistinct listener is Conflicted (the spec picks no
// winner). Across the Gateways of a class, which share one deployment and so one set of ports, the
// older Gateway keeps its listener (GEP-1713's precedence) so a new Gateway cannot break a running
// one. HTTPS listeners whose hostnames overlap get OverlappingTLSConfig (GEP-3567).
import { GatewayReason, describeListener, type GatewayFinding, type ListenerFinding } from './gateway-findings.js';

interface Clash {
  reason: string;
  why: string;
}

/** Listeners that take part in conflict checks: served protocol, valid on their own, not already conflicted. */
function contends(l: ListenerFinding): boolean {
  return l.family !== undefined && l.accepted.ok && l.conflict === undefined;
}

function clash(a: ListenerFinding, b: ListenerFinding): Clash | undefined {
  if (a.port !== b.port || (a.family === 'udp') !== (b.family === 'udp')) return undefined;
  if (a.family !== b.family) {
    return { reason: GatewayReason.ProtocolConflict, why: `port ${a.port} cannot serve ${a.protocol} and ${b.protocol} together` };
  }
  if (a.family === 'tcp' || a.family === 'udp') {
    const what = a.family === 'udp' ? 'datagrams' : 'connections';
    return { reason: GatewayReason.HostnameConflict, why: `${a.protocol} listeners cannot share port ${a.port}: nothing tells their ${what} apart` };
  }
  if (a.hostname !== b.hostname) return undefined;
  return {
    reason: GatewayReason.HostnameConflict,
    why: `both take port ${a.port} for ${a.hostname === undefined ? 'any hostname' : `hostname ${a.hostname}`}`,
  };
}

/** Marks every listener of one Gateway that is not distinct from another of the same Gateway. */
export function markConflictsWithinGateway(listeners: readonly ListenerFinding[]): void {
  const candidates = listeners.filter(contends);
  const found = new Map<ListenerFinding, { reason: string; message: string }>();
  for (const l of candidates) {
    const clashes = candidates
      .filter((o) => o !== l)
      .map((o) => ({ other: o, clash: clash(l, o) }))
      .filter((c): c is { other: ListenerFinding; clash: Clash } => c.clash !== undefined);
    const main = clashes.find((c) => c.clash.reason === GatewayReason.ProtocolConflict) ?? clashes[0];
    if (main === undefined) continue;
    const names = clashes.map((c) => c.other.name).join(', ');
    found.set(l, {
      reason: main.clash.reason,
      message: `Conflicts with listener${clashes.length > 1 ? 's' : ''} ${names} of this Gateway: ${main.clash.why}; none of a set of indistinct listeners is served`,
    });
  }
  for (const [l, conflict] of found) l.conflict = conflict;
}

/**
 * Marks listeners that clash with a listener of an older Gateway of the same class. `gateways`
 * must be of one class, oldest first; only accepted Gateways hold ports.
 */
export function markConflictsAcrossGateways(gateways: readonly GatewayFinding[], className: string): void {
  const held: ListenerFinding[] = [];
  for (const g of gateways) {
    if (!g.accepted.ok) continue;
    const kept: ListenerFinding[] = [];
    for (const l of g.listeners) {
      if (!contends(l)) continue;
      const hit = held.map((o) => ({ other: o, clash: clash(l, o) })).find((c) => c.clash !== undefined);
      if (hit?.clash === undefined) {
        kept.push(l);
        continue;
      }
      l.conflict = {
        reason: hit.clash.reason,
        message:
          `Conflicts with ${describeListener(hit.other, g.ref)}: ${hit.clash.why}. Every Gateway of class ${className} ` +
          'is served on the same ports by one deployment, and the older Gateway (then the first by namespace/name) keeps the port',
      };
    }
    held.push(...kept);
  }
}

/** A wildcard covers a name (or a narrower wildcard) with one or more labels in front of its suffix. */
function covers(pattern: string, hostname: string): boolean {
  return pattern.startsWith('*.') && hostname.endsWith(pattern.slice(1));
}

/** OverlappingTLSConfig on HTTPS listeners of one class sharing a port whose hostnames overlap. */
export function markOverlappingTls(listeners: readonly ListenerFinding[]): void {
  const https = listeners.filter((l) => l.protocol === 'HTTPS' && contends(l) && l.hostname !== undefined);
  for (const l of https) {
    const host = l.hostname ?? '';
    const others = https.filter((o) => {
      const other = o.hostname ?? '';
      return o !== l && o.port === l.port && other !== host && (covers(host, other) || covers(other, host));
    });
    if (others.length === 0) continue;
    const what = others.map((o) => `${o.hostname ?? ''} (${describeListener(o, l.gateway)})`).join(', ');
    l.overlap =
      `Hostname ${host} overlaps ${what} on port ${l.port}: a client may reuse one TLS connection for ` +
      'both names (HTTP/2 connection coalescing)';
  }
}
