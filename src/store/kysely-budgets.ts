/**
 * @module store/kysely-budgets
 * Budgets (migration 0017) over any `Kysely<Database>`. A budget's target is read through a join
 * with its table, so the budget of a deleted project or user is never seen. A write that makes an
 * instance run checks its budgets in its own transaction ({@link checkBudgets}), under the same
 * per-target lock that setting or removing a budget takes, so the two never pass each other.
 */
import type { Kysely, Selectable } from 'kysely';
import { budgetStatus, budgetWindow, spentFor } from '../core/budgets/budget-status.js';
import type { Budget, BudgetPeriod, BudgetScope } from '../core/model/budget.js';
import type { UsageSizer } from '../core/model/flavor-size.js';
import { BudgetSpentError, type BudgetLimit, type BudgetRepository } from '../core/ports/store.js';
import { toNumber, type BudgetsTable, type Database } from './database.js';
import type { KeyLock } from './key-lock.js';
import { openPeriodsQuery, periodsOf, usageQueries } from './kysely-usage.js';

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

/** The lock key of a budget's target, taken by its writes and by the checks of instance writes. */
export function budgetLockKey(scope: BudgetScope, targetId: string): string {
  return `demanager:budget:${scope}:${targetId}`;
}

/** The lock keys a budget limit takes: its project's and its owner's. */
export function budgetLockKeys(limit: BudgetLimit): string[] {
  return [budgetLockKey('project', limit.projectId), budgetLockKey('user', limit.userId)];
}

function live(db: Kysely<Database>) {
  return db
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

async function applyingIn(db: Kysely<Database>, projectId: string, userId: string): Promise<Budget[]> {
  const rows = await live(db)
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

/**
 * Throws {@link BudgetSpentError} when a budget of `limit`'s project or owner is spent in a resource
 * of its size, as of its time. Runs in the write's transaction, after its locks (see
 * {@link budgetLockKeys}) are taken: the same arithmetic as core/budgets/budget-service, over the
 * rows this transaction sees.
 */
export async function checkBudgets(trx: Kysely<Database>, sizeOf: UsageSizer, limit: BudgetLimit): Promise<void> {
  for (const budget of await applyingIn(trx, limit.projectId, limit.userId)) {
    const filter = budget.scope === 'project' ? { projectId: budget.targetId } : { userId: budget.targetId };
    const { since, until } = budgetWindow(budget, limit.at);
    const { open, ended } = usageQueries(trx, { ...filter, since, until });
    const periods = periodsOf([...(await ended.execute()), ...(await open.execute())], sizeOf);
    const running = periodsOf(await openPeriodsQuery(trx, filter).execute(), sizeOf);
    const status = budgetStatus(budget, periods, running, limit.at);
    const spent = spentFor(status, limit.size);
    if (spent) throw new BudgetSpentError(status, spent);
  }
}

export class KyselyBudgetRepository implements BudgetRepository {
  /** `lock`: see store/key-lock; PostgreSQL's orders a budget's writes with the checks of instance writes. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lock: KeyLock = async () => undefined,
  ) {}

  async list(): Promise<Budget[]> {
    const rows = await live(this.db).orderBy('b.scope').orderBy('b.target_id').execute();
    return rows.map(fromRow);
  }

  applying(projectId: string, userId: string): Promise<Budget[]> {
    return applyingIn(this.db, projectId, userId);
  }

  async put(budget: Budget): Promise<void> {
    const values = {
      gpu_hours: budget.gpuHours,
      cpu_hours: budget.cpuHours,
      period: budget.period,
      set_by: budget.setBy,
      set_at: budget.setAt,
    };
    await this.#locked(budget.scope, budget.targetId, (trx) =>
      trx
        .insertInto('budgets')
        .values({ scope: budget.scope, target_id: budget.targetId, ...values })
        .onConflict((conflict) => conflict.columns(['scope', 'target_id']).doUpdateSet(values))
        .execute(),
    );
  }

  async remove(scope: BudgetScope, targetId: string): Promise<boolean> {
    const result = await this.#locked(scope, targetId, (trx) =>
      trx.deleteFrom('budgets').where('scope', '=', scope).where('target_id', '=', targetId).executeTakeFirst(),
    );
    return result.numDeletedRows > 0n;
  }

  /** Runs `write` under the target's lock, so it waits for the instance writes checking it. */
  #locked<T>(scope: BudgetScope, targetId: string, write: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await this.lock(trx, budgetLockKey(scope, targetId));
      return write(trx);
    });
  }
}
