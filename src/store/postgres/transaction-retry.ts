/**
 * @module store/postgres/transaction-retry
 * Re-runs a PostgreSQL transaction that lost a serialization conflict (SQLSTATE 40001) or was
 * chosen as a deadlock victim (40P01). The server rolled it back entirely, so running the whole
 * transaction again is safe, and it is the remedy PostgreSQL's documentation prescribes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { backoffCeiling } from '../../core/shared/backoff.js';

const RETRYABLE_CODES: ReadonlySet<string> = new Set(['40001', '40P01']);

export interface TransactionRetryOptions {
  /** Attempts in all, the first one included; at least 1. Default 5. */
  attempts?: number;
  /** The wait before the second attempt; it doubles per attempt, with full jitter. Default 5 ms. */
  baseDelayMs?: number;
  /** The longest wait between two attempts. Default 200 ms. */
  maxDelayMs?: number;
  /** Replaceable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); replaceable so tests are deterministic. */
  random?: () => number;
}

export function isRetryableTransactionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * Runs `transaction` (which must open, and commit or roll back, a whole transaction of its own)
 * until it succeeds, fails with another error, or has failed retryably `attempts` times; then the
 * last error is rethrown unchanged so callers can still read its code. Anything `transaction` does
 * outside the database must be safe to repeat.
 */
export async function retryTransaction<T>(
  transaction: (attempt: number) => Promise<T>,
  options: TransactionRetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  const baseDelayMs = options.baseDelayMs ?? 5;
  const maxDelayMs = options.maxDelayMs ?? 200;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      // Jitter keeps two transactions that conflicted once from colliding again in lockstep.
      await sleep(Math.floor(random() * backoffCeiling(attempt, { baseMs: baseDelayMs, maxMs: maxDelayMs })));
    }
  }
}
