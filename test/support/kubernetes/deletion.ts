/**
 * @module test/support/kubernetes/deletion
 * What a DELETE does on the server: a Pod on a node only gets a deletionTimestamp (the kubelet
 * ends it), an object with finalizers waits for them, anything else goes at once. Shared by the
 * HTTP handler and by deletions "from outside" (kubectl, a node drain) in the fake kubelet.
 */
import { conflict, notFound } from './api-status.js';
import { timestamp, type ObjectStore } from './object-store.js';
import { RESOURCE_KINDS, type ResourceName } from './resource-kinds.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Resolves with the object as it stands after the delete (marked or gone). */
export function deleteObject(
  store: ObjectStore,
  resource: ResourceName,
  namespace: string,
  name: string,
  options: DeleteOptions = {},
): any {
  const obj = store.get(resource, namespace, name);
  if (!obj) throw notFound(resource, name);
  const { uid, resourceVersion } = options.preconditions ?? {};
  if (uid && uid !== obj.metadata.uid) {
    throw conflict(
      resource,
      name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${obj.metadata.uid}`,
    );
  }
  if (resourceVersion && resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(
      resource,
      name,
      `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
    );
  }
  const grace = RESOURCE_KINDS[resource].gracefulDelete ? gracePeriod(obj, options) : 0;
  if (grace > 0) {
    if (obj.metadata.deletionTimestamp) return obj;
    obj.metadata.deletionTimestamp = timestamp(store.now() + grace * 1000);
    obj.metadata.deletionGracePeriodSeconds = grace;
    return store.update(resource, obj);
  }
  if (obj.metadata.finalizers?.length) {
    if (obj.metadata.deletionTimestamp) return obj;
    obj.metadata.deletionTimestamp = timestamp(store.now());
    obj.metadata.deletionGracePeriodSeconds = 0;
    return store.update(resource, obj);
  }
  return store.remove(resource, namespace, name);
}

/** A Pod that never reached a node, or has finished, has nothing to stop: it goes at once. */
function gracePeriod(pod: any, options: DeleteOptions): number {
  if (!pod.spec?.nodeName || ['Succeeded', 'Failed'].includes(pod.status?.phase)) return 0;
  return options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}
