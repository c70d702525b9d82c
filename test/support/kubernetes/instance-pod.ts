/**
 * @module test/support/kubernetes/instance-pod
 * An instance's Pod as the fake cluster holds it, found by the name the driver gives it, unless it
 * is being deleted: what tests of warm Pods compare (its uid says whether a Pod was made anew).
 */
import { resourceNames } from '../../../src/runtime/kubernetes/resource-names.js';
import type { FakeCluster } from './fake-cluster.js';

export function instancePod(cluster: FakeCluster, namespace: string, instanceId: string) {
  return cluster
    .objects('pods', namespace)
    .find((p) => p.metadata.name === resourceNames(instanceId).pod && !p.metadata.deletionTimestamp);
}
