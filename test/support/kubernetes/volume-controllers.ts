/**
 * @module test/support/kubernetes/volume-controllers
 * The control-plane loops that act on claims: a provisioner that binds each new claim to a fresh
 * volume, and the `kubernetes.io/pvc-protection` controller that lets a deleted claim go only once
 * no Pod uses it (what keeps a notebook's disk while its Pod is still stopping).
 */
import type { ObjectStore } from './object-store.js';
import { claimNames, type Step } from './pod-lifecycle.js';

const PROTECTION = 'kubernetes.io/pvc-protection';
const PROVISIONER = 'fake.csi.k8s.io';

function inUse(claim: any, store: ObjectStore): boolean {
  return store
    .list('pods', claim.metadata.namespace)
    .some((p) => !['Succeeded', 'Failed'].includes(p.status?.phase) && claimNames(p).includes(claim.metadata.name));
}

export function nextClaimStep(claim: any, store: ObjectStore): Step | undefined {
  const { namespace, name } = claim.metadata;
  if (claim.metadata.deletionTimestamp) {
    if (!claim.metadata.finalizers?.includes(PROTECTION) || inUse(claim, store)) return undefined;
    return {
      actor: 'control-plane',
      run: () =>
        store.mutate('persistentvolumeclaims', namespace, name, (c) => {
          c.metadata.finalizers = c.metadata.finalizers.filter((f: string) => f !== PROTECTION);
        }),
    };
  }
  if (claim.status?.phase !== 'Pending') return undefined;
  return {
    actor: 'control-plane',
    run: () =>
      store.mutate('persistentvolumeclaims', namespace, name, (c) => {
        c.metadata.annotations = {
          ...c.metadata.annotations,
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER,
          'volume.kubernetes.io/storage-provisioner': PROVISIONER,
        };
        c.spec.volumeName = `pvc-${c.metadata.uid}`;
        c.status = {
          phase: 'Bound',
          accessModes: c.spec.accessModes,
          capacity: { storage: c.spec.resources.requests.storage },
        };
      }),
  };
}
