// The HTTP data path after the protocol adapters: find the destination Service, match its route
// table, execute the rule's plan (local answer, or forward with timeouts, retries and mirrors),
// and stream the response back. Protocol-neutral: it sees an Exchange, never Node's req/res.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { HttpRuleIR, ServiceRef } from '../../src/ir/index.js';
import { routeKey, ruleKey } from '../../src/ir/index.js';
import { splitAuthority, type MeshView } from '../config/mesh-view.js';
import { destinationOf, type Discovery } from '../configsync/discovery.js';
import type { Clusters } from '../endpoint/clusters.js';
import { refusingLoops } from '../endpoint/loop-guard.js';
import type { UpstreamClient } from '../endpoint/upstream.js';
import { ProxyErrorCode } from '../errors.js';
import type { GatewayView } from '../gateway/view.js';
import type { AccessLog } from '../observe/log.js';
import type { ProxyMetrics } from '../observe/metrics.js';
import { SpanAttr, type ProxySpan, type ProxyTracing } from '../observe/tracing.js';
import type { Exchange } from '../protocol/exchange.js';
import { parseGrpcTimeout } from '../protocol/grpc-timeout.js';
import { planRequest, type ForwardPlan } from '../route/http-plan.js';
import { matchHttp, parseRequestTarget, prepareRequest, type HttpMatchResult, type NameValue, type RequestTarget } from '../route/match.js';
import { firstHeader } from '../route/request.js';
import { answerCustomError, answerError, answerLocal } from './answer.js';
import { runAttempts, type AttemptTarget } from './attempts.js';
import { startMirrors } from './mirror.js';

export interface ForwarderDeps {
  view(): MeshView | undefined;
  clusters: Clusters;
  h1: UpstreamClient;
  h2: UpstreamClient;
  /** HTTP/1.1 Upgrade (WebSocket): joins the sockets after the endpoint's 101. */
  upgrade: UpstreamClient;
  metrics: ProxyMetrics;
  tracing: ProxyTracing;
  accessLog: AccessLog;
  log: Logger;
  random: () => number;
  /** Bytes of request body kept for retries. */
  replayLimit: number;
  /** On-demand config: an unknown Host is looked up before routing (known ones take no await). */
  discovery?: Discovery | undefined;
  /** Gateway mode: the listeners whose route tables gateway connections' requests follow. */
  gateway?: (() => GatewayView | undefined) | undefined;
}

/** What a redirect keeps of the request's way in, and the name errors give the destination. */
interface Entry {
  scheme: 'http' | 'https';
  port: number;
  label: string;
}

/** Route/rule/backend labels of one request, for metrics, spans and the access log. */
export interface RequestLabels {
  route: string;
  rule: string;
  backend: string;
  endpoint?: string;
  errorCode?: string;
}

const NONE = '';

export class HttpForwarder {
  readonly #deps: ForwarderDeps;

  constructor(deps: ForwarderDeps) {
    this.#deps = deps;
  }

