/**
 * A flavor's limits hold for real, measured by the kernel's own control-group counters: a kernel
 * that allocates past the flavor's memory is killed and the instance's history says so (the
 * notebook keeps running), a busy kernel on a 1-CPU flavor gets one CPU however many processes it
 * runs, and a kernel cannot start more processes than the notebook's cap. Runs as root (CI does):
 * control groups need it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ControlGroup, findHierarchy } from '../../src/runtime/local/isolation/control-groups.js';
import { eventually } from '../runtime/workloads.js';
import { waitStatus } from '../support/api.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SMALL = completeFlavor({ name: 'test.cpu.small', type: 'CPU', params: { CPU: 1, memory: '400MiB' } });
const MAX_PROCESSES = 160;
const root = process.getuid?.() === 0;

describe('flavor limits on a real notebook', { skip: root ? false : 'needs root (CI runs as root)' }, () => {
  let t: TestApp;
  let id = '';
  let cookie = '';
  let kernel = '';
  let group: ControlGroup;

  before(async () => {
    t = await startTestApp({
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, SMALL] },
      runtime: { driver: 'local', pollIntervalSeconds: 1, local: { maxProcesses: MAX_PROCESSES } },
    });
    const created = await t.http('POST', t.instances(), {
      body: {
        name: 'limited',
        profile_id: 'Multi-Engine 1.0 (python3)-cpu',
        flavor: SMALL.name,
        spec: { storage: { type: 'evs' } },
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    id = created.body.id;
    await waitStatus(t, id, 'RUNNING', { timeoutMs: 60_000 });
    const token = (await t.http('GET', `${t.instances()}/${id}/token`)).body.token as string;
    cookie = await openNotebook(t.url, id, token);
    kernel = await startKernel(t.url, id, cookie);
    const hierarchy = await findHierarchy();
    assert.ok(hierarchy, 'this host has control groups');
    group = new ControlGroup(hierarchy, id);
  });
  after(async () => {
    try {
      assert.equal(await group.exists(), false, 'the control group went with the notebook');
    } finally {
      // A notebook outlives its service: one a failed test left running is stopped, not left behind.
      if ((await t.http('GET', `${t.instances()}/${id}`)).body.status === 'RUNNING') {
        await t.http('POST', `${t.instances()}/${id}/action`, { body: { action: 'stop' } });
        await waitStatus(t, id, 'STOPPED', { timeoutMs: 30_000 });
      }
      await t.stop(true);
    }
  });

  it('holds the notebook server and its kernel in the instance’s control group', async () => {
    const members = await group.members();
    const pid = Number((await t.app.services.store.instances.getById(id))!.runtime!.data.pid);
    assert.ok(members.includes(pid), `the server ${pid} is in ${members.join(',')}`);
    const kernelPid = Number((await execute(kernel, cookie, 'import os; print(os.getpid())', t.url)).trim());
    assert.ok((await group.members()).includes(kernelPid), 'so is the kernel');
  });

  it('gives a busy kernel one CPU on a 1-CPU flavor, however many processes it runs', async () => {
    const before = await group.usage();
    const began = performance.now();
    // Two busy processes on this two-core host would use both cores without the quota. They spin
    // until the group has been throttled and 3 s have passed: on a host busy with other work the
    // pair may take a while to outrun one CPU's quota, which is the thing to see.
    const spin =
      "import subprocess, sys\nspin = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _ in range(2)]\nprint('spinning')";
    assert.equal((await execute(kernel, cookie, spin, t.url)).trim(), 'spinning');
    let after = before;
    let sampledAt = began;
    try {
      await eventually(
        async () => {
          after = await group.usage();
          sampledAt = performance.now();
          return after.throttledPeriods > before.throttledPeriods && sampledAt - began >= 3_000;
        },
        30_000,
        'the quota to run out and the group to be throttled',
      );
    } finally {
      assert.equal(
        (
          await execute(kernel, cookie, "for p in spin: p.kill()\nfor p in spin: p.wait()\nprint('done')", t.url)
        ).trim(),
        'done',
      );
    }
    const cpus = (after.cpuUsageUs - before.cpuUsageUs) / 1e6 / ((sampledAt - began) / 1000);
    assert.ok(cpus <= 1.2, `used ${cpus.toFixed(2)} CPUs on a 1-CPU flavor`);
  });

  it('refuses a kernel more processes than the notebook’s cap', async () => {
    const fork = `
import subprocess
started, refused = [], ''
for _ in range(${MAX_PROCESSES + 40}):
    try:
        started.append(subprocess.Popen(['sleep', '60']))
    except OSError as err:
        refused = type(err).__name__
        break
for p in started: p.kill()
for p in started: p.wait()
print(len(started), refused)`;
    const [count, refused] = (await execute(kernel, cookie, fork, t.url)).trim().split(' ');
    assert.ok(Number(count) < MAX_PROCESSES, `started ${count}`);
    assert.equal(refused, 'BlockingIOError', 'fork failed with EAGAIN at the cap');
    assert.equal((await t.http('GET', `${t.instances()}/${id}`)).body.status, 'RUNNING');
  });

  it('kills a kernel that allocates past the flavor’s memory, tells the owner, and keeps the notebook running', async () => {
    const before = (await group.usage()).oomKills;
    // 600 MiB written (not merely reserved) in a 400 MiB group: the kernel is the largest process in it.
    await assert.rejects(
      execute(kernel, cookie, "x = b'\\x01' * (600 << 20)\nprint('survived')", t.url),
      /the kernel died/,
    );
    assert.ok((await group.usage()).oomKills > before, 'the kernel OOM killer acted in this group');
    let event: any;
    await eventually(
      async () =>
        (event = ((await t.http('GET', `${t.instances()}/${id}/events`)).body.events as any[]).find(
          (e) => e.kind === 'out-of-memory',
        )) !== undefined,
      15_000,
      'an out-of-memory entry in the history',
    );
    assert.match(
      event.detail.message,
      /^a kernel or another process of the notebook was stopped: out of memory, limit 400 MiB$/,
    );
    assert.equal(event.to_status, 'RUNNING');
    assert.equal((await t.http('GET', `${t.instances()}/${id}`)).body.status, 'RUNNING');
  });

  it('says the server ran out of memory when the OOM killer stopped the server itself', async () => {
    // The server becomes the one to go. The test raises its OOM score: the account cannot, since a
    // server forked for it changed its ids and is no longer the account's to tamper with (fork-server).
    // The kernel the test before killed must have been started again first: one the server starts
    // after this inherits the score, and being the larger, would go instead. A request sent while
    // Jupyter restarts it may be lost on the way (a busy machine makes that wait longer): sent again.
    let kernelPid = 0;
    for (let attempt = 1; !kernelPid; attempt++) {
      const asked = execute(kernel, cookie, 'import os; print(os.getpid())', t.url, 10_000);
      kernelPid = Number((await (attempt < 6 ? asked.catch(() => '') : asked)).trim());
    }
    const server = Number((await t.app.services.store.instances.getById(id))!.runtime!.data.pid);
    writeFileSync(`/proc/${server}/oom_score_adj`, '1000');
    assert.equal(readFileSync(`/proc/${kernelPid}/oom_score_adj`, 'utf8').trim(), '0');
    const code = `x = b'\\x01' * (600 << 20)\nprint('survived')`;
    await assert.rejects(execute(kernel, cookie, code, t.url));
    const unavailable = await waitStatus(t, id, 'UNAVAILABLE', { timeoutMs: 30_000 });
    assert.match(
      unavailable.spec.failed_reasons.message,
      /^The notebook stopped unexpectedly: the notebook server was stopped( \(\d times\))?: out of memory, limit 400 MiB; the notebook process \d+ (is gone|exited)/,
    );
  });
});
