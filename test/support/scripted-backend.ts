// An HTTP/1.1 backend whose answer to each request follows a script (fail the first N attempts,
// hang, reset) and that records every request it got, headers and body size included: for
// retries, mirrors and timeouts, where what matters is how often and what the proxy sent.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedRequest {
  /** 1-based: the how-many-th request this backend got. */
  attempt: number;
  method: string;
  url: string;
  /** Raw header pairs, lower-case names, repeats kept. */
  headers: [string, string][];
  bodyBytes: number;
}

/**
 * What to do with one request: answer (after an optional delay; `cutBody` sends the head and half
 * the body, then nothing more (`stall`) or a TCP reset (`reset`)), never answer, or reset the
 * connection before answering.
 */
export type Reply = { status: number; delayMs?: number; headers?: Record<string, string>; cutBody?: 'stall' | 'reset' } | 'hang' | 'reset';

export type Script = (req: RecordedRequest) => Reply;

export interface ScriptedBackend {
  readonly name: string;
  readonly address: { host: string; port: number };
  readonly requests: RecordedRequest[];
  /** Resolves once `count` requests were recorded; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The first `failures` requests get `status`, the rest 200. */
export function failFirst(failures: number, status: number): Script {
  return (req) => ({ status: req.attempt <= failures ? status : 200 });
}

export async function startScriptedBackend(name: string, script: Script = () => ({ status: 200 })): Promise<ScriptedBackend> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
    });
    req.on('end', () => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([(req.rawHeaders[i] ?? '').toLowerCase(), req.rawHeaders[i + 1] ?? '']);
      const recorded: RecordedRequest = { attempt: requests.length + 1, method: req.method ?? '', url: req.url ?? '', headers, bodyBytes };
      requests.push(recorded);
      void answer(script(recorded), recorded, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const answer = async (reply: Reply, recorded: RecordedRequest, res: http.ServerResponse): Promise<void> => {
    if (reply === 'hang') return;
    if (reply === 'reset') {
      res.socket?.resetAndDestroy();
      return;
    }
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (res.destroyed) return;
    const body = Buffer.from(JSON.stringify({ name, attempt: recorded.attempt, path: recorded.url, bodyBytes: recorded.bodyBytes }));
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(body.length), ...reply.headers });
    if (reply.cutBody === undefined) {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, body.length >> 1));
    if (reply.cutBody === 'reset') setTimeout(() => res.socket?.resetAndDestroy(), 20);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    name,
    address: { host: bound.address, port: bound.port },
    requests,
    async waitForRequests(count, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`${name}: ${requests.length} of ${count} requests after ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Every value a recorded request carried for a header (lower-case name). */
export function recordedHeader(req: RecordedRequest | undefined, name: string): string[] {
  return (req?.headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
}