  /** Serves one request to completion; never throws (a bug becomes a 500 with SIDELANE_ERR_INTERNAL). */
  async serve(ex: Exchange): Promise<void> {
    const started = performance.now();
    const labels: RequestLabels = { route: NONE, rule: NONE, backend: NONE };
    let status = 0;
    let span: ProxySpan | undefined;
    const direction = ex.connection.direction;
    try {
      const tracing = this.#deps.tracing;
      if (tracing.enabled) {
        const attributes = { [SpanAttr.method]: ex.method, [SpanAttr.serverAddress]: ex.authority, [SpanAttr.path]: ex.target };
        const carrier = carrierOf(ex.headers);
        if (direction !== 'outbound') {
          // The caller's trace continues here (or, entering the mesh at a gateway, starts here);
          // the app or backend sees this server span as its parent.
          span = tracing.startServerSpan(ex.method, carrier, attributes);
          span?.inject(carrier);
        } else {
          span = tracing.startClientSpan(ex.method, carrier, attributes);
        }
      }
      status =
        direction === 'inbound'
          ? await this.#toLocalApp(ex, labels)
          : direction === 'gateway'
            ? await this.#routeGateway(ex, labels)
            : await this.#route(ex, labels);
    } catch (err) {
      this.#deps.log.error({ err, code: ProxyErrorCode.Internal }, 'request failed in the proxy');
      labels.errorCode = ProxyErrorCode.Internal;
      status = answerError(ex, ProxyErrorCode.Internal, 'internal proxy error');
    }
    const seconds = (performance.now() - started) / 1000;
    this.#deps.metrics.observeRequest(ex.connection.direction, labels.route, labels.rule, labels.backend, status, seconds);
    if (span) {
      span.setAttributes({ [SpanAttr.route]: labels.route, [SpanAttr.rule]: labels.rule, [SpanAttr.backend]: labels.backend });
      span.end(status, labels.errorCode === undefined ? undefined : { code: labels.errorCode, message: labels.errorCode });
    }
    if (this.#deps.accessLog.enabled) {
      this.#deps.accessLog.write({
        direction: ex.connection.direction,
        method: ex.method,
        authority: ex.authority,
        path: ex.target,
        status,
        duration_ms: seconds * 1000,
        route: labels.route,
        rule: labels.rule,
        backend: labels.backend,
        endpoint: labels.endpoint,
        error_code: labels.errorCode,
        trace_id: span?.traceId,
      });
    }
  }

  async #route(ex: Exchange, labels: RequestLabels): Promise<number> {
    const discovery = this.#deps.discovery;
    if (discovery) {
      // Also for redirected connections: each request marks the destination used, so a kept-alive
      // connection's Service is not dropped as idle under it.
      const wanted = destinationOf(ex.connection.origDst, ex.authority);
      if (wanted !== undefined && !discovery.known(wanted)) await discovery.ensure(wanted);
    }
    const view = this.#deps.view();
    if (!view) {
      labels.errorCode = ProxyErrorCode.NotReady;
      return answerError(ex, ProxyErrorCode.NotReady, 'the proxy has not received its configuration yet');
    }
    const destination = ex.connection.origDst ? ex.connection.destination : view.byHost(ex.authority);
    if (!destination) return this.#passThrough(ex, labels);
    const table = destination.table;
    if (!table || table.kind !== 'http') {
      // No route for this client: the Service behaves as without a mesh (balanced over its endpoints).
      labels.backend = destination.label;
      return this.#forward(ex, labels, plainPlan(ex, destination.service.ref, destination.port.port), undefined, destination.label);
    }
    const target = parseRequestTarget(ex.target);
    const prepared = prepareRequest({ method: ex.method, path: target.path, query: target.query, headers: withHost(ex) });
    const matched = matchHttp(table, prepared);
    if (!matched) {
      labels.route = table.routes.map(routeKey).join(',');
      labels.errorCode = ProxyErrorCode.NoRoute;
      return answerError(ex, ProxyErrorCode.NoRoute, `no rule of ${destination.label} matches ${ex.method} ${target.path}`);
    }
    return this.#execute(ex, labels, target, matched, { scheme: 'http', port: destination.port.port, label: destination.label });
  }

  /**
   * Gateway mode: the listener the connection came in on (by Host, or by SNI on TLS ports) and its
   * hosts' route tables decide; no Service is addressed.
   */
  async #routeGateway(ex: Exchange, labels: RequestLabels): Promise<number> {
    const view = this.#deps.gateway?.();
    const entry = ex.connection.gateway;
    if (!view || !entry) {
      labels.errorCode = ProxyErrorCode.NotReady;
      return answerError(ex, ProxyErrorCode.NotReady, 'the gateway has not received its configuration yet');
    }
    const target = parseRequestTarget(ex.target);
    const prepared = prepareRequest({ method: ex.method, path: target.path, query: target.query, headers: withHost(ex) });
    const decision = view.routeRequest(entry, ex.authority, prepared);
    if (decision.kind === 'misdirected') {
      labels.errorCode = ProxyErrorCode.Misdirected;
      return answerError(ex, ProxyErrorCode.Misdirected, decision.message);
    }
    if (decision.kind === 'no-route') {
      labels.route = decision.routes;
      labels.errorCode = ProxyErrorCode.NoRoute;
      return answerError(ex, ProxyErrorCode.NoRoute, decision.message);
    }
    return this.#execute(ex, labels, target, decision.match, { scheme: entry.scheme, port: entry.port, label: decision.listener });
  }

  /** A matched rule's plan, executed: a local answer, or the request forwarded to its backend. */
  async #execute(ex: Exchange, labels: RequestLabels, target: RequestTarget, matched: HttpMatchResult, entry: Entry): Promise<number> {
    const rule = matched.rule;
    labels.route = routeKey(rule.id.route);
    labels.rule = ruleKey(rule.id);
    const plan = planRequest(rule, {
      method: ex.method,
      path: target.path,
      rawQuery: target.rawQuery,
      rawTarget: ex.target,
      authority: ex.authority,
      headers: ex.headers,
      scheme: entry.scheme,
      port: entry.port,
      match: matched.entry.match,
      random: this.#deps.random,
    });
    switch (plan.kind) {
      case 'answer':
        if (plan.error) {
          labels.errorCode = plan.error.code;
          return answerCustomError(ex, { status: plan.status, grpcStatus: 14, code: plan.error.code, message: plan.error.message });
        }
        return answerLocal(ex, plan.status, plan.headers);
      case 'invalid-backend':
        labels.errorCode = ProxyErrorCode.InvalidBackend;
        return answerError(ex, ProxyErrorCode.InvalidBackend, `${plan.reason}: ${plan.message}`);
      case 'forward':
        labels.backend = `${plan.backend.service.namespace}/${plan.backend.service.name}:${plan.backend.port}`;
        return this.#forward(ex, labels, plan, rule, entry.label);
    }
  }

  async #forward(ex: Exchange, labels: RequestLabels, plan: ForwardPlan, rule: HttpRuleIR | undefined, destination: string): Promise<number> {
    const view = this.#deps.view();
    const client = this.#clientFor(ex, view, plan.backend.service, plan.backend.port);
    const upgrade = ex.upgrade === true;
    const body = plan.mirrors.length > 0 && !upgrade ? startMirrors(ex, plan, this.#deps, (ref, port) => this.#clientFor(ex, view, ref, port)) : ex.body;
    const target: AttemptTarget = {
      pick: (exclude) => this.#deps.clusters.pick(plan.backend.service, plan.backend.port, exclude),
      client: refusingLoops(client, ex.connection),
    };
    return runAttempts(ex, plan, target, {
      timeouts: rule?.timeouts,
      // An upgraded connection's "body" is the client's socket: it cannot be buffered for a retry.
      retry: upgrade ? undefined : rule?.retry,
      grpcTimeoutMs: ex.grpc ? parseGrpcTimeout(firstHeader(ex.headers, 'grpc-timeout')) : undefined,
      labels,
      random: this.#deps.random,
      replayLimit: this.#deps.replayLimit,
      destination,
      body,
    });
  }

  /**
   * Inbound: the request was addressed to this pod; it goes to the app at the address it was sent
   * to (the pod IP, as Istio does since 1.10: an app listening only on localhost stays private).
   * Routing already happened at the caller's outbound proxy.
   */
  async #toLocalApp(ex: Exchange, labels: RequestLabels): Promise<number> {
    const dst = ex.connection.origDst;
    if (dst === undefined) {
      labels.errorCode = ProxyErrorCode.BadRequest;
      return answerError(ex, ProxyErrorCode.BadRequest, 'inbound connection without an original destination');
    }
    labels.backend = `local:${dst.port}`;
    return this.#direct(ex, labels, dst, 'inbound');
  }

  /** A destination that is no Service goes where the client addressed it, untouched. */
  async #passThrough(ex: Exchange, labels: RequestLabels): Promise<number> {
    const byHost = splitAuthority(ex.authority);
    const dst = ex.connection.origDst ?? (byHost && { address: byHost.host, port: byHost.port });
    if (!dst) {
      labels.errorCode = ProxyErrorCode.BadRequest;
      return answerError(ex, ProxyErrorCode.BadRequest, `cannot tell where ${JSON.stringify(ex.authority)} is`);
    }
    labels.backend = 'passthrough';
    return this.#direct(ex, labels, dst, 'passthrough');
  }

  /**
   * Forwards as received to one address: pass-through and inbound delivery to the app. The loop
   * guard refuses an address that is this listener (508), as for Service endpoints.
   */
  async #direct(ex: Exchange, labels: RequestLabels, dst: { address: string; port: number }, destination: string): Promise<number> {
    const endpoint = { address: dst.address, port: dst.port };
    const plan = plainPlan(ex, { namespace: '', name: '' }, dst.port);
    const release = (): void => undefined;
    return runAttempts(
      ex,
      plan,
      {
        pick: () => ({ endpoint: { ...endpoint, ready: true, serving: true, terminating: false }, key: `${dst.address}:${dst.port}`, release }),
        client: refusingLoops(ex.upgrade === true ? this.#deps.upgrade : ex.version === 2 ? this.#deps.h2 : this.#deps.h1, ex.connection),
      },
      { timeouts: undefined, retry: undefined, grpcTimeoutMs: undefined, labels, random: this.#deps.random, replayLimit: 0, destination, body: ex.body },
    );
  }

  /**
   * HTTP/2 upstream for h2c and gRPC ports, HTTP/1.1 for http ports; a port of unknown protocol
   * gets what the client spoke (its app already speaks that to the Service).
   */
  #clientFor(ex: Exchange, view: MeshView | undefined, ref: ServiceRef, port: number): UpstreamClient {
    if (ex.upgrade === true) return this.#deps.upgrade;
    const protocol = view?.service(ref)?.ports.find((p) => p.port === port && p.transport === 'TCP')?.protocol;
    if (protocol === 'h2c' || protocol === 'grpc') return this.#deps.h2;
    if (protocol === 'http' || protocol === 'ws') return this.#deps.h1;
    return ex.version === 2 || ex.grpc ? this.#deps.h2 : this.#deps.h1;
  }
}

/** Forward as received, to one Service port (or, with an empty ref, one address). */
function plainPlan(ex: Exchange, service: ServiceRef, port: number): ForwardPlan {
  return {
    kind: 'forward',
    backend: { kind: 'Service', service, port, weight: 1 },
    target: ex.target,
    authority: ex.authority,
    headers: ex.headers,
    responseHeaders: [],
    addResponseHeaders: [],
    mirrors: [],
  };
}

function withHost(ex: Exchange): NameValue[] {
  return ex.authority === '' ? ex.headers : [['host', ex.authority], ...ex.headers];
}

/** A HeaderCarrier over the request's header list (the tracer reads and writes trace headers). */
function carrierOf(headers: NameValue[]): { get(name: string): string | undefined; set(name: string, value: string): void } {
  return {
    get: (name) => firstHeader(headers, name),
    set: (name, value) => {
      const at = headers.findIndex(([n]) => n.toLowerCase() === name);
      if (at >= 0) headers[at] = [name, value];
      else headers.push([name, value]);
    },
  };
}
