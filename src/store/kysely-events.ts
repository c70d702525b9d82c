/**
 * @module store/kysely-events
 * Instance history rows over any `Kysely<Database>`: appending one (inside the caller's
 * transaction) and reading one instance's history a page at a time.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { InstanceStatus } from '../core/model/statuses.js';
import type { EventPage, InstanceEvent } from '../core/ports/store.js';
import { NO_LIMIT, toNumber, type Database, type InstanceEventsTable } from './database.js';

function toRow(event: InstanceEvent): Insertable<InstanceEventsTable> {
  return {
    instance_id: event.instanceId,
    project_id: event.projectId,
    at: event.at,
    kind: event.kind,
    from_status: event.from,
    to_status: event.to,
    by_user: event.by,
    replica: event.replica,
    detail: event.detail === null ? null : JSON.stringify(event.detail),
  };
}

function fromRow(row: Selectable<InstanceEventsTable>): InstanceEvent {
  return {
    seq: toNumber(row.seq),
    instanceId: row.instance_id,
    projectId: row.project_id,
    at: toNumber(row.at),
    kind: row.kind,
    from: row.from_status as InstanceStatus | null,
    to: row.to_status as InstanceStatus | null,
    by: row.by_user,
    replica: row.replica,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, string>),
  };
}

/**
 * `seq` is ignored: the database assigns it. On PostgreSQL an identity value is drawn at insert,
 * not at commit, so `seq` follows commit order only among writers that exclude one another; the
 * repository gets that for one instance's events by appending after the row lock is taken.
 */
export async function appendEvent(db: Kysely<Database>, event: InstanceEvent): Promise<void> {
  await db.insertInto('instance_events').values(toRow(event)).execute();
}

/** The page and count queries of {@link listEvents}; exported so tests can inspect their plans. */
export function eventQueries(
  db: Kysely<Database>,
  instanceId: string,
  { offset, limit }: { offset: number; limit: number },
) {
  const matching = db.selectFrom('instance_events').where('instance_id', '=', instanceId);
  let page = matching.selectAll().orderBy('seq', 'asc');
  if (limit > 0 || offset > 0) page = page.limit(limit > 0 ? limit : NO_LIMIT);
  if (offset > 0) page = page.offset(offset);
  const count = matching.select((eb) => eb.fn.countAll<number | string | bigint>().as('total'));
  return { page, count };
}

export async function listEvents(
  db: Kysely<Database>,
  instanceId: string,
  range: { offset: number; limit: number },
): Promise<EventPage> {
  const { page, count } = eventQueries(db, instanceId, range);
  const rows = await page.execute();
  const { total } = await count.executeTakeFirstOrThrow();
  return { items: rows.map(fromRow), total: toNumber(total) };
}

/** Ids of the project's instances deleted at or after `since`: a deletion is the entry whose `to_status` is null. */
export async function deletedSince(db: Kysely<Database>, projectId: string, since: number): Promise<string[]> {
  const rows = await db
    .selectFrom('instance_events')
    .select('instance_id')
    .where('project_id', '=', projectId)
    .where('at', '>=', since)
    .where('to_status', 'is', null)
    .orderBy('at', 'asc')
    .orderBy('seq', 'asc')
    .execute();
  return rows.map((r) => r.instance_id);
}
