/**
 * @module core/budgets/budget-warnings
 * The warnings a running instance is given as its budget runs out (core/jobs/budget-enforcement),
 * as kept on the instance: the banner (the latest warning's message) and the keys of the warnings
 * given, `<budget> <level> <window>`, so that each is given once per budget period. The window is
 * the month's start (ms) for a calendar month's budget, and `run-<start>` (the run's own start) for
 * a rolling one, which has no periods of its own.
 *
 * Both outlive a stop and a start within their month: a notebook restarted past 80 % shows the
 * banner again at once and is not warned twice, and the 10-minutes-left warning still comes. A new
 * month, or a new run of a rolling budget, drops them: the warnings start afresh.
 */
import { BUDGET_WARNED_ANNOTATION, BUDGET_WARNING_ANNOTATION } from '../model/instance.js';
import { budgetWindow } from './budget-status.js';

export type WarningLevel = '80%' | '10min';

/** The key of a warning of `budget` at `level` in `window`. */
export function warningKey(budget: string, level: WarningLevel, window: string): string {
  return `${budget} ${level} ${window}`;
}

/** The keys of the warnings given, oldest first. */
export function warnedKeys(annotations: Readonly<Record<string, string>>): string[] {
  return (annotations[BUDGET_WARNED_ANNOTATION] ?? '').split('\n').filter(Boolean);
}

function windowOf(key: string): string {
  return key.split(' ')[2] ?? '';
}

/** The annotations after a warning keyed `key` that says `message`: keys of other windows are done with. */
export function withWarning(
  annotations: Readonly<Record<string, string>>,
  key: string,
  message: string,
): Record<string, string> {
  const kept = warnedKeys(annotations).filter((k) => windowOf(k) === windowOf(key));
  return {
    ...annotations,
    [BUDGET_WARNING_ANNOTATION]: message,
    [BUDGET_WARNED_ANNOTATION]: [...kept, key].join('\n'),
  };
}

/**
 * Whether the banner belongs to a period over at `now`: a month that has ended, or, when the
 * instance starts a new run, a rolling budget's earlier run.
 */
function bannerOver(annotations: Readonly<Record<string, string>>, now: number, newRun: boolean): boolean {
  if (annotations[BUDGET_WARNING_ANNOTATION] === undefined) return false;
  const window = windowOf(warnedKeys(annotations).at(-1) ?? '');
  if (window.startsWith('run-')) return newRun;
  return Number(window) !== budgetWindow({ period: 'month' }, now).since;
}

/**
 * The annotations without the banner and the keys of warnings when their period is over at `now`
 * (`newRun`: the instance is starting); the same object when it is not.
 */
export function withoutOverWarnings(
  annotations: Readonly<Record<string, string>>,
  now: number,
  newRun: boolean,
): Readonly<Record<string, string>> {
  if (!bannerOver(annotations, now, newRun)) return annotations;
  const { [BUDGET_WARNING_ANNOTATION]: _banner, [BUDGET_WARNED_ANNOTATION]: _keys, ...rest } = annotations;
  return rest;
}
