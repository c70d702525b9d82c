/**
 * @module test/core/usage-so-far
 * Usage so far per project and flavor: the closed totals plus the open periods up to now, in ms
 * times sizes; a period that began after now (another replica's clock ahead) adds nothing yet.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsagePeriod } from '../../src/core/model/usage.js';
import { usageSoFar } from '../../src/core/usage/usage-so-far.js';

const MIN = 60_000;

function open(projectId: string, flavor: string, start: number): UsagePeriod {
  const size = { cpus: 2, memoryGib: 8, gpus: 1 };
  return {
    seq: start,
    instanceId: 'DE-1',
    instanceName: 'nb',
    projectId,
    userId: 'u',
    userName: 'u',
    flavor,
    ...size,
    start,
    end: null,
  };
}

describe('usage so far', () => {
  it('adds the open periods up to now to the closed totals of their project and flavor', () => {
    const closed = [
      { projectId: 'p', flavor: 'f', instanceMs: 10 * MIN, cpuMs: 20 * MIN, memoryGibMs: 80 * MIN, gpuMs: 10 * MIN },
    ];
    const now = 100 * MIN;
    assert.deepEqual(
      usageSoFar(
        { closed, open: [open('p', 'f', 70 * MIN), open('p', 'g', 90 * MIN), open('p', 'g', 101 * MIN)] },
        now,
      ),
      [
        { projectId: 'p', flavor: 'f', instanceMs: 40 * MIN, cpuMs: 80 * MIN, memoryGibMs: 320 * MIN, gpuMs: 40 * MIN },
        { projectId: 'p', flavor: 'g', instanceMs: 10 * MIN, cpuMs: 20 * MIN, memoryGibMs: 80 * MIN, gpuMs: 10 * MIN },
      ],
    );
  });

  it('keeps apart a project and flavor whose names would run together', () => {
    const sums = usageSoFar({ closed: [], open: [open('a,b', 'c', 0), open('a', 'b,c', 0)] }, MIN);
    assert.deepEqual(
      sums.map((s) => [s.projectId, s.flavor, s.instanceMs]),
      [
        ['a,b', 'c', MIN],
        ['a', 'b,c', MIN],
      ],
    );
  });
});
