/**
 * @module core/shared/retrying-tasks
 * Background steps keyed by what they work on (an instance, a flavor's line), at most one per key
 * at a time. A step that fails is tried again after a capped, jittered backoff until it succeeds
 * or its signal aborts: a fault of the store (a full disk, a dropped connection) must not leave
 * work waiting for a wake that may never come. Asking for a key while its step runs makes it run
 * once more afterwards; asking while it waits to retry retries at once, since whoever asks may
 * know the fault is over.
 */
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

export interface RetryingTasksOptions {
  backoff: BackoffOptions;
  /** The log message of a failed step. */
  failure: string;
  /** In [0, 1); replaceable so tests are deterministic. */
  random?: () => number;
}

/** A first wait under 100 ms, doubling up to 5 s: a fault that lasts is probed every few seconds. */
export const STEP_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 5_000 };

export class RetryingTasks {
  readonly #tasks = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  /** Aborts the backoff wait of a key whose step is asked for again. */
  readonly #waits = new Map<string, AbortController>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: RetryingTasksOptions,
  ) {}

  /**
   * Runs `work` for `key` until it succeeds or `signal` aborts, or, when a step for `key` is
   * already under way, once more after it. Resolves once the first attempt has settled.
   */
  run(key: string, work: () => Promise<void>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    if (this.#tasks.has(key)) {
      this.#again.add(key);
      this.#waits.get(key)?.abort();
      return Promise.resolve();
    }
    let attempted!: () => void;
    const first = new Promise<void>((resolve) => (attempted = resolve));
    const task = this.#retrying(key, work, signal, attempted).finally(() => {
      attempted();
      this.#tasks.delete(key);
      if (this.#again.delete(key)) void this.run(key, work, signal);
    });
    this.#tasks.set(key, task);
    return first;
  }

  /** Whether a step for `key` is running or waiting to retry. */
  has(key: string): boolean {
    return this.#tasks.has(key);
  }

  /** Resolves when no step is running or waiting (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks.values()]);
  }

  async #retrying(key: string, work: () => Promise<void>, signal: AbortSignal, attempted: () => void): Promise<void> {
    for (let failures = 1; ; failures += 1) {
      let retryInMs: number;
      try {
        await work();
        return;
      } catch (err) {
        if (signal.aborted) return;
        retryInMs = backoffDelay(failures, this.options.backoff, this.options.random);
        this.log.error({ err, task: key, failures, retryInMs }, this.options.failure);
      } finally {
        attempted();
      }
      if (!(await this.#wait(key, retryInMs, signal))) return;
    }
  }

  /** False when the signal aborted; true when the wait ran out or the key was asked for again. */
  async #wait(key: string, ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const wait = new AbortController();
    const abort = () => wait.abort();
    signal.addEventListener('abort', abort, { once: true });
    this.#waits.set(key, wait);
    try {
      await this.clock.sleep(ms, wait.signal);
    } catch {
      // Asked for again: this retry is that run.
      this.#again.delete(key);
    } finally {
      this.#waits.delete(key);
      signal.removeEventListener('abort', abort);
    }
    return !signal.aborted;
  }
}
