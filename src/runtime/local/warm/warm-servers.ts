/**
 * @module runtime/local/warm/warm-servers
 * The local driver's warm servers (core/warm keeps the count; this starts, finds and stops them).
 * A warm server is a notebook server started for an instance id chosen ahead: its instance
 * directory, base URL, token and control group (with the flavor's limits) are that id's, as if the
 * instance had started, but it runs as the service with no storage of anyone's, no account, no
 * GPUs and no kernel, and loads the hand-over extension (see hand-over). `claim` gives the driver's
 * start of that id the server to take over; `coolDown` ends one and removes everything it made.
 * Every step is recorded first (warm-record), so a server whose service died is found again:
 * re-adopted when it still answers, stopped otherwise.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Flavor, Profile } from '../../../core/model/catalog.js';
import { WorkloadError, type WarmRuntime, type WarmSlot } from '../../../core/ports/runtime.js';
import { basePath, childEnv, workloadPath } from '../child-env.js';
import { instanceLayout, type InstanceLayout } from '../instance-layout.js';
import { startCounting } from '../isolation/oom-kills.js';
import type { WorkloadIsolation } from '../isolation/workload-isolation.js';
import { detectJupyter, INSTALL_HINT } from '../jupyter-detection.js';
import { fetchStatus } from '../jupyter-status.js';
import type { ResolvedOptions } from '../local-driver-options.js';
import { launchNotebook } from '../notebook-launch.js';
import { isAlive } from '../process-control.js';
import { carriesMarker, markerEnv } from '../process-marker.js';
import { profileEnvironment } from '../profile-environment.js';
import { readRunFile, removeRunFile, type RunRecord } from '../run-record.js';
import type { WorkloadFiles } from '../workload-files.js';
import { LOG_FILE_NAME } from '../workload-storage.js';
import type { ForkServers } from '../fork-server/fork-server.js';
import { HANDOVER_MODULE, HANDOVER_PYTHON_DIR } from './hand-over.js';
import { readWarmRecord, removeWarmRecord, WARM_RUN_FILE, warmIds, writeWarmRecord } from './warm-record.js';

export interface WarmServersNeeds {
  options: ResolvedOptions;
  isolation: WorkloadIsolation;
  files: WorkloadFiles;
  /** Where servers are forked from; null: spawned. */
  forkServers: ForkServers | null;
  /** Told how a spawned server ended. */
  onExit: (pid: number, code: number | null) => void;
  /** Ends every process of the instance directory (the recorded ones and every marked one) and frees its control group. */
  end: (layout: InstanceLayout, records: readonly (RunRecord | null)[]) => Promise<void>;
}

export class WarmServers implements WarmRuntime {
  /** Servers this process is starting: their records say "not ready" for now, rightly. */
  readonly #warming = new Set<string>();
  /** Servers seen answering since this process started (a record from before a crash is checked once). */
  readonly #answered = new Set<string>();

  constructor(private readonly needs: WarmServersNeeds) {}

  async slots(): Promise<WarmSlot[]> {
    const { dataDir } = this.needs.options;
    const slots: WarmSlot[] = [];
    for (const instanceId of await warmIds(dataDir)) {
      const record = await readWarmRecord(dataDir, instanceId);
      if (record && this.#warming.has(instanceId)) {
        slots.push({ instanceId, ...record, ready: false });
        continue;
      }
      const run = record?.ready ? await this.#liveRun(instanceId) : null;
      if (!record || !run) {
        await this.coolDown(instanceId);
        continue;
      }
      slots.push({ instanceId, ...record });
    }
    return slots;
  }

