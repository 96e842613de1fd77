// 10 MB bodies go through intact both ways, on HTTP/1.1 and h2c; and the proxy only moves bytes
// as fast as the slower side takes them: while a client does not read, the backend's writes stall
// (the proxy does not buffer the response), and while a backend does not read, the client's writes
// stall. Each stall is checked against a body far larger than every socket buffer on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import { fillerBytes } from '../../../src/echo/index.js';
import type { EchoReply } from '../../support/mesh.js';
import { startTestMesh, serviceYaml } from '../../support/mesh.js';
import { Peers, within } from '../../support/peers.js';
import { settled } from '../../support/settle.js';

const TEN_MB = 10 * 1024 * 1024;
/** Larger than kernel buffers on the path can hold (tcp_rmem max is 32 MiB on common kernels). */
const HUGE = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

test('a 10 MB upload and a 10 MB download pass intact over HTTP/1.1', { timeout: 30_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const upload = fillerBytes(7, TEN_MB);
    const up = await h1(mesh.port, { method: 'POST', headers: { host: 'svc' }, body: upload });
    const reply = JSON.parse(up.toString()) as EchoReply;
    assert.deepEqual(reply.body, { bytes: TEN_MB, sha256: sha256(upload) });

    const down = await h1(mesh.port, { method: 'GET', headers: { host: 'svc', 'x-echo-body-bytes': String(TEN_MB) } });
    assert.equal(down.length, TEN_MB);
    assert.ok(down.equals(fillerBytes(0, TEN_MB)), 'the download was corrupted on the way');
  } finally {
    await peers.close();
  }
});

test('a 10 MB upload and a 10 MB download pass intact over h2c', { timeout: 30_000 }, async () => {
  const peers = new Peers();
  try {
    const echo = await peers.echo('echo');
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', portName: 'h2c', backends: [echo.address] }));
    peers.onClose(() => mesh.close());
    const session = peers.h2c(mesh.port);
    const upload = fillerBytes(3, TEN_MB);
    const up = await h2(session, { ':method': 'POST', ':path': '/up', ':authority': 'svc' }, upload);
    assert.deepEqual((JSON.parse(up.toString()) as EchoReply).body, { bytes: TEN_MB, sha256: sha256(upload) });
    const down = await h2(session, { ':path': '/down', ':authority': 'svc', 'x-echo-body-bytes': String(TEN_MB) });
    assert.equal(down.length, TEN_MB);
    assert.ok(down.equals(fillerBytes(0, TEN_MB)), 'the download was corrupted on the way');
  } finally {
    await peers.close();
  }
});

test('a client that stops reading stalls the backend\'s writes; reading again finishes the download', { timeout: 60_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = { written: 0, waitingForDrain: false, done: false };
    const server = await peers.httpServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(HUGE) });
      const pump = (): void => {
        while (backend.written < HUGE) {
          backend.written += CHUNK.length;
          if (!res.write(CHUNK)) {
            backend.waitingForDrain = true;
            res.once('drain', () => {
              backend.waitingForDrain = false;
              pump();
            });
            return;
          }
        }
        backend.done = true;
        res.end();
      };
      pump();
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: server.port }] }));
    peers.onClose(() => mesh.close());
    const req = http.request({ host: '127.0.0.1', port: mesh.port, path: '/huge', headers: { host: 'svc' }, agent: false });
    peers.onClose(() => {
      req.destroy();
    });
    req.end();
    const [res] = (await within(once(req, 'response'), 5000, 'response head')) as [http.IncomingMessage];
    res.pause();
    // The client reads nothing; wait until the backend's writes stop moving.
    await settled(() => (backend.waitingForDrain ? backend.written : -1), { quietMs: 300, timeoutMs: 20_000 });
    assert.equal(backend.done, false);
    assert.ok(backend.written < HUGE / 2, `the backend wrote ${backend.written} bytes while the client read none`);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    await within(once(res, 'end'), 30_000, 'the rest of the download');
    assert.equal(received, HUGE);
  } finally {
    await peers.close();
  }
});

