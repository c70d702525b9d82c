/**
 * @module runtime/kubernetes/api-usage
 * Every Kubernetes API call the driver makes, by resource and verb. The deployment's RBAC Role is
 * checked against this list (it must grant exactly these), and the tests on the fake cluster check
 * that the driver calls nothing outside it. Change it with the driver, never apart from it.
 */
export interface ApiUsage {
  /** The API group: '' for the core group. */
  group: string;
  resource: string;
  verbs: readonly string[];
}

export const KUBERNETES_API_USAGE: readonly ApiUsage[] = [
  // Pods are read from the watch cache, and the others are only created, listed (orphans) and deleted: no `get`.
  // A start takes a warm Pod over by patching its labels.
  { group: '', resource: 'pods', verbs: ['create', 'delete', 'list', 'patch', 'watch'] },
  // The notebook log extension reads the notebook container's log.
  { group: '', resource: 'pods/log', verbs: ['get'] },
  { group: '', resource: 'services', verbs: ['create', 'delete', 'list'] },
  { group: '', resource: 'secrets', verbs: ['create', 'delete', 'list'] },
  { group: '', resource: 'persistentvolumeclaims', verbs: ['create', 'delete', 'list'] },
  // The image pre-pull sets of warm flavors (image-prepull): made, listed and deleted, never changed.
  { group: 'apps', resource: 'daemonsets', verbs: ['create', 'delete', 'list'] },
  { group: '', resource: 'events', verbs: ['list', 'watch'] },
];
