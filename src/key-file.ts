/**
 * @module key-file
 * The server's master key: from configuration, or generated once into `<dataDir>/master.key`
 * (mode 0600) and read back on every start.
 */
import { randomBytes } from 'node:crypto';
import { readOrCreate } from './data-dir-file.js';

export function loadOrCreateKey(dataDir: string, configured?: string | null): Buffer {
  const encoded = configured || readOrCreate(dataDir, 'master.key', () => randomBytes(32).toString('base64'), 0o600);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new Error('the master key must be 32 bytes, base64-encoded');
  return key;
}
