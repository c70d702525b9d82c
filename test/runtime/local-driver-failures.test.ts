import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../../src/runtime/local/free-port.js';
import { LocalDriver } from '../../src/runtime/local/local-driver.js';
import { readRunFile } from '../../src/runtime/local/run-record.js';
import {
  eventually,
  groupGone,
  groupSignalable,
  makeDriver,
  makeWorkload,
  portFree,
  runData,
  tempDir,
  withRuntime,
  workloadError,
} from './local-fixtures.js';

describe('local driver: failures', () => {
  const dataDir = tempDir('local-failures');
  const outside = tempDir('local-outside');
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('tells what to install when no Jupyter is on PATH', async () => {
    const empty = join(dataDir, 'empty-bin');
    mkdirSync(empty);
    const diagnosis = await LocalDriver.diagnose({ env: { PATH: empty } });
    assert.equal(diagnosis.ok, false);
    const driver = makeDriver(dataDir, { env: { PATH: empty } });
    const workload = makeWorkload();
    await driver.prepare(workload, new AbortController().signal);
    const error = await workloadError(driver.start(workload, new AbortController().signal));
    assert.equal(error.code, 'ModelArts.6361');
    assert.match(error.message, /apt-get install jupyter-notebook/);
    assert.match(error.message, /pip install jupyterlab/);
    const found = await LocalDriver.diagnose();
    assert.ok(found.ok, found.message);
    assert.equal(found.install?.subcommand, 'notebook');
  });

  it('kills the process group when start is aborted while waiting for readiness', async () => {
    const driver = makeDriver(dataDir);
    const workload = makeWorkload();
    await driver.prepare(workload, new AbortController().signal);
    const runFile = join(dataDir, 'instances', workload.instance.id, 'run.json');
    const controller = new AbortController();
    const starting = driver.start(workload, controller.signal);
    await eventually(() => existsSync(runFile), 10_000, 'the server to be spawned');
    const record = await readRunFile(runFile);
    assert.ok(record);
    assert.ok(groupSignalable(record.pid));
    controller.abort(new Error('start timed out'));
    await assert.rejects(starting, /start timed out/);
    assert.ok(await groupGone(record.pid), 'the aborted server is gone');
    assert.ok(await portFree(record.port));
    assert.ok(!existsSync(runFile));
  });

  it('retries with a new port when another process took the chosen one', async () => {
    // Hangs up on every connection, so readiness probes against it fail fast.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    const offered: number[] = [];
    const driver = makeDriver(dataDir, {
      pickPort: async () => {
        const port = offered.length === 0 ? taken : await freePort();
        offered.push(port);
        return port;
      },
    });
    const workload = makeWorkload();
    try {
      await driver.prepare(workload, new AbortController().signal);
      const state = await driver.start(workload, new AbortController().signal);
      assert.equal(offered.length, 2);
      assert.equal(runData(state).port, offered[1]);
      const log = readFileSync(runData(state).logFile, 'utf8');
      assert.match(log, new RegExp(`port ${taken} is already in use[\\s\\S]*on port ${offered[1]} \\(attempt 2\\)`));
      await driver.stop(withRuntime(workload, state));
    } finally {
      squatter.close();
      await driver.stop(workload);
    }
  });

  it('refuses storage paths that escape the object root', async () => {
    const objectRoot = join(dataDir, 'obs');
    const driver = makeDriver(dataDir, { objectRoot });
    mkdirSync(objectRoot, { recursive: true });
    symlinkSync(outside, join(objectRoot, 'evil'));

    const dotdot = makeWorkload({ storage: { type: 'obs', location: { path: '/bucket/../../etc/' } } });
    const up = await workloadError(driver.prepare(dotdot, new AbortController().signal));
    assert.match(up.message, /may not contain/);

    const linked = makeWorkload({ storage: { type: 'obsfs', location: { path: '/evil/dir/' } } });
    const out = await workloadError(driver.prepare(linked, new AbortController().signal));
    assert.match(out.message, /outside its root/);
    assert.ok(!existsSync(join(outside, 'dir')), 'nothing was created through the link');

    const inside = makeWorkload({ storage: { type: 'efs', location: { path: '/share/team/' } } });
    await driver.prepare(inside, new AbortController().signal);
    assert.ok(existsSync(join(objectRoot, 'share', 'team')));
  });

  it('refuses a custom script or log path that leads outside the storage', async () => {
    const driver = makeDriver(dataDir);
    writeFileSync(join(outside, 'steal.sh'), 'echo stolen > /tmp/never\n');
    const script = makeWorkload({ custom_script_path: '/link/steal.sh' });
    await driver.prepare(script, new AbortController().signal);
    symlinkSync(outside, join(dataDir, 'instances', script.instance.id, 'work', 'link'));
    const refused = await workloadError(driver.start(script, new AbortController().signal));
    assert.match(refused.message, /Invalid custom_script_path: .*outside its root/);

    const log = makeWorkload({ log_path: '/../../logs/' });
    await driver.prepare(log, new AbortController().signal);
    assert.match((await workloadError(driver.start(log, new AbortController().signal))).message, /Invalid log_path/);
    await driver.remove(script);
    await driver.remove(log);
  });
});
