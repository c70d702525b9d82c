/**
 * The runtime driver contract on the Kubernetes driver, over the in-process fake cluster (API
 * server + kubelet, test/support/kubernetes): every call the driver makes goes over HTTP in the
 * real wire format, and what runs is read from the cluster's objects, not from the driver. Each
 * `driver()` is a new KubernetesDriver on the same cluster and namespace, as a restarted service.
 *
 * What is probed, and how:
 * - runs: a Pod carrying the instance's id exists and is not being deleted;
 * - exits from outside: the Pod deleted the way `kubectl delete` does (gracefully, not by the driver);
 * - storage: the instance's claim. The fake has no volumes, so nothing is written into one: a claim
 *   that exists and is not being deleted stands for the storage, and its uid for what is kept (the
 *   same claim object after a stop and a start, not a new one of the same name);
 * - an aborted start keeps its Pod for the next start to adopt (see the driver's `start`);
 * - warm slots: a warm Pod made ahead for an id is the Pod its start runs (see warm-pod).
 *
 * What only a real cluster proves beyond this: that files written in the notebook survive a stop
 * and start (the claim's volume is really mounted again, on whichever node the Pod lands), that a
 * removed claim frees its volume (reclaim policy of the storage class), that the Pod's notebook
 * answers on the Service endpoint (Pod IPs lead nowhere here), and the timing of a real scheduler,
 * image pulls and kubelet (the fake takes one step per round).
 *
 * The same fixture runs on a real cluster when DEMANAGER_TEST_KUBECONFIG names a kubeconfig and
 * DEMANAGER_TEST_NAMESPACE a namespace the suite may fill and empty (DEMANAGER_TEST_REGISTRY: where
 * the built-in profiles' notebook images are; DEMANAGER_TEST_STORAGE_CLASS: the claims' class). It
 * is opt-in, not KUBECONFIG, so that `npm test` never creates Pods on a developer's usual cluster.
 * Every probe goes through the API, so both runs check the same things.
 */
import { randomUUID } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { systemClock } from '../../src/core/shared/clock.js';
import type { Workload } from '../../src/core/ports/runtime.js';
import { KubernetesDriver } from '../../src/runtime/kubernetes/kubernetes-driver.js';
import { INSTANCE_ANNOTATION, resourceNames } from '../../src/runtime/kubernetes/resource-names.js';
import { startFakeCluster } from '../support/kubernetes/fake-cluster.js';
import { driverContract, type DriverFixture } from './driver-contract.js';
import { makeWorkload } from './workloads.js';

const silent = { info() {}, warn() {}, error() {} };

/** Where the suite runs: a cluster's credentials and a namespace of its own there. */
interface Backing {
  kubeConfig: KubeConfig;
  namespace: string;
  registry: string;
  storageClass: string | null;
  /** How long a Pod may wait for a node: none on the fake, the scheduler's time on a cluster. */
  unschedulableMs: number;
  close(): Promise<void>;
}

function clusterFixture(backing: Backing): DriverFixture {
  const { namespace } = backing;
  const api = backing.kubeConfig.makeApiClient(CoreV1Api);
  const drivers: KubernetesDriver[] = [];
  const installationId = randomUUID();
  const ofInstance =
    (workload: Workload) =>
    (object: { metadata?: { annotations?: Record<string, string>; deletionTimestamp?: unknown } }) =>
      object.metadata?.annotations?.[INSTANCE_ANNOTATION] === workload.instance.id &&
      !object.metadata.deletionTimestamp;
  /** A claim being deleted is gone for its instance: no new Pod may use it, and it goes once none does. */
  const claimOf = async (workload: Workload) =>
    (await api.listNamespacedPersistentVolumeClaim({ namespace })).items.find(ofInstance(workload));
  return {
    driver() {
      const driver = new KubernetesDriver({
        namespace,
        installationId,
        registry: backing.registry,
        storageClass: backing.storageClass,
        obsVolume: null,
        clusterDomain: 'cluster.local',
        notebookPort: 8888,
        imagePullSecrets: [],
        pauseImage: 'registry.k8s.io/pause:3.10',
        kubeConfig: backing.kubeConfig,
        secretFor: () => randomUUID(),
        unschedulableMs: backing.unschedulableMs,
        clock: systemClock,
        log: silent,
        watchRetryMs: 10,
      });
      drivers.push(driver);
      return driver;
    },
    workload: () => makeWorkload(),
    // As `kubectl delete pod` does: gracefully, and not through the driver.
    async exitFromOutside(workload) {
      await api.deleteNamespacedPod({ namespace, name: resourceNames(workload.instance.id).pod });
    },
    runs: async (workload) => (await api.listNamespacedPod({ namespace })).items.some(ofInstance(workload)),
    adoptsAbortedStart: true,
    keepsWarm: true,
    storage: {
      exists: async (workload) => (await claimOf(workload)) !== undefined,
      identity: async (workload) => (await claimOf(workload))?.metadata?.uid,
    },
    async cleanup() {
      await Promise.all(drivers.map((driver) => driver.close()));
      await backing.close();
    },
  };
}

// Rounds slow enough that a start is seen under way (a Pod not ready yet) before it ends.
const fake = await startFakeCluster({ kubelet: { stepDelayMs: 100 } });
const FAKE_NAMESPACE = 'contract';
driverContract(
  'kubernetes (fake cluster)',
  clusterFixture({
    kubeConfig: fake.kubeConfig(FAKE_NAMESPACE),
    namespace: FAKE_NAMESPACE,
    registry: 'swr.example.com',
    storageClass: 'csi-disk',
    unschedulableMs: 0,
    close: () => fake.close(),
  }),
);

const realConfig = process.env.DEMANAGER_TEST_KUBECONFIG;
const realNamespace = process.env.DEMANAGER_TEST_NAMESPACE;
if (realConfig && realNamespace) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(realConfig);
  driverContract(
    `kubernetes (real cluster ${kubeConfig.getCurrentCluster()?.server}, namespace ${realNamespace})`,
    clusterFixture({
      kubeConfig,
      namespace: realNamespace,
      registry: process.env.DEMANAGER_TEST_REGISTRY ?? '',
      storageClass: process.env.DEMANAGER_TEST_STORAGE_CLASS ?? null,
      unschedulableMs: 120_000,
      close: async () => undefined,
    }),
  );
} else {
  console.log(
    'kubernetes driver contract on a real cluster: not run here (set DEMANAGER_TEST_KUBECONFIG and DEMANAGER_TEST_NAMESPACE to run it)',
  );
}
