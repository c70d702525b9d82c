/**
 * @module test/support/kubernetes/object-store
 * The fake cluster's etcd: objects by kind, one resourceVersion counter for all of them, and a
 * bounded history of changes that watches replay from. Everything in and out is a deep copy, so
 * no caller can change a stored object behind the watchers' backs.
 */
import { randomUUID } from 'node:crypto';
import { alreadyExists, conflict, notFound } from './api-status.js';
import type { ResourceName } from './resource-kinds.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceName;
  object: any;
  /** The object before a MODIFIED, so a watch with a selector can tell an object that left it. */
  previous?: any;
  resourceVersion: number;
}

export interface ObjectStoreOptions {
  /** Changes kept for watches to replay; older resourceVersions get 410 Gone. Default 1000. */
  historyLimit?: number;
  /** Epoch ms for creation and deletion timestamps. */
  now?: () => number;
}

/** RFC 3339 at second precision, the way the server writes metadata timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class ObjectStore {
  readonly #objects = new Map<ResourceName, Map<string, any>>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #historyLimit: number;
  readonly now: () => number;
  // Counters start high, as on a cluster that has lived a while, so nobody relies on small numbers.
  #resourceVersion = 1000;
  /** A watch may start from this resourceVersion or later; everything before it is forgotten. */
  #oldest = 1000;

  constructor(options: ObjectStoreOptions = {}) {
    this.#historyLimit = options.historyLimit ?? 1000;
    this.now = options.now ?? Date.now;
  }

  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  get oldestResourceVersion(): string {
    return String(this.#oldest);
  }

  #kind(resource: ResourceName): Map<string, any> {
    let objects = this.#objects.get(resource);
    if (!objects) this.#objects.set(resource, (objects = new Map()));
    return objects;
  }

  get(resource: ResourceName, namespace: string, name: string): any {
    const found = this.#kind(resource).get(keyOf(namespace, name));
    return found && structuredClone(found);
  }

  /** In key (namespace/name) order, as etcd returns them. */
  list(resource: ResourceName, namespace?: string): any[] {
    return [...this.#kind(resource).entries()]
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => structuredClone(o));
  }

  /** Stores a new object (already defaulted and validated), filling what the server assigns. */
  create(resource: ResourceName, obj: any): any {
    const { namespace, name } = obj.metadata;
    const objects = this.#kind(resource);
    if (objects.has(keyOf(namespace, name))) throw alreadyExists(resource, name);
    const stored = structuredClone(obj);
    stored.metadata = {
      ...stored.metadata,
      uid: randomUUID(),
      resourceVersion: String(++this.#resourceVersion),
      creationTimestamp: timestamp(this.now()),
    };
    objects.set(keyOf(namespace, name), stored);
    this.#record({ type: 'ADDED', resource, object: stored, resourceVersion: this.#resourceVersion });
    return structuredClone(stored);
  }

  /**
   * Replaces an object. With `expectedVersion`, fails with 409 Conflict when the object moved on.
   * An object marked for deletion whose last finalizer goes is removed, as the server does.
   */
  update(resource: ResourceName, obj: any, expectedVersion?: string): any {
    const { namespace, name } = obj.metadata;
    const objects = this.#kind(resource);
    const current = objects.get(keyOf(namespace, name));
    if (!current) throw notFound(resource, name);
    if (expectedVersion && expectedVersion !== current.metadata.resourceVersion) {
      throw conflict(
        resource,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const stored = structuredClone(obj);
    stored.metadata = {
      ...stored.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: String(++this.#resourceVersion),
    };
    // A graceful deletion (Pods) waits for its grace period to be ended by the kubelet, not for finalizers.
    if (
      stored.metadata.deletionTimestamp &&
      !stored.metadata.deletionGracePeriodSeconds &&
      !stored.metadata.finalizers?.length
    ) {
      objects.delete(keyOf(namespace, name));
      this.#record({ type: 'DELETED', resource, object: stored, resourceVersion: this.#resourceVersion });
    } else {
      objects.set(keyOf(namespace, name), stored);
      this.#record({
        type: 'MODIFIED',
        resource,
        object: stored,
        previous: current,
        resourceVersion: this.#resourceVersion,
      });
    }
    return structuredClone(stored);
  }

  /** Reads, changes and writes back one object; undefined when it is gone. */
  mutate(resource: ResourceName, namespace: string, name: string, change: (obj: any) => void): any {
    const obj = this.get(resource, namespace, name);
    if (!obj) return undefined;
    change(obj);
    return this.update(resource, obj);
  }

  /** Removes an object now (no grace, no finalizers) and answers it as it was last stored. */
  remove(resource: ResourceName, namespace: string, name: string): any {
    const objects = this.#kind(resource);
    const current = objects.get(keyOf(namespace, name));
    if (!current) throw notFound(resource, name);
    objects.delete(keyOf(namespace, name));
    // The DELETED event carries the deletion's own resourceVersion, so watchers can resume after it.
    const gone = structuredClone(current);
    gone.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#record({ type: 'DELETED', resource, object: gone, resourceVersion: this.#resourceVersion });
    return structuredClone(gone);
  }

  /** The changes after `resourceVersion`, or 'expired' when some of them are forgotten. */
  since(resourceVersion: number): StoreEvent[] | 'expired' {
    if (resourceVersion < this.#oldest) return 'expired';
    return this.#history.filter((e) => e.resourceVersion > resourceVersion).map((e) => structuredClone(e));
  }

  /** Forgets all history: only a watch from the current resourceVersion can resume. */
  compact(): void {
    this.#history.length = 0;
    this.#oldest = this.#resourceVersion;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(event: StoreEvent): void {
    this.#history.push(event);
    while (this.#history.length > this.#historyLimit) this.#oldest = this.#history.shift()!.resourceVersion;
    for (const listener of [...this.#listeners]) listener(structuredClone(event));
  }
}
