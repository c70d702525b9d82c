/**
 * @module bench/support/measure
 * What every benchmark prints and measures with: one line per figure, percentiles, and the CPU
 * time of another process (Linux /proc).
 */
import { readFileSync } from 'node:fs';

/** One figure per line: `<bench> | <what> | <value>[ | <context>]`, easy to read and to grep. */
export function figure(bench: string, what: string, value: number, context = ''): void {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
  const fields = [bench.padEnd(10), what.padEnd(52), shown.padStart(10)];
  console.log((context ? [...fields, context] : fields).join(' | '));
}

/** The p-quantile (0..1) of values sorted ascending, nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU time of process `pid` so far, ms. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * How long the main thread of process `pid` (a Node server's event loop) has so far run on a CPU,
 * and waited, runnable, for one while other processes ran: ms (Linux /proc schedstat).
 */
export function schedMsOf(pid: number): { runMs: number; waitMs: number } {
  const [run = 0, wait = 0] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return { runMs: run / 1e6, waitMs: wait / 1e6 };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resident set size of process `pid` now, MB (Linux /proc). */
export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}
