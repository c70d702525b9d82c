/**
 * @module runtime/local/isolation/workload-isolation
 * What separates one notebook from the service and from the others on this host, decided per
 * workload: which account and group it runs as (`isolation: "users"`: its owner's account and its
 * project's group; `"none"`: the service's own), and which control group holds it with the
 * flavor's limits (`limits: "enforced"` refuses a flavor with limits on a host without usable
 * control groups; `"best-effort"` starts it unlimited and says so in its progress).
 */
import { readFile } from 'node:fs/promises';
import type { Flavor } from '../../../core/model/catalog.js';
import { WorkloadError, type Workload } from '../../../core/ports/runtime.js';
import type { Logger } from '../../../core/shared/logger.js';
import { ControlGroup, findHierarchy, type Hierarchy } from './control-groups.js';
import { formatBytes, hasLimits, limitsOf } from './flavor-limits.js';
import { AccountError, OsAccounts } from './os-accounts.js';

export type IsolationMode = 'users' | 'none';
export type LimitsMode = 'enforced' | 'best-effort';

export interface IsolationSettings {
  mode: IsolationMode;
  limits: LimitsMode;
  /** Tasks (processes and threads) one notebook may have at once. */
  maxTasks: number;
}

/** The account a workload runs as: the owner's user, with the project's group as its primary group. */
export interface WorkloadIdentity {
  account: string;
  uid: number;
  /** The project's group: what the notebook's processes run with and its shared storage belongs to. */
  gid: number;
}

/** How a workload is contained: the identity (users mode) and the control group (where available). */
export interface WorkloadContainment {
  identity: WorkloadIdentity | undefined;
  group: ControlGroup | undefined;
  /** Said to the owner when the flavor's limits cannot be applied here (best-effort). */
  warning?: string;
}

export class WorkloadIsolation {
  readonly #hierarchy: Promise<Hierarchy | null>;

  constructor(
    readonly settings: IsolationSettings,
    readonly log: Logger,
    readonly accounts = new OsAccounts(),
    hierarchy?: Promise<Hierarchy | null>,
  ) {
    // Without root the control-group files cannot be written, so there is nothing to find.
    this.#hierarchy = hierarchy ?? (isRoot() ? findHierarchy() : Promise.resolve(null));
  }

  get isolatesUsers(): boolean {
    return this.settings.mode === 'users';
  }

  /** The workload's account and group in users mode; undefined otherwise. */
  async identity(workload: Workload): Promise<WorkloadIdentity | undefined> {
    if (!this.isolatesUsers) return undefined;
    try {
      const account = await this.accounts.account(workload.instance.user.id);
      const gid = await this.accounts.projectGroup(workload.instance.projectId);
      return { account: account.name, uid: account.uid, gid };
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      this.log.error({ err, instance: workload.instance.id }, 'cannot make the notebook account');
      throw new WorkloadError(`The notebook's OS account cannot be made: ${err.message}.`, 'ModelArts.6361', {
        phase: 'account',
      });
    }
  }

  /** Creates (or updates) the workload's control group with its flavor's limits. */
  async contain(workload: Workload): Promise<WorkloadContainment> {
    const identity = await this.identity(workload);
    return { identity, ...(await this.limit(workload.instance.id, workload.flavor)) };
  }

  /**
   * The control group of instance `instanceId` with `flavor`'s limits, made or updated; no group
   * (and a warning, best-effort) where the host has none. A warm server is limited this way before
   * anyone owns it.
   */
  async limit(instanceId: string, flavor: Flavor): Promise<Omit<WorkloadContainment, 'identity'>> {
    const limits = limitsOf(flavor, this.settings.maxTasks);
    const hierarchy = await this.#hierarchy;
    if (!hierarchy) {
      if (!hasLimits(limits)) return { group: undefined };
      const wanted = [
        limits.cpus !== null ? `${limits.cpus} CPU` : '',
        limits.memoryBytes !== null ? formatBytes(limits.memoryBytes) : '',
      ]
        .filter(Boolean)
        .join(', ');
      if (this.settings.limits === 'enforced') {
        throw new WorkloadError(
          `The flavor ${flavor.name} asks for limits (${wanted}) that this host cannot enforce: no usable control groups (cgroup v2 with cpu, memory and pids, or v1 cpu, cpuacct, memory and pids, writable by the service). Set runtime.local.limits to "best-effort" to start it unlimited.`,
          'ModelArts.6361',
          { phase: 'limits' },
        );
      }
      return {
        group: undefined,
        warning: `the flavor's limits (${wanted}) are not enforced on this host: no usable control groups`,
      };
    }
    const group = new ControlGroup(hierarchy, instanceId);
    try {
      await group.apply(limits);
    } catch (err) {
      this.log.error({ err, instance: instanceId }, 'cannot set up the control group');
      throw new WorkloadError(
        `The notebook's control group cannot be set up (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        'ModelArts.6361',
        { phase: 'limits' },
      );
    }
    return { group };
  }

  /** The instance's control group as it is, for stop, poll and clean-up; undefined where there are none. */
  async group(instanceId: string): Promise<ControlGroup | undefined> {
    const hierarchy = await this.#hierarchy;
    return hierarchy ? new ControlGroup(hierarchy, instanceId) : undefined;
  }

  /**
   * What an operator must hear once at start-up: notebooks with the service's rights, or limits
   * that will not hold. Empty when notebooks are isolated and limited.
   */
  async warnings(): Promise<string[]> {
    const said: string[] = [];
    if (!this.isolatesUsers) {
      said.push(
        `runtime.local.isolation is "none": notebooks run as this service's own OS account (${isRoot() ? 'root' : 'uid ' + process.getuid?.()}) and can read its data directory, master key and database, and every other notebook's files. Use it only where every user may administer the service.`,
      );
    }
    if (!(await this.#hierarchy)) {
      said.push(
        this.settings.limits === 'enforced'
          ? 'no usable control groups: notebooks of flavors with CPU or memory limits will not start (runtime.local.limits "best-effort" starts them unlimited)'
          : 'no usable control groups: flavors\' CPU, memory and process limits are not enforced (runtime.local.limits is "best-effort")',
      );
    }
    return said;
  }

  /**
   * Whether a notebook server runs as the service's own account although users are isolated: one
   * started by a release before isolation (or with isolation "none"), re-adopted as it is.
   */
  async runsAsService(pid: number): Promise<boolean> {
    if (!this.isolatesUsers) return false;
    const status = await readFile(`/proc/${pid}/status`, 'latin1').catch(() => '');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    return uid !== undefined && Number(uid) === process.getuid?.();
  }

  /** The memory limit the workload ran under, for messages. */
  memoryLimitOf(workload: Workload): string | null {
    try {
      const bytes = limitsOf(workload.flavor, this.settings.maxTasks).memoryBytes;
      return bytes === null ? null : formatBytes(bytes);
    } catch {
      return null;
    }
  }
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
