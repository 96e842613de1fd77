// A raw config stream that shows a token (or none) and a claimed identity, for the proxy
// authentication tests: it resolves with the first delta or the stream's final status, whichever
// comes first, so a test can tell "admitted" from "refused with code X".
import * as grpc from '@grpc/grpc-js';
import { newConfigSyncClient, type ProxyIdentity, type ProxyMessageInput, type ServerMessage } from '../../src/configsync/proto.js';

export type Outcome = { admitted: true; version: string } | { admitted: false; code: grpc.status; details: string };

export interface ClaimOptions {
  /** Sent as `authorization: Bearer <token>`; undefined: no metadata. */
  token?: string;
  /** A raw authorization value instead (a malformed one). */
  authorization?: string;
  /** Messages sent right after the hello. */
  then?: ProxyMessageInput[];
  timeoutMs?: number;
}

export function identity(namespace: string, serviceAccount: string, pod: string): ProxyIdentity {
  return { pod, namespace, serviceAccount, node: 'node-1', podIps: [], kind: 'sidecar' };
}

/** Opens one stream claiming `claimed`; resolves with what the server made of it; always closes the stream. */
export async function claim(port: number, claimed: ProxyIdentity, options: ClaimOptions = {}): Promise<Outcome> {
  const client = newConfigSyncClient(`127.0.0.1:${port}`);
  const metadata = new grpc.Metadata();
  if (options.token !== undefined) metadata.set('authorization', `Bearer ${options.token}`);
  if (options.authorization !== undefined) metadata.set('authorization', options.authorization);
  const stream = client.Stream(metadata);
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    return await new Promise<Outcome>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no delta and no status within ${timeoutMs} ms`)); }, timeoutMs);
      stream.on('data', (message: ServerMessage) => {
        if (message.message !== 'delta') return;
        clearTimeout(timer);
        resolve({ admitted: true, version: message.delta.version });
      });
      stream.on('error', () => undefined);
      stream.on('status', (status: grpc.StatusObject) => {
        clearTimeout(timer);
        resolve({ admitted: false, code: status.code, details: status.details });
      });
      stream.write({ hello: { identity: claimed, proxyVersion: 'test' } });
      for (const message of options.then ?? []) stream.write(message);
    });
  } finally {
    stream.cancel();
    client.close();
  }
}

/** A fake JWT whose payload carries `exp` (the gate reads it to bound caching; nothing verifies it). */
export function fakeJwt(name: string, expSeconds?: number): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: name, ...(expSeconds === undefined ? {} : { exp: expSeconds }) })}.sig-${name}`;
}
