/**
 * @module bench/warm-start
 * How long a user waits for a notebook: from the create request to the notebook answering through
 * demanager's proxy (`GET /notebook/<id>/api/status` with the instance token), on the local runtime
 * with real Jupyter, for a flavor with a free warm server (`warm: 1`) and for one without (`warm:
 * 0`); and from the start of a stopped instance to the same. Both without a warm server are timed
 * twice: on this server, whose notebooks are forked from its fork server, and on a second server
 * with `runtime.local.forkServer: false`, which starts each the ordinary way. Beside them, a bare
 * Jupyter start measured in the same run: the same command line spawned by hand and polled on its
 * own port until it answers. Runs are interleaved (warm, cold, ordinary cold, start, ordinary
 * start, bare, …) so the machine's load falls on all alike; between warm runs the replacement
 * server is let boot untimed, as it would between two users' creates. As root, notebooks run as
 * their users' OS accounts (the default), so the warm figure includes the hand-over to the account.
 *
 *   npm run bench -- warm-start [--runs N] [--smoke] [--before <checkout>]
 *
 * With `--before`, a second server runs from another checkout's build (`<checkout>/bin/demanager.js`
 * over its own dist/: an earlier commit, built) on a data directory of its own, and its create →
 * reachable is measured in the same turns: whether a create that finds no warm server waits longer
 * than it did before warm servers existed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { completeFlavor } from '../src/core/model/builtin-catalog.js';
import { jupyterArgs } from '../src/runtime/local/jupyter-command.js';
import { detectJupyter } from '../src/runtime/local/jupyter-detection.js';
import { accountName, projectGroupName } from '../src/runtime/local/isolation/os-accounts.js';
import { LocalDriver } from '../src/runtime/local/local-driver.js';
import { CPU_PROFILE } from '../test/support/api.js';
import { startChildServer, type ChildServer } from '../test/support/child-server.js';
import { cpuBody } from '../test/support/cpu-request.js';
import { figure, percentile, sleep } from './support/measure.js';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, smoke: { type: 'boolean', default: false }, before: { type: 'string' } },
  strict: false,
});
const smoke = values.smoke === true;
const runs = Number(values.runs ?? (smoke ? 2 : 9));
const POLL_MS = 5;
const WARM = 'bench.cpu.warm';
const COLD = 'bench.cpu.cold';

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

function instancesOf(server: ChildServer): string {
  return `/v1/${server.projectId}/demanager/instances`;
}

/** Waits, as the console does, for RUNNING, then until the notebook answers through the proxy with a token for that run. */
async function reachable(server: ChildServer, id: string, what: string): Promise<void> {
  const base = instancesOf(server);
  await until('RUNNING', async () => (await server.http<any>('GET', `${base}/${id}`)).body.status === 'RUNNING');
  const token = (await server.http<any>('GET', `${base}/${id}/token`)).body.token as string;
  let last = 0;
  await until('the notebook through the proxy', async () => {
    const res = await fetch(`${server.url}/notebook/${id}/api/status`, {
      headers: { authorization: `token ${token}` },
      redirect: 'manual',
    });
    await res.body?.cancel();
    last = res.status;
    return res.status === 200;
  }).catch(async (err: Error) => {
    const detail = (await server.http<any>('GET', `${base}/${id}`)).body;
    throw new Error(`${err.message} (${what}: the proxy answered ${last}; ${JSON.stringify(detail).slice(0, 600)})`);
  });
}

async function stop(server: ChildServer, id: string): Promise<void> {
  const base = instancesOf(server);
  await server.http('POST', `${base}/${id}/action`, { action: 'stop' });
  await until('STOPPED', async () => (await server.http<any>('GET', `${base}/${id}`)).body.status === 'STOPPED');
}

