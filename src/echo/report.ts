// What the echo server says back: the request exactly as it arrived (method, raw target, host,
// every header with repeats) plus a digest of the body, so a test can compare what it sent with
// what reached the backend without the backend keeping the body.
import { createHash } from 'node:crypto';
import { groupHeaders, type HeaderList } from './headers.js';

export type EchoProtocol = 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2';

export interface RemoteAddress {
  address: string;
  port: number;
}

export interface EchoRequestInfo {
  name: string;
  protocol: EchoProtocol;
  method: string;
  /** The request target exactly as received (HTTP/2: `:path`), query included. */
  path: string;
  /** Host, or :authority on HTTP/2; '' when absent. */
  host: string;
  headers: Record<string, string[]>;
  /** HTTP/2 pseudo-headers (`:method`, `:path`, …); absent on HTTP/1. */
  pseudo?: Record<string, string[]>;
  remote: RemoteAddress;
}

export interface BodyDigest {
  bytes: number;
  sha256: string;
}

/** The JSON answer to an HTTP request. */
export interface HttpEchoReport extends EchoRequestInfo {
  body: BodyDigest;
}

/** The JSON payload of each gRPC reply message. */
export interface GrpcEchoReport extends EchoRequestInfo {
  grpc: { service: string; method: string };
  message: GrpcMessageReport;
}

export interface GrpcMessageReport extends BodyDigest {
  /** 0 for the first message of the call. */
  index: number;
  compressed: boolean;
  /** The payload as text when it is valid UTF-8, uncompressed and at most TEXT_LIMIT bytes. */
  text?: string;
}

export const TEXT_LIMIT = 64 * 1024;

export interface RequestFacts {
  protocol: EchoProtocol;
  method: string;
  target: string;
  authority: string;
  headers: HeaderList;
  pseudo: HeaderList | undefined;
  remote: RemoteAddress;
}

export function describeRequest(name: string, request: RequestFacts): EchoRequestInfo {
  return {
    name,
    protocol: request.protocol,
    method: request.method,
    path: request.target,
    host: request.authority,
    headers: groupHeaders(request.headers),
    ...(request.pseudo === undefined ? {} : { pseudo: groupHeaders(request.pseudo) }),
    remote: request.remote,
  };
}

/** Reads a body to its end, counting and hashing it chunk by chunk (never buffering it whole). */
export async function digestBody(body: AsyncIterable<Buffer | string>): Promise<BodyDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += data.length;
    hash.update(data);
  }
  return { bytes, sha256: hash.digest('hex') };
}

export function digestOf(data: Buffer): BodyDigest {
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The payload as text, or undefined when it is not valid UTF-8. */
export function asText(data: Buffer): string | undefined {
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}
