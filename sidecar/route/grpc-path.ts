// The gRPC view of an HTTP/2 request path: gRPC calls are always `/<service>/<method>`
// (gRPC over HTTP/2 spec, "Path → ":path" "/" Service-Name "/" {method name}).

export interface GrpcCall {
  /** Fully qualified service, e.g. `helloworld.Greeter`. */
  service: string;
  method: string;
}

/** The service and method a path names, or undefined when the path is not gRPC-shaped. */
export function parseGrpcPath(path: string): GrpcCall | undefined {
  if (!path.startsWith('/')) return undefined;
  const slash = path.indexOf('/', 1);
  if (slash < 0) return undefined;
  const service = path.slice(1, slash);
  const method = path.slice(slash + 1);
  if (service === '' || method === '' || method.includes('/')) return undefined;
  return { service, method };
}
