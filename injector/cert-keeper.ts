// Keeps the webhook's CA and serving certificate, without cert-manager (as Istio's webhook cert
// controller does): they live in one Secret of the injector's namespace, so every replica serves a
// certificate of the same CA; they are renewed before they expire; and the CA bundle of every
// webhook in the MutatingWebhookConfiguration is kept equal to the Secret's, re-checked every few
// seconds so a `helm upgrade` that resets caBundle is repaired without a restart.
import type { KubeConfig, V1MutatingWebhookConfiguration, V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Backoff } from '../src/shared/backoff.js';
import { certificateValidity } from './certs.js';
import { InjectorKube, apiStatus } from './kube-objects.js';
import type { ServingTls } from './server.js';
import { bundleContains, materialFromSecretData, planTls, secretDataFromMaterial, type TlsMaterial, type TlsWanted } from './tls-plan.js';

export interface CertKeeperOptions {
  kubeConfig: KubeConfig;
  /** The injector's namespace, where the Secret lives. */
  namespace: string;
  secretName: string;
  webhookConfigName: string;
  dnsNames: string[];
  ipAddresses: string[];
  caValidityMs: number;
  certValidityMs: number;
  /** How often the Secret and the webhook configuration are checked (default 10 s). */
  resyncMs?: number;
  log: Logger;
  registry?: Registry;
  /** The clock (tests may move it). Default Date.now. */
  now?: () => number;
  /** Called with the serving certificate and key the first time and whenever they change. */
  onServingCert?: (tls: ServingTls) => void;
}

const CONFLICT_RETRIES = 5;

/** An RBAC PolicyRule, as a Role or ClusterRole lists it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/**
 * Everything the cert keeper calls, as RBAC rules: a Role in its namespace and a ClusterRole (the
 * chart must grant exactly these). `create` cannot be limited by name: RBAC does not know the name
 * of an object before it exists.
 */
export function certKeeperRbacRules(secretName: string, webhookConfigName: string): { role: PolicyRule[]; clusterRole: PolicyRule[] } {
  return {
    role: [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'], resourceNames: [secretName] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
    clusterRole: [
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'patch'], resourceNames: [webhookConfigName] },
    ],
  };
}

export class CertKeeper {
  readonly #options: CertKeeperOptions;
  readonly #kube: InjectorKube;
  readonly #wanted: TlsWanted;
  readonly #log: Logger;
  readonly #expiry: Gauge<'certificate'> | undefined;
  readonly #errors: Counter | undefined;
  #material: TlsMaterial | undefined;
  #delivered: ServingTls | undefined;
  #running: Promise<TlsMaterial> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #webhookConfigMissing = false;

