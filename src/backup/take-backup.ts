/**
 * @module backup/take-backup
 * `demanager backup`: a backup archive (see backup/backup-archive) of a SQLite installation, taken
 * while its server runs, and checked before it is written: the snapshot passes SQLite's integrity
 * check and the master key opens every secret sealed in it, so a backup that could never be
 * restored is not written at all.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Config } from '../server/config.js';
import { existingKey } from '../server/key-file.js';
import { sqliteFileOf } from '../store/open-store.js';
import { packBackup } from './backup-archive.js';
import { checkSnapshot, snapshotDatabase, type SnapshotFacts } from './sqlite-snapshot.js';

/** A backup or restore that cannot be done here as configured; nothing was written. */
export class BackupRefused extends Error {
  override readonly name = 'BackupRefused';
}

/** The PostgreSQL equivalent lives in the database's own tools; the README says how. */
export const POSTGRES_BACKUP =
  'this installation keeps its data in PostgreSQL, which demanager backup and restore do not cover: back the ' +
  'database up with pg_dump (and restore it with psql or pg_restore), and keep the master key (masterKey or ' +
  'DEMANAGER_MASTER_KEY) safe apart from the dump; the README section "Backups and upgrades" shows how';

/** The SQLite file of the configured installation; refuses a PostgreSQL one. */
export function sqliteFileOfConfig(config: Config): string {
  const file = sqliteFileOf(config.databaseUrl);
  if (file === undefined) throw new BackupRefused(POSTGRES_BACKUP);
  return file;
}

export interface TakenBackup extends SnapshotFacts {
  archive: Buffer;
}

export async function takeBackup(config: Config, createdAt: Date): Promise<TakenBackup> {
  const file = sqliteFileOfConfig(config);
  if (!existsSync(file))
    throw new BackupRefused(`there is no database at ${file}: nothing to back up (is the data directory right?)`);
  const key = existingKey(config.dataDir, config.masterKey);
  if (key === undefined)
    throw new BackupRefused(
      `no master key is configured and ${config.dataDir}/master.key does not exist: a backup without the key could not be read`,
    );
  const database = await snapshotDatabase(file);
  const facts = await checkSnapshot(database, key);
  return { ...facts, archive: packBackup(database, key, facts.migrations, createdAt) };
}

/**
 * Writes `data` to `file`, readable by its owner only (it holds the master key), and refuses to
 * replace an existing file. Written beside it first and renamed, so `file` never holds half a backup.
 */
export function writePrivateFile(file: string, data: Buffer): void {
  if (existsSync(file)) throw new BackupRefused(`${file} already exists: give a new file name`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, data, { mode: 0o600, flag: 'wx' });
  renameSync(partial, file);
}
