/**
 * @module core/budgets/budget-service
 * Budgets as the API sees them: system admins set, remove and list them; members read those that
 * apply to them; a create or start that would run on a spent budget is refused, and a waiting
 * instance whose budget is spent is held in its line while the others go on. Each status is
 * computed from the usage periods when asked (core/budgets/budget-status): a budget is never a
 * counter that could drift from the usage it limits.
 */
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { flavorSize } from '../model/flavor-size.js';
import type { Flavor } from '../model/catalog.js';
import type { Instance } from '../model/instance.js';
import { BUDGET_PERIODS, budgetKey, type Budget, type BudgetPeriod, type BudgetScope } from '../model/budget.js';
import type { BudgetSpentError, Store } from '../ports/store.js';
import {
  budgetStatus,
  budgetWindow,
  hours,
  periodPhrase,
  resourceLabel,
  spentFor,
  type BudgetStatus,
  type ResourceMoments,
} from './budget-status.js';

/** A budget's status with the name of its project or user. */
export interface NamedBudgetStatus extends BudgetStatus {
  name: string;
}

/** Why, and until when, a spent budget holds a waiting instance back. */
export interface BudgetHold {
  /** Epoch ms; null when only a change of the budget frees it. */
  until: number | null;
  message: string;
}

/** The later of two moments, null (never) being the latest. */
function laterOf(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}

/** What a held instance's history entry and banner say. */
function holdMessage(status: NamedBudgetStatus, r: ResourceMoments): string {
  const back =
    r.reopensAt === null
      ? 'it waits until the budget is raised or removed'
      : `it can be admitted from ${new Date(r.reopensAt).toISOString()}`;
  return `Held in the queue: the ${status.budget.scope} ${status.name} budget has used ${hours(r.used)} of ${hours(r.limit)} ${resourceLabel(r.resource)} ${periodPhrase(status.budget)}; ${back}. Instances after it are admitted meanwhile.`;
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
    const [status, name] = await Promise.all([this.statusOf(budget, now), this.#nameOf(budget)]);
    return { ...status, name };
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
   * The answer (ModelArts.6394) to a write refused because a budget of the instance's project or
   * owner is spent: how much was used, and when hours come back. The store finds it spent in the
   * write's transaction (core/capacity/admission's budget limits), so two writes at once cannot
   * both pass on a budget spent before either.
   */
  async refusal(err: BudgetSpentError): Promise<DomainError> {
    const { status, spent } = err;
    return new DomainError(
      'ModelArts.6394',
      status.budget.scope,
      await this.#nameOf(status.budget),
      hours(spent.used),
      hours(spent.limit),
      resourceLabel(spent.resource),
      periodPhrase(status.budget),
      status.window.renewsAt === null
        ? 'hours come back as usage leaves the 30-day window'
        : `it renews at ${new Date(status.window.renewsAt).toISOString()}`,
    );
  }

  /**
   * The waiting instances (of `flavor`) that a spent budget holds back at `now`, each with when it is
   * free to run again if nothing else changes (null: not before its budget is raised or removed)
   * and why, as a history entry or a banner says it. Read for the queue's ranks and estimates.
   */
  async holds(flavor: Flavor, waiting: readonly Instance[], now = this.clock.now()): Promise<Map<string, BudgetHold>> {
    const held = new Map<string, BudgetHold>();
    if (waiting.length === 0) return held;
    const budgets = await this.store.budgets.list();
    const targets = new Set(waiting.flatMap((w) => [`project:${w.projectId}`, `user:${w.user.id}`]));
    const size = flavorSize(flavor);
    const spent: { status: NamedBudgetStatus; resource: ResourceMoments }[] = [];
    for (const budget of budgets.filter((b) => targets.has(budgetKey(b)))) {
      const status = await this.statusOf(budget, now);
      const resource = spentFor(status, size);
      if (resource) spent.push({ status: { ...status, name: await this.#nameOf(budget) }, resource });
    }
    for (const instance of waiting) {
      for (const { status, resource } of spent) {
        const target = status.budget.scope === 'project' ? instance.projectId : instance.user.id;
        if (status.budget.targetId !== target) continue;
        const before = held.get(instance.id);
        const until = before === undefined ? resource.reopensAt : laterOf(before.until, resource.reopensAt);
        held.set(instance.id, { until, message: before?.message ?? holdMessage(status, resource) });
      }
    }
    return held;
  }

  /** The hold of a waiting instance whose admission found `err`'s budget spent. */
  async holdOf(err: BudgetSpentError): Promise<BudgetHold> {
    const status = { ...err.status, name: await this.#nameOf(err.status.budget) };
    return { until: err.spent.reopensAt, message: holdMessage(status, err.spent) };
  }

  async #nameOf(budget: Budget): Promise<string> {
    const target =
      budget.scope === 'project'
        ? await this.store.identity.getProject(budget.targetId)
        : await this.store.identity.getUser(budget.targetId);
    return target?.name ?? budget.targetId;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
