/**
 * @module core/usage/usage-totals
 * What usage periods add up to within a window: CPU-hours, GPU-hours, memory GiB-hours and
 * instance-hours. A period counts only for the part of it inside the window, and an open one up to
 * now (or the window's end, if sooner): the same arithmetic for reports, budgets and the fair queue.
 */
import type { UsagePeriod } from '../model/usage.js';

export interface UsageTotals {
  cpuHours: number;
  gpuHours: number;
  memoryGibHours: number;
  instanceHours: number;
}

/** What the figures are counted in: hours of ms. */
export const HOUR_MS = 3_600_000;

export function noUsage(): UsageTotals {
  return { cpuHours: 0, gpuHours: 0, memoryGibHours: 0, instanceHours: 0 };
}

/** Ms of `period` inside [since, until), an open period running until `now`. */
export function overlapMs(
  period: Pick<UsagePeriod, 'start' | 'end'>,
  since: number,
  until: number,
  now: number,
): number {
  const end = Math.min(period.end ?? now, until);
  return Math.max(0, end - Math.max(period.start, since));
}

/** Adds `ms` of `period` to `totals` (in place, and returned). */
export function addTo(totals: UsageTotals, period: UsagePeriod, ms: number): UsageTotals {
  const hours = ms / HOUR_MS;
  totals.cpuHours += period.cpus * hours;
  totals.gpuHours += period.gpus * hours;
  totals.memoryGibHours += period.memoryGib * hours;
  totals.instanceHours += hours;
  return totals;
}

/** The totals of `periods` within [since, until) as of `now`. */
export function totalOf(periods: readonly UsagePeriod[], since: number, until: number, now: number): UsageTotals {
  const totals = noUsage();
  for (const period of periods) addTo(totals, period, overlapMs(period, since, until, now));
  return totals;
}
