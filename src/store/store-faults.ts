/**
 * @module store/store-faults
 * Tells a fault of the storage (the disk is full, the file or the server is read-only, the
 * connection dropped) from a fault of the request or of the code: the first may pass, so the API
 * answers it 503 with a Retry-After, and the reconciler tries again; the second stays a 500.
 */
import type { StorageFault } from '../core/ports/store.js';

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** better-sqlite3's SqliteError carries the extended result code (`SQLITE_IOERR_WRITE`, `SQLITE_READONLY_DBMOVED`, …). */
export function sqliteFaultOf(error: unknown): StorageFault | undefined {
  const code = codeOf(error);
  if (!code?.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  return undefined;
}

/** SQLSTATEs (class 08 connection exception, class 53 insufficient resources, the shutdowns of 57P0x). */
const POSTGRES_STATES: Readonly<Record<string, StorageFault>> = {
  '53100': 'full',
  '53200': 'busy',
  '53300': 'busy',
  '57P01': 'unreachable',
  '57P02': 'unreachable',
  '57P03': 'unreachable',
  '25006': 'read-only',
  '58030': 'io',
};

/** Node's socket errors, and pg's own errors that carry no code, for a connection that is gone. */
const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const PG_CONNECTION_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed)/;

export function postgresFaultOf(error: unknown): StorageFault | undefined {
  const code = codeOf(error);
  if (code !== undefined) {
    if (code.startsWith('08') && code.length === 5) return 'unreachable';
    if (SOCKET_CODES.has(code)) return 'unreachable';
    return POSTGRES_STATES[code];
  }
  if (error instanceof Error && PG_CONNECTION_MESSAGES.test(error.message)) return 'unreachable';
  return undefined;
}