  constructor(options: CertKeeperOptions) {
    this.#options = options;
    this.#kube = new InjectorKube(options.kubeConfig);
    this.#log = options.log;
    this.#wanted = {
      caCommonName: `${options.webhookConfigName}-ca`,
      dnsNames: options.dnsNames,
      ipAddresses: options.ipAddresses,
      caValidityMs: options.caValidityMs,
      certValidityMs: options.certValidityMs,
    };
    if (options.registry) {
      this.#expiry = new Gauge({
        name: 'sidelane_injector_certificate_expiry_timestamp_seconds',
        help: 'When the webhook certificate expires (unix seconds), by certificate: serving or ca',
        labelNames: ['certificate'],
        registers: [options.registry],
      });
      this.#errors = new Counter({
        name: 'sidelane_injector_certificate_sync_errors_total',
        help: 'Failed passes of the cert keeper (Secret or webhook configuration not read or written)',
        registers: [options.registry],
      });
    }
  }

  /** The material of the last successful pass. */
  get material(): TlsMaterial | undefined {
    return this.#material;
  }

  /**
   * The first pass, retried with backoff until it succeeds (the injector has nothing to serve with
   * before), then a pass every resync period. Resolves with the first material.
   */
  async start(): Promise<TlsMaterial> {
    const backoff = new Backoff({ baseMs: 500, maxMs: 10_000, jitter: 'equal' });
    for (;;) {
      if (this.#closed) throw new Error('cert keeper closed before its first pass');
      try {
        const material = await this.sync();
        this.#schedule();
        return material;
      } catch (err) {
        this.#log.warn({ err, secret: this.#secretRef() }, 'webhook certificate: first pass failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoff.next()).unref());
      }
    }
  }

  /** One pass: read, renew what is due, write, repair caBundle, hand a changed certificate on. Concurrent calls share a pass. */
  sync(): Promise<TlsMaterial> {
    this.#running ??= this.#pass().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.sync().catch((err: unknown) => {
        this.#errors?.inc();
        this.#log.error({ err, secret: this.#secretRef() }, 'webhook certificate: pass failed; retrying at the next resync');
      }).finally(() => { this.#schedule(); });
    }, this.#options.resyncMs ?? 10_000);
    this.#timer.unref();
  }

  async #pass(): Promise<TlsMaterial> {
    const { namespace, secretName, webhookConfigName } = this.#options;
    const now = this.#options.now ?? Date.now;
    let material: TlsMaterial | undefined;
    let webhookConfig: V1MutatingWebhookConfiguration | undefined;
    for (let attempt = 0; material === undefined; attempt++) {
      const [secret, config] = await Promise.all([
        this.#kube.readSecret(namespace, secretName),
        this.#kube.readWebhookConfig(webhookConfigName),
      ]);
      webhookConfig = config;
      const trusts = config === undefined ? undefined : (caCertPem: string): boolean => webhooksTrust(config, caCertPem);
      const plan = await planTls(materialFromSecretData(secret?.data), this.#wanted, now(), trusts);
      if (plan.changes.length === 0) {
        material = plan.material;
        break;
      }
      try {
        await this.#write(secret, plan.material);
        this.#log.info({ secret: this.#secretRef(), changes: plan.changes }, 'webhook certificate: Secret updated');
        material = plan.material;
      } catch (err) {
        // Another replica wrote first: its material wins; read it and decide again.
        if (apiStatus(err) !== 409 || attempt >= CONFLICT_RETRIES) throw err;
        this.#log.debug({ secret: this.#secretRef() }, 'webhook certificate: Secret written by another replica; re-reading');
      }
    }
    if (webhookConfig === undefined) {
      if (!this.#webhookConfigMissing) this.#log.warn({ webhookConfig: webhookConfigName }, 'webhook certificate: MutatingWebhookConfiguration not found; caBundle not set');
      this.#webhookConfigMissing = true;
    } else {
      this.#webhookConfigMissing = false;
      await this.#patchCaBundle(webhookConfig, material.caBundlePem);
    }
    this.#material = material;
    this.#deliver(material);
    return material;
  }

  async #write(stored: V1Secret | undefined, material: TlsMaterial): Promise<void> {
    const { namespace, secretName } = this.#options;
    const data = secretDataFromMaterial(material);
    if (stored === undefined) {
      await this.#kube.createSecret(namespace, {
        metadata: { name: secretName, namespace, labels: { 'app.kubernetes.io/managed-by': 'sidelane-injector' } },
        type: 'kubernetes.io/tls',
        data,
      });
      return;
    }
    // resourceVersion (kept from the read) makes a concurrent write fail with 409 instead of being lost.
    await this.#kube.replaceSecret(namespace, secretName, {
      apiVersion: 'v1', kind: 'Secret', metadata: stored.metadata, type: stored.type, data: { ...stored.data, ...data },
    });
  }

  /** Sets caBundle on every webhook whose bundle differs, guarded by a resourceVersion test. */
  async #patchCaBundle(config: V1MutatingWebhookConfiguration, bundlePem: string): Promise<void> {
    const name = this.#options.webhookConfigName;
    const wanted = Buffer.from(bundlePem).toString('base64');
    let current: V1MutatingWebhookConfiguration | undefined = config;
    for (let attempt = 0; current !== undefined; attempt++) {
      const operations: object[] = [];
      (current.webhooks ?? []).forEach((webhook, index) => {
        if (webhook.clientConfig.caBundle !== wanted) {
          operations.push({ op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: wanted });
        }
      });
      if (operations.length === 0) return;
      try {
        await this.#kube.patchWebhookConfig(name, [
          { op: 'test', path: '/metadata/resourceVersion', value: current.metadata?.resourceVersion },
          ...operations,
        ]);
        this.#log.info({ webhookConfig: name, webhooks: operations.length }, 'webhook certificate: caBundle set');
        return;
      } catch (err) {
        // The configuration changed between our read and our patch (a failed test op): read again.
        const status = apiStatus(err);
        if ((status !== 409 && status !== 422) || attempt >= CONFLICT_RETRIES) throw err;
        current = await this.#kube.readWebhookConfig(name);
      }
    }
  }

  #deliver(material: TlsMaterial): void {
    this.#expiry?.set({ certificate: 'serving' }, certificateValidity(material.certPem).notAfter / 1000);
    this.#expiry?.set({ certificate: 'ca' }, certificateValidity(material.caCertPem).notAfter / 1000);
    if (this.#delivered?.cert === material.certPem && this.#delivered.key === material.keyPem) return;
    this.#delivered = { cert: material.certPem, key: material.keyPem };
    this.#options.onServingCert?.(this.#delivered);
  }

  #secretRef(): string {
    return `${this.#options.namespace}/${this.#options.secretName}`;
  }
}

/** True when every webhook of the configuration trusts the CA (its bundle holds the certificate). */
function webhooksTrust(config: V1MutatingWebhookConfiguration, caCertPem: string): boolean {
  return (config.webhooks ?? []).every((webhook) => {
    const bundle = webhook.clientConfig.caBundle;
    return bundle !== undefined && bundle !== '' && bundleContains(Buffer.from(bundle, 'base64').toString(), caCertPem);
  });
}