/** Create → the notebook answers through the proxy, ms; then the instance is deleted (untimed). */
async function createToReachable(server: ChildServer, flavor: string, n: number): Promise<number> {
  const base = instancesOf(server);
  const began = performance.now();
  const created = await server.http<any>('POST', base, cpuBody(`bench-${flavor.split('.').at(-1)}-${n}`, flavor));
  if (created.status !== 200) throw new Error(`create answered ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await reachable(server, id, flavor);
  const ms = performance.now() - began;
  await stop(server, id);
  const removed = await server.http('DELETE', `${base}/${id}`);
  if (removed.status !== 200) throw new Error(`delete answered ${removed.status} ${JSON.stringify(removed.body)}`);
  await until('the instance deleted', async () => (await server.http('GET', `${base}/${id}`)).status !== 200);
  return ms;
}

/** Start of the stopped instance `id` → its notebook answers through the proxy, ms; then it is stopped again (untimed). */
async function startToReachable(server: ChildServer, id: string): Promise<number> {
  const began = performance.now();
  const started = await server.http<any>('POST', `${instancesOf(server)}/${id}/action`, { action: 'start' });
  if (started.status !== 200) throw new Error(`start answered ${started.status} ${JSON.stringify(started.body)}`);
  await reachable(server, id, 'start');
  const ms = performance.now() - began;
  await stop(server, id);
  return ms;
}

/** An instance made and stopped ahead, for the starts to time. */
async function stoppedInstance(server: ChildServer, flavor: string): Promise<string> {
  const created = await server.http<any>('POST', instancesOf(server), cpuBody('bench-stopped', flavor));
  if (created.status !== 200) throw new Error(`create answered ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await reachable(server, id, 'create');
  await stop(server, id);
  return id;
}

/** A bare `jupyter notebook` with the driver's command line, spawned and polled until it answers, ms. */
async function bareStart(dir: string, n: number): Promise<number> {
  const install = await detectJupyter('jupyter', process.env.PATH ?? '/usr/bin:/bin');
  if (!install) throw new Error('no Jupyter on PATH');
  const port = 20_000 + ((process.pid * 7 + n) % 20_000);
  const instanceId = `bare-${n}`;
  const notebookDir = join(dir, instanceId);
  mkdirSync(notebookDir, { recursive: true });
  const token = `bare-token-${n}`;
  const args = jupyterArgs(install, { port, instanceId, notebookDir, asRoot: process.getuid?.() === 0 });
  const began = performance.now();
  const child = spawn(install.executable, args, {
    cwd: notebookDir,
    env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}`, JUPYTER_TOKEN: token, HOME: notebookDir },
    stdio: 'ignore',
    detached: true,
  });
  try {
    await until('the bare server', async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/notebook/${instanceId}/api/status`, {
          headers: { authorization: `token ${token}` },
        });
        await res.body?.cancel();
        return res.status === 200;
      } catch {
        return false;
      }
    });
    return performance.now() - began;
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
  }
}

/** Whether the data directory holds a ready warm server. */
function warmReady(dataDir: string): boolean {
  const dir = join(dataDir, 'warm');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((name) => {
    try {
      return JSON.parse(readFileSync(join(dir, name), 'utf8')).ready === true;
    } catch {
      return false;
    }
  });
}

function report(what: string, samples: number[], baseline: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const bare = [...baseline].sort((a, b) => a - b);
  const p50 = percentile(sorted, 0.5);
  const bareP50 = percentile(bare, 0.5);
  figure(
    'warm',
    `${what} p50 (ms)`,
    Math.round(p50),
    `bare Jupyter start ${Math.round(bareP50)} · ×${(p50 / bareP50).toFixed(2)}`,
  );
  figure(
    'warm',
    `${what} p90 (ms)`,
    Math.round(percentile(sorted, 0.9)),
    `bare Jupyter start ${Math.round(percentile(bare, 0.9))}`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'demanager-bench-warm-'));
// Notebook accounts pass through to their instance directories: mkdtemp's 0700 would stop them.
chmodSync(dir, 0o711);
const dataDir = join(dir, 'service');
mkdirSync(dataDir);
const beforeDir = join(dir, 'before');
const ordinaryDir = join(dir, 'ordinary');
let server: ChildServer | undefined;
let ordinary: ChildServer | undefined;
let before: ChildServer | undefined;
const size = { CPU: 2, memory: '2GiB' };

