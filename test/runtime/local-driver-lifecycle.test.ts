import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RuntimeState } from '../../src/core/model/instance.js';
import type { Workload } from '../../src/core/ports/runtime.js';
import { markedProcesses } from '../../src/runtime/local/process-marker.js';
import {
  api,
  groupGone,
  makeDriver,
  makeWorkload,
  portFree,
  processGone,
  runData,
  secretFor,
  tempDir,
  withRuntime,
} from './local-fixtures.js';

describe('local driver: prepare, start, poll, stop, remove', () => {
  const dataDir = tempDir('local-lifecycle');
  const driver = makeDriver(dataDir);
  const started: Workload[] = [];
  after(async () => {
    for (const workload of started) await driver.stop(workload);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(workload: Workload): Promise<RuntimeState> {
    started.push(workload);
    return driver.start(workload, new AbortController().signal);
  }

  it('serves the status API on its endpoint with the private token, and keeps the token out of state and logs', async () => {
    const workload = makeWorkload();
    await driver.prepare(workload, new AbortController().signal);
    const state = await start(workload);
    const { pid, port, runId, logFile } = runData(state);
    assert.equal(state.endpoint, `http://127.0.0.1:${port}`);
    const token = secretFor(workload.instance.id, runId);

    const status = await api(workload, state, 'api/status');
    assert.equal(status.status, 200);
    assert.ok(typeof ((await status.json()) as { started?: unknown }).started === 'string');
    assert.equal((await api(workload, state, 'api/status', {}, 'wrong-token')).status, 403);
    assert.deepEqual(await driver.poll(withRuntime(workload, state)), { state: 'running' });
    assert.ok(!JSON.stringify(state).includes(token), 'the token is not in the runtime state');

    await driver.stop(withRuntime(workload, state));
    assert.ok(await groupGone(pid), 'the process group is gone');
    assert.ok(await portFree(port), 'the port is released');
    assert.equal((await driver.poll(withRuntime(workload, state))).state, 'exited');
    const log = await readFile(logFile, 'utf8');
    assert.match(log, /Jupyter Notebook|Jupyter Server|jupyter/i);
    assert.ok(!log.includes(token), 'the token is not in the log');
    assert.equal(logFile, join(dataDir, 'instances', workload.instance.id, 'logs', 'notebook.log'));
  });

  it('runs kernels with the system python, keeps files across restarts, and leaves no process behind', async () => {
    const workload = makeWorkload();
    await driver.prepare(workload, new AbortController().signal);
    const work = join(dataDir, 'instances', workload.instance.id, 'work');
    let state = await start(workload);

    const notebook = {
      type: 'notebook',
      format: 'json',
      content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
    };
    const put = await api(workload, state, 'api/contents/hello.ipynb', {
      method: 'PUT',
      body: JSON.stringify(notebook),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(put.status, 201);
    assert.equal(JSON.parse(readFileSync(join(work, 'hello.ipynb'), 'utf8')).nbformat, 4);

    const created = await api(workload, state, 'api/kernels', {
      method: 'POST',
      body: JSON.stringify({ name: 'python3' }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(created.status, 201);
    const kernel = (await created.json()) as { id: string };
    // Without a WebSocket client nobody asks the kernel anything (it stays `starting`), but a
    // restart answers 200 only once the new kernel has replied to a kernel_info request.
    const restarted = await api(workload, state, `api/kernels/${kernel.id}/restart`, { method: 'POST' });
    assert.equal(restarted.status, 200);
    // The kernel runs in a session of its own; the stop sweep finds it by the inherited marker.
    const instanceDir = join(dataDir, 'instances', workload.instance.id);
    const kernelPids = (await markedProcesses({ instanceDir })).filter((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ipykernel'),
    );
    assert.equal(kernelPids.length, 1);
    assert.match(readFileSync(`/proc/${kernelPids[0]}/cmdline`, 'utf8'), /^\/usr\/bin\/python3\0/);

    await driver.stop(withRuntime(workload, state));
    assert.ok(await groupGone(runData(state).pid));
    assert.ok(await processGone(kernelPids[0]!), 'the kernel is gone');
    assert.deepEqual(await markedProcesses({ instanceDir }), []);

    state = await start(workload);
    const listing = (await (await api(workload, state, 'api/contents')).json()) as { content: { name: string }[] };
    assert.ok(
      listing.content.some((entry) => entry.name === 'hello.ipynb'),
      'files survive stop/start',
    );
    await driver.stop(withRuntime(workload, state));

    await driver.remove(withRuntime(workload, null));
    assert.ok(!existsSync(instanceDir), 'remove deletes the private directory and evs storage');
    await driver.stop(withRuntime(workload, state)); // idempotent after remove
  });

  it('works in obs storage under the object root and keeps it on remove', async () => {
    const objectRoot = join(dataDir, 'objects');
    const obsDriver = makeDriver(dataDir, { objectRoot });
    const workload = makeWorkload({ storage: { type: 'obs', location: { path: '/bucket/team/notebooks/' } } });
    await obsDriver.prepare(workload, new AbortController().signal);
    const storage = join(objectRoot, 'bucket', 'team', 'notebooks');
    assert.ok(existsSync(storage));
    started.push(workload);
    const state = await obsDriver.start(workload, new AbortController().signal);
    const put = await api(workload, state, 'api/contents/data.txt', {
      method: 'PUT',
      body: JSON.stringify({ type: 'file', format: 'text', content: 'kept' }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(put.status, 201);
    await obsDriver.stop(withRuntime(workload, state));
    await obsDriver.remove(withRuntime(workload, null));
    assert.equal(readFileSync(join(storage, 'data.txt'), 'utf8'), 'kept');
    assert.ok(!existsSync(join(dataDir, 'instances', workload.instance.id)));
    assert.deepEqual(readdirSync(join(objectRoot, 'bucket')), ['team']);
  });

  it('stop sweeps background jobs outside the group and kills what ignores SIGTERM after the grace', async () => {
    const impatient = makeDriver(dataDir, { stopTimeoutMs: 1_000 });
    const workload = makeWorkload({ custom_script_path: '/bg.sh' });
    await impatient.prepare(workload, new AbortController().signal);
    const work = join(dataDir, 'instances', workload.instance.id, 'work');
    writeFileSync(
      join(work, 'bg.sh'),
      [
        'sleep 300 & echo $! > polite.pid',
        `sh -c 'trap "" TERM; while :; do sleep 0.1; done' & echo $! > stubborn.pid`,
        '',
      ].join('\n'),
    );
    started.push(workload);
    const state = await impatient.start(workload, new AbortController().signal);
    const polite = Number(readFileSync(join(work, 'polite.pid'), 'utf8'));
    const stubborn = Number(readFileSync(join(work, 'stubborn.pid'), 'utf8'));
    assert.ok(!(await processGone(polite)) && !(await processGone(stubborn)));
    const begun = Date.now();
    await impatient.stop(withRuntime(workload, state));
    const took = Date.now() - begun;
    assert.ok((await processGone(polite)) && (await processGone(stubborn)) && (await groupGone(runData(state).pid)));
    assert.ok(took >= 900 && took < 4_000, `stop took ${took} ms`);
  });

  it('stops idempotently when nothing runs', async () => {
    const workload = makeWorkload();
    await driver.stop(workload);
    await driver.remove(workload);
    assert.equal((await driver.poll(workload)).state, 'exited');
  });
});
