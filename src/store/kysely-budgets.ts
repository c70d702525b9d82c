/**
 * @module store/kysely-budgets
 * Budgets (migration 0017) over any `Kysely<Database>`. A budget's target is read through a join
 * with its table, so the budget of a deleted project or user is never seen.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Budget, BudgetPeriod, BudgetScope } from '../core/model/budget.js';
import type { BudgetRepository } from '../core/ports/store.js';
import { toNumber, type BudgetsTable, type Database } from './database.js';

function fromRow(row: Selectable<BudgetsTable>): Budget {
  return {
    scope: row.scope as BudgetScope,
    targetId: row.target_id,
    gpuHours: row.gpu_hours === null ? null : Number(row.gpu_hours),
    cpuHours: row.cpu_hours === null ? null : Number(row.cpu_hours),
    period: row.period as BudgetPeriod,
    setBy: row.set_by,
    setAt: toNumber(row.set_at),
  };
}

export class KyselyBudgetRepository implements BudgetRepository {
  constructor(private readonly db: Kysely<Database>) {}

  #live() {
    return this.db
      .selectFrom('budgets as b')
      .selectAll('b')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('b.scope', '=', 'project'),
            eb.exists(eb.selectFrom('projects as p').select('p.id').whereRef('p.id', '=', 'b.target_id')),
          ]),
          eb.and([
            eb('b.scope', '=', 'user'),
            eb.exists(eb.selectFrom('users as u').select('u.id').whereRef('u.id', '=', 'b.target_id')),
          ]),
        ]),
      );
  }

  async list(): Promise<Budget[]> {
    const rows = await this.#live().orderBy('b.scope').orderBy('b.target_id').execute();
    return rows.map(fromRow);
  }

  async applying(projectId: string, userId: string): Promise<Budget[]> {
    const rows = await this.#live()
      .where((eb) =>
        eb.or([
          eb.and([eb('b.scope', '=', 'project'), eb('b.target_id', '=', projectId)]),
          eb.and([eb('b.scope', '=', 'user'), eb('b.target_id', '=', userId)]),
        ]),
      )
      .orderBy('b.scope')
      .execute();
    return rows.map(fromRow);
  }

  async put(budget: Budget): Promise<void> {
    const values = {
      gpu_hours: budget.gpuHours,
      cpu_hours: budget.cpuHours,
      period: budget.period,
      set_by: budget.setBy,
      set_at: budget.setAt,
    };
    await this.db
      .insertInto('budgets')
      .values({ scope: budget.scope, target_id: budget.targetId, ...values })
      .onConflict((conflict) => conflict.columns(['scope', 'target_id']).doUpdateSet(values))
      .execute();
  }

  async remove(scope: BudgetScope, targetId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('budgets')
      .where('scope', '=', scope)
      .where('target_id', '=', targetId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
