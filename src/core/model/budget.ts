/**
 * @module core/model/budget
 * A budget a system admin sets on a project or a user (a user's usage over all projects): at most
 * so many GPU-hours and CPU-hours per calendar month (UTC) or per rolling 30 days. A null limit
 * leaves that resource unlimited; a budget limits at least one.
 */

export const BUDGET_SCOPES = ['project', 'user'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

export const BUDGET_PERIODS = ['month', 'rolling_30d'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** The resources a budget limits, as counted by core/usage/usage-totals. */
export const BUDGET_RESOURCES = ['gpuHours', 'cpuHours'] as const;
export type BudgetResource = (typeof BUDGET_RESOURCES)[number];

export interface Budget {
  scope: BudgetScope;
  /** The project's or the user's id. */
  targetId: string;
  gpuHours: number | null;
  cpuHours: number | null;
  period: BudgetPeriod;
  /** The system admin who set it. */
  setBy: string;
  /** Epoch ms. */
  setAt: number;
}

/** The key a budget is known by in history entries: `project:<id>` or `user:<id>`. */
export function budgetKey(budget: Pick<Budget, 'scope' | 'targetId'>): string {
  return `${budget.scope}:${budget.targetId}`;
}