  async warmUp(slot: Omit<WarmSlot, 'ready'>, profile: Profile, flavor: Flavor, signal: AbortSignal): Promise<void> {
    const { options, isolation, files } = this.needs;
    const id = slot.instanceId;
    const layout = instanceLayout(options.dataDir, id);
    // Recorded before anything is made or spawned: whatever follows is found again after a crash.
    await writeWarmRecord(options.dataDir, id, { flavor: flavor.name, profileId: profile.id, ready: false });
    this.#warming.add(id);
    try {
      const environment = await profileEnvironment(profile, { command: options.command, path: basePath(options.env) });
      const install = await detectJupyter(environment.command, environment.path);
      if (!install) throw new WorkloadError(INSTALL_HINT, 'ModelArts.6361', { phase: 'start' });
      await files.instanceDir(layout);
      // The service's until the hand-over gives home and storage to the account.
      for (const dir of [layout.work, layout.jupyterConfig, layout.jupyterRuntime, layout.ipython])
        await mkdir(dir, { recursive: true, mode: 0o700 });
      const { group } = await isolation.limit(id, flavor);
      if (group) await startCounting(group, layout.oomFile);
      const log = join(layout.logs, LOG_FILE_NAME);
      await files.logFile(log, layout, undefined);
      const env = childEnv({
        layout,
        path: workloadPath(environment.path, install.executable),
        extra: { ...options.env, ...environment.env },
        marker: markerEnv({ instanceDir: layout.dir }),
        gpus: {},
      });
      await launchNotebook(
        {
          install,
          instanceId: id,
          layout,
          storage: layout.work,
          logFile: log,
          env,
          signal,
          onExit: this.needs.onExit,
          containment: { group },
          runFile: join(layout.dir, WARM_RUN_FILE),
          extension: { module: HANDOVER_MODULE, directory: HANDOVER_PYTHON_DIR },
          ...(this.needs.forkServers ? { forkServers: this.needs.forkServers } : {}),
        },
        options,
      );
      this.#answered.add(id);
      await writeWarmRecord(options.dataDir, id, { flavor: flavor.name, profileId: profile.id, ready: true });
      options.log.info({ instance: id, flavor: flavor.name, profile: profile.id }, 'warm notebook server ready');
    } finally {
      this.#warming.delete(id);
    }
  }

  /** Stops the slot's server and removes what it made; nothing when the slot was taken over (or is gone). */
  async coolDown(instanceId: string): Promise<void> {
    const { dataDir } = this.needs.options;
    // The record goes first, and exactly one of a claim and a cool-down removes it.
    if (!(await removeWarmRecord(dataDir, instanceId))) return;
    await this.#endAll(instanceLayout(dataDir, instanceId));
    this.#answered.delete(instanceId);
  }

  /**
   * The run of the slot's server for a start of `instanceId` to take over, the slot then gone; null
   * when there is no such slot or its server no longer answers (what was left of it is ended).
   */
  async claim(instanceId: string): Promise<RunRecord | null> {
    const { dataDir } = this.needs.options;
    const record = await readWarmRecord(dataDir, instanceId);
    if (!record || this.#warming.has(instanceId) || !(await removeWarmRecord(dataDir, instanceId))) return null;
    const layout = instanceLayout(dataDir, instanceId);
    const run = record.ready ? await this.#liveRun(instanceId) : null;
    this.#answered.delete(instanceId);
    if (run) {
      await removeRunFile(join(layout.dir, WARM_RUN_FILE));
      return run;
    }
    await this.#endAll(layout, false);
    return null;
  }

  /** Instance ids with a warm record: no orphans, whatever the store says. */
  ids(): Promise<string[]> {
    return warmIds(this.needs.options.dataDir);
  }

  async #endAll(layout: InstanceLayout, removeDir = true): Promise<void> {
    const run = await readRunFile(join(layout.dir, WARM_RUN_FILE));
    await this.needs.end(layout, [run]);
    if (removeDir) await rm(layout.dir, { recursive: true, force: true });
    else await removeRunFile(join(layout.dir, WARM_RUN_FILE));
  }

  /** The server's run when it is alive, ours, and (checked once per process) answers its token. */
  async #liveRun(instanceId: string): Promise<RunRecord | null> {
    const { options } = this.needs;
    const layout = instanceLayout(options.dataDir, instanceId);
    const run = await readRunFile(join(layout.dir, WARM_RUN_FILE));
    if (!run || !(await isAlive(run.pid))) return null;
    if ((await carriesMarker(run.pid, { instanceDir: layout.dir, runId: run.runId })) === false) return null;
    if (this.#answered.has(instanceId)) return run;
    const target = { port: run.port, instanceId, token: options.secretFor(instanceId, run.runId) };
    if ((await fetchStatus(target, options.pollRequestTimeoutMs)).kind !== 'ok') return null;
    this.#answered.add(instanceId);
    return run;
  }
}
