// A tiny REST client for the API server on top of a KubeConfig: JSON in, JSON out. The typed
// client-node APIs turn timestamps into Date objects while watch events stay raw JSON; reading
// both the same way (raw) keeps the cache uniform, and status/Lease writes need no more than this.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** Stable code of every failed API call (logs, problems()). */
export const KUBE_API_ERROR = 'SIDELANE_ERR_KUBE_API';

/** A non-2xx answer, or no answer at all (statusCode 0). */
export class KubeApiError extends Error {
  readonly code = KUBE_API_ERROR;
  /** HTTP status; 0 when the request failed before a response (connection refused, timeout). */
  readonly statusCode: number;
  /** The Status object's reason (NotFound, Conflict, Expired, ...), when the server sent one. */
  readonly reason: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string, statusCode: number, message: string, reason?: string, options?: ErrorOptions) {
    super(`${method} ${path}: ${statusCode === 0 ? '' : `${statusCode} `}${message}`, options);
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
    this.reason = reason;
    this.method = method;
    this.path = path;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.statusCode === 409 && err.reason === 'AlreadyExists';
}

export interface KubeRequest {
  /** Serialized as JSON. */
  body?: unknown;
  /** Default `application/json`; `application/apply-patch+yaml` for server-side apply. */
  contentType?: string;
  /** Default 30 s: a hung API server must not hang a status write or a Lease renewal forever. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class KubeHttp {
  #agent: { material: string; agent: https.Agent } | undefined;
  readonly #kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.#kubeConfig = kubeConfig;
  }

  /** The API server's base URL (no trailing slash). */
  get server(): string {
    const cluster = this.#kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeApiError('GET', '/', 0, 'the kubeconfig has no current cluster');
    return cluster.server.replace(/\/+$/, '');
  }

  /**
   * One keep-alive agent while the TLS material stays the same: a TLS handshake per request was a
   * tenth of the controller's CPU at 10,000 routes. Rotated client certificates get a new agent.
   */
  #agentFor(opts: https.RequestOptions): https.Agent {
    const material = [opts.ca, opts.cert, opts.key, opts.pfx, opts.passphrase, opts.rejectUnauthorized, opts.servername]
      .map((v) => (v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('base64') : JSON.stringify(v)))
      .join('\0');
    if (this.#agent?.material !== material) {
      this.#agent?.agent.destroy();
      const tls: https.AgentOptions = { keepAlive: true, maxSockets: 16 };
      for (const k of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const) {
        if (opts[k] !== undefined) Object.assign(tls, { [k]: opts[k] });
      }
      this.#agent = { material, agent: new https.Agent(tls) };
    }
    return this.#agent.agent;
  }

  async get(path: string): Promise<unknown> {
    return this.request('GET', path);
  }

  /**
   * Sends one request; resolves with the parsed JSON body of a 2xx answer, rejects with a
   * KubeApiError otherwise. Credentials are applied per request, so rotated tokens are picked up.
   */
  async request(method: string, path: string, options: KubeRequest = {}): Promise<unknown> {
    const url = new URL(this.server + path);
    const opts: https.RequestOptions = {};
    await this.#kubeConfig.applyToHTTPSOptions(opts);
    if (!this.server.startsWith('http:')) opts.agent = this.#agentFor(opts);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), 'utf8');
    opts.method = method;
    // The headers are a record here (the array form is only for raw header lists).
    const credentials = (opts.headers ?? {}) as http.OutgoingHttpHeaders;
    opts.headers = {
      ...credentials,
      accept: 'application/json',
      ...(payload ? { 'content-type': options.contentType ?? 'application/json', 'content-length': payload.length } : {}),
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => {
          reject(new KubeApiError(method, path, 0, err.message, undefined, { cause: err }));
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let body: unknown = text;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON (a proxy's error page): keep the text for the message
          }
          if (status >= 200 && status < 300) resolve(body);
          else reject(errorFromStatus(method, path, status, body));
        });
      });
      req.setTimeout(timeoutMs, () => {
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (err) => {
        reject(new KubeApiError(method, path, 0, err.message, undefined, { cause: err }));
      });
      req.end(payload);
    });
  }
}

function errorFromStatus(method: string, path: string, status: number, body: unknown): KubeApiError {
  if (typeof body === 'object' && body !== null) {
    const { message, reason } = body as { message?: unknown; reason?: unknown };
    return new KubeApiError(
      method,
      path,
      status,
      typeof message === 'string' ? message : http.STATUS_CODES[status] ?? 'error',
      typeof reason === 'string' ? reason : undefined,
    );
  }
  const text = typeof body === 'string' && body !== '' ? body.slice(0, 200) : http.STATUS_CODES[status] ?? 'error';
  return new KubeApiError(method, path, status, text);
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The collection path of a resource, in one namespace or (namespace undefined) all of them. */
export function collectionPath(apiVersion: string, plural: string, namespace?: string): string {
  const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${groupVersionPath(apiVersion)}${ns}/${plural}`;
}

/** The path of one object. */
export function objectPath(apiVersion: string, plural: string, namespace: string | undefined, name: string): string {
  return `${collectionPath(apiVersion, plural, namespace)}/${encodeURIComponent(name)}`;
}
