// TLS ports of the gateway: the ClientHello is peeked (not consumed) for its SNI, which picks the
// listener. Passthrough listeners get the untouched bytes; Terminate listeners complete the
// handshake here with the certificate covering the SNI, then hand the plaintext to HTTP (HTTPS) or
// to the listener's TLSRoute as TCP. Secure contexts are built once per certificate and config, so a
// rotated certificate only changes new handshakes; open connections keep the one they started with.
import { X509Certificate } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { TlsCertificateIR, TlsListenerIR } from '../../src/ir/index.js';
import { readClientHello } from '../protocol/tls-client-hello.js';
import { forwardTerminatedTls, listenerLabel, passthroughTls, type GatewayL4Deps } from './l4-forward.js';
import type { GatewayView } from './view.js';

interface LoadedCertificate {
  context: tls.SecureContext;
  x509: X509Certificate;
}

/** The secure contexts of one applied config's Terminate listeners. */
export class CertificateStore {
  /** By PEM text (certificate and key): unchanged certificates are reused from the previous config. */
  readonly #byPem: Map<string, LoadedCertificate>;
  readonly #byListener = new Map<TlsListenerIR, LoadedCertificate[]>();

  private constructor(byPem: Map<string, LoadedCertificate>) {
    this.#byPem = byPem;
  }

  /**
   * Loads every certificate of the view's Terminate listeners. Throws (naming the Secret) when a
   * certificate or key cannot be loaded, or they do not belong together: such a config is refused.
   */
  static build(view: GatewayView, previous: CertificateStore | undefined): CertificateStore {
    const store = new CertificateStore(new Map());
    for (const port of view.ports) {
      if (port.kind !== 'tls') continue;
      for (const listener of port.listeners) {
        if (listener.mode !== 'Terminate') continue;
        store.#byListener.set(
          listener,
          listener.certificates.map((certificate) => store.#load(certificate, previous)),
        );
      }
    }
    return store;
  }

  /**
   * The context for a handshake on `listener`: the first certificate whose names cover the SNI,
   * else the listener's first (a client without SNI, or a name only a wildcard listener covers).
   */
  contextFor(listener: TlsListenerIR, sni: string): tls.SecureContext | undefined {
    const loaded = this.#byListener.get(listener);
    if (!loaded || loaded.length === 0) return undefined;
    if (sni !== '') {
      for (const certificate of loaded) if (certificate.x509.checkHost(sni) !== undefined) return certificate.context;
    }
    return loaded[0]?.context;
  }

  #load(certificate: TlsCertificateIR, previous: CertificateStore | undefined): LoadedCertificate {
    const key = `${certificate.certificatePem}\u0000${certificate.privateKeyPem}`;
    const known = this.#byPem.get(key) ?? (previous === undefined ? undefined : previous.#byPem.get(key));
    if (known) {
      this.#byPem.set(key, known);
      return known;
    }
    try {
      const loaded = {
        context: tls.createSecureContext({ cert: certificate.certificatePem, key: certificate.privateKeyPem }),
        x509: new X509Certificate(certificate.certificatePem),
      };
      this.#byPem.set(key, loaded);
      return loaded;
    } catch (error) {
      // The message of a PEM or key mismatch error never includes the key itself.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`certificate ${certificate.namespace}/${certificate.name} cannot be loaded: ${reason}`, { cause: error });
    }
  }
}

export interface TlsPortDeps {
  l4: GatewayL4Deps;
  log: Logger;
  /** A client that has not completed its ClientHello, then its handshake, by then is closed. */
  handshakeTimeoutMs: number;
  /** Where an HTTPS listener's decrypted connection goes, by the ALPN protocol agreed. */
  serveHttp(socket: tls.TLSSocket, protocol: 'h2' | 'http/1.1', listener: TlsListenerIR): void;
}

/**
 * One connection on a TLS port, under the config current once its ClientHello is in (a config
 * applied while the client was still sending it already decides its certificate).
 */
export async function acceptTls(
  socket: net.Socket,
  port: number,
  currentConfig: () => { view: GatewayView; certificates: CertificateStore } | undefined,
  deps: TlsPortDeps,
): Promise<void> {
  const read = await readClientHello(socket, Buffer.alloc(0), deps.handshakeTimeoutMs);
  const hello = read.hello;
  if (!hello.complete || 'error' in hello) {
    deps.log.debug({ port, reason: hello.complete ? hello.error : 'incomplete ClientHello' }, 'gateway TLS connection without a usable ClientHello; closed');
    socket.destroy();
    return;
  }
  const sni = hello.sni ?? '';
  const config = currentConfig();
  const listener = config?.view.tlsListener(port, sni);
  if (!config || !listener) {
    deps.log.debug({ port, sni }, 'no listener of the TLS port takes this SNI; connection closed');
    socket.destroy();
    return;
  }
  if (listener.mode === 'Passthrough') {
    passthroughTls(socket, read.head, listener, sni, deps.l4);
    return;
  }
  const secureContext = config.certificates.contextFor(listener, sni);
  if (!secureContext) {
    deps.log.debug({ port, sni, listener: listenerLabel(listener.listener) }, 'terminating listener without a certificate; connection closed');
    socket.destroy();
    return;
  }
  terminate(socket, read.head, listener, sni, secureContext, deps);
}

function terminate(socket: net.Socket, head: Buffer, listener: TlsListenerIR, sni: string, secureContext: tls.SecureContext, deps: TlsPortDeps): void {
  // The TLS socket reads what the socket still buffers first: the peeked ClientHello goes back there.
  socket.unshift(head);
  const tlsSocket = new tls.TLSSocket(socket, {
    isServer: true,
    secureContext,
    ...(listener.alpn.length > 0 ? { ALPNProtocols: listener.alpn } : {}),
  });
  const timer = setTimeout(() => tlsSocket.destroy(), deps.handshakeTimeoutMs);
  tlsSocket.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    deps.log.debug({ err, sni, listener: listenerLabel(listener.listener) }, 'gateway TLS connection failed');
    tlsSocket.destroy();
    socket.destroy();
  });
  tlsSocket.once('close', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  tlsSocket.once('secure', () => {
    clearTimeout(timer);
    // What tls.Server does before 'secureConnection': the HTTP/2 session waits for a socket still
    // "secureConnecting" to emit 'secureConnect', which only client sockets ever do.
    Object.assign(tlsSocket, { secureConnecting: false });
    if (listener.http) {
      deps.serveHttp(tlsSocket, tlsSocket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1', listener);
      return;
    }
    forwardTerminatedTls(tlsSocket, listener, sni, deps.l4);
  });
}
