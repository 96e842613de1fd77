// A Sidecar built directly (not through `sidelane run`) whose connections all have one original
// destination: the test plays iptables' part, which local mode cannot, so opaque TCP (server-speaks-
// first protocols, half-close) can be routed by address. Config comes from manifests on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/controller/file-watch-load.js';
import { createLogger } from '../../sidecar/observe/log.js';
import { createTracing } from '../../sidecar/observe/tracing.js';
import type { OriginalDestination } from '../../sidecar/listen/orig-dst.js';
import { Sidecar } from '../../sidecar/proxy.js';

export interface RedirectedSidecar {
  sidecar: Sidecar;
  /** The outbound listener's port on 127.0.0.1. */
  port: number;
  /** Where the next accepted connections "were meant to go"; undefined: not redirected. */
  setOrigDst(origDst: OriginalDestination | undefined): void;
  close(): Promise<void>;
}

/** Starts a sidecar whose every accepted connection reports `origDst` as its original destination. */
export async function startRedirectedSidecar(manifests: string, origDst: OriginalDestination | undefined): Promise<RedirectedSidecar> {
  let current = origDst;
  const sidecar = new Sidecar({
    namespace: 'default',
    outbound: { host: '127.0.0.1', port: 0 },
    // What SO_ORIGINAL_DST would return for a connection iptables redirected to the listener.
    origDst: () => current,
    log: createLogger({ level: 'silent' }),
    tracing: createTracing({ env: {}, serviceName: 'sidelane-test' }),
    connectTimeoutMs: 2000,
    sniffTimeoutMs: 50,
  });
  const dir = await mkdtemp(join(tmpdir(), 'sidelane-redirected-'));
  try {
    await writeFile(join(dir, 'mesh.yaml'), manifests);
    const loaded = await loadConfig({ paths: [dir], defaultNamespace: 'default', clusterDomain: 'cluster.local' });
    if (!loaded.ok) throw new Error(`manifests did not translate: ${JSON.stringify(loaded.errors.length > 0 ? loaded.errors : loaded.irProblems)}`);
    const applied = sidecar.apply(loaded.update.ir, loaded.update.version);
    if (!applied.applied) throw new Error(`config refused: ${applied.reason}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await sidecar.start();
  return {
    sidecar,
    port: sidecar.address('outbound')?.port ?? 0,
    setOrigDst(next) {
      current = next;
    },
    close: () => sidecar.close(),
  };
}
