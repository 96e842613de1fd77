// Text rendering of an ExplainResult for people: the decision first, one labelled line per step
// (Service, port, route group, match, filters, backends), then every entry's verdict.
import type { BackendView, EndpointView, ExplainResult } from './explain-result.js';

export function formatExplain(r: ExplainResult): string {
  const lines: string[] = [];
  const row = (label: string, text: string): void => {
    lines.push(`${label.padEnd(10)}${text}`.trimEnd());
  };
  row('request', `${r.request.method} ${r.request.url}  (from namespace ${r.request.from})`);
  for (const h of r.request.headers) lines.push(`          ${h.name}: ${h.value}`);
  row('verdict', r.verdict);

  if (r.service) {
    const ips = r.service.clusterIPs.length > 0 ? ` ${r.service.clusterIPs.join(', ')}` : '';
    row('service', `${r.service.namespace}/${r.service.name} (${r.service.type}${ips}): ${r.service.how}`);
  }
  if (r.port) {
    const name = r.port.name ? ` "${r.port.name}"` : '';
    row('port', `${r.port.port}${name}, protocol ${r.port.protocol} (from ${r.port.protocolSource})`);
  }
  if (r.routes) {
    row('routes', r.routes.why);
    if (r.routes.tableKind) {
      const kind = r.routes.routeKind ?? (r.routes.tableKind === 'tls' ? 'TLSRoute' : 'TCPRoute');
      row('table', `${kind} table merging ${r.routes.merged.join(', ')}`);
    }
  }
  if (r.endpoints) {
    row('endpoints', r.endpoints.length === 0 ? '(none)' : '');
    for (const e of r.endpoints) lines.push(`  ${endpointLine(e)}`);
  }

  if (r.http) {
    const h = r.http;
    if (h.matched) row('match', `entry ${h.matched.index}: ${h.matched.rule}: ${h.matched.match}`);
    if (h.filters.length > 0) {
      row('filters', '');
      h.filters.forEach((f, i) => lines.push(`  ${i + 1}. ${f.type}: ${f.effect}`));
    }
    if (h.response) {
      row('response', `${h.response.status}${h.response.location ? ` Location: ${h.response.location}` : ''} (${h.response.reason})`);
    }
    if (h.forwarded) {
      const host = h.forwarded.headers.find((x) => x.name.toLowerCase() === 'host')?.value;
      row('forwarded', `${h.forwarded.method} ${h.forwarded.target}${host ? `  Host: ${host}` : ''}`);
    }
    if (h.matched) backendLines(h.backends, 'answers 500', lines);
    if (h.timeouts) {
      const parts = [h.timeouts.request && `request ${h.timeouts.request}`, h.timeouts.backendRequest && `per backend request ${h.timeouts.backendRequest}`];
      row('timeouts', parts.filter(Boolean).join(', '));
    }
    if (h.retry) {
      const codes = h.retry.codes.length > 0 ? ` on ${h.retry.codes.join(', ')} or connection errors` : ' on connection errors';
      row('retry', `up to ${h.retry.attempts} more attempt${h.retry.attempts === 1 ? '' : 's'}${codes}${h.retry.backoff ? `, backoff ${h.retry.backoff}` : ''}`);
    }
    if (h.sessionPersistence) row('session', h.sessionPersistence);
    if (h.entries.length > 0) {
      lines.push('', 'entries in precedence order:');
      for (const e of h.entries) {
        const mark = e.matched ? (e.index === h.matched?.index ? '→' : '✓') : '✗';
        lines.push(`  ${mark} ${e.index}  ${e.rule}: ${e.match}`);
        if (e.reason) lines.push(`        ${e.reason}`);
        else if (e.matched && e.index !== h.matched?.index) lines.push('        matches too, but an earlier entry wins');
      }
    }
  }
  if (r.tls) {
    row('sni', r.tls.sentence);
    for (const rule of r.tls.rules) {
      lines.push(`  ${rule.chosen ? '→' : ' '} ${rule.rule}: ${rule.sniHosts.length > 0 ? rule.sniHosts.join(', ') : '(any SNI)'}`);
    }
    backendLines(r.tls.backends, 'connection closed', lines);
  }
  if (r.tcp) {
    row('tcp', r.tcp.sentence);
    backendLines(r.tcp.backends, 'connection closed', lines);
  }
  if (r.notes.length > 0) {
    lines.push('');
    for (const n of r.notes) lines.push(`note: ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

function backendLines(backends: readonly BackendView[], invalidAnswer: string, lines: string[]): void {
  if (backends.length === 0) return;
  lines.push('backends');
  for (const b of backends) {
    const share = `weight ${b.weight}, ${b.percent}%`;
    if (b.kind === 'Invalid') {
      lines.push(`  (invalid backend)  ${share}: ${invalidAnswer}: ${b.invalid ?? ''}`);
      continue;
    }
    lines.push(`  ${b.target}  ${share}`);
    for (const f of b.filters ?? []) lines.push(`    filter ${f.type}: ${f.effect}`);
    const endpoints = b.endpoints ?? [];
    if (endpoints.length === 0) lines.push('    no endpoints: requests sent here fail (no healthy endpoint)');
    for (const e of endpoints) lines.push(`    ${endpointLine(e)}`);
  }
}

function endpointLine(e: EndpointView): string {
  const state = e.ready ? 'ready' : e.serving ? (e.terminating ? 'terminating, still serving' : 'serving, not ready') : e.terminating ? 'terminating' : 'not ready';
  const where = [e.pod && `pod ${e.pod}`, e.zone && `zone ${e.zone}`].filter(Boolean).join(', ');
  return `${e.address}:${e.port}  ${state}${where ? `  (${where})` : ''}`;
}
