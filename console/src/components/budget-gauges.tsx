/**
 * The budgets that bind the signed-in user (the project's, and their own): for each limit a gauge
 * of what was used against it, with the figures in words beside it, when the budget renews, and
 * whether it is spent (then new notebooks are refused, and running ones stopped, until it renews).
 */
import type { BudgetStatus } from '../../../src/client/index.js';
import { formatHours, formatTime } from '../format.js';
import type { ConsoleSession } from '../session.js';
import { MeterFigure } from './meter-figure.js';
import { MEASURE_LABEL, type UsageMeasure } from './usage-bars.js';

const LIMITS: UsageMeasure[] = ['gpu_hours', 'cpu_hours'];
/**
 * A gauge turns to a warning at 80 % (the server warns running notebooks then too), and to spent
 * just under the limit (a meter's `high` region begins above it, and a spent budget sits at it).
 */
const REGIONS = { low: 0.8, high: 0.999, optimum: 0 };

function titleOf(c: ConsoleSession, budget: BudgetStatus): string {
  return budget.scope === 'project'
    ? `Project ${budget.name}`
    : budget.id === c.session.user.id
      ? 'Yours'
      : budget.name;
}

function renewal(budget: BudgetStatus): string {
  if (budget.period === 'rolling_30d') return 'Counts the last 30 days.';
  // A month budget renews at 00:00 UTC on the 1st: said in UTC, else it reads as the evening before in the Americas.
  const at = new Date(budget.renews_at ?? Number.NaN);
  if (Number.isNaN(at.getTime())) return 'Per calendar month (UTC).';
  const date = at.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
  const time = at.toLocaleTimeString(undefined, { timeStyle: 'short', timeZone: 'UTC' });
  return `Per calendar month; renews ${date} at ${time} UTC.`;
}

function Gauge({ id, budget, measure }: { id: string; budget: BudgetStatus; measure: UsageMeasure }) {
  const limit = budget[measure];
  if (limit === null) return null;
  const used = budget.used[measure];
  return (
    <MeterFigure
      id={id}
      label={MEASURE_LABEL[measure]}
      used={used}
      limit={limit}
      text={`${formatHours(used)} of ${formatHours(limit)} used`}
      regions={REGIONS}
    />
  );
}

export function BudgetGauges({ console: c, budgets }: { console: ConsoleSession; budgets: readonly BudgetStatus[] }) {
  if (budgets.length === 0) return <p class="muted">No budget limits this project or you.</p>;
  return (
    <div class="budgets">
      {budgets.map((budget) => {
        const id = `budget-${budget.scope}`;
        return (
          <article
            class={`budget${budget.exhausted ? ' exhausted' : ''}`}
            aria-labelledby={`${id}-title`}
            data-budget={budget.scope}
          >
            <h3 id={`${id}-title`}>
              {titleOf(c, budget)}
              {budget.exhausted && <span class="badge badge-failed">Exhausted</span>}
            </h3>
            <dl class="fields usage">
              {LIMITS.map((measure) => (
                <Gauge id={`${id}-${measure}`} budget={budget} measure={measure} />
              ))}
            </dl>
            <p class="hint">{renewal(budget)}</p>
            {budget.exhausted ? (
              <p class="budget-state" role="status">
                Spent: new notebooks are refused and running ones stopped until it renews.
              </p>
            ) : (
              budget.runs_out_at !== null && (
                <p class="budget-state">At the present rate it runs out {formatTime(budget.runs_out_at)}.</p>
              )
            )}
          </article>
        );
      })}
    </div>
  );
}
