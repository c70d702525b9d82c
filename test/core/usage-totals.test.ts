/**
 * @module test/core/usage-totals
 * What usage periods add up to in a window: only the part inside it counts, an open period runs
 * until now (or the window's end), and each figure is hours × the period's size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsagePeriod } from '../../src/core/model/usage.js';
import { overlapMs, totalOf } from '../../src/core/usage/usage-totals.js';

const HOUR = 3_600_000;

function period(
  user: string,
  start: number,
  end: number | null,
  size = { cpus: 2, memoryGib: 8, gpus: 1 },
): UsagePeriod {
  return {
    seq: start,
    instanceId: `DE-${user}`,
    instanceName: `nb-${user}`,
    projectId: 'p',
    userId: user,
    userName: user,
    flavor: 'f',
    ...size,
    start,
    end,
  };
}

describe('usage totals', () => {
  it('counts only the part of a period inside the window', () => {
    assert.equal(overlapMs(period('a', 0, 10 * HOUR), 2 * HOUR, 5 * HOUR, 99 * HOUR), 3 * HOUR);
    assert.equal(overlapMs(period('a', 0, 2 * HOUR), 2 * HOUR, 5 * HOUR, 99 * HOUR), 0, 'ended as the window began');
    assert.equal(overlapMs(period('a', 5 * HOUR, 6 * HOUR), 2 * HOUR, 5 * HOUR, 99 * HOUR), 0, 'began as it ended');
  });

  it('runs an open period until now, or until the window ends if that is sooner', () => {
    assert.equal(overlapMs(period('a', HOUR, null), 0, 10 * HOUR, 4 * HOUR), 3 * HOUR);
    assert.equal(overlapMs(period('a', HOUR, null), 0, 2 * HOUR, 4 * HOUR), HOUR);
  });

  it('multiplies hours by the period’s CPUs, GPUs and memory', () => {
    const totals = totalOf(
      [period('a', 0, 2 * HOUR), period('b', 0, HOUR / 2, { cpus: 8, memoryGib: 32, gpus: 0 })],
      0,
      10 * HOUR,
      10 * HOUR,
    );
    assert.deepEqual(totals, { cpuHours: 2 * 2 + 8 * 0.5, gpuHours: 2, memoryGibHours: 16 + 16, instanceHours: 2.5 });
  });
});
