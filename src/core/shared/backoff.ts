/**
 * @module core/shared/backoff
 * How long to wait before trying a failed step again: doubling from a base up to a cap, with full
 * jitter, so that many steps that failed together (a disk that filled, a database that restarted)
 * do not all come back in the same instant, and a fault that lasts is probed only now and again.
 */

export interface BackoffOptions {
  /** The ceiling of the first wait. */
  baseMs: number;
  /** The ceiling no wait exceeds, however many failures. */
  maxMs: number;
}

/** The longest wait (ms) after the `failures`-th failure in a row (1 for the first). */
export function backoffCeiling(failures: number, { baseMs, maxMs }: BackoffOptions): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * The wait (ms) after the `failures`-th failure in a row (1 for the first): uniform in
 * [⌊ceiling / 2⌋, ceiling), the ceiling doubling per failure. Half of it is kept so that a retry
 * is never immediate; `random` is in [0, 1).
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(failures, options);
  // Two floors, not one: a sum rounded up in floating point would reach the ceiling.
  const half = Math.floor(ceiling / 2);
  return half + Math.floor(random() * (ceiling - half));
}
