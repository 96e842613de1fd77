// Answers gRPC calls on any `/<service>/<method>`, written by hand on node:http2 so route tests
// can use made-up services: one reply message (the JSON echo) per request message, then
// `grpc-status: 0`. Unary, client-, server- and bidi-streaming calls all fit that shape.
import type { Http2ServerRequest, Http2ServerResponse, OutgoingHttpHeaders } from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorText, logLine, type EchoContext, type RequestOutcome } from './context.js';
import { http2Problems, readControls, type EchoControls } from './controls.js';
import { fromHttp2, type Exchange } from './exchange.js';
import { drained } from './filler.js';
import { encodeGrpcMessage, GrpcMessageReader, GrpcMessageTooLarge } from './grpc-frames.js';
import { toOutgoing, withOverrides } from './headers.js';
import { asText, describeRequest, digestOf, TEXT_LIMIT, type GrpcEchoReport } from './report.js';

const GrpcStatus = { OK: 0, INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13 } as const;

/** Larger than gRPC's usual 4 MiB default, small enough that one call cannot exhaust memory. */
export const GRPC_MESSAGE_LIMIT = 16 * 1024 * 1024;

/** application/grpc and application/grpc+proto etc.; not grpc-web, which is plain HTTP here. */
export function isGrpc(contentType: string | undefined): boolean {
  const type = contentType?.toLowerCase() ?? '';
  return type === 'application/grpc' || type.startsWith('application/grpc+') || type.startsWith('application/grpc;');
}

interface CallTally {
  outcome: RequestOutcome;
  status?: number;
  grpcStatus?: number;
  requestBytes: number;
  responseBytes: number;
  messages: number;
  error?: string;
}

export async function serveGrpc(req: Http2ServerRequest, res: Http2ServerResponse, context: EchoContext): Promise<void> {
  const startedAt = performance.now();
  const exchange = fromHttp2(req, res);
  const tally: CallTally = { outcome: 'answered', requestBytes: 0, responseBytes: 0, messages: 0 };
  try {
    await serveCall(exchange, req, context.name, tally);
  } catch (caught) {
    tally.outcome = exchange.gone.aborted ? 'aborted' : 'failed';
    if (tally.outcome === 'failed') {
      tally.error = errorText(caught);
      exchange.reset();
    }
  } finally {
    logLine(context, exchange, startedAt, tally);
  }
}

async function serveCall(exchange: Exchange, req: Http2ServerRequest, name: string, tally: CallTally): Promise<void> {
  const { controls, problems } = readControls(exchange.headers);
  problems.push(...http2Problems(controls));
  const call = /^\/([^/]+)\/([^/]+)$/.exec(exchange.target);
  const trailersOnly = (code: number, message: string | undefined): void => {
    exchange.body.resume();
    const fields: [string, string][] = [['grpc-status', String(code)]];
    if (message !== undefined) fields.push(['grpc-message', percentEncode(message)]);
    req.stream.respond(
      { ':status': 200, ...replyHeaders(name, controls), ...toOutgoing(withOverrides(fields, controls.trailers)) },
      { endStream: true },
    );
    tally.status = 200;
    tally.grpcStatus = code;
  };

  if (problems.length > 0) {
    trailersOnly(GrpcStatus.INVALID_ARGUMENT, `bad x-echo-* metadata: ${problems.join('; ')}`);
    tally.outcome = 'rejected';
    return;
  }
  if (call === null) {
    trailersOnly(GrpcStatus.UNIMPLEMENTED, `path "${exchange.target}" is not /<service>/<method>`);
    tally.outcome = 'rejected';
    return;
  }
  if (controls.fail === 'close') {
    exchange.closeConnection();
    tally.outcome = 'closed';
    return;
  }
  if (controls.delayMs > 0) await sleep(controls.delayMs, undefined, { signal: exchange.gone });
  if (controls.fail === 'reset') {
    exchange.reset();
    tally.outcome = 'reset';
    return;
  }
  if (controls.status !== undefined && controls.status !== 200) {
    // What a gRPC client sees from a proxy or server that does not speak gRPC.
    exchange.body.resume();
    req.stream.respond({ ':status': controls.status, 'x-echo-name': name }, { endStream: true });
    tally.status = controls.status;
    return;
  }
  if (controls.grpcStatus !== undefined && controls.grpcStatus !== GrpcStatus.OK) {
    trailersOnly(controls.grpcStatus, controls.grpcMessage);
    return;
  }

  const response = exchange.response;
  response.writeHead(200, replyHeaders(name, controls));
  response.flushHeaders?.();
  tally.status = 200;
  const grpc = { service: call[1] ?? '', method: call[2] ?? '' };
  const request = describeRequest(name, exchange);
  const reader = new GrpcMessageReader(GRPC_MESSAGE_LIMIT);
  let final: [number, string | undefined] = [GrpcStatus.OK, undefined];
  try {
    for await (const chunk of exchange.body as AsyncIterable<Buffer>) {
      for (const message of reader.push(chunk)) {
        const text = message.compressed || message.payload.length > TEXT_LIMIT ? undefined : asText(message.payload);
        const report: GrpcEchoReport = {
          ...request,
          grpc,
          message: { index: tally.messages, compressed: message.compressed, ...digestOf(message.payload) },
        };
        if (text !== undefined) report.message.text = text;
        const reply = encodeGrpcMessage(Buffer.from(JSON.stringify(report)));
        tally.messages += 1;
        tally.requestBytes += message.payload.length;
        tally.responseBytes += reply.length;
        if (!response.write(reply)) await drained(response, exchange.gone);
      }
    }
    // Node reports a cancelled call as the end of the request before the abort: often not caught.
    exchange.gone.throwIfAborted();
    if (!reader.atBoundary) final = [GrpcStatus.INTERNAL, 'the request ended inside a message'];
  } catch (caught) {
    if (!(caught instanceof GrpcMessageTooLarge)) throw caught;
    exchange.body.resume();
    final = [GrpcStatus.RESOURCE_EXHAUSTED, caught.message];
  }
  const trailers: [string, string][] = [['grpc-status', String(final[0])]];
  if (final[1] !== undefined) trailers.push(['grpc-message', percentEncode(final[1])]);
  const sent = withOverrides(trailers, controls.trailers);
  tally.grpcStatus = Number(sent.find(([field]) => field === 'grpc-status')?.[1]);
  exchange.setTrailers(sent);
  response.end();
}

function replyHeaders(name: string, controls: EchoControls): OutgoingHttpHeaders {
  return toOutgoing(withOverrides([['content-type', 'application/grpc'], ['x-echo-name', name]], controls.setHeaders));
}

/** grpc-message is percent-encoded outside printable ASCII (gRPC over HTTP/2 spec). */
function percentEncode(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message)) {
    const printable = byte >= 0x20 && byte <= 0x7e && byte !== 0x25;
    out += printable ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
