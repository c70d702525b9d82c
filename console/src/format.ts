/**
 * @module console/format
 * Times and durations as people read them.
 */
import { durationParts } from '../../src/client/duration.js';
import { sizeParts } from '../../src/client/flavor-words.js';

/** `2 h 05 min`, `4 min 09 s`, `12 s`. */
export function formatDuration(totalSeconds: number): string {
  const { h, m, s } = durationParts(totalSeconds);
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** An epoch-milliseconds time (number or the API's string) in the reader's locale. */
export function formatTime(epochMs: number | string | null | undefined): string {
  if (epochMs === null || epochMs === undefined || epochMs === '') return '—';
  const date = new Date(Number(epochMs));
  return Number.isNaN(date.getTime())
    ? '—'
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The same to the second (`28 Nov 2026, 09:00:12`), where the order of close events matters, with
 * the full date and time (weekday, time zone) for a tooltip.
 */
export function formatTimeExact(epochMs: number | string | null | undefined): { text: string; full: string } {
  const date = new Date(Number(epochMs ?? Number.NaN));
  if (epochMs === '' || Number.isNaN(date.getTime())) return { text: '—', full: '' };
  return {
    text: date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
    full: date.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' }),
  };
}

/** A flavor's resources in a few words: `8 CPU · 1 GPU (v100) · 64GiB`. */
export function formatParams(params: Record<string, string | number>): string {
  return sizeParts(params).join(' · ');
}

/** Hours of usage as the report gives them (4 decimals), to two: `12.5`, `0.33`, `1,250`. */
export function formatHours(hours: number): string {
  return hours.toLocaleString(undefined, { maximumFractionDigits: 2 });
}
