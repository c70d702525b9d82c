/**
 * @module test/store/store-factories
 * The stores the contract suite runs against. Each factory makes a fresh, empty database that can
 * be opened, closed and opened again (for persistence tests), then dropped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/core/store.js';
import { openStore } from '../../src/store/open-store.js';
import { createThrowawayDatabase } from './postgres-test-database.js';

export interface TestDatabase {
  /** A migrated store on this database; may be called again after the previous one is closed. */
  open(): Promise<Store>;
  /** Removes the database; stores opened on it must be closed first. */
  drop(): Promise<void>;
}

export interface StoreFactory {
  name: string;
  createDatabase(): Promise<TestDatabase>;
}

const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async createDatabase() {
    const dir = await mkdtemp(join(tmpdir(), 'demanager-store-'));
    // A directory that does not exist yet, so every case also checks that the store creates it.
    const file = join(dir, 'data', 'demanager.db');
    return {
      open: () => openStore(`sqlite:${file}`),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

/** A database per case: creating one takes tens of milliseconds, and nothing can leak between cases. */
const postgresFactory: StoreFactory = {
  name: 'postgres',
  async createDatabase() {
    const database = await createThrowawayDatabase();
    return {
      open: () => openStore(database.url),
      drop: () => database.drop(),
    };
  },
};

export const STORE_FACTORIES: readonly StoreFactory[] = [sqliteFactory, postgresFactory];
