/**
 * @module core/store-changes
 * Wraps a store so that each write to its identity or instance tables bumps a generation when it
 * returns: what {@link ReadCache}s check to never serve a value read before the write. Reads are
 * named, so a method added later counts as a write, which can only make a cache miss.
 */
import { Generation } from './read-cache.js';
import type { IdentityRepository, InstanceRepository, Store } from './store.js';

export interface StoreChanges {
  identity: Generation;
  instances: Generation;
}

const IDENTITY_READS: ReadonlySet<keyof IdentityRepository> = new Set<keyof IdentityRepository>([
  'getUser',
  'findUserByName',
  'listUsers',
  'getProject',
  'findProjectByName',
  'listProjects',
  'listAssignments',
  'rolesOf',
  'findToken',
  'getAccessKey',
  'listAccessKeys',
]);

const INSTANCE_READS: ReadonlySet<keyof InstanceRepository> = new Set<keyof InstanceRepository>([
  'get',
  'getById',
  'list',
  'listByStatus',
  'countByStatus',
  'countInStatuses',
  'countByFlavor',
  'earliest',
  'listDue',
  'listEvents',
]);

function watched<T extends object>(repository: T, reads: ReadonlySet<keyof T>, generation: Generation): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || reads.has(property as keyof T)) return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          // Also after a failure: a write may have happened before it failed.
          generation.bump();
        }
      };
    },
  });
}

/** `store` with its identity and instance writes counted in the returned generations. */
export function watchStore(store: Store): { store: Store; changes: StoreChanges } {
  const changes: StoreChanges = { identity: new Generation(), instances: new Generation() };
  const identity = watched(store.identity, IDENTITY_READS, changes.identity);
  const instances = watched(store.instances, INSTANCE_READS, changes.instances);
  const wrapped: Store = {
    identity,
    instances,
    get audit() {
      return store.audit;
    },
    get leases() {
      return store.leases;
    },
    migrate: () => store.migrate(),
    pendingMigrations: () => store.pendingMigrations(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
  return { store: wrapped, changes };
}
