/**
 * @module test/support/test-store
 * Which store the end-to-end tests run on: SQLite in the data directory (default), or a throwaway
 * PostgreSQL database when `DEMANAGER_TEST_STORE=postgres`. The database URL is remembered in the
 * data directory, so a test that restarts a server on the same directory finds the same data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createThrowawayDatabase } from '../store/postgres-test-database.js';

export const TEST_STORE = process.env.DEMANAGER_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

const URL_FILE = 'test-database-url';

/** With PostgreSQL the master key must be configured (replicas share it); tests use a fixed one. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** The config options that put a server on `dataDir` onto the test store. */
export async function testStoreOptions(dataDir: string): Promise<{ databaseUrl?: string; masterKey?: string }> {
  const databaseUrl = await testDatabaseUrl(dataDir);
  return databaseUrl ? { databaseUrl, masterKey: TEST_MASTER_KEY } : {};
}

/** The database URL for a server on `dataDir`: undefined (SQLite default) or its PostgreSQL database. */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  if (TEST_STORE === 'sqlite') return undefined;
  const file = join(dataDir, URL_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const db = await createThrowawayDatabase();
  writeFileSync(file, db.url);
  return db.url;
}

/** Drops the PostgreSQL database of `dataDir`, if it has one. */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  const file = join(dataDir, URL_FILE);
  if (!existsSync(file)) return;
  const url = new URL(readFileSync(file, 'utf8'));
  const { adminQuery } = await import('../store/postgres-test-database.js');
  await adminQuery(`drop database if exists "${url.pathname.slice(1)}" with (force)`);
}

/** Every byte the store holds for `dataDir`: the SQLite files (WAL included), or a pg_dump. */
export function databaseBytes(dataDir: string): Buffer {
  const file = join(dataDir, URL_FILE);
  if (existsSync(file))
    return execFileSync('pg_dump', ['--data-only', readFileSync(file, 'utf8')], { maxBuffer: 256 * 1024 * 1024 });
  const files = readdirSync(dataDir).filter((f) => f.startsWith('demanager.db'));
  if (!files.includes('demanager.db')) throw new Error(`no SQLite database in ${dataDir}: ${files.join(',')}`);
  return Buffer.concat(files.map((f) => readFileSync(join(dataDir, f))));
}
