// What `sidelane demo` shows: each example route checked through the running proxy, with the curl
// command a user can run to see the same thing. Plain requests on real sockets, nothing mocked.
import http from 'node:http';
import http2 from 'node:http2';

export interface DemoCheck {
  title: string;
  curl: string;
  run(proxyPort: number): Promise<{ ok: boolean; detail: string }>;
}

export function demoChecks(proxyPort: number): DemoCheck[] {
  const via = `--connect-to ::127.0.0.1:${proxyPort}`;
  return [
    {
      title: 'weighted split: reviews → 80% reviews-v1, 20% reviews-v2',
      curl: `for i in $(seq 20); do curl -s ${via} http://reviews/ | grep -o '"name":"[^"]*"'; done | sort | uniq -c`,
      run: async (port) => {
        const counts = new Map<string, number>();
        for (let i = 0; i < 200; i++) {
          const name = (await get(port, 'reviews', '/')).name;
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        const v1 = counts.get('reviews-v1') ?? 0;
        const v2 = counts.get('reviews-v2') ?? 0;
        return { ok: v1 + v2 === 200 && v1 > 120 && v2 > 15, detail: `200 requests: ${v1}× reviews-v1, ${v2}× reviews-v2` };
      },
    },
    {
      title: 'header match: x-version: v2 → reviews-v2',
      curl: `curl -s ${via} -H 'x-version: v2' http://reviews/`,
      run: async (port) => {
        const r = await get(port, 'reviews', '/', { 'x-version': 'v2' });
        return { ok: r.name === 'reviews-v2', detail: `answered by ${r.name}` };
      },
    },
    {
      title: 'redirect: /old/... → 301 to /new/...',
      curl: `curl -si ${via} http://reviews/old/page?x=1 | head -3`,
      run: async (port) => {
        const r = await get(port, 'reviews', '/old/page?x=1');
        const expected = 'http://reviews/new/page?x=1';
        return { ok: r.status === 301 && r.location === expected, detail: `${r.status} Location: ${r.location ?? '(none)'}` };
      },
    },
    {
      title: 'gRPC route: helloworld.Greeter/SayHello → greeter-v2, other methods → greeter',
      curl:
        `printf '\\0\\0\\0\\0\\0' | curl -s --http2-prior-knowledge ${via} -H 'content-type: application/grpc' -H 'te: trailers' ` +
        `--data-binary @- http://greeter:50051/helloworld.Greeter/SayHello | tail -c +6`,
      run: async (port) => {
        const hello = await grpcCall(port, 'greeter:50051', '/helloworld.Greeter/SayHello');
        const other = await grpcCall(port, 'greeter:50051', '/helloworld.Greeter/SayGoodbye');
        return {
          ok: hello.name === 'greeter-v2' && other.name === 'greeter' && hello.grpcStatus === '0',
          detail: `SayHello answered by ${hello.name}, SayGoodbye by ${other.name} (grpc-status ${hello.grpcStatus})`,
        };
      },
    },
  ];
}

function get(port: number, host: string, path: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; name: string; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let name = '';
          try {
            name = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name?: string }).name ?? '';
          } catch {
            name = '';
          }
          resolve({ status: res.statusCode ?? 0, name, location: res.headers.location });
        });
      })
      .on('error', reject);
  });
}

function grpcCall(port: number, authority: string, path: string): Promise<{ name: string; grpcStatus: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': path, ':authority': authority, 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let grpcStatus = '';
    stream.on('response', (headers: http2.IncomingHttpHeaders) => {
      const status = headers['grpc-status'];
      if (typeof status === 'string') grpcStatus = status;
    });
    stream.on('trailers', (trailers: http2.IncomingHttpHeaders) => {
      const status = trailers['grpc-status'];
      if (typeof status === 'string') grpcStatus = status;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      session.close();
      const body = Buffer.concat(chunks);
      let name = '';
      try {
        name = (JSON.parse(body.subarray(5).toString('utf8')) as { name?: string }).name ?? '';
      } catch {
        name = '';
      }
      resolve({ name, grpcStatus });
    });
    stream.on('error', reject);
    // One empty message: a 5-byte gRPC frame header with length 0.
    stream.end(Buffer.alloc(5));
  });
}
