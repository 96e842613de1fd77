// Unary gRPC calls through the proxy with @grpc/grpc-js and raw Buffer (de)serializers, so a
// test can call any made-up `/<service>/<method>` on the echo server and read its JSON reply.
// The channel connects to the proxy over h2c; :authority names the Service, as a mesh client's would.
import * as grpc from '@grpc/grpc-js';

export interface GrpcOutcome {
  /** grpc.status code (0 = OK). */
  code: number;
  details: string;
  /** The echo's reply for OK calls. */
  reply: { name: string; grpc: { service: string; method: string }; headers: Record<string, string[]> } | undefined;
  /** The status metadata (trailers), lower-case keys, first value each. */
  trailers: Record<string, string>;
}

export class GrpcCaller {
  readonly #client: grpc.Client;

  constructor(proxyPort: number, authority: string) {
    this.#client = new grpc.Client(`127.0.0.1:${proxyPort}`, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority });
  }

  /** One unary call, bounded by a 5 s deadline so a test never waits forever. */
  call(path: string, metadata: Record<string, string> = {}): Promise<GrpcOutcome> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.set(k, v);
    let onReply: (value: Buffer | undefined) => void = () => undefined;
    let onStatus: (status: grpc.StatusObject) => void = () => undefined;
    const replied = new Promise<Buffer | undefined>((resolve) => (onReply = resolve));
    const ended = new Promise<grpc.StatusObject>((resolve) => (onStatus = resolve));
    const call = this.#client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from('ping'),
      md,
      { deadline: Date.now() + 5000 },
      (_err, value) => {
        onReply(value);
      },
    );
    call.on('status', onStatus);
    // grpc-js calls back and emits 'status' in an order of its own: wait for both.
    return Promise.all([replied, ended]).then(([reply, status]) => {
      const trailers: Record<string, string> = {};
      for (const [k, v] of Object.entries(status.metadata.getMap())) trailers[k] = String(v);
      return {
        code: status.code,
        details: status.details,
        reply: status.code === grpc.status.OK && reply ? (JSON.parse(reply.toString()) as GrpcOutcome['reply']) : undefined,
        trailers,
      };
    });
  }

  close(): void {
    this.#client.close();
  }
}

export const GrpcStatus = grpc.status;
