// The webhook's metrics, on a registry the caller owns (never prom-client's global one, so two
// injectors in one test process do not collide). Names are stable: dashboards and alerts use them.
import { Counter, Histogram, type Registry } from 'prom-client';

/** Why a pod was let in without a proxy although the webhook was asked to inject it. */
export type UninjectedReason = 'invalid-pod' | 'internal-error';

export class InjectorMetrics {
  readonly reviews: Counter<'outcome' | 'dry_run'>;
  readonly admittedWithoutInjection: Counter<'reason'>;
  readonly reviewDuration: Histogram<'outcome'>;

  constructor(registry: Registry) {
    this.reviews = new Counter({
      name: 'sidelane_injector_reviews_total',
      help: 'AdmissionReviews answered, by outcome (injected, skipped, already-injected, invalid-review, invalid-pod, internal-error) and dry_run',
      labelNames: ['outcome', 'dry_run'],
      registers: [registry],
    });
    this.admittedWithoutInjection = new Counter({
      name: 'sidelane_injector_admitted_without_injection_total',
      help: 'Pods admitted without a proxy because of an error (invalid-pod: bad sidelane.io annotations; internal-error: with failurePolicy Ignore)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.reviewDuration = new Histogram({
      name: 'sidelane_injector_review_duration_seconds',
      help: 'Time from the first byte of an AdmissionReview to the answer, by outcome',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    // Known label values start at 0, so a rate() over them exists before the first error.
    for (const reason of ['invalid-pod', 'internal-error'] satisfies UninjectedReason[]) this.admittedWithoutInjection.inc({ reason }, 0);
  }
}
