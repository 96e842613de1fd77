// Answers an HTTP request (HTTP/1.x or HTTP/2) with the JSON echo of what arrived, after applying
// the x-echo-* controls: status, delay, extra headers, trailers, a filler body, or a failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorText, logLine, type EchoContext, type RequestOutcome } from './context.js';
import { http2Problems, readControls, type EchoControls } from './controls.js';
import type { Exchange } from './exchange.js';
import { drained, writeFiller } from './filler.js';
import { toOutgoing, withOverrides, type HeaderList } from './headers.js';
import { describeRequest, digestBody, type BodyDigest, type HttpEchoReport } from './report.js';

export async function serveHttp(exchange: Exchange, context: EchoContext): Promise<void> {
  const startedAt = performance.now();
  let outcome: RequestOutcome = 'answered';
  let status: number | undefined;
  let requestBytes: number | undefined;
  let responseBytes: number | undefined;
  let error: string | undefined;
  try {
    const { controls, problems } = readControls(exchange.headers);
    if (exchange.protocol === 'HTTP/2') problems.push(...http2Problems(controls));
    if (problems.length > 0) {
      exchange.body.resume();
      status = 400;
      responseBytes = await sendJson(exchange, context.name, 400, { error: 'bad x-echo-* request header', problems });
      outcome = 'rejected';
      return;
    }
    if (controls.fail === 'close') {
      exchange.closeConnection();
      outcome = 'closed';
      return;
    }
    const body = await digestBody(exchange.body);
    requestBytes = body.bytes;
    // No answer for a client that already left. (Node's HTTP/2 compatibility request reports a
    // reset as the end of the body and only then as an abort, so some of those are answered.)
    exchange.gone.throwIfAborted();
    if (controls.delayMs > 0) await sleep(controls.delayMs, undefined, { signal: exchange.gone });
    if (controls.fail === 'reset') {
      exchange.reset();
      outcome = 'reset';
      return;
    }
    status = controls.status ?? 200;
    responseBytes = await answer(exchange, context.name, controls, status, body);
  } catch (caught) {
    // Mostly the client leaving mid-way (aborted upload, closed during a delay or a download).
    outcome = exchange.gone.aborted ? 'aborted' : 'failed';
    if (outcome === 'failed') {
      error = errorText(caught);
      exchange.reset();
    }
  } finally {
    logLine(context, exchange, startedAt, { outcome, status, requestBytes, responseBytes, error });
  }
}

async function answer(
  exchange: Exchange,
  name: string,
  controls: EchoControls,
  status: number,
  body: BodyDigest,
): Promise<number> {
  const filler = controls.bodyBytes !== undefined;
  const payload = filler ? undefined : reportBytes({ ...describeRequest(name, exchange), body });
  const length = payload?.length ?? controls.bodyBytes ?? 0;
  const bodyless = exchange.method === 'HEAD' || status === 204 || status === 304;
  const http1 = exchange.protocol !== 'HTTP/2';
  const trailers = bodyless ? [] : controls.trailers;

  const defaults: HeaderList = [
    ['content-type', filler ? 'text/plain; charset=utf-8' : 'application/json'],
    ['x-echo-name', name],
  ];
  const headers = withOverrides(defaults, controls.setHeaders);
  // HTTP/1.1 can carry trailers only in a chunked body.
  const withoutLength = controls.chunked || (http1 && trailers.length > 0) || status === 204 || status === 304;
  if (!withoutLength) headers.push(['content-length', String(length)]);
  if (http1 && trailers.length > 0) headers.push(['trailer', [...new Set(trailers.map(([field]) => field))].join(', ')]);

  const response = exchange.response;
  response.writeHead(status, toOutgoing(headers));
  if (bodyless) {
    response.end();
    return 0;
  }
  if (payload !== undefined) {
    if (!response.write(payload)) await drained(response, exchange.gone);
  } else {
    await writeFiller(response, length, exchange.gone);
  }
  if (trailers.length > 0) exchange.setTrailers(trailers);
  response.end();
  return length;
}

async function sendJson(exchange: Exchange, name: string, status: number, value: object): Promise<number> {
  const payload = reportBytes(value);
  exchange.response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(payload.length),
    'x-echo-name': name,
  });
  if (exchange.method !== 'HEAD' && !exchange.response.write(payload)) await drained(exchange.response, exchange.gone);
  exchange.response.end();
  return payload.length;
}

function reportBytes(value: HttpEchoReport | object): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
