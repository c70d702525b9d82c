/**
 * @module test/store/contract-case
 * Per-case setup for contract suites: a fresh database and a migrated store on it before each
 * case, and everything closed and dropped after it, whether the case passed or not.
 */
import { afterEach, beforeEach } from 'node:test';
import type { Store } from '../../src/core/ports/store.js';
import type { StoreFactory, TestDatabase } from './store-factories.js';

export interface ContractCase {
  readonly database: TestDatabase;
  /** The migrated store of the current case. */
  readonly store: Store;
  /** Registers a store the case opened itself, so it is closed after the case. */
  track<S extends Store>(store: S): S;
  /** Makes another fresh database, dropped after the case. */
  anotherDatabase(): Promise<TestDatabase>;
}

/** Call inside a `describe`: the hooks apply to the cases of that suite. */
export function contractCase(factory: StoreFactory): ContractCase {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  let stores: Store[] = [];
  let databases: TestDatabase[] = [];

  beforeEach(async () => {
    database = undefined;
    store = undefined;
    stores = [];
    databases = [];
    database = await factory.createDatabase();
    databases.push(database);
    store = await database.open();
    stores.push(store);
  });

  afterEach(async () => {
    try {
      // allSettled: a store the case closed itself may refuse a second close.
      await Promise.allSettled(stores.map((s) => s.close()));
    } finally {
      await Promise.all(databases.map((d) => d.drop()));
    }
  });

  return {
    get database() {
      if (database === undefined) throw new Error('no database: beforeEach failed');
      return database;
    },
    get store() {
      if (store === undefined) throw new Error('no store: beforeEach failed');
      return store;
    },
    track(opened) {
      stores.push(opened);
      return opened;
    },
    async anotherDatabase() {
      const made = await factory.createDatabase();
      databases.push(made);
      return made;
    },
  };
}
