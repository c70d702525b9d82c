/**
 * Usage: who used how many GPU- and CPU-hours in the project over a month (this one by default),
 * per user, flavor or day, as bars and as a table with every figure; the budgets that bind the
 * signed-in user as gauges; and the month's report as CSV. A project admin sees everyone, a
 * member only themselves (as the API has it). This month's figures and the budgets are read again
 * as notebooks start and stop and while one runs (console/usage-refresh), in place: the choices,
 * the focus and the scroll stay as they were.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { BudgetStatus, ProjectUsageQuery, UsageReport } from '../../../src/client/index.js';
import { reporter } from '../api-errors.js';
import { BudgetGauges } from '../components/budget-gauges.js';
import { Messages } from '../components/messages.js';
import { MEASURE_LABEL, UsageBars, type UsageGroup, type UsageMeasure } from '../components/usage-bars.js';
import { UsageTable } from '../components/usage-table.js';
import { useLatestAnswer } from '../latest-answer.js';
import type { LivePageProps } from '../page-props.js';
import { monthsUpTo } from '../months.js';
import { isProjectAdmin } from '../session.js';
import { useUsageRefresh } from '../usage-refresh.js';

type UsageGrouping = NonNullable<ProjectUsageQuery['group_by']>;

const GROUP_LABEL: Record<UsageGrouping, string> = { user: 'User', flavor: 'Flavor', day: 'Day' };
const MEASURES: UsageMeasure[] = ['gpu_hours', 'cpu_hours'];

/** Saves `text` as a file named `name`, as a link to it with `download` would. */
function save(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob by now; keeping the URL would keep the text in memory.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function UsagePage({ console: c, live, onFailure }: LivePageProps) {
  const months = useMemo(() => monthsUpTo(Date.now()), []);
  const [monthValue, setMonthValue] = useState(months[0]!.value);
  const [groupBy, setGroupBy] = useState<UsageGrouping>('user');
  const [measure, setMeasure] = useState<UsageMeasure>('gpu_hours');
  /** The last report read, and the choice (`month/grouping`) it answers. */
  const [report, setReport] = useState<{ of: string; answer: UsageReport } | null>(null);
  const [budgets, setBudgets] = useState<BudgetStatus[] | null>(null);
  const [problem, setProblem] = useState('');
  const [notice, setNotice] = useState('');
  const admin = isProjectAdmin(c.session);
  const month = months.find((m) => m.value === monthValue) ?? months[0]!;
  const query: ProjectUsageQuery = {
    since: String(month.since),
    until: month.until === undefined ? undefined : String(month.until),
    group_by: groupBy,
    // A member's report is theirs alone: asked that way, it never asks for more than they may see.
    user_id: admin ? undefined : c.session.user.id,
  };
  const fail = reporter(setProblem, onFailure);
  const choice = `${monthValue}/${groupBy}`;

  const reports = useLatestAnswer();
  const budgetReads = useLatestAnswer();
  const readReport = () => {
    const latest = reports.ask();
    const of = choice;
    c.client.usageReport(query).then(
      (answer) => {
        if (!latest()) return;
        setReport({ of, answer });
        setProblem('');
      },
      (error) => latest() && fail(error),
    );
  };
  const readBudgets = () => {
    const latest = budgetReads.ask();
    c.client.budgets().then((answer) => latest() && setBudgets(answer), fail);
  };

  useEffect(() => {
    // What was saved was another choice's report: the notice would now mislead.
    setNotice('');
    readReport();
    return reports.forget;
  }, [c, choice]);

  useEffect(() => {
    readBudgets();
    return budgetReads.forget;
  }, [c]);

  useUsageRefresh({
    live,
    current: month.until === undefined,
    growing: report?.of === choice && report.answer.open_periods > 0,
    refresh() {
      readReport();
      readBudgets();
    },
  });

  // Only the answer to the choice shown, never one of an earlier choice (whichever answer came last).
  const answer = report?.of === choice ? report.answer : null;
  // Days in their order; users and flavors by name, so a row stays where it was as figures change.
  const shown = answer && {
    ...answer,
    groups: groupBy === 'day' ? answer.groups : [...answer.groups].sort((a, b) => a.name.localeCompare(b.name)),
  };
  const nameOf = (group: UsageGroup) =>
    groupBy === 'user' && group.key === c.session.user.id ? `${group.name} (you)` : group.name;
  const whose = admin ? 'Everyone’s use of' : 'Your use of';
  const download = async () => {
    try {
      save(`usage-${c.session.projectName}-${month.value}-by-${groupBy}.csv`, await c.client.usageReportCsv(query));
      setNotice(`Saved the usage of ${month.label} by ${groupBy} as CSV.`);
    } catch (error) {
      fail(error);
    }
  };

  return (
    <section class="usage-page" aria-labelledby="usage-heading">
      <div class="page-head">
        <h1 id="usage-heading">Usage</h1>
        <button type="button" onClick={() => void download()}>
          Download CSV
        </button>
      </div>
      <p class="muted">
        {whose} {c.session.projectName}, in hours a notebook held its flavor’s CPUs and GPUs (UTC months and days).
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Month
          <select value={monthValue} onChange={(e) => setMonthValue(e.currentTarget.value)}>
            {months.map((m, i) => (
              <option value={m.value}>{i === 0 ? `${m.label} (this month)` : m.label}</option>
            ))}
          </select>
        </label>
        <label>
          Group by
          <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as UsageGrouping)}>
            {(Object.keys(GROUP_LABEL) as UsageGrouping[]).map((g) => (
              <option value={g}>{GROUP_LABEL[g]}</option>
            ))}
          </select>
        </label>
        <fieldset class="measure">
          <legend>Show</legend>
          {MEASURES.map((m) => (
            <label class="check">
              <input type="radio" name="measure" checked={measure === m} onChange={() => setMeasure(m)} />
              {MEASURE_LABEL[m]}
            </label>
          ))}
        </fieldset>
      </form>
      <Messages notice={notice} problem={problem} />
      <h2>Budgets</h2>
      {budgets ? <BudgetGauges console={c} budgets={budgets} /> : !problem && <p aria-busy="true">Reading…</p>}
      <h2 id="usage-bars-heading">
        {MEASURE_LABEL[measure]} by {GROUP_LABEL[groupBy].toLowerCase()}, {month.label}
      </h2>
      {!shown && !problem && <p aria-busy="true">Reading…</p>}
      {shown && shown.groups.length === 0 && <p class="empty">No notebook held a slot in {month.label}.</p>}
      {shown && shown.groups.length > 0 && (
        <>
          <UsageBars
            label={`${MEASURE_LABEL[measure]} by ${GROUP_LABEL[groupBy].toLowerCase()}`}
            groups={shown.groups}
            measure={measure}
            nameOf={nameOf}
          />
          <UsageTable
            caption={`All figures by ${GROUP_LABEL[groupBy].toLowerCase()}, ${month.label}`}
            groupLabel={GROUP_LABEL[groupBy]}
            report={shown}
            nameOf={nameOf}
          />
        </>
      )}
    </section>
  );
}
