/**
 * @module test/support/stepping-clock
 * A {@link ManualClock} that also knows who is sleeping, so a test can fire exactly the phase it
 * wants ("the simulated start of 2 s") once the server has really started waiting for it, and
 * never skip a transition by advancing too early. Transitional statuses then stay put for as long
 * as the test looks at them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ManualClock } from '../../src/core/shared/clock.js';
import type { TestApp } from './test-app.js';

interface Sleeper {
  ms: number;
  due: number;
}

/** Distinct phase delays, so a pending sleep tells which phase it is. */
export const PHASES = { prepare: 1_000, start: 2_000, stop: 3_000, remove: 4_000 } as const;
export type Phase = keyof typeof PHASES;

export class SteppingClock extends ManualClock {
  readonly #pending = new Set<Sleeper>();

  constructor(start = Date.now()) {
    super(start);
  }

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const promise = super.sleep(ms, signal);
    if (ms > 0) {
      const sleeper = { ms, due: this.now() + ms };
      this.#pending.add(sleeper);
      const forget = () => this.#pending.delete(sleeper);
      promise.then(forget, forget);
    }
    return promise;
  }

  /** How many sleeps of exactly `ms` are pending. */
  pending(ms: number): number {
    return [...this.#pending].filter((s) => s.ms === ms).length;
  }

  /** How many sleeps shorter than `ms` are pending (backoff waits, whose length is drawn at random). */
  pendingBelow(ms: number): number {
    return [...this.#pending].filter((s) => s.ms < ms).length;
  }

  /**
   * Waits (in real time) until at least `count` sleeps of `ms` are pending, then advances the clock
   * just far enough to wake all of them.
   */
  async fire(ms: number, count = 1, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending(ms) < count) {
      if (Date.now() > deadline)
        throw new Error(`nobody started sleeping ${ms} ms (pending: ${JSON.stringify([...this.#pending])})`);
      await delay(2);
    }
    const due = Math.max(...[...this.#pending].filter((s) => s.ms === ms).map((s) => s.due));
    this.advance(Math.max(0, due - this.now()));
  }

  /** Fires the simulated phase `phase` (see {@link PHASES}). */
  phase(phase: Phase, count = 1): Promise<void> {
    return this.fire(PHASES[phase], count);
  }
}

/** Simulated-runtime options that go with {@link PHASES}. */
export const STEPPING_RUNTIME = { pollIntervalSeconds: 0, simulated: { delays: { ...PHASES } } };

/**
 * Stops a server that runs on a manual clock. A simulated stop does not listen to shutdown, so
 * the clock keeps moving until the server has closed.
 */
export async function stopWithClock(t: TestApp, clock: ManualClock, remove = true): Promise<void> {
  let done = false;
  const closing = t.stop(remove).finally(() => {
    done = true;
  });
  while (!done) {
    clock.advance(60_000);
    await delay(5);
  }
  await closing;
}
