/**
 * @module runtime/local/workload-files
 * The files a notebook gets besides its storage — its instance directory, HOME with Jupyter's
 * state directories, the log file, the profile's kernel spec — made so that, when users are
 * isolated, the service's part stays the service's and the notebook's part is its account's:
 * whatever lies in a directory the account can write is made there by the account itself.
 */
import { appendFile, chmod, chown, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../../core/shared/logger.js';
import { WorkloadError, type Workload } from '../../core/ports/runtime.js';
import type { InstanceLayout } from './instance-layout.js';
import { claimInstances } from './instances-owner.js';
import type { Containment } from './isolation/contained-spawn.js';
import { handOver, lockDataDir, passThrough, unreachableAncestor } from './isolation/file-ownership.js';
import type { WorkloadIdentity, WorkloadIsolation } from './isolation/workload-isolation.js';
import { kernelSpec, missingKernel } from './profile-environment.js';
import { runToExit } from './run-to-exit.js';
import { asWorkload, type AccountAccess, type RunAsWorkload } from './workload-storage.js';

export interface WorkloadFilesOptions {
  dataDir: string;
  objectRoot: string;
  installationId: string | undefined;
  log: Logger;
}

export class WorkloadFiles {
  /** The data directory closed to notebook accounts, once (users mode). */
  #secured: Promise<void> | undefined;

  constructor(
    private readonly options: WorkloadFilesOptions,
    private readonly isolation: WorkloadIsolation,
  ) {}

  /**
   * `<dataDir>/instances/<id>/`: the service's. In users mode it and its parents let accounts pass
   * (0711) but not list, and the rest of the data directory is closed to them first.
   */
  async instanceDir(layout: InstanceLayout): Promise<void> {
    const root = dirname(layout.dir);
    if (this.options.installationId !== undefined) await claimInstances(root, this.options.installationId);
    if (!this.isolation.isolatesUsers) {
      await mkdir(layout.dir, { recursive: true, mode: 0o700 });
      return;
    }
    await (this.#secured ??= this.#secureDataDir(root).catch((err: unknown) => {
      this.#secured = undefined;
      throw err;
    }));
    await passThrough(layout.dir);
    await passThrough(layout.logs);
  }

  /**
   * Closes the data directory to other accounts now, rather than at the first notebook's start:
   * files an older release made (a database of 0644, a data directory of 0755) are closed from
   * the start. In users mode notebook accounts may still pass through to their roots.
   */
  async lock(instancesRoot: string): Promise<void> {
    const open = this.isolation.isolatesUsers ? [instancesRoot, this.options.objectRoot] : null;
    await lockDataDir(this.options.dataDir, open);
  }

  /** What to tell an operator at start-up: the directories notebook accounts could not reach. */
  async unreachable(): Promise<string[]> {
    const said: string[] = [];
    if (!this.isolation.isolatesUsers) return said;
    for (const dir of [this.options.dataDir, this.options.objectRoot]) {
      const blocked = await unreachableAncestor(dir).catch(() => null);
      if (blocked) said.push(unreachableMessage(dir, blocked));
    }
    return said;
  }

  /** HOME and Jupyter's state directories; the account's in users mode, made as the account. */
  async home(layout: InstanceLayout, identity: WorkloadIdentity | undefined, run: RunAsWorkload): Promise<void> {
    const dirs = [layout.jupyterConfig, layout.jupyterRuntime, layout.ipython];
    if (!identity) {
      for (const dir of [layout.home, ...dirs]) await mkdir(dir, { recursive: true, mode: 0o700 });
      return;
    }
    await handOver(layout.home, identity.uid, identity.gid);
    await asWorkload(run, 'mkdir', ['-p', '-m', '0700', '--', ...dirs], layout.home, "the notebook's home");
  }

  /**
   * The profile's Python runs the `python3` kernel: a kernel spec in the notebook's own Jupyter data
   * directory, which Jupyter reads before the host's (whose python3 is the system's). Written as
   * the notebook's account, into its home. The environment must have ipykernel, or every kernel
   * would die at start: checked here, as the account, so the reason names the profile.
   */
  async profileKernel(layout: InstanceLayout, python: string, workload: Workload, run: RunAsWorkload): Promise<void> {
    const probe = await run(python, ['-c', 'import ipykernel'], layout.home);
    if (probe.code !== 0) throw missingKernel(workload.profile, python, probe.output);
    const dir = join(layout.jupyterData, 'kernels', 'python3');
    const write = [
      '-c',
      'mkdir -p -- "$1" && printf %s "$2" > "$1/kernel.json"',
      'sh',
      dir,
      kernelSpec(python, workload.profile),
    ];
    await asWorkload(run, '/bin/sh', write, layout.home, "the profile's kernel", 'environment');
  }

  /** The log file exists before anything writes it, and in users mode belongs to the account (in a directory it cannot change). */
  async logFile(log: string, layout: InstanceLayout, identity: WorkloadIdentity | undefined): Promise<void> {
    await mkdir(layout.logs, { recursive: true, mode: identity ? 0o711 : 0o700 });
    await appendFile(log, '', { mode: 0o600 });
    if (identity) {
      await chown(log, identity.uid, identity.gid);
      await chmod(log, 0o600);
    }
  }

  /** Runs short helpers as the workload would: as its account (users mode) or as the service. */
  runner(identity: WorkloadIdentity | undefined, signal: AbortSignal): RunAsWorkload {
    const containment: Containment = { identity };
    return (file, args, cwd) =>
      runToExit(file, args, {
        cwd,
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
        output: 'capture',
        timeoutMs: 60_000,
        signal,
        containment,
      });
  }

  /** How storage is reached as the account. */
  access(identity: WorkloadIdentity, signal: AbortSignal): AccountAccess {
    return { identity, run: this.runner(identity, signal) };
  }

  async #secureDataDir(instancesRoot: string): Promise<void> {
    const { dataDir, objectRoot } = this.options;
    await this.lock(instancesRoot);
    for (const dir of [dataDir, objectRoot]) {
      const blocked = await unreachableAncestor(dir);
      if (blocked) {
        // The owner sees no server path; the operator reads what to fix in the log.
        this.options.log.error({ dir, blocked }, unreachableMessage(dir, blocked));
        throw new WorkloadError(
          "Notebook accounts cannot reach the service's storage directories (see the service log).",
          'ModelArts.6361',
          { phase: 'storage' },
        );
      }
    }
  }
}

function unreachableMessage(dir: string, blocked: string): string {
  return `notebook accounts cannot reach ${dir}: ${blocked} lets no other user through, and no notebook will start. Give it o+x (chmod o+x), or choose a dataDir (and runtime.local.objectRoot) under a directory others may pass, such as /var/lib/demanager`;
}
