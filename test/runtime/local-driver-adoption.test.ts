import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { RuntimeState } from '../../src/core/model/instance.js';
import type { Workload } from '../../src/core/ports/runtime.js';
import { groupExists } from '../../src/runtime/local/process-control.js';
import { markedProcesses } from '../../src/runtime/local/process-marker.js';
import {
  eventually,
  makeDriver,
  makeWorkload,
  parentOf,
  portFree,
  processGone,
  runData,
  tempDir,
  withRuntime,
} from './local-fixtures.js';

describe('local driver: re-adoption after a service restart', () => {
  const dataDir = tempDir('local-adoption');
  const driver = makeDriver(dataDir);
  const crashing = makeWorkload();
  const stopping = makeWorkload();
  let states: RuntimeState[] = [];
  before(async () => {
    // Another process starts both workloads and exits, as a service that restarts would.
    const child = join(import.meta.dirname, 'start-in-child.ts');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      child,
      JSON.stringify({ dataDir, workloads: [crashing, stopping] }),
    ]);
    states = JSON.parse(stdout) as RuntimeState[];
  });
  after(async () => {
    await driver.stop(crashing);
    await driver.stop(stopping);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('polls the workload as running, checks its token, reads activity, and adopts it on a repeated start', async () => {
    const recorded = withRuntime(crashing, states[0]!);
    assert.notEqual(parentOf(runData(states[0]!).pid), process.pid, 'the server outlived the process that started it');
    assert.deepEqual(await driver.poll(recorded), { state: 'running' });
    const activity = await driver.activity(recorded);
    assert.ok(typeof activity === 'number' && Math.abs(activity - Date.now()) < 60_000, `activity ${activity}`);
    assert.deepEqual(await driver.start(recorded, new AbortController().signal), states[0]);

    // Same pid and port, but a server that refuses the token is not proof it is ours.
    const impostor = makeDriver(dataDir, { secretFor: () => 'not-the-token' });
    const suspicious = await impostor.poll(recorded);
    assert.equal(suspicious.state, 'unknown');
    assert.match(suspicious.state === 'unknown' ? suspicious.reason : '', /403/);
  });

  it('says exited, with the log tail as the reason, once the server is killed', async () => {
    const recorded = withRuntime(crashing, states[0]!);
    const { pid } = runData(states[0]!);
    process.kill(pid, 'SIGKILL');
    await eventually(() => processGone(pid), 5_000, 'the server to die');
    const health = await driver.poll(recorded);
    assert.equal(health.state, 'exited');
    assert.match(
      health.state === 'exited' ? health.reason : '',
      new RegExp(`notebook process ${pid} is gone; last log lines: .*NotebookApp`),
    );
    await driver.stop(recorded);
    assert.equal(await groupExists(pid), false);
  });

  it('stops an adopted server and everything it started', async () => {
    const recorded = withRuntime(stopping, states[1]!);
    const { pid, port } = runData(states[1]!);
    await driver.stop(recorded);
    assert.equal(await groupExists(pid), false);
    assert.ok(await portFree(port));
    assert.deepEqual(await markedProcesses({ instanceDir: join(dataDir, 'instances', stopping.instance.id) }), []);
    assert.equal((await driver.poll(recorded)).state, 'exited');
  });

  it('treats a recorded pid now used by an unrelated process as exited, and never signals it', async () => {
    const stranger: Workload = makeWorkload();
    // pid 1 is alive but not ours: it does not carry the instance's marker.
    const fake = {
      endpoint: 'http://127.0.0.1:9',
      data: { pid: 1, port: 9, runId: '0123456789abcdef', startedAt: 0, logFile: '' },
    };
    assert.equal((await driver.poll(withRuntime(stranger, fake))).state, 'exited');
    await driver.stop(withRuntime(stranger, fake));
  });
});
