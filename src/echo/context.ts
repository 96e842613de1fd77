// What every handler of the echo server shares: the server's name and where a finished request
// is reported. One log line per request, call or upgrade, with stable keys.

export type RequestOutcome = 'answered' | 'reset' | 'closed' | 'aborted' | 'upgraded' | 'rejected' | 'failed';

export interface RequestLog {
  time: string;
  event: 'request';
  name: string;
  protocol: string;
  method: string;
  path: string;
  host: string;
  remote: string;
  outcome: RequestOutcome;
  status?: number;
  grpcStatus?: number;
  /** Request body bytes (gRPC: payload bytes of every message). */
  requestBytes?: number;
  responseBytes?: number;
  messages?: number;
  durationMs: number;
  error?: string;
}

export interface EchoContext {
  readonly name: string;
  report(line: RequestLog): void;
}

/** The fields every log line repeats from the request. */
export interface LoggedRequest {
  protocol: string;
  method: string;
  target: string;
  authority: string;
  remote: { address: string; port: number };
}

export function logLine(
  context: EchoContext,
  request: LoggedRequest,
  startedAt: number,
  fields: Pick<RequestLog, 'outcome'> & Partial<RequestLog>,
): void {
  context.report({
    time: new Date().toISOString(),
    event: 'request',
    name: context.name,
    protocol: request.protocol,
    method: request.method,
    path: request.target,
    host: request.authority,
    remote: `${request.remote.address}:${request.remote.port}`,
    durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    // Absent rather than undefined: the line is also read as an object, not only as JSON.
    ...(definedOnly(fields) as typeof fields),
  });
}

function definedOnly(fields: object): object {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
