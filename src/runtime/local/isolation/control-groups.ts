/**
 * @module runtime/local/isolation/control-groups
 * One control group per instance, `demanager/<instance id>`, holding its notebook server and
 * everything that server starts: the flavor's CPU as a CFS quota, its memory as a hard limit and
 * a cap on the number of tasks. Works on cgroup v2 (one unified hierarchy) and on v1 (a hierarchy
 * per controller: `cpu`, `cpuacct`, `memory`, `pids`, possibly mounted together), whichever the
 * host has, found in /proc/self/mountinfo. A process is placed in the group before it runs any of
 * the workload's code (see contained-spawn), so nothing it forks can start outside it, and only
 * root can move it out again.
 */
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Limits {
  /** CPUs as a CFS quota (1.5 = 150 ms per 100 ms period); null: none. */
  cpus: number | null;
  /** Hard memory limit in bytes; null: none. */
  memoryBytes: number | null;
  /** Tasks (processes and threads) at once. */
  maxTasks: number;
}

const PERIOD_US = 100_000;
const PARENT = 'demanager';

/** Where each controller is: one path for v2, or a mount per v1 controller. */
export type Hierarchy = { version: 2; root: string } | { version: 1; mounts: Record<V1Controller, string> };
type V1Controller = 'cpu' | 'cpuacct' | 'memory' | 'pids';
const V1_CONTROLLERS: readonly V1Controller[] = ['cpu', 'cpuacct', 'memory', 'pids'];

/**
 * The host's hierarchy, or null when it has none we can use (no cgroup file system, or v1 without
 * one of the controllers). A v2 mount counts only where it offers cpu, memory and pids: on hybrid
 * hosts the unified mount is there but every controller is bound to v1.
 */
