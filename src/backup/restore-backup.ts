/**
 * @module backup/restore-backup
 * `demanager restore`: a backup archive back into an empty data directory. Everything is checked
 * before the first byte is written: the archive (layout, checksums), the schema (not from a newer
 * release than this one), the database (SQLite's integrity check) and the key (it opens every
 * secret sealed in the database, and is the configured key when one is configured). The restored
 * database and key file are 0600 in a 0700 directory. `serve` then migrates the database as usual.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../server/config.js';
import { createKeyFile, parseKey } from '../server/key-file.js';
import { migrationsFor } from '../store/migrations/index.js';
import { SQLITE_SCHEMA } from '../store/migrations/schema-dialect.js';
import { refuseNewerSchema } from '../store/migrations/schema-version.js';
import { NotABackupError, unpackBackup, type BackupManifest } from './backup-archive.js';
import { checkSnapshot } from './sqlite-snapshot.js';
import { BackupRefused, sqliteFileOfConfig } from './take-backup.js';

export interface RestoredBackup {
  manifest: BackupManifest;
  databaseFile: string;
  /** Undefined when the key comes from the configuration, which the restore does not write. */
  keyFile: string | undefined;
  sealedValues: number;
}

function refuseNonEmpty(dir: string): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    throw new BackupRefused(
      `the data directory ${dir} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}): ` +
        'restore only into a new or empty directory, so nothing of another installation mixes with the backup',
    );
  }
}

export async function restoreBackup(config: Config, archive: Buffer): Promise<RestoredBackup> {
  const databaseFile = sqliteFileOfConfig(config);
  refuseNonEmpty(config.dataDir);
  if (existsSync(databaseFile))
    throw new BackupRefused(`${databaseFile} already exists: restore only where there is no database yet`);
  const { manifest, database, masterKey } = unpackBackup(archive);
  refuseNewerSchema(manifest.schema.migrations, Object.keys(migrationsFor(SQLITE_SCHEMA)));
  if (config.masterKey && !parseKey(config.masterKey).equals(masterKey)) {
    throw new BackupRefused(
      'the configured master key (masterKey or DEMANAGER_MASTER_KEY) is not the key in the backup, so the restored ' +
        'secrets could not be read: configure the key from the backup, or none (the restore then writes it to master.key)',
    );
  }
  const facts = await checkSnapshot(database, masterKey);
  if (facts.migrations.join() !== manifest.schema.migrations.join())
    throw new NotABackupError('its database has not run the migrations its manifest lists');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(databaseFile), { recursive: true, mode: 0o700 });
  writeFileSync(databaseFile, database, { mode: 0o600, flag: 'wx' });
  const keyFile = config.masterKey ? undefined : createKeyFile(config.dataDir, masterKey);
  return { manifest, databaseFile, keyFile, sealedValues: facts.sealedValues };
}
