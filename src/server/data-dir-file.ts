/**
 * @module server/data-dir-file
 * Small values a server generates once and keeps in its data directory (master key, replica id).
 * Creation is exclusive, so two processes starting together end up with the same value.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function readOrCreate(dataDir: string, name: string, make: () => string, mode = 0o600): string {
  const file = join(dataDir, name);
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // The data directory holds the database and the master key: private from its creation on.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = make();
  try {
    // The mode applies at creation, before any byte is written.
    writeFileSync(file, value + '\n', { mode, flag: 'wx' });
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
