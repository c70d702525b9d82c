/**
 * The usage meter reads a control group's own files, on both hierarchies: cgroup v2 (`cpu.stat`
 * usage_usec, `memory.current`) and v1 (`cpuacct.usage` in ns, `memory.usage_in_bytes`). Here the
 * files are written by the test in the layout each hierarchy has, so both versions are covered on
 * any host; test/notebook/notebook-usage.test.ts measures a real notebook in the host's real one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ControlGroup, type Hierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { UsageMeter } from '../../src/runtime/local/isolation/usage-meter.js';

const root = mkdtempSync(join(tmpdir(), 'demanager-usage-'));
const ID = 'DE-11111111-2222-4333-8444-555555555555';
const LIMITS = { cpus: 2, memoryBytes: 512 * 2 ** 20 };

function dirOf(mount: string): string {
  const dir = join(mount, 'demanager', ID);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('the usage meter', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads cgroup v2: cores from usage_usec over the time between readings, memory.current', async () => {
    const hierarchy: Hierarchy = { version: 2, root: join(root, 'v2') };
    const dir = dirOf(hierarchy.root);
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1000000\nuser_usec 600000\nsystem_usec 400000\nnr_throttled 0\n');
    writeFileSync(join(dir, 'memory.current'), '314572800\n');
    const meter = new UsageMeter(50);
    const group = new ControlGroup(hierarchy, ID);
    assert.deepEqual(await meter.measure(group, LIMITS), {
      cpuCores: 0,
      cpuLimitCores: 2,
      memoryBytes: 314572800,
      memoryLimitBytes: LIMITS.memoryBytes,
    });
    // 0.5 s of CPU time more: over a window of at least 50 ms, that is a positive rate.
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1500000\n');
    const busy = await meter.measure(group, LIMITS);
    assert.ok(busy && busy.cpuCores! > 0 && busy.cpuCores! <= 10, JSON.stringify(busy));
    rmSync(dir, { recursive: true });
    assert.equal(await meter.measure(group, LIMITS), null, 'a group that is gone measures as nothing');
  });

  it('reads cgroup v1: cpuacct.usage in nanoseconds, memory.usage_in_bytes', async () => {
    const mount = (name: string) => join(root, 'v1', name);
    const hierarchy: Hierarchy = {
      version: 1,
      mounts: { cpu: mount('cpu'), cpuacct: mount('cpuacct'), memory: mount('memory'), pids: mount('pids') },
    };
    for (const name of ['cpu', 'pids']) dirOf(mount(name));
    writeFileSync(join(dirOf(mount('cpuacct')), 'cpuacct.usage'), '2000000000\n');
    writeFileSync(join(dirOf(mount('memory')), 'memory.usage_in_bytes'), '104857600\n');
    const meter = new UsageMeter(50);
    const group = new ControlGroup(hierarchy, ID);
    const first = await meter.measure(group, { cpus: null, memoryBytes: null });
    assert.deepEqual(first, { cpuCores: 0, cpuLimitCores: null, memoryBytes: 104857600, memoryLimitBytes: null });
    writeFileSync(join(dirOf(mount('cpuacct')), 'cpuacct.usage'), '2400000000\n');
    const busy = await meter.measure(group, LIMITS);
    assert.ok(busy && busy.cpuCores! > 0, JSON.stringify(busy));
  });
});
