/**
 * @module cli/backup-command
 * `demanager backup <file>` and `demanager restore <file>` for SQLite installations: a consistent
 * copy of the database and the master key in one archive, taken while the server runs, and its
 * restoration into an empty data directory (see backup/). On PostgreSQL both say what to use instead.
 */
import { readFileSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';
import { serverConfig, withServerFlags } from './server-config.js';

/** A server-side command on one archive file. */
function archiveCommand(name: string, description: string, file: string) {
  return withServerFlags(new Command(name)).description(description).argument('<file>', file);
}

export function backupCommand() {
  return archiveCommand(
    'backup',
    'write a backup of the database and the master key to <file> (SQLite; the server may keep running)',
    'the archive to write (a tar file, mode 0600: it holds the master key)',
  ).action(async (file, opts) => {
    const config = serverConfig(opts);
    // Loaded here so the client commands do not pay for the store at start-up.
    const { takeBackup, writePrivateFile } = await import('../backup/take-backup.js');
    const backup = await takeBackup(config, new Date());
    writePrivateFile(file, backup.archive);
    process.stdout.write(
      `wrote ${file}: the database (${backup.migrations.length} migrations applied, ${backup.sealedValues} sealed secrets) ` +
        'and the master key that opens them; keep it as private as the key\n',
    );
  });
}

export function restoreCommand() {
  return archiveCommand(
    'restore',
    'restore a backup made by `demanager backup` into an empty data directory (SQLite)',
    'the archive to restore',
  ).action(async (file, opts) => {
    const config = serverConfig(opts);
    const { restoreBackup } = await import('../backup/restore-backup.js');
    const { NotABackupError } = await import('../backup/backup-archive.js');
    const { SnapshotCheckError } = await import('../backup/sqlite-snapshot.js');
    const archive = readFileSync(file);
    try {
      const restored = await restoreBackup(config, archive);
      const { manifest } = restored;
      process.stdout.write(
        `restored the backup of ${manifest.createdAt} (demanager ${manifest.demanagerVersion}) into ${restored.databaseFile}` +
          `${restored.keyFile ? ` and ${restored.keyFile}` : ''}; the master key opens all ${restored.sealedValues} sealed secrets. ` +
          'Start the server on it (serve migrates the database if it is from an older release).\n',
      );
    } catch (err) {
      if (err instanceof NotABackupError || err instanceof SnapshotCheckError) {
        throw new Error(`${file} cannot be restored: ${err.message}; nothing was written`, { cause: err });
      }
      throw err;
    }
  });
}
