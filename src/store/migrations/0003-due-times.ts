/**
 * @module store/migrations/0003-due-times
 * Columns for the times the scheduler waits on (auto-stop deadline, slot reservation, resting
 * since), each behind an index that starts with the status, so the scheduler finds the next due
 * instance with one index probe instead of reading every RUNNING or STOPPED record.
 * Existing rows are filled from their stored document.
 */
import type { Kysely, Migration } from 'kysely';

const DUE_INDEXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['instances_status_stop_at_idx', ['status', 'stop_at']],
  ['instances_status_flavor_reserved_at_idx', ['status', 'flavor', 'reserved_at']],
  ['instances_status_flavor_resting_since_idx', ['status', 'flavor', 'resting_since']],
];

// The resting statuses as this migration was written; later changes to the domain must not alter it.
const RESTING = new Set(['STOPPED', 'CREATE_FAILED', 'START_FAILED', 'RESIZE_FAILED', 'UNAVAILABLE']);
const BATCH = 1000;

interface Row {
  id: string;
  status: string;
  updated_at: number | string;
  doc: string;
}

function dueColumns(row: Row): { stop_at: number | null; reserved_at: number | null; resting_since: number | null } {
  const doc = JSON.parse(row.doc) as { stopAt?: number | null; reservedAt?: number | null; idleSince?: number | null };
  return {
    stop_at: row.status === 'RUNNING' ? (doc.stopAt ?? null) : null,
    reserved_at: row.status === 'READY_TO_START' ? (doc.reservedAt ?? null) : null,
    resting_since: RESTING.has(row.status) ? (doc.idleSince ?? Number(row.updated_at)) : null,
  };
}

// Migrations must not depend on today's `Database` type, which follows the newest schema.
async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['stop_at', 'reserved_at', 'resting_since']) {
    await db.schema.alterTable('instances').addColumn(column, 'bigint').execute();
  }
  for (let after = ''; ; ) {
    const rows: Row[] = await db
      .selectFrom('instances')
      .select(['id', 'status', 'updated_at', 'doc'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) await db.updateTable('instances').set(dueColumns(row)).where('id', '=', row.id).execute();
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  for (const [name, columns] of DUE_INDEXES) {
    await db.schema
      .createIndex(name)
      .on('instances')
      .columns([...columns])
      .execute();
  }
}

async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of DUE_INDEXES) await db.schema.dropIndex(name).execute();
  for (const column of ['resting_since', 'reserved_at', 'stop_at']) {
    await db.schema.alterTable('instances').dropColumn(column).execute();
  }
}

export const dueTimes: Migration = { up, down };