test('a backend that stops reading stalls the client\'s writes; reading again finishes the upload', { timeout: 60_000 }, async () => {
  const peers = new Peers();
  try {
    let backendReq: http.IncomingMessage | undefined;
    let received = 0;
    const server = await peers.httpServer((req, res) => {
      backendReq = req;
      req.pause();
      req.on('end', () => res.end(String(received)));
    });
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', backends: [{ host: '127.0.0.1', port: server.port }] }));
    peers.onClose(() => mesh.close());
    const req = http.request({ host: '127.0.0.1', port: mesh.port, method: 'PUT', path: '/huge', headers: { host: 'svc', 'content-length': String(HUGE) }, agent: false });
    peers.onClose(() => {
      req.destroy();
    });
    const client = { written: 0, waitingForDrain: false };
    const pump = (): void => {
      while (client.written < HUGE) {
        client.written += CHUNK.length;
        if (!req.write(CHUNK)) {
          client.waitingForDrain = true;
          req.once('drain', () => {
            client.waitingForDrain = false;
            pump();
          });
          return;
        }
      }
      req.end();
    };
    pump();
    await settled(() => (client.waitingForDrain && backendReq ? client.written : -1), { quietMs: 300, timeoutMs: 20_000 });
    assert.ok(client.written < HUGE / 2, `the client wrote ${client.written} bytes while the backend read none`);
    const response = once(req, 'response');
    const reader = backendReq;
    assert.ok(reader);
    reader.on('data', (c: Buffer) => (received += c.length));
    reader.resume();
    const [res] = (await within(response, 30_000, 'the rest of the upload')) as [http.IncomingMessage];
    const body: Buffer[] = [];
    res.on('data', (c: Buffer) => body.push(c));
    await within(once(res, 'end'), 5000, 'response end');
    assert.equal(Buffer.concat(body).toString(), String(HUGE));
  } finally {
    await peers.close();
  }
});

test('an h2c client that stops reading stalls an HTTP/2 backend\'s writes; reading again finishes', { timeout: 60_000 }, async () => {
  const peers = new Peers();
  try {
    const backend = { written: 0, waitingForDrain: false };
    const server = http2.createServer();
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200 });
      const pump = (): void => {
        while (backend.written < HUGE) {
          backend.written += CHUNK.length;
          if (!stream.write(CHUNK)) {
            backend.waitingForDrain = true;
            stream.once('drain', () => {
              backend.waitingForDrain = false;
              pump();
            });
            return;
          }
        }
        stream.end();
      };
      pump();
    });
    server.on('session', (session) => {
      peers.onClose(() => {
        session.destroy();
      });
    });
    const port = await peers.listen(server);
    const mesh = await startTestMesh(serviceYaml({ name: 'svc', portName: 'h2c', backends: [{ host: '127.0.0.1', port }] }));
    peers.onClose(() => mesh.close());
    const session = http2.connect(`http://127.0.0.1:${mesh.port}`);
    peers.onClose(() => { session.destroy(); });
    const stream = session.request({ ':path': '/huge', ':authority': 'svc' });
    stream.end();
    await within(once(stream, 'response'), 5000, 'response head');
    stream.pause();
    await settled(() => (backend.waitingForDrain ? backend.written : -1), { quietMs: 300, timeoutMs: 20_000 });
    assert.ok(backend.written < HUGE / 2, `the backend wrote ${backend.written} bytes while the client read none`);
    let received = 0;
    stream.on('data', (c: Buffer) => (received += c.length));
    stream.resume();
    await within(once(stream, 'end'), 30_000, 'the rest of the download');
    assert.equal(received, HUGE);
  } finally {
    await peers.close();
  }
});

function h1(port: number, options: { method: string; headers: http.OutgoingHttpHeaders; body?: Buffer }): Promise<Buffer> {
  return within(
    new Promise<Buffer>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/big', method: options.method, headers: options.headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => { resolve(Buffer.concat(chunks)); });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(options.body);
    }),
    20_000,
    `${options.method} 10 MB`,
  );
}

function h2(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer): Promise<Buffer> {
  return within(
    new Promise<Buffer>((resolve, reject) => {
      const stream = session.request(headers);
      stream.end(body);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => { resolve(Buffer.concat(chunks)); });
      stream.on('error', reject);
    }),
    20_000,
    `h2 ${String(headers[':path'])}`,
  );
}
