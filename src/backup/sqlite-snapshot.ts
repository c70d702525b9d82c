/**
 * @module backup/sqlite-snapshot
 * A consistent copy of a live SQLite database, and the checks a copy must pass before it is
 * archived or restored: SQLite's integrity check, the migrations it ran, and that a master key
 * opens every sealed value in it.
 *
 * The copy is made with SQLite's online backup API, all pages in one step: that step reads under
 * one read transaction, so it sees the database as one commit left it while a running server keeps
 * writing (in WAL mode writers do not wait for it, nor it for them).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { sealingBoxes } from '../core/secrets/box.js';
import type { Database } from '../store/database.js';
import { appliedMigrations } from '../store/migrations/schema-version.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** The most pages one backup step may copy: every page, in one step. */
const ALL_PAGES = 0x7fffffff;
/** A sealed value (see core/secrets/box) wherever it sits: a column of its own or inside a JSON document. */
const SEALED = /sealed:v[12]:[A-Za-z0-9_:-]+/g;

/** The bytes of a consistent copy of the database in `file`, as a rollback-journal database. */
export async function snapshotDatabase(file: string): Promise<Buffer> {
  const source = new BetterSqlite3(file, { fileMustExist: true });
  const dir = mkdtempSync(join(tmpdir(), 'demanager-snapshot-'));
  try {
    source.pragma('busy_timeout = 5000');
    const copy = join(dir, 'snapshot.db');
    // The first step copies nothing (better-sqlite3 starts with 0 pages); the second copies all.
    await source.backup(copy, { progress: () => ALL_PAGES });
    const snapshot = new BetterSqlite3(copy);
    try {
      // Self-contained: no -wal beside it, so it can be read from memory and restored as one file.
      snapshot.pragma('journal_mode = DELETE');
    } finally {
      snapshot.close();
    }
    return readFileSync(copy);
  } finally {
    source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The copy is not a usable database for this key. */
export class SnapshotCheckError extends Error {
  override readonly name = 'SnapshotCheckError';
}

function sealedValuesIn(sqlite: BetterSqlite3.Database): string[] {
  const found: string[] = [];
  const tables = sqlite.prepare<[], { name: string }>("select name from sqlite_master where type = 'table'").all();
  for (const { name } of tables) {
    for (const row of sqlite
      .prepare(`select * from "${name.replaceAll('"', '""')}"`)
      .raw()
      .iterate() as Iterable<unknown[]>) {
      for (const value of row)
        if (typeof value === 'string' && value.includes('sealed:v')) found.push(...(value.match(SEALED) ?? []));
    }
  }
  return found;
}

function opens(boxes: ReturnType<typeof sealingBoxes>, sealed: string): boolean {
  return Object.values(boxes).some((box) => {
    try {
      box.open(sealed);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The database with its header saying rollback journal instead of WAL (bytes 18 and 19: 1, not 2),
 * which is what an in-memory copy can open; a copy whose WAL was checkpointed loses nothing by it.
 * Our snapshots are already so; a database file copied from a stopped server may not be.
 */
function inRollbackMode(database: Buffer): Buffer {
  if (database[18] !== 2 && database[19] !== 2) return database;
  const copy = Buffer.from(database);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

export interface SnapshotFacts {
  /** The schema migrations the database ran. */
  migrations: string[];
  /** Sealed values found, every one opened by the key. */
  sealedValues: number;
}

/**
 * Checks a database copy (its bytes) with `masterKey`: a SQLite database that passes SQLite's
 * integrity check and whose every sealed value the key opens. Throws {@link SnapshotCheckError}.
 */
export async function checkSnapshot(database: Buffer, masterKey: Buffer): Promise<SnapshotFacts> {
  if (!database.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER))
    throw new SnapshotCheckError('the database is not a SQLite database');
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(inRollbackMode(database));
  } catch (err) {
    throw new SnapshotCheckError(`the database cannot be opened: ${(err as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    const integrity = sqlite.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new SnapshotCheckError(`the database is damaged: ${String(integrity)}`);
    const sealed = sealedValuesIn(sqlite);
    const boxes = sealingBoxes(masterKey);
    const unopened = sealed.filter((value) => !opens(boxes, value)).length;
    if (unopened > 0) {
      throw new SnapshotCheckError(
        `the master key does not open ${unopened} of the ${sealed.length} secrets sealed in the database: it is not the key they were sealed with`,
      );
    }
    return { migrations: await appliedMigrations(db), sealedValues: sealed.length };
  } finally {
    await db.destroy();
    if (sqlite.open) sqlite.close();
  }
}
