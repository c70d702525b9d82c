/**
 * @module runtime/kubernetes/kubernetes-driver-options
 * The Kubernetes driver's settings: the cluster side (namespace, registry, storage, network) is
 * the resolved `runtime.kubernetes` config; the rest is what the service lends every driver.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Catalog } from '../../core/model/catalog.js';
import type { Clock } from '../../core/shared/clock.js';
import type { Logger } from '../../core/shared/logger.js';

/** What the manifests are built from. */
export interface ClusterSettings {
  namespace: string;
  /** Without a trailing slash; empty for none. */
  registry: string;
  storageClass: string | null;
  /** A Volume source (one key, no name) that holds `obs` storage; null when none is configured. */
  obsVolume: Record<string, unknown> | null;
  clusterDomain: string;
  notebookPort: number;
  imagePullSecrets: readonly string[];
  /** What a pre-pull Pod idles in once its image is pulled (image-prepull). */
  pauseImage: string;
}

export interface KubernetesDriverOptions extends ClusterSettings {
  kubeConfig: KubeConfig;
  /**
   * The database's name (Store.installationId), stamped on every object as a label: the driver
   * adopts, reports and collects only objects carrying its own, whoever else shares the namespace.
   */
  installationId: string;
  /** The workload's private Jupyter token for a run (the driver keeps only the run id). */
  secretFor: (instanceId: string, runId: string) => string;
  /** How long a Pod may wait for a node with room before the start fails with ModelArts.6360. */
  unschedulableMs: number;
  clock: Clock;
  log: Logger;
  /**
   * The catalog, for the images its warm flavors' profiles are pre-pulled from (image-prepull);
   * without it nothing is pre-pulled, and warm Pods are still kept for the flavors the pool asks.
   */
  catalog?: Catalog;
  /** How long to wait before restarting a watch that failed. Default 1000 ms. */
  watchRetryMs?: number;
}