/** A `demanager serve` of `bin` (this checkout's by default) on the local runtime with these flavors. */
function serve(
  data: string,
  flavors: ReturnType<typeof completeFlavor>[],
  local: { forkServer?: boolean } = {},
  bin?: string,
): Promise<ChildServer> {
  return startChildServer(
    data,
    {
      runtime: { driver: 'local', pollIntervalSeconds: 5, local },
      // The benchmark polls every few ms, as no client should: its requests are not what is limited.
      limits: { requestsPerMinute: 1_000_000, requestsPerMinutePerAddress: 1_000_000 },
      catalog: { profiles: [{ id: CPU_PROFILE, flavor_types: ['CPU'] }], flavors },
    },
    { keepOutput: false, ...(bin ? { bin } : {}) },
  );
}

try {
  if (typeof values.before === 'string') {
    mkdirSync(beforeDir);
    // The flavor as an earlier build reads it: no `warm` field.
    const cold = completeFlavor({ name: COLD, type: 'CPU', params: size });
    before = await serve(beforeDir, [cold], {}, join(values.before, 'bin', 'demanager.js'));
  }
  server = await serve(dataDir, [
    completeFlavor({ name: WARM, type: 'CPU', params: size, warm: 1 }),
    completeFlavor({ name: COLD, type: 'CPU', params: size }),
  ]);
  mkdirSync(ordinaryDir);
  ordinary = await serve(ordinaryDir, [completeFlavor({ name: COLD, type: 'CPU', params: size })], {
    forkServer: false,
  });
  const isolated = process.getuid?.() === 0;
  figure('warm', 'runs per case', runs, isolated ? 'as root: notebooks run as their users' : 'not root: no isolation');
  const warm: number[] = [];
  const cold: number[] = [];
  const bare: number[] = [];
  const earlier: number[] = [];
  const ordinaryCreate: number[] = [];
  const restart: number[] = [];
  const ordinaryRestart: number[] = [];
  const stopped = await stoppedInstance(server, COLD);
  const stoppedOrdinary = await stoppedInstance(ordinary, COLD);
  for (let n = 0; n < runs; n++) {
    await until('a ready warm server', () => warmReady(dataDir), 120_000);
    warm.push(await createToReachable(server, WARM, n));
    // Measured once the replacement has booted, as a create that finds no free server would be on
    // a quiet host; one that comes while the replacement boots shares the CPUs with it.
    await until('the replacement warm server', () => warmReady(dataDir), 120_000);
    cold.push(await createToReachable(server, COLD, n));
    ordinaryCreate.push(await createToReachable(ordinary, COLD, n));
    restart.push(await startToReachable(server, stopped));
    ordinaryRestart.push(await startToReachable(ordinary, stoppedOrdinary));
    bare.push(await bareStart(join(dir, 'bare'), n));
    if (before) earlier.push(await createToReachable(before, COLD, n));
  }
  report('create → reachable via proxy, warm server free', warm, bare);
  report('create → reachable via proxy, no warm server', cold, bare);
  report('create → reachable via proxy, no warm server, fork server off', ordinaryCreate, bare);
  report('start of a stopped instance → reachable via proxy', restart, bare);
  report('start of a stopped instance → reachable via proxy, fork server off', ordinaryRestart, bare);
  if (before) report(`create → reachable via proxy, the build in ${values.before}`, earlier, bare);
} finally {
  await server?.stop();
  await ordinary?.stop();
  await before?.stop();
  // Notebooks and warm servers outlive their service by design: the driver's own clean-up ends
  // them (a failed run may have left instances running) with their control groups and files.
  const driver = new LocalDriver({ dataDir, secretFor: () => '', stopTimeoutMs: 5_000 });
  for (const id of await driver.warm.ids()) await driver.warm.coolDown(id);
  await driver.collectOrphans(async () => new Set());
  for (const other of before ? [ordinaryDir, beforeDir] : [ordinaryDir])
    if (existsSync(other))
      await new LocalDriver({ dataDir: other, secretFor: () => '' }).collectOrphans(async () => new Set());
  rmSync(dir, { recursive: true, force: true });
  // As root each server made its admin an OS account and its project a group: not left behind.
  for (const { userId, projectId } of [server, ordinary, before].filter((s) => s !== undefined)) {
    spawnSync('userdel', [accountName(userId)], { stdio: 'ignore' });
    spawnSync('groupdel', [projectGroupName(projectId)], { stdio: 'ignore' });
  }
}
