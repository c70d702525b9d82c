/**
 * @module core/budgets/budget-service
 * Budgets as the API sees them: system admins set, remove and list them; members read those that
 * apply to them; a create or start that would run on a spent budget is refused. Each status is
 * computed from the usage periods when asked (core/budgets/budget-status): a budget is never a
 * counter that could drift from the usage it limits.
 */
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import type { UsageSize } from '../model/flavor-size.js';
import { BUDGET_PERIODS, type Budget, type BudgetPeriod, type BudgetScope } from '../model/budget.js';
import type { Store } from '../ports/store.js';
import {
  budgetStatus,
  budgetWindow,
  hours,
  periodPhrase,
  rateOf,
  resourceLabel,
  type BudgetStatus,
} from './budget-status.js';

/** A budget's status with the name of its project or user. */
export interface NamedBudgetStatus extends BudgetStatus {
  name: string;
}

export interface BudgetLimits {
  gpuHours: number | null;
  cpuHours: number | null;
  period: string;
}

/** Where a budget's target is in the usage periods. */
function targetFilter(budget: Pick<Budget, 'scope' | 'targetId'>): { projectId: string } | { userId: string } {
  return budget.scope === 'project' ? { projectId: budget.targetId } : { userId: budget.targetId };
}

function checkHours(field: string, value: number | null): number | null {
  if (value !== null && !(Number.isFinite(value) && value >= 0))
    throw new DomainError('ModelArts.6336', field).because('hours are a number of 0 or more, or null for no limit');
  return value;
}

function checkLimits(limits: BudgetLimits): { gpuHours: number | null; cpuHours: number | null; period: BudgetPeriod } {
  const gpuHours = checkHours('gpu_hours', limits.gpuHours);
  const cpuHours = checkHours('cpu_hours', limits.cpuHours);
  if (gpuHours === null && cpuHours === null)
    throw new DomainError('ModelArts.6336', 'gpu_hours').because(
      'a budget limits GPU-hours, CPU-hours or both; remove it (DELETE) to lift it',
    );
  if (!(BUDGET_PERIODS as readonly string[]).includes(limits.period))
    throw new DomainError('ModelArts.6336', 'period').because(`the period is one of ${BUDGET_PERIODS.join(', ')}`);
  return { gpuHours, cpuHours, period: limits.period as BudgetPeriod };
}

export class BudgetService {
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Calls `listener` after each change of a budget (the scheduler recomputes its due time). */
  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** The status of `budget` now. */
  async statusOf(budget: Budget, now = this.clock.now()): Promise<BudgetStatus> {
    const filter = targetFilter(budget);
    const { since, until } = budgetWindow(budget, now);
    const [periods, open] = await Promise.all([
      this.store.usage.overlapping({ ...filter, since, until }),
      this.store.usage.open(filter),
    ]);
    return budgetStatus(budget, periods, open, now);
  }

  async #named(budget: Budget, now = this.clock.now()): Promise<NamedBudgetStatus> {
    const target =
      budget.scope === 'project'
        ? await this.store.identity.getProject(budget.targetId)
        : await this.store.identity.getUser(budget.targetId);
    return { ...(await this.statusOf(budget, now)), name: target?.name ?? budget.targetId };
  }

  /** Every budget, as of `now`. */
  async list(now = this.clock.now()): Promise<NamedBudgetStatus[]> {
    return Promise.all((await this.store.budgets.list()).map((b) => this.#named(b, now)));
  }

  /** The budgets over an instance of `projectId` owned by `userId`: the project's and the user's. */
  async applying(projectId: string, userId: string): Promise<NamedBudgetStatus[]> {
    return Promise.all((await this.store.budgets.applying(projectId, userId)).map((b) => this.#named(b)));
  }

  async set(scope: BudgetScope, targetId: string, limits: BudgetLimits, by: string): Promise<NamedBudgetStatus> {
    const checked = checkLimits(limits);
    const exists =
      scope === 'project'
        ? await this.store.identity.getProject(targetId)
        : await this.store.identity.getUser(targetId);
    if (!exists) throw new DomainError('IAM.0002', scope);
    const budget: Budget = { scope, targetId, ...checked, setBy: by, setAt: this.clock.now() };
    await this.store.budgets.put(budget);
    this.#changed();
    return this.#named(budget);
  }

  async remove(scope: BudgetScope, targetId: string): Promise<void> {
    if (!(await this.store.budgets.remove(scope, targetId))) throw new DomainError('IAM.0002', `${scope} budget`);
    this.#changed();
  }

  /**
   * Refuses (ModelArts.6394) an instance of `size` that would run on a spent budget of its project
   * or owner. Only the resources the instance uses count: a GPU-hours budget does not hold back a
   * flavor without GPUs. Checked before the write, not in its transaction: two starts at the same
   * moment may both pass, and the enforcement job then stops them as soon as they run.
   */
  async refuse(projectId: string, userId: string, size: UsageSize): Promise<void> {
    for (const status of await this.applying(projectId, userId)) {
      const spent = status.resources.find((r) => r.exhausted && rateOf(size, r.resource) > 0);
      if (!spent) continue;
      throw new DomainError(
        'ModelArts.6394',
        status.budget.scope,
        status.name,
        hours(spent.used),
        hours(spent.limit),
        resourceLabel(spent.resource),
        periodPhrase(status.budget),
        status.window.renewsAt === null
          ? 'hours come back as usage leaves the 30-day window'
          : `it renews at ${new Date(status.window.renewsAt).toISOString()}`,
      );
    }
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
