/**
 * @module store/kysely-audit
 * The audit trail over any `Kysely<Database>`: API calls from `audit_log`, read together with the
 * automatic actions of the instance history, as one list, newest first.
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { AuditEntry, AuditPage, AuditQuery, AuditRecord, AuditRepository } from '../core/ports/store.js';
import { NO_LIMIT, toNumber, type AuditLogTable, type Database } from './database.js';

/** The kinds of history entry that are actions the service took on its own. */
const AUTOMATIC_KINDS = [
  'auto-stop',
  'budget-stop',
  'idle-stop',
  'notebook-quit',
  'admit',
  'reservation-expired',
  'retention',
  'fault',
];

function toRow(record: AuditRecord): Insertable<AuditLogTable> {
  return {
    at: record.at,
    project_id: record.projectId,
    user_id: record.userId,
    user_name: record.userName,
    action: record.action,
    target: record.target,
    source: record.source,
    status: record.status,
    outcome: record.outcome,
    replica: record.replica,
    detail: record.detail === null ? null : JSON.stringify(record.detail),
  };
}

/** A row of either half of the trail: an audit_log row plus where it came from. */
type Row = Selectable<AuditLogTable> & { origin: string };

function fromRow(row: Row): AuditEntry {
  return {
    origin: row.origin === 'api' ? 'api' : 'system',
    seq: toNumber(row.seq),
    at: toNumber(row.at),
    projectId: row.project_id,
    userId: row.user_id,
    userName: row.user_name,
    action: row.action,
    target: row.target,
    source: row.source,
    status: row.status,
    outcome: row.outcome,
    replica: row.replica,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, string>),
  };
}

export class KyselyAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(record: AuditRecord): Promise<void> {
    await this.db.insertInto('audit_log').values(toRow(record)).execute();
  }

  async list(query: AuditQuery): Promise<AuditPage> {
    const { projectId, since, until } = query;
    let calls = this.db.selectFrom('audit_log');
    let automatic = this.db
      .selectFrom('instance_events')
      .where('by_user', '=', 'system')
      .where('kind', 'in', AUTOMATIC_KINDS);
    if (projectId !== undefined) {
      calls = calls.where('project_id', '=', projectId);
      automatic = automatic.where('project_id', '=', projectId);
    }
    if (since !== undefined) {
      calls = calls.where('at', '>=', since);
      automatic = automatic.where('at', '>=', since);
    }
    if (until !== undefined) {
      calls = calls.where('at', '<', until);
      automatic = automatic.where('at', '<', until);
    }
    // Both halves in the same columns; the casts give PostgreSQL the types of the literal ones.
    const both = calls
      .select([
        sql<string>`'api'`.as('origin'),
        'seq',
        'at',
        'project_id',
        'user_id',
        'user_name',
        'action',
        'target',
        'source',
        'status',
        'outcome',
        'replica',
        'detail',
      ])
      .unionAll(
        automatic.select([
          sql<string>`'system'`.as('origin'),
          'seq',
          'at',
          'project_id',
          sql<string | null>`cast(null as text)`.as('user_id'),
          sql<string | null>`cast(null as text)`.as('user_name'),
          'kind as action',
          'instance_id as target',
          sql<string>`''`.as('source'),
          sql<number>`0`.as('status'),
          sql<string>`'success'`.as('outcome'),
          'replica',
          'detail',
        ]),
      );
    let page = this.db
      .selectFrom(both.as('trail'))
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('origin', 'asc')
      .orderBy('seq', 'desc');
    if (query.limit > 0 || query.offset > 0) page = page.limit(query.limit > 0 ? query.limit : NO_LIMIT);
    if (query.offset > 0) page = page.offset(query.offset);
    const [rows, counted] = await Promise.all([
      page.execute(),
      this.db
        .selectFrom(both.as('trail'))
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('total'))
        .executeTakeFirstOrThrow(),
    ]);
    return { items: (rows as Row[]).map(fromRow), total: toNumber(counted.total) };
  }
}