export async function findHierarchy(mountinfo = '/proc/self/mountinfo'): Promise<Hierarchy | null> {
  let text: string;
  try {
    text = await readFile(mountinfo, 'utf8');
  } catch {
    return null;
  }
  const v1: Partial<Record<V1Controller, string>> = {};
  let v2: string | null = null;
  for (const line of text.split('\n')) {
    // `<id> <parent> <maj:min> <root> <mount point> <options> [optional…] - <fstype> <source> <super options>`
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = unescapeMount(left.split(' ')[4] ?? '');
    const [fsType, , superOptions = ''] = right.split(' ');
    if (fsType === 'cgroup2') v2 ??= mountPoint;
    if (fsType === 'cgroup')
      for (const option of superOptions.split(','))
        if ((V1_CONTROLLERS as readonly string[]).includes(option)) v1[option as V1Controller] ??= mountPoint;
  }
  if (V1_CONTROLLERS.every((c) => v1[c])) return { version: 1, mounts: v1 as Record<V1Controller, string> };
  if (v2 !== null) {
    const offered = (await readFile(join(v2, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
    if (['cpu', 'memory', 'pids'].every((c) => offered.includes(c))) return { version: 2, root: v2 };
  }
  return null;
}

/** Mount points escape space, tab, newline and backslash as octal. */
function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Figures read from the group's own counters. */
export interface GroupUsage {
  /** CPU time used by the group, µs. */
  cpuUsageUs: number;
  /** Periods in which the quota ran out. */
  throttledPeriods: number;
  /** Processes the kernel's OOM killer ended in this group. */
  oomKills: number;
}

export class ControlGroup {
  constructor(
    readonly hierarchy: Hierarchy,
    readonly instanceId: string,
  ) {}

  /** One directory per distinct mount (co-mounted v1 controllers share one). */
  get dirs(): string[] {
    if (this.hierarchy.version === 2) return [join(this.hierarchy.root, PARENT, this.instanceId)];
    return [...new Set(Object.values(this.hierarchy.mounts))].map((mount) => join(mount, PARENT, this.instanceId));
  }

  #dir(controller: V1Controller): string {
    if (this.hierarchy.version === 2) return join(this.hierarchy.root, PARENT, this.instanceId);
    return join(this.hierarchy.mounts[controller], PARENT, this.instanceId);
  }

  /** Creates the group (or keeps it) and writes the limits; a resize between runs takes effect here. */
  async apply(limits: Limits): Promise<void> {
    if (this.hierarchy.version === 2) await this.#enableV2Controllers();
    for (const dir of this.dirs) await mkdir(dir, { recursive: true });
    if (this.hierarchy.version === 2) {
      const dir = this.#dir('cpu');
      await writeFile(
        join(dir, 'cpu.max'),
        limits.cpus === null ? `max ${PERIOD_US}` : `${quota(limits.cpus)} ${PERIOD_US}`,
      );
      await writeFile(join(dir, 'memory.max'), limits.memoryBytes === null ? 'max' : String(limits.memoryBytes));
      // Without swap limited too, a "hard" limit would page the rest out instead of stopping it.
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(ignoreMissing);
      await writeFile(join(dir, 'pids.max'), String(limits.maxTasks));
      return;
    }
    await writeFile(join(this.#dir('cpu'), 'cpu.cfs_period_us'), String(PERIOD_US));
    await writeFile(
      join(this.#dir('cpu'), 'cpu.cfs_quota_us'),
      limits.cpus === null ? '-1' : String(quota(limits.cpus)),
    );
    const memory = this.#dir('memory');
    // memsw must stay ≥ the plain limit: lower memsw first when shrinking, raise it last when growing.
    const bytes = limits.memoryBytes === null ? '-1' : String(limits.memoryBytes);
    await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), '-1').catch(ignoreMissing);
    await writeFile(join(memory, 'memory.limit_in_bytes'), bytes);
    await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), bytes).catch(ignoreMissing);
    await writeFile(join(this.#dir('pids'), 'pids.max'), String(limits.maxTasks));
  }

  /** Moves a process (all its threads) into the group, in every hierarchy. */
  async place(pid: number): Promise<void> {
    for (const dir of this.dirs) await writeFile(join(dir, 'cgroup.procs'), String(pid));
  }

  /** The processes in the group; [] when it does not exist. */
  async members(): Promise<number[]> {
    const pids = new Set<number>();
    for (const dir of this.dirs) {
      const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const line of text.split('\n')) if (line) pids.add(Number(line));
    }
    return [...pids];
  }

  async exists(): Promise<boolean> {
    return readdir(this.dirs[0]!).then(
      () => true,
      () => false,
    );
  }

  async usage(): Promise<GroupUsage> {
    if (this.hierarchy.version === 2) {
      const cpu = keyed(await readFile(join(this.#dir('cpu'), 'cpu.stat'), 'utf8').catch(() => ''));
      return {
        cpuUsageUs: cpu.usage_usec ?? 0,
        throttledPeriods: cpu.nr_throttled ?? 0,
        oomKills: await this.oomKills(),
      };
    }
    const usageNs = Number(
      (await readFile(join(this.#dir('cpuacct'), 'cpuacct.usage'), 'utf8').catch(() => '0')).trim(),
    );
    const cpu = keyed(await readFile(join(this.#dir('cpu'), 'cpu.stat'), 'utf8').catch(() => ''));
    return {
      cpuUsageUs: Math.round(usageNs / 1000),
      throttledPeriods: cpu.nr_throttled ?? 0,
      oomKills: await this.oomKills(),
    };
  }

  /** Memory the group's processes use now, in bytes (page cache included, as the limit counts it); null for a group that is gone. */
  async memoryCurrent(): Promise<number | null> {
    const file = this.hierarchy.version === 2 ? 'memory.current' : 'memory.usage_in_bytes';
    const text = await readFile(join(this.#dir('memory'), file), 'utf8').catch(() => '');
    return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
  }

  /** Processes the OOM killer ended in the group (one file: read at every liveness poll); 0 for a group that is gone. */
  async oomKills(): Promise<number> {
    const file = this.hierarchy.version === 2 ? 'memory.events' : 'memory.oom_control';
    return keyed(await readFile(join(this.#dir('memory'), file), 'utf8').catch(() => '')).oom_kill ?? 0;
  }

  /**
   * Removes the group once it is empty; false when a process is still in it after `waitMs`. A
   * process killed a moment ago keeps the group busy until its reaper collects it (an orphaned
   * kernel is reaped by init, on init's schedule), so a busy group is tried again for a short while.
   */
  async remove(waitMs = 2_000): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    let busy = [...this.dirs];
    for (;;) {
      const left: string[] = [];
      for (const dir of busy) {
        await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') left.push(dir);
        });
      }
      busy = left;
      if (busy.length === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** v2 hands a controller to children only when each ancestor lists it in `cgroup.subtree_control`. */
  async #enableV2Controllers(): Promise<void> {
    if (this.hierarchy.version !== 2) return;
    const parent = join(this.hierarchy.root, PARENT);
    await mkdir(parent, { recursive: true });
    for (const dir of [this.hierarchy.root, parent]) {
      const enabled = (await readFile(join(dir, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
      const missing = ['cpu', 'memory', 'pids'].filter((c) => !enabled.includes(c));
      if (missing.length) await writeFile(join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
    }
  }
}

function quota(cpus: number): number {
  return Math.max(1000, Math.round(cpus * PERIOD_US));
}

/** `key value` lines as numbers. */
function keyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
