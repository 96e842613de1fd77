// `--listen`/`--admin` values: `host:port`, `[v6]:port`, `:port` or `port` (loopback by default:
// a local mesh must not open a proxy to the network unless asked).
export function parseListenAddress(text: string, defaultHost = '127.0.0.1'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*))?:?(\d{1,5})$/.exec(text.trim());
  const port = m?.[3] === undefined ? NaN : Number(m[3]);
  if (!m || !Number.isInteger(port) || port > 65535) throw new Error(`not a listen address: ${JSON.stringify(text)} (want host:port)`);
  const host = m[1] ?? (m[2] === undefined || m[2] === '' ? defaultHost : m[2]);
  return { host, port };
}
