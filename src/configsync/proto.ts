// The ConfigSync gRPC service, loaded at run time from configsync.proto with @grpc/proto-loader,
// and TypeScript types for its messages as proto-loader decodes them (camelCase fields, bytes as
// Buffer, every scalar present with its default, `message` naming which oneof member is set).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const CONFIGSYNC_SERVICE = 'sidelane.configsync.v1.ConfigSync';
/** The one method's path, for logs and raw clients. */
export const CONFIGSYNC_STREAM_PATH = `/${CONFIGSYNC_SERVICE}/Stream`;

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

// Next to this module in a source checkout; a build (tsc → dist/src/configsync/) does not copy the
// .proto, so from there the source tree's copy is used unless a build step placed one alongside.
const PROTO_CANDIDATES = ['./configsync.proto', '../../../src/configsync/configsync.proto'];

/** Where configsync.proto was found (throws if nowhere). */
export function protoPath(): string {
  for (const candidate of PROTO_CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`configsync.proto not found next to ${fileURLToPath(import.meta.url)} nor in the source tree`);
}

let loaded: protoLoader.PackageDefinition | undefined;

function packageDefinition(): protoLoader.PackageDefinition {
  loaded ??= protoLoader.loadSync(protoPath(), PROTO_LOADER_OPTIONS);
  return loaded;
}

export function configSyncService(): grpc.ServiceDefinition {
  const service = packageDefinition()[CONFIGSYNC_SERVICE];
  if (service === undefined || !('Stream' in service)) throw new Error(`${CONFIGSYNC_SERVICE} missing from configsync.proto`);
  return service;
}

export function configSyncClientConstructor(): grpc.ServiceClientConstructor {
  return grpc.makeGenericClientConstructor(configSyncService(), 'ConfigSync');
}

/** A ConfigSync client with its one method typed. */
export interface ConfigSyncClient extends grpc.Client {
  Stream(metadata?: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<ProxyMessageInput, ServerMessage>;
}

export function newConfigSyncClient(
  address: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  options?: grpc.ClientOptions,
): ConfigSyncClient {
  const Client = configSyncClientConstructor();
  return new Client(address, credentials, options) as unknown as ConfigSyncClient;
}

// ---------------------------------------------------------------------------------------------
// Messages as decoded (what a stream's 'data' event delivers).

export interface ProxyIdentity {
  pod: string;
  namespace: string;
  serviceAccount: string;
  node: string;
  podIps: string[];
  /** "sidecar" | "gateway". */
  kind: string;
}

export interface Hello {
  /** null when the proxy sent none (a message field's default). */
  identity: ProxyIdentity | null;
  resourceVersions: Record<string, string>;
  subscriptions: string[];
  proxyVersion: string;
}

export interface Subscribe {
  destinations: string[];
}

export interface Unsubscribe {
  destinations: string[];
}

export interface Ack {
  nonce: string;
  version: string;
}

export interface Nack {
  nonce: string;
  reason: string;
  version: string;
}

/** A decoded proxy message: `message` names the member set (undefined when the sender set none). */
export type ProxyMessage =
  | { message: 'hello'; hello: Hello }
  | { message: 'subscribe'; subscribe: Subscribe }
  | { message: 'unsubscribe'; unsubscribe: Unsubscribe }
  | { message: 'ack'; ack: Ack }
  | { message: 'nack'; nack: Nack }
  | { message?: undefined };

export interface Resource {
  name: string;
  /** Content hash of body (bodyVersion). */
  version: string;
  /** Canonical JSON (encodeBody); a Buffer when decoded. */
  body: Buffer;
}

export interface Delta {
  nonce: string;
  /** irVersion of the whole IR this delta brings the proxy to. */
  version: string;
  /** Added or changed, sorted by name. */
  resources: Resource[];
  /** Names the proxy must drop, sorted. */
  removed: string[];
  /** The replica that sent it. */
  controller: string;
  clusterDomain: string;
}

/** A decoded server message. */
export type ServerMessage = { message: 'delta'; delta: Delta } | { message?: undefined };

// ---------------------------------------------------------------------------------------------
// Messages as written: fields may be left out (proto3 defaults), `message` need not be set.

export type HelloInput = Partial<Omit<Hello, 'identity'>> & { identity?: Partial<ProxyIdentity> | null };

export type ProxyMessageInput =
  | { hello: HelloInput }
  | { subscribe: Partial<Subscribe> }
  | { unsubscribe: Partial<Unsubscribe> }
  | { ack: Partial<Ack> }
  | { nack: Partial<Nack> };

export interface ResourceInput {
  name: string;
  version: string;
  body: Uint8Array;
}

export interface DeltaInput extends Partial<Omit<Delta, 'resources'>> {
  resources?: ResourceInput[];
}

export interface ServerMessageInput {
  delta: DeltaInput;
}
