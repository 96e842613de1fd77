// Writes GatewayClass and Gateway status (the leader only), for the classes whose controllerName
// is ours: after each translation, and on becoming leader, every such object whose stored status
// differs from the translator's gets one server-side apply of its status subresource. An object
// the cache holds at another generation than the translation read waits for the next one.
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/objects.js';
import type { GatewayClassStatusIR, GatewayStatusIR } from '../../ir/index.js';
import { plannedGatewayClassStatus, plannedGatewayStatus } from './gateway-status-diff.js';
import type { KubeHttp } from './kube-http.js';
import type { ServedResource } from './resources.js';
import { StatusApplier, type StatusPlan, type StatusWriteResult } from './status-apply.js';
import { StatusLoop } from './status-loop.js';
import { routeKey } from './status-writer.js';

export interface GatewayObjectSource {
  /** The cached object as stored (not converted), with the resource it is served as. */
  gatewayObject(
    kind: 'Gateway' | 'GatewayClass',
    namespace: string | undefined,
    name: string,
  ): { resource: ServedResource; object: KubeObject | undefined } | undefined;
}

export interface GatewayStatusWriterOptions {
  http: KubeHttp;
  log: Logger;
  objects: GatewayObjectSource;
  fieldManager?: string;
  onWrite?: (result: StatusWriteResult) => void;
  now?: () => Date;
}

interface Target {
  kind: 'Gateway' | 'GatewayClass';
  namespace: string | undefined;
  name: string;
  generation: number;
  plan: StatusPlan;
}

export class GatewayStatusWriter {
  readonly #objects: GatewayObjectSource;
  readonly #applier: StatusApplier;
  readonly #loop: StatusLoop;
  #targets: Target[] | undefined;

  constructor(options: GatewayStatusWriterOptions) {
    this.#objects = options.objects;
    this.#applier = new StatusApplier(options);
    this.#loop = new StatusLoop(
      () => this.#pass(),
      () => this.#targets !== undefined,
    );
  }

  /** The latest translation's status of our GatewayClasses and of the Gateways of those classes. */
  update(classes: readonly GatewayClassStatusIR[], gateways: readonly GatewayStatusIR[]): void {
    this.#targets = [
      ...classes.map((desired): Target => ({
        kind: 'GatewayClass',
        namespace: undefined,
        name: desired.name,
        generation: desired.generation,
        plan: (object, now) => toRecord(plannedGatewayClassStatus(object['status'], desired, now)),
      })),
      ...gateways.map((desired): Target => ({
        kind: 'Gateway',
        namespace: desired.namespace,
        name: desired.name,
        generation: desired.generation,
        plan: (object, now) => toRecord(plannedGatewayStatus(object['status'], desired, now)),
      })),
    ];
    this.#loop.kick();
  }

  /** A status changed under us (another writer, or ours coming back): compare again. */
  recheck(): void {
    this.#loop.kick();
  }

  /** Only the leader writes; becoming leader writes whatever is pending. */
  setEnabled(enabled: boolean): void {
    this.#loop.setEnabled(enabled);
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  close(): Promise<void> {
    return this.#loop.close();
  }

  /** One reconciliation of every target; true if a write failed (and should be retried). */
  async #pass(): Promise<boolean> {
    let failed = false;
    for (const target of this.#targets ?? []) {
      if (!this.#loop.active) break;
      const found = this.#objects.gatewayObject(target.kind, target.namespace, target.name);
      const cached = found?.object;
      if (found === undefined || cached === undefined) continue; // deleted, or not in the cache yet
      if (cached.metadata['generation'] !== target.generation) continue; // a translation of this version is on its way
      const key = routeKey(target.kind, target.namespace, target.name);
      if (!(await this.#applier.apply(found.resource, this.#applier.freshest(key, cached), key, target.plan))) failed = true;
    }
    return failed;
  }
}

function toRecord(status: object | undefined): Record<string, unknown> | undefined {
  return status as Record<string, unknown> | undefined;
}
