/**
 * A real notebook's CPU and memory use, measured in its real control group (root only: CI runs as
 * root) and answered by `GET …/instances/{id}/usage` against its flavor's limits: a kernel that
 * spins shows a core in use (the flavor's one CPU at most), one that holds 120 MiB shows at least
 * that much memory; a stopped notebook is "not available" again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { eventually } from '../runtime/workloads.js';
import { execute } from '../support/kernel-client.js';
import { startRealNotebook, stopRealNotebook } from '../support/real-notebook.js';
import { cpuBody, startTestApp, type TestApp } from '../support/test-app.js';

const SMALL = completeFlavor({ name: 'test.cpu.usage', type: 'CPU', params: { CPU: 1, memory: '600MiB' } });
const MIB = 2 ** 20;
const root = process.getuid?.() === 0;

interface Usage {
  available: boolean;
  cpu_cores: number | null;
  cpu_limit_cores: number | null;
  memory_bytes: number | null;
  memory_limit_bytes: number | null;
}

describe('the resource use of a real notebook', {
  skip: root ? false : 'needs root (CI runs as root)',
  timeout: 180_000,
}, () => {
  let t: TestApp;
  let id = '';
  let running = false;
  let kernel = '';
  let cookie = '';
  const usage = async (): Promise<Usage> => {
    const res = await t.http('GET', `${t.instances()}/${id}/usage`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    t = await startTestApp({
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, SMALL] },
      runtime: { driver: 'local', pollIntervalSeconds: 1 },
    });
    ({ id, cookie, kernel } = await startRealNotebook(t, cpuBody('measured', SMALL.name)));
    running = true;
  });
  after(async () => {
    if (running) await stopRealNotebook(t, id);
    await t?.stop(true);
  });

  it("answers the flavor's limits and figures measured in the notebook's control group", async () => {
    const idle = await usage();
    assert.equal(idle.available, true);
    assert.equal(idle.cpu_limit_cores, 1);
    assert.equal(idle.memory_limit_bytes, 600 * MIB);
    assert.ok(idle.cpu_cores !== null && idle.cpu_cores >= 0, `cpu ${idle.cpu_cores}`);
    assert.ok(idle.memory_bytes !== null && idle.memory_bytes > 10 * MIB, `memory ${idle.memory_bytes}`);
  });

  it('shows a spinning kernel’s core in use, within the flavor’s one CPU, and memory it holds', async () => {
    const code = [
      'import subprocess, sys',
      'held = bytearray(120 * 1024 * 1024)',
      "spin = subprocess.Popen([sys.executable, '-c', 'while True: pass'])",
      "print('spinning')",
    ].join('\n');
    assert.equal((await execute(kernel, cookie, code, t.url)).trim(), 'spinning');
    try {
      let seen: Usage | undefined;
      await eventually(
        async () => {
          seen = await usage();
          return (seen.cpu_cores ?? 0) > 0.5;
        },
        30_000,
        'a core in use',
      );
      // The quota is enforced per 100 ms period: a rate over ≥ 250 ms stays near one core.
      assert.ok(seen!.cpu_cores! <= 1.2, `cpu ${seen!.cpu_cores} within the 1-CPU flavor`);
      assert.ok(seen!.memory_bytes! >= 120 * MIB, `memory ${seen!.memory_bytes} holds the 120 MiB`);
      assert.ok(seen!.memory_bytes! <= 600 * MIB, `memory ${seen!.memory_bytes} within the limit`);
    } finally {
      await execute(kernel, cookie, 'spin.kill(); spin.wait(); del held', t.url);
    }
  });

  it('is not available once the notebook has stopped', async () => {
    await stopRealNotebook(t, id);
    running = false;
    const stopped = await usage();
    assert.equal(stopped.available, false);
    assert.equal(stopped.cpu_cores, null);
    assert.equal(stopped.memory_bytes, null);
  });
});
