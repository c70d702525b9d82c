/**
 * @module runtime/local/process-control
 * Signals and liveness for detached process groups, and the stop sequence that leaves nothing
 * of an instance running: its notebook's group and every marked process outside it.
 */
import type { Logger } from '../../core/shared/logger.js';
import { isZombie, liveGroupMembers, markedProcesses, type Marker } from './process-marker.js';
import { waitUntil } from './wait.js';

/** Whether a process exists and is not a zombie (EPERM means it exists under another user). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !(await isZombie(pid));
}

/** Whether a process group has a member that is not a zombie. */
export async function groupExists(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const members = await liveGroupMembers(pgid);
  return members === null || members.length > 0;
}

async function liveGroups(groups: readonly number[]): Promise<number[]> {
  const alive = await Promise.all(groups.map(groupExists));
  return groups.filter((_, i) => alive[i]);
}

/** Sends `signal` to a process group (negative pid); false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

export interface TerminateOptions {
  /** Process groups to stop (the notebook's pid; it leads its own group). */
  groups: readonly number[];
  marker: Marker;
  graceMs: number;
  log: Logger;
  /**
   * The processes of the instance's control group: what a notebook account started with its
   * marker variables cleared, or in a session of its own, still ends with the instance.
   */
  members?: () => Promise<number[]>;
}

/**
 * Resolves once no group and no marked process is left. The groups get SIGTERM first (Jupyter
 * then shuts its kernels down); what is still marked once they are gone — kernels of a killed
 * notebook, users' background jobs — gets SIGTERM next; SIGKILL ends whatever outlasts the grace.
 */
export async function terminate({ groups, marker, graceMs, log, members }: TerminateOptions): Promise<void> {
  const deadline = Date.now() + graceMs;
  let live = await liveGroups(groups);
  for (const pgid of live) signalGroup(pgid, 'SIGTERM');
  await waitUntil(async () => (live = await liveGroups(live)).length === 0, graceMs, 50);
  const stragglers = async () => {
    // markedProcesses leaves zombies out already; a control group lists them until they are reaped.
    const inGroup = (await members?.()) ?? [];
    const live = await Promise.all(inGroup.map(async (pid) => ((await isZombie(pid)) ? [] : [pid])));
    return [...new Set([...(await markedProcesses(marker)), ...live.flat()])];
  };
  let marked = await stragglers();
  if (live.length === 0 && marked.length === 0) return;
  for (const pid of marked) signalProcess(pid, 'SIGTERM');
  const gone = async () => {
    live = await liveGroups(live);
    marked = await stragglers();
    return live.length === 0 && marked.length === 0;
  };
  if (await waitUntil(gone, Math.max(0, deadline - Date.now()), 50)) return;
  log.warn({ groups: live, pids: marked, instanceDir: marker.instanceDir }, 'workload ignored SIGTERM; killing it');
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
  for (const pid of marked) signalProcess(pid, 'SIGKILL');
  if (!(await waitUntil(gone, 5_000, 50))) {
    log.error({ groups: live, pids: marked, instanceDir: marker.instanceDir }, 'workload processes survived SIGKILL');
  }
}
