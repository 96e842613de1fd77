// The gateway rows of `npm run bench`: nginx, haproxy and Sidelane's gateway (started as a user
// would, `sidelane run -f <dir> --port-offset N` with a Gateway, HTTPS listener, Secret and
// HTTPRoute) each terminate HTTPS with the same certificate in front of the run's backend, alone
// on the proxy core. wrk measures keep-alive throughput and a TLS handshake per request.
import { mkdir, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { BODY, GATEWAY_HOST, haproxyTlsConf, nginxTlsProxyConf, sidelaneGatewayManifests, sidelanePortOffset, type GatewayPorts, type TlsMaterial } from './gateway-configs.js';
import { generateCertificate, type KeyKind } from './gateway-cert.js';
import type { GatewayReport, GatewayResult, GatewayTargetName } from './gateway-report.js';
import { runWrk, type Loader, type LoadTarget, type ThroughputResult } from './load.js';
import { coreBusySeconds, cpuSeconds, freePort, processTree, RssSampler, waitForPort, type Started } from './processes.js';
import { waitForReady, type TargetContext } from './targets.js';
import { toolPath } from './tools.js';

export interface GatewayBenchOptions {
  ctx: TargetContext;
  targets: readonly GatewayTargetName[];
  loader: Loader;
  /** Seconds of wrk before each keep-alive measurement; it must be free of errors. */
  warmup: number;
  keyKind: KeyKind;
  log: (line: string) => void;
  /** True once the run is interrupted: nothing new starts. */
  stopping: () => boolean;
}

interface RunningGateway {
  name: GatewayTargetName;
  load: LoadTarget;
  /** Protocol and cipher the probe negotiated. */
  tls: string;
  pids: number[];
  stop(): Promise<void>;
}

export async function runGatewayBench(options: GatewayBenchOptions): Promise<GatewayReport> {
  const { ctx, loader, log } = options;
  const dir = join(ctx.dir, 'gateway');
  await mkdir(dir, { recursive: true });
  const tls = await generateCertificate(dir, options.keyKind);
  const ports: GatewayPorts = { backend: ctx.ports.backendH1, proxyTls: await freePort() };
  const results: GatewayResult[] = [];
  for (const name of options.targets) {
    if (options.stopping()) break;
    log(`gateway: starting ${name} (HTTPS on 127.0.0.1:${ports.proxyTls})`);
    let target: RunningGateway;
    try {
      target = await startGateway(name, options.ctx, ports, tls, join(dir, name));
    } catch (err) {
      log(`gateway ${name} did not start: ${(err as Error).message}`);
      results.push({ name, failures: [`did not start: ${(err as Error).message.split('\n')[0] ?? ''}`] });
      continue;
    }
    try {
      results.push(await measureGateway(target, options));
    } finally {
      await target.stop();
    }
  }
  return {
    certificate: `${tls.description}, self-signed, made with openssl for this run`,
    method: {
      keepAlive: `wrk -t1 -c${loader.connections} -d${loader.seconds}s --latency https://127.0.0.1:<port>/ -H 'Host: ${GATEWAY_HOST}' (TLS 1.3, no ALPN: HTTP/1.1; SNI 127.0.0.1), after ${options.warmup}s warm-up`,
      newConnections: `the same with -H 'Connection: close': a full TLS handshake per request (wrk does not resume sessions)`,
      upstream: 'HTTP/1.1 keep-alive to the run\'s nginx backend (the same port for all three)',
      sidelane: 'sidelane run -f <dir> --port-offset N: GatewayClass (sidelane.io/gateway-controller), Gateway with an HTTPS listener on 443 (Terminate, Secret bench-cert), HTTPRoute for the Host; one Node process that also holds the file-mode control plane and an idle outbound proxy',
    },
    results,
  };
}

async function startGateway(name: GatewayTargetName, ctx: TargetContext, ports: GatewayPorts, tls: TlsMaterial, dir: string): Promise<RunningGateway> {
  await mkdir(dir, { recursive: true });
  let started: Started;
  if (name === 'nginx') {
    await writeFile(join(dir, 'nginx.conf'), nginxTlsProxyConf(dir, ports, tls));
    started = ctx.processes.start({ name: 'gateway nginx', core: ctx.proxyCore, command: toolPath('nginx'), args: ['-c', join(dir, 'nginx.conf'), '-p', dir] });
  } else if (name === 'haproxy') {
    await writeFile(join(dir, 'haproxy.cfg'), haproxyTlsConf(ports, tls));
    started = ctx.processes.start({ name: 'gateway haproxy', core: ctx.proxyCore, command: toolPath('haproxy'), args: ['-f', join(dir, 'haproxy.cfg'), '-db'] });
  } else {
    await writeFile(join(dir, 'gateway.yaml'), sidelaneGatewayManifests(ports, tls));
    const args = [
      ...ctx.nodeFlags, ctx.sidelaneEntry, 'run', '-f', dir,
      '--port-offset', String(sidelanePortOffset(ports)),
      '--listen', `127.0.0.1:${ctx.ports.proxyH1}`, '--admin', `127.0.0.1:${ctx.ports.admin}`, '--log-level', 'warn',
    ];
    started = ctx.processes.start({ name: 'gateway sidelane', core: ctx.proxyCore, command: process.execPath, args, cwd: dir });
    await waitForReady(ctx.ports.admin, started);
  }
  const stop = (): Promise<void> => ctx.processes.stop(started);
  try {
    await waitForPort(ports.proxyTls, started);
    const negotiated = await probeHttps(ports.proxyTls, tls);
    return {
      name,
      load: { port: ports.proxyTls, host: GATEWAY_HOST, scheme: 'https' },
      tls: negotiated,
      pids: processTree(started.pid),
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${started.output()}`);
  }
}

/**
 * One HTTPS request that must verify against the run's certificate (so the proxy serves that one)
 * and answer 200 with the backend's body; returns the negotiated protocol and cipher.
 */
export function probeHttps(port: number, tls: Pick<TlsMaterial, 'certPem'>, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/', headers: { host: GATEWAY_HOST }, servername: GATEWAY_HOST, ca: tls.certPem, agent: false, timeout: timeoutMs },
      (res) => {
        const socket = res.socket as TLSSocket;
        const negotiated = `${socket.getProtocol() ?? '?'} ${socket.getCipher().name}`;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200 && body === BODY) resolve(negotiated);
          else reject(new Error(`HTTPS probe answered ${res.statusCode ?? 0} ${JSON.stringify(body)}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`HTTPS probe: no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => { reject(new Error(`HTTPS probe failed: ${err.message}`)); });
  });
}

async function measureGateway(target: RunningGateway, options: GatewayBenchOptions): Promise<GatewayResult> {
  const { loader, log, ctx } = options;
  const result: GatewayResult = { name: target.name, tls: target.tls, failures: [] };
  const attempt = async (what: string, body: () => Promise<void>): Promise<void> => {
    if (options.stopping()) return;
    try {
      await body();
    } catch (err) {
      result.failures.push(`${what}: ${(err as Error).message.split('\n')[0] ?? ''}`);
      log(`gateway ${target.name} ${what} failed: ${(err as Error).message}`);
    }
  };
  /** Runs wrk, and says what share of a core the proxy used meanwhile (and warns about noise). */
  const withCpu = async (load: LoadTarget, what: string): Promise<{ throughput: ThroughputResult; cpu: number }> => {
    const cpuBefore = cpuSeconds(target.pids);
    const coreBefore = coreBusySeconds(ctx.proxyCore);
    const started = process.hrtime.bigint();
    const throughput = await runWrk(load, loader);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const proxyCpu = cpuSeconds(target.pids) - cpuBefore;
    const others = (coreBusySeconds(ctx.proxyCore) - coreBefore - proxyCpu) / wall;
    if (others > 0.05) log(`gateway ${target.name} ${what}: other processes used ${Math.round(others * 100)}% of the proxy core: noisy`);
    return { throughput, cpu: proxyCpu / wall };
  };
  const rss = new RssSampler(target.pids);
  await attempt('keep-alive', async () => {
    if (options.warmup > 0) {
      // The warm-up doubles as a probe through wrk itself (its SNI, no ALPN): it must be clean.
      const warm = await runWrk(target.load, loader, options.warmup);
      if (warm.errors > 0 || !(warm.requests > 0)) throw new Error(`warm-up with wrk was not clean: ${warm.errorDetail || 'no requests'}`);
    }
    log(`gateway ${target.name}: wrk HTTPS keep-alive, ${loader.connections} connections, ${loader.seconds}s`);
    const { throughput, cpu } = await withCpu(target.load, 'keep-alive');
    result.keepAlive = throughput;
    result.cpuKeepAlive = cpu;
  });
  await attempt('new connections', async () => {
    log(`gateway ${target.name}: wrk HTTPS, a new TLS connection per request, ${loader.seconds}s`);
    const { throughput, cpu } = await withCpu({ ...target.load, headers: ['Connection: close'] }, 'new connections');
    result.handshakes = throughput;
    result.cpuHandshakes = cpu;
  });
  result.rss = rss.stop();
  return result;
}
