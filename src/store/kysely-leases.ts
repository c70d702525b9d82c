/**
 * @module store/kysely-leases
 * Named leases over any `Kysely<Database>`. Taking one is a single upsert whose conflict branch
 * only overwrites a lease that is free or already the caller's, so the database's own row locking
 * (PostgreSQL) or write lock (SQLite) decides between replicas racing for it.
 */
import type { Kysely } from 'kysely';
import type { LeaseRepository } from '../core/ports/store.js';
import type { Database } from './database.js';

function checkExpiry(ttlMs: number, now: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)
    throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
  if (!Number.isSafeInteger(now)) throw new RangeError(`now must be an integer (epoch ms), got ${now}`);
  const expiresAt = now + ttlMs;
  if (!Number.isSafeInteger(expiresAt)) throw new RangeError(`now + ttlMs is past the safe integer range`);
  return expiresAt;
}

export class KyselyLeaseRepository implements LeaseRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * RETURNING yields a row only when the insert or the guarded update actually wrote, which both
   * dialects decide under the lock on the lease's row; a refused caller gets no row.
   */
  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const expiresAt = checkExpiry(ttlMs, now);
    const row = await this.#db
      .insertInto('leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
          .where((eb) =>
            eb.or([
              eb('leases.holder', '=', eb.ref('excluded.holder')),
              eb('leases.holder', 'is', null),
              eb('leases.expires_at', '<=', now),
            ]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    return row !== undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.#db
      .updateTable('leases')
      .set({ holder: null })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  /** A lease expiring exactly at `now` counts as expired, as it does for {@link acquire}. */
  async holder(name: string, now: number): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('leases')
      .select('holder')
      .where('name', '=', name)
      .where('holder', 'is not', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.holder ?? undefined;
  }
}
