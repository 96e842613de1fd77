// The config server's door: asks the authenticator about each new stream, remembers its verdicts
// for a short time (a replica going away sends every proxy back at once: one TokenReview per token,
// not per reconnect) and counts refusals by kind.
import { createHash } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { Counter, type Registry } from 'prom-client';
import { AUTH_REFUSALS, bearerToken, tokenExpiry, type AuthRefusal, type AuthResult, type ProxyAuthenticator } from './auth.js';
import type { ProxyIdentity } from './proto.js';

export interface AuthGateOptions {
  authenticate: ProxyAuthenticator;
  registry: Registry;
  /** How long a verdict is reused, at most (it never outlives the token's `exp`); default 60000, 0: never. */
  cacheMs?: number;
  /** Verdicts remembered at most (the oldest go first); default 10000. */
  cacheSize?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** A refusal with its kind resolved (the authenticator may leave it out). */
export type AuthVerdict = { ok: true } | { ok: false; reason: string; refusal: AuthRefusal };

interface Remembered {
  verdict: AuthVerdict;
  until: number;
}

export class AuthGate {
  readonly #authenticate: ProxyAuthenticator;
  readonly #refusals: Counter<'reason'>;
  readonly #cacheMs: number;
  readonly #cacheSize: number;
  readonly #now: () => number;
  // Keyed by a hash of the token and the whole claimed identity: the cache holds no token, and a
  // verdict is about that pair (an authenticator may look at any field of the claim).
  readonly #verdicts = new Map<string, Remembered>();
  readonly #pending = new Map<string, Promise<AuthVerdict>>();

  constructor(options: AuthGateOptions) {
    this.#authenticate = options.authenticate;
    this.#cacheMs = options.cacheMs ?? 60_000;
    this.#cacheSize = options.cacheSize ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#refusals = new Counter({
      name: 'sidelane_configsync_auth_refusals_total',
      help: 'Config streams refused by proxy authentication, by kind (the reason is logged).',
      labelNames: ['reason'],
      registers: [options.registry],
    });
    // Every kind shows as 0 from the start, so an alert on a rate needs no series to appear first.
    for (const refusal of AUTH_REFUSALS) this.#refusals.inc({ reason: refusal }, 0);
  }

  /** Verdicts currently remembered (for tests and debugging). */
  get cached(): number {
    return this.#verdicts.size;
  }

  /** The verdict on a stream (its metadata's bearer token) speaking for `claimed`; a refusal is counted. Never rejects. */
  async admit(metadata: grpc.Metadata, claimed: ProxyIdentity): Promise<AuthVerdict> {
    const bearer = bearerToken(metadata);
    const verdict: AuthVerdict = bearer.token === undefined && bearer.malformed !== undefined
      ? { ok: false, reason: bearer.malformed, refusal: 'invalid_token' }
      : await this.#verdict(bearer.token, claimed);
    if (!verdict.ok) this.#refusals.inc({ reason: verdict.refusal });
    return verdict;
  }

  #verdict(token: string | undefined, claimed: ProxyIdentity): Promise<AuthVerdict> {
    if (token === undefined || this.#cacheMs <= 0) return this.#ask(token, claimed);
    const key = cacheKey(token, claimed);
    const remembered = this.#verdicts.get(key);
    if (remembered !== undefined) {
      if (remembered.until > this.#now()) return Promise.resolve(remembered.verdict);
      this.#verdicts.delete(key);
    }
    // Streams arriving together with one token wait for one answer.
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#ask(token, claimed).then((verdict) => {
        this.#pending.delete(key);
        this.#remember(key, token, verdict);
        return verdict;
      });
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #ask(token: string | undefined, claimed: ProxyIdentity): Promise<AuthVerdict> {
    try {
      const result: AuthResult = await this.#authenticate(token, claimed);
      return result.ok ? { ok: true } : { ok: false, reason: result.reason, refusal: result.refusal ?? 'invalid_token' };
    } catch (err) {
      return { ok: false, reason: `authentication failed: ${err instanceof Error ? err.message : String(err)}`, refusal: 'unavailable' };
    }
  }

  #remember(key: string, token: string, verdict: AuthVerdict): void {
    // "Could not tell" is no verdict: the next stream asks again.
    if (!verdict.ok && verdict.refusal === 'unavailable') return;
    const now = this.#now();
    const exp = tokenExpiry(token);
    const until = Math.min(now + this.#cacheMs, exp === undefined ? Infinity : exp * 1000);
    if (until <= now) return;
    this.#verdicts.delete(key);
    this.#verdicts.set(key, { verdict, until });
    // A Map iterates in insertion order: the first keys are the oldest.
    for (const oldest of this.#verdicts.keys()) {
      if (this.#verdicts.size <= this.#cacheSize) break;
      this.#verdicts.delete(oldest);
    }
  }
}

function cacheKey(token: string, claimed: ProxyIdentity): string {
  return createHash('sha256')
    .update(JSON.stringify([token, claimed.namespace, claimed.serviceAccount, claimed.pod, claimed.node, claimed.kind, claimed.podIps]))
    .digest('base64url');
}
