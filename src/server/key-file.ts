/**
 * @module server/key-file
 * The server's master key: from configuration, or generated once into `<dataDir>/master.key`
 * (mode 0600) and read back on every start; and the key files a master key rotation reads and
 * replaces.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOrCreate } from './data-dir-file.js';

const KEY_FILE = 'master.key';

/** A master key from its base64 text; throws unless it is 32 bytes. */
export function parseKey(encoded: string, where = 'the master key'): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must be 32 bytes, base64-encoded`);
  return key;
}

export function loadOrCreateKey(dataDir: string, configured?: string | null): Buffer {
  return parseKey(configured || readOrCreate(dataDir, KEY_FILE, () => randomBytes(32).toString('base64'), 0o600));
}

/** The key in `file` (base64 of 32 bytes, as `openssl rand -base64 32` writes it). */
export function readKeyFile(file: string): Buffer {
  return parseKey(readFileSync(file, 'utf8'), `the key in ${file}`);
}

/** The key a server on `dataDir` would use, without generating one; undefined when there is none. */
export function existingKey(dataDir: string, configured?: string | null): Buffer | undefined {
  if (configured) return parseKey(configured);
  try {
    return readKeyFile(join(dataDir, KEY_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes `<dataDir>/master.key` (0600) where there is none yet, as a restore does; answers its path. */
export function createKeyFile(dataDir: string, key: Buffer): string {
  const file = join(dataDir, KEY_FILE);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return file;
}

/** Replaces `<dataDir>/master.key` at once (a rename), so a crash leaves the old key or the new one. */
export function replaceKeyFile(dataDir: string, key: Buffer): string {
  const file = join(dataDir, KEY_FILE);
  const next = `${file}.next`;
  rmSync(next, { force: true });
  writeFileSync(next, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  renameSync(next, file);
  return file;
}
