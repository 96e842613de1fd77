// What the translator reads (the snapshot type lives with the API types that fill it) and the
// options it takes.
import type { GatewayTranslateOptions } from './gateway-model.js';

export type { ClusterSnapshot } from '../api/snapshot.js';
export { emptySnapshot } from '../api/snapshot.js';

export interface TranslateOptions extends GatewayTranslateOptions {
  /** Cluster DNS suffix, default `cluster.local`. */
  clusterDomain: string;
}
