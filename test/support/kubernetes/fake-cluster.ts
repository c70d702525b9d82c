/**
 * @module test/support/kubernetes/fake-cluster
 * A Kubernetes cluster in the test process for the Kubernetes runtime driver: a real HTTP server
 * on loopback speaking the core/v1 wire format (see {@link ApiServer}), over an in-memory store,
 * with a {@link FakeKubelet} that moves Pods through their lifecycle. Not a cluster: no admission
 * webhooks, quotas, real scheduling, networking or images — what only a real cluster proves is
 * listed in the README.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { AddressInfo } from 'node:net';
import { ApiServer, type ApiCall } from './api-server.js';
import { EventRecorder } from './event-recorder.js';
import { FakeKubelet, type FakeKubeletOptions } from './fake-kubelet.js';
import { ObjectStore } from './object-store.js';
import type { ResourceName } from './resource-kinds.js';

export type { FakeKubelet, FakeKubeletOptions, InjectedFailure, InjectionOptions } from './fake-kubelet.js';

export interface FakeCluster {
  /** 'http://127.0.0.1:<port>' */
  readonly server: string;
  /** A client-node KubeConfig for this cluster (bearer token user), with `namespace` as the context's. */
  kubeConfig(namespace?: string): KubeConfig;
  readonly kubelet: FakeKubelet;
  /** Current objects of a kind (real API JSON shape), optionally only one namespace. */
  objects(resource: ResourceName, namespace?: string): any[];
  /** Every API call so far as {verb, resource, namespace} — verbs: create, get, list, watch, delete, update, patch. */
  calls(): ApiCall[];
  /** Appends `text` to what the Pod's container printed (its first container by default); the Pod must exist. */
  writeLog(namespace: string, pod: string, text: string, container?: string): void;
  /** Forgets old history so a watch from an older resourceVersion gets 410 Gone. */
  compact(): void;
  /**
   * Cuts every open watch connection: by default cleanly (the stream ends, as on a server-side
   * timeout or a graceful API server restart); `{ abrupt: true }` breaks the sockets instead.
   */
  dropWatches(options?: { abrupt?: boolean }): void;
  close(): Promise<void>;
}

export interface FakeClusterOptions {
  /** How often a watch that allows bookmarks gets one, in real ms. Default 1000. */
  bookmarkIntervalMs?: number;
  /** Changes kept for watches to resume from; older resourceVersions get 410. Default 1000. */
  historyLimit?: number;
  /** Epoch ms for the timestamps objects carry. Default Date.now. */
  now?: () => number;
  kubelet?: FakeKubeletOptions;
}

export async function startFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const store = new ObjectStore({
    historyLimit: options.historyLimit ?? 1000,
    ...(options.now ? { now: options.now } : {}),
  });
  const api = new ApiServer(store, { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000 });
  const kubelet = new FakeKubelet(store, new EventRecorder(store), options.kubelet);
  await new Promise<void>((resolve) => api.http.listen(0, '127.0.0.1', resolve));
  const server = `http://127.0.0.1:${(api.http.address() as AddressInfo).port}`;
  api.url = server;
  return {
    server,
    kubelet,
    kubeConfig(namespace = 'default') {
      const config = new KubeConfig();
      config.loadFromOptions({
        // client-node 1.4 refuses plain http unless TLS verification is "skipped".
        clusters: [{ name: 'fake', server, skipTLSVerify: true }],
        users: [{ name: 'fake', token: 'fake-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'fake', namespace }],
        currentContext: 'fake',
      });
      return config;
    },
    objects: (resource, namespace) => store.list(resource, namespace),
    calls: () => api.calls(),
    writeLog(namespace, name, text, container) {
      const pod = store.get('pods', namespace, name);
      if (!pod) throw new Error(`no Pod ${namespace}/${name} to write the log of`);
      api.logs.write(pod, container ?? pod.spec.containers[0].name, text);
    },
    compact: () => store.compact(),
    dropWatches: (drop = {}) => api.dropWatches(drop.abrupt ?? false),
    async close() {
      kubelet.close();
      api.dropWatches(true);
      api.http.closeAllConnections();
      await new Promise<void>((resolve) => api.http.close(() => resolve()));
    },
  };
}
