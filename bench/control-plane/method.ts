// The method of a control-plane benchmark run, in sentences: printed above the figures and kept in
// the JSON report, so a number is never read without how it was obtained.
import type { MeshPlan } from './mesh-plan.js';
import type { ControlPlaneBenchOptions } from './options.js';
import type { ControlPlaneReport } from './report.js';

export function describeMethod(options: ControlPlaneBenchOptions, report: ControlPlaneReport, plan: MeshPlan, fleetProcesses: number): string[] {
  const o = options;
  const n = (v: number): string => v.toLocaleString('en-US');
  const apiServer =
    o.kubeconfig === undefined
      ? `kube-apiserver ${report.versions.kubeApiserver ?? '?'} and etcd on loopback (scripts/kube), Gateway API CRDs v1.6.1 standard`
      : `the existing API server of ${o.kubeconfig} (${report.versions.kubeApiserver ?? '?'})`;
  return [
    `Machine: ${report.machine.cpus} cores shared by everything below, Node ${process.version}; load average ${report.machine.loadAverageAtStart[0]?.toFixed(2) ?? '?'} at the start.`,
    `API server: ${apiServer}.`,
    `Controller: \`sidelane controller\` as a child process (${o.build ? 'tsc build in .cache/bench/dist' : 'bin/sidelane.js through tsx'}), log level warn, ` +
      `${o.statusWrites ? 'the leader (it writes route status)' : 'a follower (its Lease is held by a phantom replica: no status writes)'}. ` +
      'RSS is VmRSS of /proc/<pid>/status (maximum sampled every 250 ms, and at the end of each phase); CPU is utime+stime of /proc/<pid>/stat.',
    `Objects: per Service (port 80, appProtocol http) one EndpointSlice with one endpoint and ${o.routesPerService} HTTPRoute(s) with the Service as parent ` +
      '(route 0: PathPrefix / split 90:10 between the Service and a neighbour in its namespace; route k: /v<k> to the Service). ' +
      `Created with plain POSTs, ${o.concurrency} in flight, Services first (the API server assigns ClusterIPs), then EndpointSlices, then HTTPRoutes. ` +
      `"Caught up": a probe stream subscribed to the last Service receives it with its last route, then the controller's translation and status-write counters stay still for 3 s.`,
    `Simulated sidecars: ${n(o.subscribers)} raw gRPC ConfigSync streams, one connection each, in ${fleetProcesses} worker process(es); ` +
      `each sends Hello (identity namespace round-robin over the ${plan.namespaces().length} namespaces), one Subscribe with ${o.destinations} destinations ` +
      '(alternately ip:<ClusterIP> and host:<name>.<namespace>: one hot Service and the rest drawn at random), and ACKs every delta as soon as it arrives; ' +
      `${o.connectConcurrency} connect at a time.`,
    `Push latency: ${o.changes} route changes one after another, ${o.changePauseMs} ms apart, each a JSON patch of the first backend weight of route 0 of one of ` +
      `${plan.hot.length} hot Services (each subscribed by ~${o.watchers} simulated sidecars, plus those holding it as a backend of another Service). ` +
      "Timed from just before the PATCH to the last ACK, by every simulated sidecar that held the Service, of a delta carrying its new version. p99 is the nearest rank. " +
      "The controller's own histogram (sidelane_configsync_push_latency_seconds: watch event → last ACK) is read before and after.",
    `Real sidecar: \`sidelane proxy\` (a pod in ${plan.service(0).namespace}) sends ${3 * Math.min(5, o.smallMesh)} requests (Host: svc-0…svc-${Math.min(5, o.smallMesh) - 1}, ` +
      'answered by an in-process echo backend on a non-loopback address of this host: EndpointSlices refuse 127.0.0.0/8), ' +
      `rests ${o.settleMs / 1000} s, then its RSS is sampled ${o.rssSamples} times 0.5 s apart (median). ` +
      `${o.sidecarProcesses} such processes one after another (the median of theirs is reported: one process alone varies by about ±5%), ` +
      `once when the mesh holds the first ${o.smallMesh} Services and again after all ${n(o.services)} exist.`,
  ];
}
