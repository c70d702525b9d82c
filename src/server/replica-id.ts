/**
 * @module server/replica-id
 * A server's name in leases and events, kept in its data directory: a server restarted on the
 * same directory is the same replica, so it takes its own lease back at once instead of waiting
 * for it to expire, while replicas with directories of their own stay distinct.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { readOrCreate } from './data-dir-file.js';

export function loadOrCreateReplicaId(dataDir: string): string {
  return readOrCreate(dataDir, 'replica-id', () => `${hostname()}-${randomBytes(4).toString('hex')}`);
}
