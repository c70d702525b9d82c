/**
 * @module core/changes/store-changes
 * The store as the services see it: the one place every write passes, whoever makes it (the API,
 * the reconciler, the queue, a scheduled job), so no writer can forget to tell. Each write to the
 * identity or instance tables bumps a generation when it returns (what {@link ReadCache}s check,
 * so they never serve a value read before the write), and each committed instance change is
 * published with its history entry (see {@link CommittedChanges}: the scheduler, the queue, the
 * metrics and the change stream subscribe). Reads are named, so a method added later counts as a
 * write, which can only make a cache miss.
 *
 * A `Proxy` rather than a class spelling out each repository method: the point is that every
 * method not named a read is counted, including those added to the repositories later, which an
 * explicit wrapper would let through uncounted until someone remembered to add it.
 */
import type { CommittedChange } from './committed-changes.js';
import { Generation } from '../shared/read-cache.js';
import type { IdentityRepository, InstanceRepository, ShareRepository, Store } from '../ports/store.js';

export interface StoreChanges {
  identity: Generation;
  instances: Generation;
}

const IDENTITY_READS: ReadonlySet<PropertyKey> = new Set<keyof IdentityRepository>([
  'getUser',
  'findUserByName',
  'listUsers',
  'getProject',
  'findProjectByName',
  'listProjects',
  'listAssignments',
  'rolesOf',
  'revision',
  'findToken',
  'getAccessKey',
  'listAccessKeys',
]);

/** Shares decide who may open a notebook, as roles do: their writes count as identity writes. */
const SHARE_READS: ReadonlySet<PropertyKey> = new Set<keyof ShareRepository>(['list', 'has', 'inProject']);

/** `appendEvent` is here too: a progress entry changes no instance and no count. */
const INSTANCE_READS: ReadonlySet<PropertyKey> = new Set<keyof InstanceRepository>([
  'get',
  'getById',
  'existing',
  'list',
  'listByStatus',
  'countByStatus',
  'countInStatuses',
  'countByFlavor',
  'earliest',
  'listDue',
  'listEvents',
  'changesSince',
  'appendEvent',
]);

/**
 * `target`, its methods bound to it, those in `overrides` replaced, and those `wrap` is given
 * wrapped by it; each method made once (the store is on every request's path).
 */
function delegate<T extends object>(
  target: T,
  overrides: Partial<T>,
  wrap?: (key: PropertyKey, method: (...args: unknown[]) => unknown) => unknown,
): T {
  const made = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(inner, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(inner, key, inner);
      if (typeof value !== 'function') return value;
      let method = made.get(key);
      if (method === undefined) {
        const bound = (value as (...args: unknown[]) => unknown).bind(inner);
        method = wrap ? wrap(key, bound) : bound;
        made.set(key, method);
      }
      return method;
    },
  });
}

/** Every method not in `reads` bumps `generation` once it settles (also on failure: it may have written first). */
function counted<T extends object>(target: T, reads: ReadonlySet<PropertyKey>, generation: Generation): T {
  return delegate(target, {}, (key, method) =>
    reads.has(key)
      ? method
      : async (...args: unknown[]) => {
          try {
            return await method(...args);
          } finally {
            generation.bump();
          }
        },
  );
}

/** `store` with its writes counted in the returned generations and its instance changes published. */
export function watchStore(
  store: Store,
  publish: (change: CommittedChange) => void = () => {},
): { store: Store; changes: StoreChanges } {
  const changes: StoreChanges = { identity: new Generation(), instances: new Generation() };
  const inner = counted(store.instances, INSTANCE_READS, changes.instances);
  const instances = delegate<InstanceRepository>(inner, {
    async insert(instance, event, limits) {
      await inner.insert(instance, event, limits);
      publish({ kind: 'changed', instance, event });
    },
    async update(next, event, limits) {
      const written = await inner.update(next, event, limits);
      if (written) publish({ kind: 'changed', instance: written, event });
      return written;
    },
    async delete(id, version, event) {
      const deleted = await inner.delete(id, version, event);
      // Every writer that deletes records why; the event names the project to tell.
      if (deleted && event) publish({ kind: 'deleted', id, projectId: event.projectId, event });
      return deleted;
    },
  });
  const identity = counted(store.identity, IDENTITY_READS, changes.identity);
  const shares = counted(store.shares, SHARE_READS, changes.identity);
  return { store: delegate<Store>(store, { identity, instances, shares }), changes };
}
