/**
 * @module console/months
 * The months a usage page offers: this one and the eleven before it, as UTC calendar months (the
 * server counts usage and budgets by UTC month and day, so the page does too, whatever the
 * reader's time zone).
 */

export interface Month {
  /** `2026-11`. */
  value: string;
  /** `November 2026`. */
  label: string;
  /** Epoch ms of the month's first instant. */
  since: number;
  /** Epoch ms of the next month's first instant; undefined for this month (up to now). */
  until: number | undefined;
}

export const MONTHS_OFFERED = 12;

export function monthsUpTo(now: number, count = MONTHS_OFFERED): Month[] {
  const today = new Date(now);
  const months: Month[] = [];
  for (let back = 0; back < count; back++) {
    const since = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1);
    const start = new Date(since);
    months.push({
      value: start.toISOString().slice(0, 7),
      label: start.toLocaleString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
      since,
      until: back === 0 ? undefined : Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1),
    });
  }
  return months;
}
