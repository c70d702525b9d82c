/**
 * The fork server of the local runtime, with real Jupyter, real accounts and control groups (as
 * root, as CI runs): notebook servers are forked from one Python that has imported Jupyter, and
 * each is then what an ordinary start makes (its account, its control group, its environment
 * and command line as /proc shows them); the fork server never holds a notebook's token and no
 * notebook holds a descriptor of it; the user's own Jupyter configuration runs as the user, and a
 * server that exits at once fails its start at once; a notebook whose imports could differ, whose
 * environment does not fit, or whose launcher is no Python script starts the ordinary way; a fork
 * server killed is replaced, and what it forked runs on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RuntimeState } from '../../src/core/model/instance.js';
import type { Workload } from '../../src/core/ports/runtime.js';
import { accountName } from '../../src/runtime/local/isolation/os-accounts.js';
import { carriesMarker } from '../../src/runtime/local/process-marker.js';
import {
  api,
  commandLine,
  environOf,
  eventually,
  makeDriver,
  makeWorkload,
  parentOf,
  processGone,
  runData,
  secretFor,
  tempDir,
  withRuntime,
  workloadError,
} from './local-fixtures.js';

const root = process.getuid?.() === 0;

function statusField(pid: number, name: string): string {
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]!.trim();
}

const isForkServer = (pid: number) => commandLine(pid).some((arg) => arg.endsWith('demanager_forkserver.py'));

/** Whether `needle` is anywhere in the readable, writable memory of `pid` (heap, stack, anonymous maps). */
function inMemory(pid: number, needle: string): boolean {
  const wanted = Buffer.from(needle);
  const mem = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n')) {
      const [range, perms] = line.split(' ');
      if (!range || !perms?.startsWith('rw')) continue;
      const [start, end] = range.split('-').map((hex) => Number.parseInt(hex, 16)) as [number, number];
      const chunk = Buffer.alloc(end - start);
      try {
        readSync(mem, chunk, 0, chunk.length, start);
      } catch {
        continue;
      }
      if (chunk.includes(wanted)) return true;
    }
    return false;
  } finally {
    closeSync(mem);
  }
}

/** The pipes and sockets among a process's descriptors (`pipe:[inode]`, `socket:[inode]`). */
function channels(pid: number): Set<string> {
  const found = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    if (/^(pipe|socket):/.test(target)) found.add(target);
  }
  return found;
}

async function gone(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
    if (await processGone(pid)) return true;
  return false;
}

