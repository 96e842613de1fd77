// The controller's gateway flags: `--gateway-service <class>=<namespace>/<name>` (the Service in
// front of a class's gateway deployment, whose addresses the class's Gateways report) and
// `--gateway-service-account <namespace>/<name>` (the identities allowed the gateway config,
// which carries TLS keys). Both repeatable; a malformed value is refused at start-up.
import type { ServiceRef } from '../ir/index.js';

/** A Kubernetes object name (DNS label or subdomain): what a namespace, Service, account or class may be called. */
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface NamespacedName {
  namespace: string;
  name: string;
}

/** `namespace/name`, both valid object names. */
export function parseNamespacedName(text: string, flag: string): NamespacedName {
  const [namespace = '', name = '', extra] = text.split('/');
  if (extra !== undefined || !NAME.test(namespace) || !NAME.test(name)) {
    throw new RangeError(`${flag} must be <namespace>/<name>, got "${text}"`);
  }
  return { namespace, name };
}

/** `--gateway-service` values → class name → Service; a class given twice is refused. */
export function parseGatewayServices(values: readonly string[]): Record<string, ServiceRef> {
  const services: Record<string, ServiceRef> = {};
  for (const text of values) {
    const eq = text.indexOf('=');
    const className = text.slice(0, eq);
    if (eq <= 0 || !NAME.test(className)) {
      throw new RangeError(`--gateway-service must be <class>=<namespace>/<name>, got "${text}"`);
    }
    if (Object.hasOwn(services, className)) throw new RangeError(`--gateway-service: class "${className}" given twice`);
    services[className] = parseNamespacedName(text.slice(eq + 1), '--gateway-service');
  }
  return services;
}

/** `--gateway-service-account` values as `namespace/name` (the config server's spelling), deduplicated, in the order given. */
export function parseGatewayServiceAccounts(values: readonly string[]): string[] {
  const accounts = values.map((text) => parseNamespacedName(text, '--gateway-service-account'));
  return [...new Set(accounts.map((a) => `${a.namespace}/${a.name}`))];
}
