/**
 * The local runtime on jupyter_server (the server of JupyterLab and Notebook 7), not only on
 * Notebook 6: a profile whose environment runs `jupyter server` gets its notebooks forked from a
 * fork server on that environment's Python, with ServerApp's options; and a warm server of that
 * profile, forked as well, loads the hand-over extension through `jpserver_extensions` and is
 * handed to its user.
 * jupyter_server is Debian's python3-jupyter-server, unpacked by CI (.ci/run) into a virtualenv
 * made here; root, as CI runs, for the accounts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Profile } from '../../src/core/model/catalog.js';
import { newInstanceId } from '../../src/core/model/instance.js';
import type { RuntimeState } from '../../src/core/model/instance.js';
import type { Workload } from '../../src/core/ports/runtime.js';
import { accountName } from '../../src/runtime/local/isolation/os-accounts.js';
import { jupyterServerEnvironment, unpackedJupyterServer } from '../support/python-environments.js';
import {
  api,
  commandLine,
  environOf,
  makeDriver,
  makeWorkload,
  parentOf,
  runData,
  tempDir,
  withRuntime,
} from './local-fixtures.js';

const root = process.getuid?.() === 0;
const unpacked = unpackedJupyterServer();
const skip = !root
  ? 'needs root (CI runs as root)'
  : !unpacked
    ? 'python3-jupyter-server is not unpacked (.ci/run unpacks it)'
    : false;

function uids(pid: number): number[] {
  return /^Uid:\s+(.*)$/m
    .exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]!
    .trim()
    .split(/\s+/)
    .map(Number);
}

describe('the local runtime on jupyter_server', { skip }, () => {
  const envs = tempDir('jupyter-server-env');
  chmodSync(envs, 0o755);
  const dataDir = tempDir('jupyter-server');
  const driver = makeDriver(dataDir);
  const started: { workload: Workload; state: RuntimeState }[] = [];
  let profile: Profile;
  after(async () => {
    for (const { workload, state } of started) await driver.stop(withRuntime(workload, state));
    for (const id of await driver.warm.ids()) await driver.warm.coolDown(id);
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(envs, { recursive: true, force: true });
  });

  function serverWorkload(id?: string): Workload {
    const workload = makeWorkload();
    profile ??= {
      ...workload.profile,
      id: 'jupyter-server',
      local: { prefix: jupyterServerEnvironment(join(envs, 'server'), unpacked!) },
    };
    return { ...workload, profile, instance: { ...workload.instance, profileId: profile.id, ...(id ? { id } : {}) } };
  }

  async function start(workload: Workload): Promise<{ state: RuntimeState; pid: number }> {
    await driver.prepare(workload, AbortSignal.timeout(60_000));
    const state = await driver.start(workload, AbortSignal.timeout(120_000));
    started.push({ workload, state });
    return { state, pid: runData(state).pid };
  }

  it('forks its notebooks from a fork server on the profile’s Python, with ServerApp’s options', async () => {
    const workload = serverWorkload();
    const { state, pid } = await start(workload);
    assert.equal((await api(workload, state, 'api/status')).status, 200);
    const args = commandLine(pid);
    assert.ok(args.includes(`--ServerApp.base_url=/notebook/${workload.instance.id}/`), args.join(' '));
    assert.equal(args[1], join(profile.local!.prefix!, 'bin', 'jupyter-server'));
    const forkServer = commandLine(parentOf(pid));
    assert.equal(forkServer[0], join(profile.local!.prefix!, 'bin', 'python3'));
    assert.ok(forkServer[1]!.endsWith('demanager_forkserver.py') && forkServer[2] === 'server', forkServer.join(' '));
  });

  it('hands a warm server to its user through the jpserver_extensions entry point', async () => {
    const workload = serverWorkload(newInstanceId());
    const { instance, flavor } = workload;
    await driver.warm.warmUp(
      { instanceId: instance.id, flavor: flavor.name, profileId: profile.id },
      profile,
      flavor,
      AbortSignal.timeout(120_000),
    );
    const warm = JSON.parse(readFileSync(join(dataDir, 'instances', instance.id, 'warm-run.json'), 'utf8')) as {
      pid: number;
    };
    assert.ok(commandLine(warm.pid).some((arg) => arg.startsWith('--ServerApp.jpserver_extensions=')));
    // Forked too: the extension is on its import path, not in a PYTHONPATH its kernels would inherit.
    assert.ok(commandLine(parentOf(warm.pid))[1]!.endsWith('demanager_forkserver.py'));
    assert.equal(environOf(warm.pid).PYTHONPATH, undefined);
    assert.equal(uids(warm.pid)[0], 0, 'a warm server runs as root until its hand-over');
    const { state, pid } = await start(workload);
    assert.equal(pid, warm.pid, 'the warm server was taken over');
    const uid = Number(execFileSync('id', ['-u', accountName(instance.user.id)], { encoding: 'utf8' }));
    assert.deepEqual(uids(pid), [uid, uid, uid, uid]);
    assert.match(readFileSync(`/proc/${pid}/status`, 'latin1'), /^NoNewPrivs:\s+1$/m);
    assert.equal((await api(workload, state, 'api/status')).status, 200);
    assert.match(readFileSync(runData(state).logFile, 'utf8'), /warm notebook server taken over as dm-/);
  });
});
