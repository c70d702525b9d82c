/**
 * @module store/key-lock
 * A lock that serialises the checks made on one key (a flavor's capacity, a bucket's holder) until
 * the transaction that took it ends: PostgreSQL takes an advisory transaction lock, SQLite needs
 * none (its writers are serialised already). Shared by the repositories that check before they
 * write.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export type KeyLock = (trx: Kysely<Database>, key: string) => Promise<void>;
