/**
 * @module core/usage/usage-report
 * A usage report: what the periods of a window add up to, in all and per user, flavor, project or
 * UTC calendar day. The window is checked here (it must be forward and at most 366 days, so a
 * report reads a bounded number of periods) and defaults to the current UTC month up to now.
 * A period counts only for its part inside the window, an open one up to now (core/usage/usage-totals).
 */
import type { UsagePeriod } from '../model/usage.js';
import { DomainError } from '../shared/errors.js';
import { addTo, noUsage, overlapMs, totalOf, type UsageTotals } from './usage-totals.js';

export const USAGE_GROUPINGS = ['user', 'flavor', 'day', 'project'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

const DAY_MS = 86_400_000;
/** The longest window a report covers: a year, leap day included. */
export const MAX_USAGE_WINDOW_MS = 366 * DAY_MS;

export interface UsageWindow {
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
}

export interface UsageGroup {
  /** The user id, flavor, project id or `YYYY-MM-DD`. */
  key: string;
  /** What people call it: the user's or project's name; the key itself for a flavor or a day. */
  name: string;
  totals: UsageTotals;
}

export interface UsageReport extends UsageWindow {
  groupBy: UsageGrouping;
  total: UsageTotals;
  /** Sorted by key. */
  groups: UsageGroup[];
  /**
   * How many of the periods counted are still open (a notebook holds its slot now): while any is,
   * a window that reaches now grows with every minute, so a reader knows to read it again.
   */
  openPeriods: number;
}

/** Midnight UTC of the first day of `now`'s month. */
export function startOfUtcMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The window asked for, its ends defaulting to the month's start and now; 6336 when it is not one. */
export function usageWindow(
  asked: { since?: number | undefined; until?: number | undefined },
  now: number,
): UsageWindow {
  const since = asked.since ?? startOfUtcMonth(now);
  const until = asked.until ?? now;
  if (until <= since) throw new DomainError('ModelArts.6336', 'until').because('until must be later than since');
  if (until - since > MAX_USAGE_WINDOW_MS)
    throw new DomainError('ModelArts.6336', 'since').because('a report covers at most 366 days');
  return { since, until };
}

function dayKey(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The part of `period` inside the window cut at each UTC midnight: [day, ms] pairs. */
function daysOf(period: UsagePeriod, { since, until }: UsageWindow, now: number): [string, number][] {
  const from = Math.max(period.start, since);
  const to = Math.min(period.end ?? now, until);
  const days: [string, number][] = [];
  for (let at = from; at < to; ) {
    const midnight = (Math.floor(at / DAY_MS) + 1) * DAY_MS;
    const next = Math.min(midnight, to);
    days.push([dayKey(at), next - at]);
    at = next;
  }
  return days;
}

/**
 * The report of `periods` (as read for the window: Store.usage.overlapping) as of `now`.
 * `projectName` names a project group; a project it does not know (deleted) is named by its id.
 */
export function usageReport(
  periods: readonly UsagePeriod[],
  window: UsageWindow,
  groupBy: UsageGrouping,
  now: number,
  projectName: (projectId: string) => string | undefined = () => undefined,
): UsageReport {
  const groups = new Map<string, UsageGroup>();
  const add = (key: string, name: string, period: UsagePeriod, ms: number) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, name, totals: noUsage() }));
    // A user renamed since: the name of their latest period wins.
    if (groupBy === 'user') group.name = name;
    addTo(group.totals, period, ms);
  };
  const ordered = [...periods].sort((a, b) => a.seq - b.seq);
  let openPeriods = 0;
  for (const period of ordered) {
    if (period.end === null && period.start < window.until) openPeriods++;
    if (groupBy === 'day') {
      for (const [day, ms] of daysOf(period, window, now)) add(day, day, period, ms);
      continue;
    }
    const ms = overlapMs(period, window.since, window.until, now);
    if (ms <= 0) continue;
    if (groupBy === 'user') add(period.userId, period.userName, period, ms);
    else if (groupBy === 'flavor') add(period.flavor, period.flavor, period, ms);
    else add(period.projectId, projectName(period.projectId) ?? period.projectId, period, ms);
  }
  return {
    ...window,
    groupBy,
    total: totalOf(periods, window.since, window.until, now),
    groups: [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    openPeriods,
  };
}
