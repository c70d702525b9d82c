/**
 * @module store/open-store
 * Turns a database URL from the configuration into a {@link Store}: migrated and ready, or left as
 * it is so one can ask what it lacks.
 */
import type { UsageSizer } from '../core/model/flavor-size.js';
import type { Store } from '../core/ports/store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** A scheme of two or more letters, so that a Windows drive letter (`C:\…`) reads as a path. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * The SQLite file `url` names: `sqlite:<path>` (also `sqlite://<path>`, so `sqlite:///abs/path` is
 * absolute) or a bare file path; undefined for `postgres://` and `postgresql://`.
 */
export function sqliteFileOf(url: string): string | undefined {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return url;
  if (scheme === 'sqlite') {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') throw new Error(`database URL ${url} names no file`);
    return path;
  }
  if (scheme === 'postgres' || scheme === 'postgresql') return undefined;
  throw new Error(
    `unsupported database URL scheme "${scheme}:" (expected sqlite:, postgres:, postgresql: or a file path)`,
  );
}

/**
 * A store on `url` with its schema untouched: SQLite on the file {@link sqliteFileOf} names,
 * creating it if need be, or PostgreSQL with the pool's defaults (the URL is handed to pg whole, so
 * its query parameters, such as `sslmode` or `statement_timeout`, apply).
 */
export interface StoreOptions {
  /** The sizes a usage period records when an instance takes a slot (core/model/flavor-size). */
  usageSizes?: UsageSizer;
}

export function connectStore(url: string, options: StoreOptions = {}): Store {
  const file = sqliteFileOf(url);
  return file === undefined ? new PostgresStore(url, options) : new SqliteStore(file, options);
}

/** {@link connectStore}, then brings the schema to the newest version. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const store = connectStore(url, options);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** The migrations {@link openStore} would run on `url`, without running them. */
export async function pendingMigrationsOf(url: string): Promise<string[]> {
  const store = connectStore(url);
  try {
    return await store.pendingMigrations();
  } finally {
    await store.close();
  }
}
