/**
 * @module runtime/local/process-marker
 * Every process the driver starts for an instance carries `DEMANAGER_INSTANCE_DIR` (and the
 * notebook also `DEMANAGER_RUN_ID`) in its environment, and children inherit it. On Linux that
 * lets the driver (a) tell its own notebook from an unrelated process that reused the pid, and
 * (b) find what escaped the notebook's process group: Jupyter starts kernels and terminals in
 * sessions of their own, so signalling the group alone can leave them behind after a SIGKILL.
 * Where /proc is missing the answers are "cannot tell" and the driver falls back to pids.
 */
import { readdir, readFile } from 'node:fs/promises';
import { sep } from 'node:path';

export const INSTANCE_VAR = 'DEMANAGER_INSTANCE_DIR';
export const RUN_VAR = 'DEMANAGER_RUN_ID';

export interface Marker {
  instanceDir: string;
  runId?: string;
}

function entries(marker: Marker): string[] {
  const list = [`${INSTANCE_VAR}=${marker.instanceDir}`];
  if (marker.runId) list.push(`${RUN_VAR}=${marker.runId}`);
  return list;
}

/** The environment variables that mark a child of this instance (and run). */
export function markerEnv(marker: Marker): Record<string, string> {
  return marker.runId
    ? { [INSTANCE_VAR]: marker.instanceDir, [RUN_VAR]: marker.runId }
    : { [INSTANCE_VAR]: marker.instanceDir };
}

async function environ(pid: number): Promise<string[] | null> {
  try {
    return (await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0');
  } catch {
    return null;
  }
}

interface ProcStat {
  state: string;
  pgrp: number;
}

async function procStat(pid: number | string): Promise<ProcStat | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may contain spaces; state, ppid, pgrp follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** True for a zombie (exited, not yet reaped): it still answers `kill(pid, 0)` but runs nothing. */
export async function isZombie(pid: number): Promise<boolean> {
  return (await procStat(pid))?.state === 'Z';
}

/**
 * Live (non-zombie) members of a process group, or null where /proc is missing. Needed because
 * `kill(-pgid, 0)` succeeds while unreaped zombies remain, and orphans are reaped by pid 1, which
 * on some hosts (containers, micro-VMs) does so late or never.
 */
export async function liveGroupMembers(pgid: number): Promise<number[] | null> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  await Promise.all(
    names.map(async (name) => {
      if (!/^\d+$/.test(name)) return;
      const stat = await procStat(name);
      if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(Number(name));
    }),
  );
  return members;
}

/** Whether `pid` carries the marker: true/false, or undefined when this system cannot tell. */
export async function carriesMarker(pid: number, marker: Marker): Promise<boolean | undefined> {
  const env = await environ(pid);
  if (env === null) return hasProc().then((proc) => (proc ? false : undefined));
  return entries(marker).every((entry) => env.includes(entry));
}

/** Live (non-zombie) processes other than this one whose environment passes `test`; [] where /proc is missing. */
async function processesWhose(test: (env: string[]) => boolean): Promise<{ pid: number; env: string[] }[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const found: { pid: number; env: string[] }[] = [];
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return;
      const env = await environ(pid);
      if (env && test(env) && !(await isZombie(pid))) found.push({ pid, env });
    }),
  );
  return found;
}

/** Live (non-zombie) processes carrying the marker; [] where /proc is missing. */
export async function markedProcesses(marker: Marker): Promise<number[]> {
  const wanted = entries(marker);
  return (await processesWhose((env) => wanted.every((entry) => env.includes(entry)))).map((p) => p.pid);
}

/**
 * The instance directories inside `root` that live processes are marked with: how the driver finds
 * a notebook whose directory is already gone. Empty where /proc is missing.
 */
export async function markedInstanceDirs(root: string): Promise<Set<string>> {
  const prefix = `${INSTANCE_VAR}=${root}${sep}`;
  const marked = await processesWhose((env) => env.some((entry) => entry.startsWith(prefix)));
  return new Set(
    marked.map(({ env }) => env.find((entry) => entry.startsWith(prefix))!.slice(INSTANCE_VAR.length + 1)),
  );
}

let procAvailable: Promise<boolean> | undefined;
function hasProc(): Promise<boolean> {
  procAvailable ??= readFile(`/proc/${process.pid}/environ`).then(
    () => true,
    () => false,
  );
  return procAvailable;
}
