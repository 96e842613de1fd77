// What the translator reads (the snapshot type lives with the API types that fill it) and the
// options it takes.
export type { ClusterSnapshot } from '../api/snapshot.js';
export { emptySnapshot } from '../api/snapshot.js';

export interface TranslateOptions {
  /** Cluster DNS suffix, default `cluster.local`. */
  clusterDomain: string;
}
