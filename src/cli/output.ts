/**
 * @module cli/output
 * How results reach stdout: the raw API JSON for scripts, or aligned text tables and key/value
 * blocks for people. Messages and progress go to stderr so stdout stays parseable. Whatever came
 * from the server is printed with its control characters escaped (`\u001b`): a description stored
 * by an older release, or sent by a server that does not refuse them, must not drive the terminal.
 */
import { durationParts } from '../client/duration.js';
import { escapeControlCharacters, escapeControlCharactersInLines } from '../core/shared/control-characters.js';

/**
 * JSON.stringify escapes C0 controls inside strings itself; DEL, C1 and the bidi controls are
 * escaped here, and the JSON still parses to the same value.
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${escapeControlCharactersInLines(JSON.stringify(value, null, 2))}\n`);
}

/** One line printed with its control characters escaped (a server-sent name in a confirmation). */
export function printLine(text: string): void {
  process.stdout.write(`${escapeControlCharacters(text)}\n`);
}

/** Columns separated by two spaces, padded to the widest cell; the last column is not padded. */
export function renderTable(headers: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((row) => row.map(escapeControlCharacters));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  process.stdout.write(renderTable(headers, rows));
}

/** `key: value` lines with the values aligned. */
export function printFields(fields: readonly (readonly [string, string])[]): void {
  const width = Math.max(...fields.map(([key]) => key.length)) + 1;
  process.stdout.write(
    fields
      .map(([key, value]) => `${`${key}:`.padEnd(width)} ${escapeControlCharacters(value)}`.trimEnd() + '\n')
      .join(''),
  );
}

/** A note for the person at the terminal (stderr). */
export function note(message: string): void {
  process.stderr.write(`${escapeControlCharacters(message)}\n`);
}

/** `1h02m`, `59m58s`, `45s`. */
export function formatDuration(seconds: number): string {
  const { h, m, s } = durationParts(seconds);
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Epoch milliseconds (number or the API's numeric string) as local `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(epochMs: number | string | null | undefined): string {
  if (epochMs === null || epochMs === undefined || epochMs === '') return '-';
  const ms = typeof epochMs === 'string' ? Number(epochMs) : epochMs;
  if (!Number.isFinite(ms)) return String(epochMs);
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
