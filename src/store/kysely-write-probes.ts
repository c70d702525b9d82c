/**
 * @module store/kysely-write-probes
 * The readiness check's write (see migration 0013): one upsert of this replica's own row, so
 * replicas never contend for a row and the table never grows past one row per replica.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database.js';

export async function probeWrite(db: Kysely<Database>, replica: string, at: number): Promise<void> {
  await db
    .insertInto('write_probes')
    .values({ replica, at })
    .onConflict((conflict) => conflict.column('replica').doUpdateSet({ at }))
    .execute();
}
