/**
 * @module runtime/kubernetes/cluster-watch
 * One shared cache of the namespace's Pods of this installation and of its Events, each kept by a
 * single list-and-watch (the client's informer), from which every start, stop and poll reads: the
 * API server sees two watches however many notebooks run. The informer relists by itself when its
 * resourceVersion is too old (410 Gone); a watch that fails otherwise is restarted after a pause.
 */
import {
  CoreV1Api,
  ListWatch,
  Watch,
  type CoreV1Event,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from '../../core/shared/logger.js';
import { clusterError } from './api-errors.js';
import { managedSelector } from './resource-names.js';

export type ClusterChange =
  | { kind: 'pod'; verb: 'add' | 'update' | 'delete'; object: V1Pod }
  | { kind: 'event'; verb: 'add' | 'update' | 'delete'; object: CoreV1Event };

interface Kept<T extends KubernetesObject> {
  informer: ListWatch<T>;
  /** Started and listed at least once: from then on, failures restart it in the background. */
  live: boolean;
}

const VERBS = ['add', 'update', 'delete'] as const;

export class ClusterWatch {
  readonly #pods: Kept<V1Pod>;
  readonly #events: Kept<CoreV1Event>;
  readonly #listeners = new Set<(change: ClusterChange) => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #ready: Promise<void> | null = null;
  #closed = false;

  constructor(
    kubeConfig: KubeConfig,
    private readonly namespace: string,
    installationId: string,
    private readonly log: Logger,
    private readonly retryMs: number,
  ) {
    const api = kubeConfig.makeApiClient(CoreV1Api);
    const watch = new Watch(kubeConfig);
    const labelSelector = managedSelector(installationId);
    this.#pods = this.#keep(
      'pods',
      new ListWatch<V1Pod>(
        `/api/v1/namespaces/${namespace}/pods`,
        watch,
        () => api.listNamespacedPod({ namespace, labelSelector }),
        false,
        labelSelector,
      ),
    );
    // Events carry no labels of their Pod: the namespace's are kept, and readers pick theirs.
    this.#events = this.#keep(
      'events',
      new ListWatch<CoreV1Event>(
        `/api/v1/namespaces/${namespace}/events`,
        watch,
        () => api.listNamespacedEvent({ namespace }),
        false,
      ),
    );
  }

  /** Resolves once both caches are listed; a failed first listing rejects, and the next call tries again. */
  ready(): Promise<void> {
    this.#ready ??= Promise.all([this.#start(this.#pods, 'pods'), this.#start(this.#events, 'events')]).then(
      () => undefined,
      (err: unknown) => {
        this.#ready = null;
        throw err;
      },
    );
    return this.#ready;
  }

  pod(name: string): V1Pod | undefined {
    return this.#pods.informer.get(name, this.namespace);
  }

  pods(): readonly V1Pod[] {
    return this.#pods.informer.list(this.namespace);
  }

  events(): readonly CoreV1Event[] {
    return this.#events.informer.list(this.namespace);
  }

  /** Calls `listener` with every change of either cache until the returned function is called. */
  subscribe(listener: (change: ClusterChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves at the next change of either cache; rejects when `signal` aborts first. */
  nextChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const done = () => {
        unsubscribe();
        signal.removeEventListener('abort', aborted);
      };
      const aborted = () => {
        done();
        reject(signal.reason);
      };
      const unsubscribe = this.subscribe(() => {
        done();
        resolve();
      });
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([this.#pods.informer.stop(), this.#events.informer.stop()]);
  }

  #keep<T extends KubernetesObject>(what: string, informer: ListWatch<T>): Kept<T> {
    const kept: Kept<T> = { informer, live: false };
    for (const verb of VERBS) {
      informer.on(verb, (object) => {
        const change = { kind: what === 'pods' ? 'pod' : 'event', verb, object } as ClusterChange;
        for (const listener of [...this.#listeners]) listener(change);
      });
    }
    informer.on('error', (err) => {
      if (!kept.live || this.#closed) return;
      this.log.warn({ err, watch: what }, 'kubernetes watch failed; restarting it');
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (!this.#closed)
          informer
            .start()
            .catch((again: unknown) => this.log.error({ err: again, watch: what }, 'kubernetes watch restart failed'));
      }, this.retryMs);
      this.#timers.add(timer);
    });
    return kept;
  }

  async #start<T extends KubernetesObject>(kept: Kept<T>, what: string): Promise<void> {
    if (kept.live) return;
    let failure: unknown;
    const failed = (err: unknown) => (failure = err);
    kept.informer.on('error', failed);
    try {
      await kept.informer.start();
    } finally {
      kept.informer.off('error', failed);
    }
    if (failure !== undefined) {
      await kept.informer.stop();
      throw clusterError(`listing ${what}`, failure);
    }
    kept.live = true;
  }
}
