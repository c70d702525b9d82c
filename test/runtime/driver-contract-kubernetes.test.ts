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
 * - an aborted start keeps its Pod for the next start to adopt (see the driver's `start`).
 *
 * What only a real cluster proves beyond this: that files written in the notebook survive a stop
 * and start (the claim's volume is really mounted again, on whichever node the Pod lands), that a
 * removed claim frees its volume (reclaim policy of the storage class), that the Pod's notebook
 * answers on the Service endpoint (Pod IPs lead nowhere here), and the timing of a real scheduler,
 * image pulls and kubelet (the fake takes one step per round).
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/core/clock.js';
import type { Workload } from '../../src/core/runtime.js';
import { KubernetesDriver } from '../../src/runtime/kubernetes/kubernetes-driver.js';
import { INSTANCE_ANNOTATION, resourceNames } from '../../src/runtime/kubernetes/resource-names.js';
import { startFakeCluster } from '../support/kubernetes/fake-cluster.js';
import { driverContract } from './driver-contract.js';
import { makeWorkload } from './workloads.js';

const NAMESPACE = 'contract';
const INSTALLATION = randomUUID();
const silent = { info() {}, warn() {}, error() {} };

// Rounds slow enough that a start is seen under way (a Pod not ready yet) before it ends.
const cluster = await startFakeCluster({ kubelet: { stepDelayMs: 100 } });
const drivers: KubernetesDriver[] = [];

/** A claim being deleted is gone for its instance: no new Pod may use it, and it goes once none does. */
function claimOf(workload: Workload): any {
  const name = resourceNames(workload.instance.id).claim;
  return cluster.objects('persistentvolumeclaims', NAMESPACE).find((c) => c.metadata.name === name && !c.metadata.deletionTimestamp);
}

driverContract('kubernetes (fake cluster)', {
  driver() {
    const driver = new KubernetesDriver({
      namespace: NAMESPACE,
      installationId: INSTALLATION,
      registry: 'swr.example.com',
      storageClass: 'csi-disk',
      obsVolume: null,
      clusterDomain: 'cluster.local',
      notebookPort: 8888,
      imagePullSecrets: [],
      kubeConfig: cluster.kubeConfig(NAMESPACE),
      secretFor: () => randomUUID(),
      unschedulableMs: 0,
      clock: systemClock,
      log: silent,
      watchRetryMs: 10,
    });
    drivers.push(driver);
    return driver;
  },
  workload: () => makeWorkload(),
  async exitFromOutside(workload) {
    cluster.kubelet.deleteFromOutside(resourceNames(workload.instance.id).pod, NAMESPACE);
  },
  runs: async (workload) =>
    cluster.objects('pods', NAMESPACE).some((p) => p.metadata.annotations?.[INSTANCE_ANNOTATION] === workload.instance.id && !p.metadata.deletionTimestamp),
  adoptsAbortedStart: true,
  storage: {
    exists: async (workload) => claimOf(workload) !== undefined,
    identity: async (workload) => claimOf(workload)?.metadata.uid,
  },
  async cleanup() {
    await Promise.all(drivers.map((driver) => driver.close()));
    await cluster.close();
  },
});
