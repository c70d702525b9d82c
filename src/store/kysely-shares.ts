/**
 * @module store/kysely-shares
 * Who instances are shared with (migration 0014), over any `Kysely<Database>`. The triggers of that
 * migration raise the identity revision with every write, so nothing here has to.
 */
import type { Kysely } from 'kysely';
import type { InstanceShare, NewInstanceShare } from '../core/model/instance-share.js';
import type { ShareRepository } from '../core/ports/store.js';
import { toNumber, type Database } from './database.js';

export class KyselyShareRepository implements ShareRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(instanceId: string): Promise<InstanceShare[]> {
    const rows = await this.db
      .selectFrom('instance_shares as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('users as g', 'g.id', 's.granted_by')
      .select(['s.instance_id', 's.user_id', 'u.name as user_name', 's.granted_by', 'g.name as granted_by_name'])
      .select('s.granted_at')
      .where('s.instance_id', '=', instanceId)
      .orderBy('u.name')
      .orderBy('s.user_id')
      .execute();
    return rows.map((row) => ({
      instanceId: row.instance_id,
      userId: row.user_id,
      userName: row.user_name,
      grantedBy: row.granted_by,
      grantedByName: row.granted_by_name,
      grantedAt: toNumber(row.granted_at),
    }));
  }

  async has(instanceId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('instance_shares')
      .select('user_id')
      .where('instance_id', '=', instanceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async inProject(projectId: string): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('instance_shares as s')
      .innerJoin('instances as i', 'i.id', 's.instance_id')
      .select(['s.instance_id', 's.user_id'])
      .where('i.project_id', '=', projectId)
      .execute();
    const byInstance = new Map<string, string[]>();
    for (const row of rows) byInstance.set(row.instance_id, [...(byInstance.get(row.instance_id) ?? []), row.user_id]);
    return byInstance;
  }

  async grant(share: NewInstanceShare): Promise<boolean> {
    const result = await this.db
      .insertInto('instance_shares')
      .values({
        instance_id: share.instanceId,
        user_id: share.userId,
        granted_by: share.grantedBy,
        granted_at: share.grantedAt,
      })
      .onConflict((conflict) => conflict.columns(['instance_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async revoke(instanceId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('instance_shares')
      .where('instance_id', '=', instanceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
