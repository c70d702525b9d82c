/**
 * @module console/usage-refresh
 * When a usage page reads its figures again by itself. This month's figures move two ways: a
 * notebook starts or stops (the change stream tells: an instance whose status changed, one deleted,
 * or a resync after the stream was down), and an open period grows by the minute while a notebook
 * holds its slot (a modest timer, only while the report says one is open). Past months are closed,
 * so nothing refreshes them. A hidden tab reads nothing (Page Visibility): what it missed, it reads
 * once when it is shown again. A burst of changes is read once.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { LiveEvents } from './live-events.js';

/**
 * How often a growing month is read again while shown. The figures show hours to two decimals, so
 * a notebook moves them about this often; more often would only cost the server reads.
 */
export const USAGE_TICK_MS = 60_000;
/** Changes closer together than this (a stop, then its STOPPED) are read once. */
const SETTLE_MS = 400;

export interface UsageRefresh {
  live: LiveEvents;
  /** Whether the month shown is this one: only then can its figures change. */
  current: boolean;
  /** Whether a notebook counted in the figures holds its slot now, so they grow as time passes. */
  growing: boolean;
  /** Reads the figures again, quietly (the page keeps showing the last ones until they come). */
  refresh(): void;
}

export function useUsageRefresh({ live, current, growing, refresh }: UsageRefresh): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  // The status each instance was last seen in: a change that is no status change (activity, a
  // queue rank) moves no figure. Kept across the effect's runs, as is a read owed to a hidden tab.
  const seen = useRef(new Map<string, string>());
  const missed = useRef(false);

  useEffect(() => {
    if (!current) {
      missed.current = false;
      return;
    }
    let settle: number | undefined;
    const now = () => {
      settle = undefined;
      missed.current = false;
      latest.current();
    };
    const soon = () => {
      if (document.hidden) missed.current = true;
      else if (settle === undefined) settle = window.setTimeout(now, SETTLE_MS);
    };
    const stop = live.subscribe({
      changed(instance) {
        if (seen.current.get(instance.id) === instance.status) return;
        seen.current.set(instance.id, instance.status);
        soon();
      },
      deleted(id) {
        seen.current.delete(id);
        soon();
      },
      resync: soon,
    });
    const tick = growing ? window.setInterval(soon, USAGE_TICK_MS) : undefined;
    const shown = () => {
      if (!document.hidden && missed.current) soon();
    };
    document.addEventListener('visibilitychange', shown);
    // A read owed from before (a hidden tab, or one cut short as the figures changed what is watched).
    if (missed.current) soon();
    return () => {
      stop();
      window.clearInterval(tick);
      document.removeEventListener('visibilitychange', shown);
      if (settle !== undefined) {
        window.clearTimeout(settle);
        missed.current = true;
      }
    };
  }, [live, current, growing]);
}
