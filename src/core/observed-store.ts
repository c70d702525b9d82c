/**
 * @module core/observed-store
 * A store that reports each committed instance write — by the API, the reconciler, the queue or
 * any scheduled job — to a {@link InstanceFeed}: the repository is the one place every change
 * passes, so no writer can forget to tell.
 */
import type { InstanceChange } from './instance-feed.js';
import type { InstanceRepository, Store } from './store.js';

/**
 * Forwards every property to `target`, methods bound to it, except those in `overrides`. Each
 * method is bound once: the store is on every request's path.
 */
function delegate<T extends object>(target: T, overrides: Partial<T>): T {
  const bound = new Map<PropertyKey, { method: Function; bound: unknown }>();
  return new Proxy(target, {
    get(inner, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(inner, key, inner);
      if (typeof value !== 'function') return value;
      const known = bound.get(key);
      if (known?.method === value) return known.bound;
      const fresh = value.bind(inner);
      bound.set(key, { method: value, bound: fresh });
      return fresh;
    },
  });
}

export function observeInstanceChanges(store: Store, publish: (change: InstanceChange) => void): Store {
  const inner = store.instances;
  const instances = delegate<InstanceRepository>(inner, {
    async insert(instance, event, limits) {
      await inner.insert(instance, event, limits);
      publish({ kind: 'changed', instance });
    },
    async update(next, event, limits) {
      const written = await inner.update(next, event, limits);
      if (written) publish({ kind: 'changed', instance: written });
      return written;
    },
    async delete(id, version, event) {
      const deleted = await inner.delete(id, version, event);
      // Every writer that deletes records why; the event names the project to tell.
      if (deleted && event) publish({ kind: 'deleted', id, projectId: event.projectId });
      return deleted;
    },
  });
  return delegate<Store>(store, { instances });
}
