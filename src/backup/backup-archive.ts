/**
 * @module backup/backup-archive
 * What a backup file holds: a plain tar of three files, `manifest.json` (what the backup is),
 * `demanager.db` (a consistent snapshot of the SQLite database) and `SECRET-master.key` (the
 * master key that seals the database's secrets, named for what it is). The manifest records a
 * SHA-256 of each file, so a damaged archive is refused rather than restored.
 */
import { createHash } from 'node:crypto';
import { parseKey } from '../server/key-file.js';
import { VERSION } from '../core/shared/release.js';
import { readTar, TarFormatError, writeTar, type TarEntry } from './ustar.js';

export const BACKUP_FORMAT = 'demanager-backup';
/** Raised when the layout changes; a reader refuses versions it does not know. */
export const BACKUP_FORMAT_VERSION = 1;

const MANIFEST = 'manifest.json';
export const DATABASE_ENTRY = 'demanager.db';
export const KEY_ENTRY = 'SECRET-master.key';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  /** The demanager release that took it. */
  demanagerVersion: string;
  /** ISO 8601. */
  createdAt: string;
  /** The schema migrations the database had run, in order. */
  schema: { migrations: string[] };
  files: Record<typeof DATABASE_ENTRY | typeof KEY_ENTRY, { size: number; sha256: string }>;
  /** Said in the archive itself, for whoever opens it with `tar`. */
  warning: string;
}

export interface Backup {
  manifest: BackupManifest;
  database: Buffer;
  masterKey: Buffer;
}

/** The file is not a demanager backup this release can read, or it is damaged. */
export class NotABackupError extends Error {
  override readonly name = 'NotABackupError';
}

const WARNING =
  `${KEY_ENTRY} is the master key that seals the secrets stored in ${DATABASE_ENTRY} (repository credentials, ` +
  "access keys' secret keys): whoever has both can read them. Keep this archive as private as the key.";

const describe = (data: Buffer) => ({ size: data.length, sha256: createHash('sha256').update(data).digest('hex') });

export function packBackup(
  database: Buffer,
  masterKey: Buffer,
  migrations: readonly string[],
  createdAt: Date,
): Buffer {
  const keyText = Buffer.from(masterKey.toString('base64') + '\n');
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    demanagerVersion: VERSION,
    createdAt: createdAt.toISOString(),
    schema: { migrations: [...migrations] },
    files: { [DATABASE_ENTRY]: describe(database), [KEY_ENTRY]: describe(keyText) },
    warning: WARNING,
  };
  const mtime = createdAt.getTime() / 1000;
  return writeTar([
    { name: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), mode: 0o600, mtime },
    { name: DATABASE_ENTRY, data: database, mode: 0o600, mtime },
    { name: KEY_ENTRY, data: keyText, mode: 0o600, mtime },
  ]);
}

function manifestOf(data: Buffer | undefined): BackupManifest {
  if (data === undefined) throw new NotABackupError(`it has no ${MANIFEST}`);
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(data.toString('utf8')) as Partial<BackupManifest>;
  } catch {
    throw new NotABackupError(`its ${MANIFEST} is not JSON`);
  }
  if (manifest?.format !== BACKUP_FORMAT) throw new NotABackupError(`its ${MANIFEST} does not say ${BACKUP_FORMAT}`);
  if (manifest.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new NotABackupError(
      `it has format version ${manifest.formatVersion}, which this release (${VERSION}) does not read: restore it with the release that made it (${manifest.demanagerVersion})`,
    );
  }
  if (!Array.isArray(manifest.schema?.migrations) || typeof manifest.files !== 'object')
    throw new NotABackupError(`its ${MANIFEST} is incomplete`);
  return manifest as BackupManifest;
}

/** The parts of a backup file, each checked against the manifest; throws {@link NotABackupError}. */
export function unpackBackup(archive: Buffer): Backup {
  let entries: TarEntry[];
  try {
    entries = readTar(archive);
  } catch (err) {
    if (err instanceof TarFormatError) throw new NotABackupError(err.message);
    throw err;
  }
  const byName = new Map(entries.map((e) => [e.name, e.data]));
  const manifest = manifestOf(byName.get(MANIFEST));
  const expected = [MANIFEST, DATABASE_ENTRY, KEY_ENTRY];
  const extra = entries.map((e) => e.name).filter((name) => !expected.includes(name));
  if (extra.length > 0 || entries.length !== expected.length)
    throw new NotABackupError(`it holds other files than ${expected.join(', ')}`);
  const checked = (name: typeof DATABASE_ENTRY | typeof KEY_ENTRY): Buffer => {
    const data = byName.get(name);
    if (data === undefined) throw new NotABackupError(`it has no ${name}`);
    const { size, sha256 } = describe(data);
    if (manifest.files[name]?.size !== size || manifest.files[name]?.sha256 !== sha256)
      throw new NotABackupError(`${name} is damaged (its checksum does not match the manifest)`);
    return data;
  };
  const database = checked(DATABASE_ENTRY);
  const keyText = checked(KEY_ENTRY).toString('utf8');
  let masterKey: Buffer;
  try {
    masterKey = parseKey(keyText, KEY_ENTRY);
  } catch (err) {
    throw new NotABackupError((err as Error).message);
  }
  return { manifest, database, masterKey };
}
