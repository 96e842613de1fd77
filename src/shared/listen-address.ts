// Reads a listen address (`--listen`, `--admin`): `host:port`, `:port`, `[::1]:port` or a bare
// `port`. No host means every interface, as Node's `listen(port)` does; callers choose a default.

export interface ListenAddress {
  /** undefined: every interface (dual-stack where the system has IPv6). */
  host: string | undefined;
  port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const trimmed = text.trim();
  let host: string | undefined;
  let portText: string;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2] ?? '';
  } else if (/^\d+$/.test(trimmed)) {
    portText = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    if (colon < 0 || trimmed.indexOf(':') !== colon) {
      throw new RangeError(`listen address "${text}" is not host:port, :port, [ipv6]:port or port`);
    }
    host = colon === 0 ? undefined : trimmed.slice(0, colon);
    portText = trimmed.slice(colon + 1);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new RangeError(`listen address "${text}" has no valid port (0-65535)`);
  }
  return { host, port };
}

/**
 * A listener of a proxy or local tool: no host means loopback, so nothing is opened to the network
 * unless asked (an outbound listener reachable from other pods would be an open proxy).
 */
export function loopbackByDefault(text: string): { host: string; port: number } {
  const { host, port } = parseListenAddress(text);
  return { host: host ?? '127.0.0.1', port };
}

/** `host:port`, with IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** `http://host:port`, with IPv6 literals in brackets. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
