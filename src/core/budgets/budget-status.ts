/**
 * @module core/budgets/budget-status
 * Where a budget stands at a moment: its window, what was used in it, whether it is exhausted and,
 * at the rate of the instances holding a slot now, when it runs out and when it crosses the
 * moments a running instance is warned at (80 % used, 10 minutes left). Pure arithmetic over the
 * usage periods (core/usage/usage-totals); the store reads are core/budgets/budget-service's.
 */
import type { Budget, BudgetResource } from '../model/budget.js';
import type { UsagePeriod } from '../model/usage.js';
import type { UsageSize } from '../model/flavor-size.js';
import { HOUR_MS, overlapMs, totalOf, type UsageTotals } from '../usage/usage-totals.js';

const ROLLING_MS = 30 * 24 * HOUR_MS;
/** The share of a budget used at which running instances are warned. */
export const WARN_SHARE = 0.8;
/** How long before a budget runs out running instances are warned again. */
export const WARN_LEFT_MS = 10 * 60_000;
/**
 * Usage is a sum of products of ms and counts: two ways of adding the same hours may differ in
 * the last bits. Figures this close to a threshold count as at it.
 */
const EPSILON = 1e-9;

export interface BudgetWindow {
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
  /** When a calendar month's budget starts afresh; null for a rolling window, which never does. */
  renewsAt: number | null;
}

/** The calendar month (UTC) around `now`, or the 30 days up to it. */
export function budgetWindow(budget: Pick<Budget, 'period'>, now: number): BudgetWindow {
  if (budget.period === 'rolling_30d') return { since: now - ROLLING_MS, until: now + 1, renewsAt: null };
  const date = new Date(now);
  const since = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const next = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return { since, until: next, renewsAt: next };
}

/** The moments of one limited resource, epoch ms; null where it will not come (nothing runs, or it has passed). */
export interface ResourceMoments {
  resource: BudgetResource;
  limit: number;
  used: number;
  /** Units of the resource the instances holding a slot use per hour (their GPUs or CPUs). */
  rate: number;
  exhausted: boolean;
  warnAt: number | null;
  lastMinutesAt: number | null;
  runsOutAt: number | null;
  /**
   * When an exhausted resource has hours again if nothing more of it runs: the month's renewal, or
   * when enough of a rolling window's usage has left it. Null when not exhausted, or never (a limit
   * of 0).
   */
  reopensAt: number | null;
}

export interface BudgetStatus {
  budget: Budget;
  window: BudgetWindow;
  used: UsageTotals;
  /** The periods open now: the target's instances holding a slot. */
  open: readonly UsagePeriod[];
  /** One per resource the budget limits. */
  resources: ResourceMoments[];
  exhausted: boolean;
  /** The earliest time a limited resource runs out at the present rate; null when nothing runs. */
  runsOutAt: number | null;
}

export function limitOf(budget: Budget, resource: BudgetResource): number | null {
  return resource === 'gpuHours' ? budget.gpuHours : budget.cpuHours;
}

/** What one period holds of `resource` per hour. */
export function rateOf(period: Pick<UsagePeriod, 'gpus' | 'cpus'>, resource: BudgetResource): number {
  return resource === 'gpuHours' ? period.gpus : period.cpus;
}

/** When, from `now` at `rate` per hour, `amount` more is used; ms rounded up so it has been by then. */
function after(now: number, amount: number, rate: number): number | null {
  if (rate <= 0) return null;
  return now + Math.max(0, Math.ceil((amount * HOUR_MS) / rate - EPSILON));
}

/**
 * The status of `budget` at `now`, given the periods of its target that overlap its window and
 * those open now. A moment past the end of a month's window is dropped: the budget renews first.
 *
 * A rolling window loses its oldest usage as time passes, which gives hours back and moves every
 * moment later. The moments here assume nothing leaves the window: they are never late, only
 * early. An early moment is harmless: when it comes the status is computed afresh, and a budget not
 * yet at a threshold just yields the next moment.
 */
export function budgetStatus(
  budget: Budget,
  periods: readonly UsagePeriod[],
  open: readonly UsagePeriod[],
  now: number,
): BudgetStatus {
  const window = budgetWindow(budget, now);
  const used = totalOf(periods, window.since, window.until, now);
  const inWindow = (at: number | null) =>
    at !== null && (window.renewsAt === null || at < window.renewsAt) ? at : null;
  const resources: ResourceMoments[] = [];
  for (const resource of ['gpuHours', 'cpuHours'] as const) {
    const limit = limitOf(budget, resource);
    if (limit === null) continue;
    const spent = used[resource];
    const rate = open.reduce((sum, period) => sum + rateOf(period, resource), 0);
    const exhausted = spent >= limit - EPSILON;
    const runsOutAt = inWindow(after(now, limit - spent, rate));
    resources.push({
      resource,
      limit,
      used: spent,
      rate,
      exhausted,
      warnAt: spent < limit * WARN_SHARE - EPSILON ? inWindow(after(now, limit * WARN_SHARE - spent, rate)) : null,
      lastMinutesAt: runsOutAt !== null && runsOutAt - WARN_LEFT_MS > now ? runsOutAt - WARN_LEFT_MS : null,
      runsOutAt,
      reopensAt: exhausted ? reopening(window, periods, resource, limit, now) : null,
    });
  }
  const runsOut = resources.map((r) => r.runsOutAt).filter((at): at is number => at !== null);
  return {
    budget,
    window,
    used,
    open,
    resources,
    exhausted: resources.some((r) => r.exhausted),
    runsOutAt: runsOut.length > 0 ? Math.min(...runsOut) : null,
  };
}

/**
 * When `resource`, exhausted at `now`, comes back under its limit if nothing more of it runs (the
 * target's running instances are stopped as soon as it is spent, so their periods count up to
 * `now`). A rolling window's usage leaves it as the window moves: the first millisecond it is under
 * the limit is found by bisection, as the usage in the window only falls from `now` on.
 */
function reopening(
  window: BudgetWindow,
  periods: readonly UsagePeriod[],
  resource: BudgetResource,
  limit: number,
  now: number,
): number | null {
  if (limit <= EPSILON) return null;
  if (window.renewsAt !== null) return window.renewsAt;
  const usedAt = (at: number) =>
    periods.reduce(
      (sum, p) =>
        sum +
        (rateOf(p, resource) *
          overlapMs({ start: p.start, end: Math.min(p.end ?? now, now) }, at - ROLLING_MS, at, at)) /
          HOUR_MS,
      0,
    );
  let [spent, free] = [now, now + ROLLING_MS + 1];
  while (free - spent > 1) {
    const mid = Math.floor((spent + free) / 2);
    if (usedAt(mid) >= limit - EPSILON) spent = mid;
    else free = mid;
  }
  return free;
}

/** The resource of `status` that is spent and that an instance of `size` uses, if any. */
export function spentFor(status: Pick<BudgetStatus, 'resources'>, size: UsageSize): ResourceMoments | undefined {
  return status.resources.find((r) => r.exhausted && rateOf(size, r.resource) > 0);
}

/** A resource's name as people read it. */
export function resourceLabel(resource: BudgetResource): string {
  return resource === 'gpuHours' ? 'GPU-hours' : 'CPU-hours';
}

/** `this month` or `in the last 30 days`. */
export function periodPhrase(budget: Pick<Budget, 'period'>): string {
  return budget.period === 'month' ? 'this month' : 'in the last 30 days';
}

/** A figure of hours as shown in messages: at most two decimals. */
export function hours(value: number): string {
  return String(Math.round(value * 100) / 100);
}
