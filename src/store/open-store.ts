/**
 * @module store/open-store
 * Turns a database URL from the configuration into a migrated, ready {@link Store}.
 */
import type { Store } from '../core/store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** A scheme of two or more letters, so that a Windows drive letter (`C:\…`) reads as a path. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * `sqlite:<path>` (also `sqlite://<path>`, so `sqlite:///abs/path` is absolute) or a bare file
 * path opens SQLite; `postgres://` and `postgresql://` open PostgreSQL with the pool's defaults
 * (the URL is handed to pg whole, so its query parameters, such as `sslmode` or
 * `statement_timeout`, apply).
 */
export async function openStore(url: string): Promise<Store> {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  let store: Store;
  if (scheme === undefined) {
    store = new SqliteStore(url);
  } else if (scheme === 'sqlite') {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') throw new Error(`database URL ${url} names no file`);
    store = new SqliteStore(path);
  } else if (scheme === 'postgres' || scheme === 'postgresql') {
    store = new PostgresStore(url);
  } else {
    throw new Error(`unsupported database URL scheme "${scheme}:" (expected sqlite:, postgres:, postgresql: or a file path)`);
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
