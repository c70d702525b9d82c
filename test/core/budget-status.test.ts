/**
 * @module test/core/budget-status
 * Where a budget stands: the window of a calendar month (UTC) or of the last 30 days, what was used
 * in it, and the moments (80 %, 10 minutes left, run-out) at the rate of the open periods: none past
 * a month's renewal, none when nothing runs, and for a rolling window never later than the truth.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetStatus, budgetWindow } from '../../src/core/budgets/budget-status.js';
import type { Budget } from '../../src/core/model/budget.js';
import type { UsagePeriod } from '../../src/core/model/usage.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function budget(limits: Partial<Budget>): Budget {
  return {
    scope: 'project',
    targetId: 'p',
    gpuHours: null,
    cpuHours: null,
    period: 'month',
    setBy: 'admin',
    setAt: 0,
    ...limits,
  };
}

function period(start: number, end: number | null, gpus = 1, cpus = 8): UsagePeriod {
  return {
    seq: start,
    instanceId: `DE-${start}`,
    instanceName: 'nb',
    projectId: 'p',
    userId: 'u',
    userName: 'u',
    flavor: 'f',
    cpus,
    memoryGib: 8,
    gpus,
    start,
    end,
  };
}

describe('budget status', () => {
  it('a month is the UTC calendar month around now, renewing at the next one; rolling is the last 30 days', () => {
    const now = Date.UTC(2026, 11, 31, 23, 59);
    assert.deepEqual(budgetWindow({ period: 'month' }, now), {
      since: Date.UTC(2026, 11, 1),
      until: Date.UTC(2027, 0, 1),
      renewsAt: Date.UTC(2027, 0, 1),
    });
    const rolling = budgetWindow({ period: 'rolling_30d' }, now);
    assert.equal(rolling.since, now - 30 * DAY);
    assert.equal(rolling.renewsAt, null);
  });

  it('counts only the window, and gives the moments at the rate of the open periods', () => {
    const now = Date.UTC(2026, 5, 10);
    const old = period(Date.UTC(2026, 4, 31, 22), Date.UTC(2026, 5, 1, 2)); // 2 of its 4 hours in June
    const running = [period(now - HOUR, null), period(now - HOUR, null, 1, 0)];
    const status = budgetStatus(budget({ gpuHours: 10 }), [old, ...running], running, now);
    assert.equal(status.used.gpuHours, 4);
    const [gpu] = status.resources;
    assert.equal(gpu!.rate, 2);
    // 8 GPU-hours (80 %) at 2 an hour: 2 hours; the last 6 run out at 3 hours, warned 10 minutes before.
    assert.deepEqual(
      [gpu!.warnAt, gpu!.lastMinutesAt, gpu!.runsOutAt],
      [now + 2 * HOUR, now + 3 * HOUR - 600_000, now + 3 * HOUR],
    );
    assert.equal(status.runsOutAt, now + 3 * HOUR);
    assert.equal(status.exhausted, false);
  });

  it('has no moments when nothing runs or the month renews first, and is exhausted at its limit', () => {
    const now = Date.UTC(2026, 5, 30, 23);
    const stopped = [period(now - 5 * HOUR, now - HOUR)];
    const idle = budgetStatus(budget({ gpuHours: 4, cpuHours: 100 }), stopped, [], now);
    assert.equal(idle.exhausted, true, '4 of 4 GPU-hours');
    assert.equal(idle.runsOutAt, null);
    const open = [period(now - HOUR, null)];
    const late = budgetStatus(budget({ gpuHours: 5 }), open, open, now);
    // 4 GPU-hours left, but the month ends in one hour.
    assert.deepEqual([late.runsOutAt, late.resources[0]!.lastMinutesAt], [null, null]);
    assert.equal(late.resources[0]!.warnAt, null, '80 % would come in 3 hours, after the renewal');
  });

  it('on a rolling window assumes nothing leaves it, so its moments come early rather than late', () => {
    const now = Date.UTC(2026, 5, 30);
    // Ten GPU-hours 29½ days ago leave the window in half a day; the running instance's hour stays.
    const leaving = period(now - 29.5 * DAY, now - 29.5 * DAY + 10 * HOUR);
    const open = [period(now - HOUR, null)];
    const status = budgetStatus(budget({ gpuHours: 20, period: 'rolling_30d' }), [leaving, ...open], open, now);
    assert.equal(status.used.gpuHours, 11);
    assert.equal(status.runsOutAt, now + 9 * HOUR, 'computed as if the ten hours stayed');
  });

  it('a spent resource reopens at the month’s renewal, or when enough usage leaves a rolling window, to the millisecond', () => {
    const now = Date.UTC(2026, 5, 10);
    const month = budgetStatus(budget({ gpuHours: 2 }), [period(now - 3 * HOUR, now - HOUR)], [], now);
    assert.deepEqual(
      month.resources.map((r) => [r.exhausted, r.reopensAt]),
      [[true, Date.UTC(2026, 6, 1)]],
    );
    // Rolling: 3 GPU-hours of a 2 GPU-hour budget, run 20 to 17 days ago and 5 days ago for an hour.
    const rolling = budget({ gpuHours: 2, period: 'rolling_30d' });
    const periods = [period(now - 20 * DAY, now - 20 * DAY + 2 * HOUR), period(now - 5 * DAY, now - 5 * DAY + HOUR)];
    const spent = budgetStatus(rolling, periods, [], now);
    const [gpu] = spent.resources;
    // Under the limit once more than an hour of the older period has left the window: 10 days and an hour on, plus a ms.
    const reopens = now + 10 * DAY + HOUR + 1;
    assert.deepEqual([gpu!.exhausted, gpu!.reopensAt], [true, reopens]);
    assert.equal(budgetStatus(rolling, periods, [], reopens - 1).exhausted, true, 'a millisecond before');
    assert.equal(budgetStatus(rolling, periods, [], reopens).exhausted, false, 'at it');
    // A running instance on the spent budget is stopped now: its period counts up to now only.
    const open = period(now - HOUR, null);
    assert.equal(budgetStatus(rolling, [...periods, open], [open], now).resources[0]!.reopensAt! > reopens, true);
    // Never, for a limit of nothing; not at all, when not spent.
    assert.equal(budgetStatus(budget({ gpuHours: 0 }), [], [], now).resources[0]!.reopensAt, null);
    assert.equal(budgetStatus(budget({ gpuHours: 9 }), periods, [], now).resources[0]!.reopensAt, null);
  });
});
