/**
 * @module test/core/retrying-tasks
 * Failed steps come back on their own after a capped, doubling wait on the injected clock; a wake
 * during the wait retries at once; stopping ends the retries. Also the scheduler, whose failed
 * job is asked again after a backoff with nothing new falling due.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay } from '../../src/core/shared/backoff.js';
import { RetryingTasks } from '../../src/core/shared/retrying-tasks.js';
import { Scheduler, type ScheduledJob } from '../../src/core/jobs/scheduler.js';
import { SteppingClock } from '../support/stepping-clock.js';

const silent = { info() {}, warn() {}, error() {} };
const BACKOFF = { baseMs: 100, maxMs: 400 };

/** A step that fails `failures` times, then succeeds; counts its attempts. */
function flaky(failures: number) {
  const step = {
    attempts: 0,
    run: async () => {
      step.attempts += 1;
      if (step.attempts <= failures) throw Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
    },
  };
  return step;
}

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await delay(1);
}

describe('backoff', () => {
  it('waits between half its ceiling and its ceiling, the ceiling doubling from the base up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10].map((n) => backoffCeiling(n, BACKOFF)),
      [100, 200, 400, 400, 400],
    );
    const justBelowOne = 1 - Number.EPSILON / 2;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.record({ baseMs: fc.integer({ min: 1, max: 1_000 }), maxMs: fc.integer({ min: 1, max: 100_000 }) }),
        fc.oneof(fc.constant(justBelowOne), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
        (failures, options, r) => {
          const ceiling = backoffCeiling(failures, options);
          const wait = backoffDelay(failures, options, () => r);
          return Number.isInteger(wait) && wait >= Math.floor(ceiling / 2) && wait < Math.max(1, ceiling);
        },
      ),
    );
  });
});

describe('RetryingTasks', () => {
  it('retries a failed step after each backoff wait, and never sooner, until it succeeds', async () => {
    const clock = new SteppingClock(0);
    const tasks = new RetryingTasks(clock, silent, { backoff: BACKOFF, failure: 'step failed', random: () => 0 });
    const step = flaky(4);
    await tasks.run('a', step.run, new AbortController().signal);
    assert.equal(step.attempts, 1);
    // With random() = 0 each wait is half its ceiling: 50, 100, 200, then capped at 200.
    for (const wait of [50, 100, 200, 200]) {
      await settled();
      clock.advance(wait - 1);
      await settled();
      const before: number = step.attempts;
      clock.advance(1);
      await settled();
      assert.equal(step.attempts, before + 1, `a retry after ${wait} ms`);
    }
    await tasks.idle();
    assert.equal(step.attempts, 5);
    assert.equal(tasks.has('a'), false);
  });

  it('retries at once when the key is asked for during the wait', async () => {
    const clock = new SteppingClock(0);
    const tasks = new RetryingTasks(clock, silent, {
      backoff: { baseMs: 60_000, maxMs: 60_000 },
      failure: 'step failed',
    });
    const step = flaky(1);
    const signal = new AbortController().signal;
    await tasks.run('a', step.run, signal);
    await settled();
    assert.equal(clock.pendingBelow(60_000 + 1), 1);
    await tasks.run('a', step.run, signal);
    await tasks.idle();
    assert.equal(step.attempts, 2, 'one retry for the wake, no run more');
  });

  it('runs a step asked for while it runs once more afterwards', async () => {
    const clock = new SteppingClock(0);
    const tasks = new RetryingTasks(clock, silent, { backoff: BACKOFF, failure: 'step failed' });
    let release!: () => void;
    let runs = 0;
    const step = async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    };
    const signal = new AbortController().signal;
    void tasks.run('a', step, signal);
    void tasks.run('a', step, signal);
    void tasks.run('a', step, signal);
    release();
    await tasks.idle();
    assert.equal(runs, 2);
  });

  it('gives up when its signal aborts, waiting or not', async () => {
    const clock = new SteppingClock(0);
    const tasks = new RetryingTasks(clock, silent, { backoff: BACKOFF, failure: 'step failed' });
    const step = flaky(Number.POSITIVE_INFINITY);
    const stop = new AbortController();
    await tasks.run('a', step.run, stop.signal);
    stop.abort();
    await tasks.idle();
    clock.advance(60_000);
    await settled();
    assert.equal(step.attempts, 1);
    await tasks.run('b', step.run, stop.signal);
    assert.equal(step.attempts, 1, 'nothing starts once stopped');
  });
});

describe('Scheduler after a failed job', () => {
  it('asks the job again after a backoff, with nothing new falling due', async () => {
    const clock = new SteppingClock(0);
    let runs = 0;
    const job: ScheduledJob = {
      name: 'flaky',
      async runDue() {
        runs += 1;
        if (runs === 1) throw new Error('database unreachable');
      },
      nextDue: async () => null,
      dueAt: () => null,
    };
    const scheduler = new Scheduler({ clock, log: silent, jobs: [job] });
    try {
      await scheduler.start();
      assert.equal(runs, 1);
      clock.advance(5_000);
      await settled();
      assert.equal(runs, 2);
      // It succeeded and nothing is due: no more runs.
      clock.advance(60_000);
      await settled();
      assert.equal(runs, 2);
    } finally {
      scheduler.close();
    }
  });
});
