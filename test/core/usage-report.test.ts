/**
 * @module test/core/usage-report
 * A usage report's figures: a period spanning midnight splits exactly between its UTC days, an
 * open one counts up to now, the window clips both ends, groups are sorted by key and named, and
 * a window that is backwards or longer than 366 days is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsagePeriod } from '../../src/core/model/usage.js';
import { DomainError } from '../../src/core/shared/errors.js';
import { startOfUtcMonth, usageReport, usageWindow } from '../../src/core/usage/usage-report.js';

const HOUR = 3_600_000;
const DEC_1 = Date.UTC(2026, 11, 1);

let seq = 0;
function period(over: Partial<UsagePeriod> & Pick<UsagePeriod, 'start' | 'end'>): UsagePeriod {
  return {
    seq: ++seq,
    instanceId: 'DE-1',
    instanceName: 'nb',
    projectId: 'p1',
    userId: 'u1',
    userName: 'alice',
    flavor: 'gpu.1',
    cpus: 4,
    memoryGib: 16,
    gpus: 1,
    ...over,
  };
}

describe('usage report', () => {
  it('splits a period that spans midnight exactly between its UTC days', () => {
    // 22:00 on Dec 1 to 03:00 on Dec 2: 2 hours on the first day, 3 on the second.
    const p = period({ start: DEC_1 + 22 * HOUR, end: DEC_1 + 27 * HOUR });
    const report = usageReport([p], { since: DEC_1, until: DEC_1 + 48 * HOUR }, 'day', DEC_1 + 48 * HOUR);
    assert.deepEqual(
      report.groups.map((g) => [g.key, g.name, g.totals.instanceHours, g.totals.cpuHours, g.totals.memoryGibHours]),
      [
        ['2026-12-01', '2026-12-01', 2, 8, 32],
        ['2026-12-02', '2026-12-02', 3, 12, 48],
      ],
    );
    assert.deepEqual(report.total, { cpuHours: 20, gpuHours: 5, memoryGibHours: 80, instanceHours: 5 });
  });

  it('counts an open period up to now, and clips every period at the window', () => {
    const now = DEC_1 + 10 * HOUR;
    const periods = [
      period({ start: DEC_1 - 5 * HOUR, end: DEC_1 + 2 * HOUR }), // 1 h inside [1 h, 8 h)
      period({ start: DEC_1 + 3 * HOUR, end: null, userId: 'u2', userName: 'bob', gpus: 2 }), // open: 5 h inside
      period({ start: DEC_1 + 9 * HOUR, end: null, userId: 'u3', userName: 'carol' }), // after the window
    ];
    const report = usageReport(periods, { since: DEC_1 + HOUR, until: DEC_1 + 8 * HOUR }, 'user', now);
    assert.deepEqual(
      report.groups.map((g) => [g.key, g.name, g.totals.instanceHours, g.totals.gpuHours]),
      [
        ['u1', 'alice', 1, 1],
        ['u2', 'bob', 5, 10],
      ],
    );
    assert.equal(report.total.instanceHours, 6);
    // Before the window ends an open period stops at now.
    const early = usageReport(periods, { since: DEC_1, until: DEC_1 + 24 * HOUR }, 'day', now);
    assert.deepEqual(
      early.groups.map((g) => [g.key, g.totals.instanceHours]),
      [['2026-12-01', 2 + 7 + 1]],
    );
  });

  it('tells how many of the periods it counts are still open, so a reader knows its figures grow', () => {
    const now = DEC_1 + 10 * HOUR;
    const periods = [
      period({ start: DEC_1, end: DEC_1 + 2 * HOUR }),
      period({ start: DEC_1 + 3 * HOUR, end: null, userId: 'u2' }),
      period({ start: DEC_1 + 9 * HOUR, end: null, userId: 'u3' }),
    ];
    assert.equal(usageReport(periods, { since: DEC_1, until: now }, 'user', now).openPeriods, 2);
    // One open period began after the window's end: it is not counted there, nor said to be open.
    assert.equal(usageReport(periods, { since: DEC_1, until: DEC_1 + 8 * HOUR }, 'flavor', now).openPeriods, 1);
    assert.equal(usageReport(periods.slice(0, 1), { since: DEC_1, until: now }, 'day', now).openPeriods, 0);
  });

  it('groups by flavor and by project, names projects it knows and sorts by key', () => {
    const periods = [
      period({ start: 0, end: 2 * HOUR, flavor: 'z.cpu', projectId: 'pB' }),
      period({ start: 0, end: HOUR, flavor: 'a.gpu', projectId: 'pA' }),
      period({ start: HOUR, end: 2 * HOUR, flavor: 'a.gpu', projectId: 'pA' }),
    ];
    const window = { since: 0, until: 10 * HOUR };
    const byFlavor = usageReport(periods, window, 'flavor', 10 * HOUR);
    assert.deepEqual(
      byFlavor.groups.map((g) => [g.key, g.totals.instanceHours]),
      [
        ['a.gpu', 2],
        ['z.cpu', 2],
      ],
    );
    const names = new Map([['pA', 'vision']]);
    const byProject = usageReport(periods, window, 'project', 10 * HOUR, (id) => names.get(id));
    assert.deepEqual(
      byProject.groups.map((g) => [g.key, g.name]),
      [
        ['pA', 'vision'],
        ['pB', 'pB'],
      ],
    );
  });

  it("names a user by their latest period's name", () => {
    const periods = [
      period({ start: 0, end: HOUR, userName: 'new-name', seq: 9 }),
      period({ start: 2 * HOUR, end: 3 * HOUR, userName: 'old-name', seq: 1 }),
    ];
    const report = usageReport(periods, { since: 0, until: 4 * HOUR }, 'user', 4 * HOUR);
    assert.deepEqual(
      report.groups.map((g) => [g.name, g.totals.instanceHours]),
      [['new-name', 2]],
    );
  });

  it('defaults the window to the UTC month so far and refuses a backwards or over-long one', () => {
    const now = Date.UTC(2026, 11, 6, 18, 30);
    assert.equal(startOfUtcMonth(now), DEC_1);
    assert.deepEqual(usageWindow({}, now), { since: DEC_1, until: now });
    assert.deepEqual(usageWindow({ since: 5, until: 6 }, now), { since: 5, until: 6 });
    const refused = (asked: { since?: number; until?: number }, field: string) =>
      assert.throws(
        () => usageWindow(asked, now),
        (err) => err instanceof DomainError && err.code === 'ModelArts.6336' && err.message.includes(`'${field}'`),
      );
    refused({ since: 10, until: 10 }, 'until');
    refused({ since: now + 1 }, 'until');
    refused({ since: 0, until: 366 * 24 * HOUR + 1 }, 'since');
    assert.deepEqual(usageWindow({ since: 0, until: 366 * 24 * HOUR }, now), { since: 0, until: 366 * 24 * HOUR });
  });
});