describe('local driver: the fork server', { skip: root ? false : 'needs root (CI runs as root)' }, () => {
  const dataDir = tempDir('local-fork-server');
  const driver = makeDriver(dataDir);
  const started: { workload: Workload; state: RuntimeState }[] = [];
  after(async () => {
    for (const { workload, state } of started) await driver.stop(withRuntime(workload, state));
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(
    workload = makeWorkload(),
    using = driver,
  ): Promise<{ workload: Workload; state: RuntimeState; pid: number }> {
    await using.prepare(workload, new AbortController().signal);
    const state = await using.start(workload, new AbortController().signal);
    started.push({ workload, state });
    return { workload, state, pid: runData(state).pid };
  }

  it('forks every notebook from one Python, each placed, as its account, and shown as an ordinary start', async () => {
    const first = await start();
    const second = await start(makeWorkload({}));
    const forkServer = parentOf(first.pid);
    assert.ok(isForkServer(forkServer), `the server's parent runs ${commandLine(forkServer).join(' ')}`);
    assert.equal(parentOf(second.pid), forkServer, 'one fork server for both');
    const account = accountName(first.workload.instance.user.id);
    const uid = Number(execFileSync('id', ['-u', account], { encoding: 'utf8' }));
    for (const { workload, state, pid } of [first, second]) {
      const id = workload.instance.id;
      assert.equal((await api(workload, state, 'api/status')).status, 200);
      assert.deepEqual(statusField(pid, 'Uid').split(/\s+/).map(Number), [uid, uid, uid, uid]);
      const gids = statusField(pid, 'Gid').split(/\s+/).map(Number);
      assert.ok(
        gids.every((gid) => gid === gids[0] && gid !== 0),
        `group ids ${gids.join(' ')}`,
      );
      assert.equal(statusField(pid, 'Groups'), '', 'no supplementary group is left');
      const groups = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      assert.match(groups, new RegExp(`/demanager/${id}$`, 'm'), groups);
      // What an ordinary start shows: `ps` sees the Jupyter command, the driver its marker.
      const args = commandLine(pid);
      assert.deepEqual(args.slice(0, 2), ['/usr/bin/python3', '/usr/bin/jupyter-notebook']);
      assert.ok(args.includes(`--NotebookApp.base_url=/notebook/${id}/`), args.join(' '));
      const env = environOf(pid);
      assert.equal(env.JUPYTER_TOKEN, secretFor(id, runData(state).runId));
      assert.equal(env.HOME, join(dataDir, 'instances', id, 'home'));
      assert.equal(
        await carriesMarker(pid, { instanceDir: join(dataDir, 'instances', id), runId: runData(state).runId }),
        true,
      );
      assert.deepEqual(
        readdirSync(join(dataDir, 'instances', id)).filter((name) => name.startsWith('fork-env-')),
        [],
        'the environment file is gone',
      );
    }
  });

  it('never holds a notebook’s token, and no notebook holds a descriptor of it', async () => {
    const { workload, state, pid } = await start();
    const forkServer = parentOf(pid);
    assert.ok(isForkServer(forkServer));
    const token = secretFor(workload.instance.id, runData(state).runId);
    assert.ok(inMemory(pid, token), 'the search finds the token where it is: in the notebook server');
    for (const other of started)
      assert.ok(!inMemory(forkServer, secretFor(other.workload.instance.id, runData(other.state).runId)));
    // Its stdin, stdout and stderr (the service's end of each is the other side of the same
    // channel), and whatever else it holds.
    const its = channels(forkServer);
    assert.ok(its.size >= 3, [...its].join(' '));
    for (const held of channels(pid)) assert.ok(!its.has(held), `the notebook holds the fork server's ${held}`);
    assert.equal(readlinkSync(`/proc/${pid}/fd/0`), '/dev/null');
  });

  it('starts a notebook whose user has site-packages of their own the ordinary way, in the same place', async () => {
    const workload = makeWorkload();
    const { state, pid } = await start(workload);
    await driver.stop(withRuntime(workload, state));
    assert.ok(await gone(pid));
    const version = execFileSync('/usr/bin/python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    }).trim();
    const site = join(
      dataDir,
      'instances',
      workload.instance.id,
      'home',
      '.local',
      'lib',
      `python${version}`,
      'site-packages',
    );
    mkdirSync(site, { recursive: true });
    // Run by a Python that starts, and only by one: proof of an ordinary start.
    writeFileSync(
      join(site, 'usercustomize.py'),
      "import os\nopen(os.path.join(os.getcwd(), 'started-afresh'), 'w').close()\n",
    );
    const again = await start(withRuntime(workload, null));
    assert.ok(isForkServer(parentOf(again.pid)), 'forked, then started afresh in the same process');
    assert.ok(existsSync(join(dataDir, 'instances', workload.instance.id, 'work', 'started-afresh')));
    assert.equal((await api(workload, again.state, 'api/status')).status, 200);
  });

  it('starts a notebook whose environment does not fit where /proc shows it the ordinary way', async () => {
    // Beyond the 64 KiB of room the fork server keeps for a child's environment.
    const roomy = makeDriver(dataDir, { env: { DEMANAGER_TEST_BULK: 'x'.repeat(80 * 1024) } });
    try {
      const { workload, state, pid } = await start(makeWorkload(), roomy);
      assert.ok(isForkServer(parentOf(pid)), 'forked, then started afresh in the same process');
      assert.equal(environOf(pid).DEMANAGER_TEST_BULK?.length, 80 * 1024, 'its whole environment shows');
      assert.equal((await api(workload, state, 'api/status')).status, 200);
    } finally {
      await roomy.close();
    }
  });

  it('runs the user’s own Jupyter configuration as the user, and fails a server that exits at once without waiting', async () => {
    const workload = makeWorkload();
    const { state, pid } = await start(workload);
    const account = accountName(workload.instance.user.id);
    const uid = Number(execFileSync('id', ['-u', account], { encoding: 'utf8' }));
    await driver.stop(withRuntime(workload, state));
    assert.ok(await gone(pid));
    const home = join(dataDir, 'instances', workload.instance.id, 'home');
    writeFileSync(
      join(home, '.jupyter', 'jupyter_notebook_config.py'),
      "import os\nopen(os.path.join(os.environ['HOME'], 'configured-as'), 'w').write(str(os.getuid()))\nos._exit(3)\n",
    );
    const began = Date.now();
    const failed = await workloadError(start(withRuntime(workload, null)));
    assert.match(failed.message, /exited during start-up/);
    // Told by the fork server, which reaped it: not found out when the 60 s readiness wait ends.
    assert.ok(Date.now() - began < 20_000, `took ${Date.now() - began} ms`);
    assert.equal(readFileSync(join(home, 'configured-as'), 'utf8'), String(uid));
  });

  it('prepares the fork server ahead of the first start when asked to, as serve does', async () => {
    const ours = () =>
      readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .map(Number)
        .filter((pid) => {
          try {
            return parentOf(pid) === process.pid && isForkServer(pid);
          } catch {
            return false;
          }
        });
    const before = new Set(ours());
    const prepared = makeDriver(dataDir);
    try {
      await prepared.prepareForkServers([makeWorkload().profile]);
      const fresh = () => ours().filter((pid) => !before.has(pid));
      await eventually(() => fresh().length === 1, 10_000, 'a fork server started before any notebook');
      const [forkServer] = fresh();
      const { pid } = await start(makeWorkload(), prepared);
      assert.equal(parentOf(pid), forkServer, 'and the first start is forked by it');
    } finally {
      await prepared.close();
    }
  });

  it('replaces a fork server that died; what it forked runs on', async () => {
    const before = await start();
    const forkServer = parentOf(before.pid);
    process.kill(forkServer, 'SIGKILL');
    assert.ok(await gone(forkServer));
    assert.equal((await api(before.workload, before.state, 'api/status')).status, 200, 'the notebook runs on');
    // A start that comes before the service heard of the death is spawned the ordinary way; the
    // one after it is forked by a new fork server.
    await start();
    const after = await start();
    const replacement = parentOf(after.pid);
    assert.ok(isForkServer(replacement) && replacement !== forkServer);
    assert.equal((await api(after.workload, after.state, 'api/status')).status, 200);
  });

  it('starts notebooks the ordinary way when the launcher is no Python script', async () => {
    // Outside the data directory, which accounts cannot pass through.
    const bin = tempDir('wrapped-jupyter');
    chmodSync(bin, 0o755);
    symlinkSync('/usr/bin/jupyter', join(bin, 'jupyter'));
    writeFileSync(join(bin, 'jupyter-notebook'), '#!/bin/sh\nexec /usr/bin/python3 /usr/bin/jupyter-notebook "$@"\n');
    chmodSync(join(bin, 'jupyter-notebook'), 0o755);
    const wrapped = makeDriver(dataDir, { command: join(bin, 'jupyter') });
    try {
      const { workload, state, pid } = await start(makeWorkload(), wrapped);
      assert.equal((await api(workload, state, 'api/status')).status, 200);
      assert.ok(!isForkServer(parentOf(pid)), 'spawned by the service, not forked');
    } finally {
      await wrapped.close();
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
