// Who may receive gateway listeners. A `gateway/<class>` resource carries the private keys of the
// class's certificates, so with proxy authentication on only the gateway proxies' service accounts
// get it; without authentication no identity is proven and everyone may (file mode, tests).
import type { Logger } from 'pino';
import type { ProxyIdentity } from './proto.js';
import { parseDestination } from './resources.js';
import { proxyFields } from './session.js';

export interface GatewayAccessOptions {
  /** `ns/name` of the service accounts gateway proxies run as. */
  serviceAccounts: readonly string[];
  /** Whether streams are authenticated (their identity proven); if not, the list is not consulted. */
  authenticated: boolean;
  log: Logger;
}

export class GatewayAccess {
  readonly #accounts: ReadonlySet<string>;
  readonly #authenticated: boolean;
  readonly #log: Logger;

  constructor(options: GatewayAccessOptions) {
    this.#accounts = new Set(options.serviceAccounts);
    this.#authenticated = options.authenticated;
    this.#log = options.log;
  }

  allows(identity: ProxyIdentity): boolean {
    return !this.#authenticated || this.#accounts.has(serviceAccountOf(identity));
  }

  /**
   * For one stream: call with every list of destinations the proxy subscribes to. A proxy that may
   * not serve gateways and asks for one is logged once per stream (asking again is the same problem).
   */
  watch(identity: ProxyIdentity, peer: string): (destinations: readonly string[]) => void {
    if (this.allows(identity)) return () => undefined;
    let warned = false;
    return (destinations) => {
      if (warned) return;
      const asked = destinations.filter((d) => parseDestination(d)?.kind === 'gateway');
      if (asked.length === 0) return;
      warned = true;
      this.#log.warn(
        { peer, proxy: proxyFields(identity), serviceAccount: serviceAccountOf(identity), destinations: asked },
        'proxy asked for gateway listeners, but its service account is not a gateway service account (--gateway-service-account): it gets none',
      );
    };
  }
}

function serviceAccountOf(identity: ProxyIdentity): string {
  return `${identity.namespace}/${identity.serviceAccount}`;
}
