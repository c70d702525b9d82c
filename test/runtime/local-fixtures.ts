/**
 * @module test/runtime/local-fixtures
 * Workloads, a driver factory and process/port probes for the local driver tests. Every test
 * file gets its own temporary data directory and stops what it started in `after`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeState } from '../../src/core/model/instance.js';
import { WorkloadError, type Workload } from '../../src/core/ports/runtime.js';
import { LocalDriver, type LocalDriverOptions } from '../../src/runtime/local/local-driver.js';
import { isAlive } from '../../src/runtime/local/process-control.js';
import { procStat } from '../support/proc-stat.js';

export { eventually, makeWorkload, withRuntime } from './workloads.js';

export const silent = { info() {}, warn() {}, error() {} };

/** A fresh directory others may pass through, as a data directory's parent is (mkdtemp makes 0700). */
export function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `demanager-${prefix}-`)));
  chmodSync(dir, 0o711);
  return dir;
}

/** The lead derives tokens with an HMAC too; any deterministic function of (id, runId) works here. */
export function secretFor(instanceId: string, runId: string): string {
  return createHmac('sha256', 'test-key').update(`${instanceId}\0${runId}`).digest('hex').slice(0, 32);
}

export function makeDriver(dataDir: string, extra: Partial<LocalDriverOptions> = {}): LocalDriver {
  return new LocalDriver({ dataDir, secretFor, log: silent, stopTimeoutMs: 5_000, readyTimeoutMs: 60_000, ...extra });
}

export function runData(state: RuntimeState): { pid: number; port: number; runId: string; logFile: string } {
  const { pid, port, runId, logFile } = state.data as { pid: number; port: number; runId: string; logFile: string };
  return { pid, port, runId, logFile };
}

/** `GET|POST|PUT {endpoint}/notebook/<id>/<path>` with the workload's token. */
export async function api(
  workload: Workload,
  state: RuntimeState,
  path: string,
  init: RequestInit = {},
  token?: string,
): Promise<Response> {
  const id = workload.instance.id;
  const { runId } = runData(state);
  const headers = new Headers(init.headers);
  headers.set('Authorization', `token ${token ?? secretFor(id, runId)}`);
  return fetch(`${state.endpoint}/notebook/${id}/${path}`, { ...init, headers });
}

/** Whether any process of the group can still be signalled (zombies included). */
export function groupSignalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Whether the group is gone, zombies included. The notebook is this process's child: once the
 * driver has seen it die, its exit is collected by our event loop, which on a loaded machine
 * may take a few turns, so this waits a little for that before answering.
 */
export async function groupGone(pgid: number): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (groupSignalable(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Pids of the notebook servers of one instance, found by the base URL on their command line. */
export function notebookPids(id: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `base_url=/notebook/${id}/`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

/** A process's command line, from /proc. */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
}

/** A process's environment as /proc shows it. */
export function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

/** The parent of a process, from /proc. */
export function parentOf(pid: number): number {
  const stat = procStat(pid);
  if (!stat) throw new Error(`no process ${pid}`);
  return stat.ppid;
}

/** Gone or a zombie: orphans are reaped by pid 1, which on this host may leave them unreaped. */
export async function processGone(pid: number): Promise<boolean> {
  return !(await isAlive(pid));
}

/** True when the port can be bound on loopback again. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Asserts the promise rejects with a WorkloadError and returns it. */
export async function workloadError(promise: Promise<unknown>): Promise<WorkloadError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof WorkloadError, `expected a WorkloadError, got ${String(err)}`);
    return err;
  }
  return assert.fail('expected a WorkloadError, but it resolved');
}
