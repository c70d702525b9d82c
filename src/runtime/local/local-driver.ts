/**
 * @module runtime/local/local-driver
 * Runs each instance as a Jupyter server process on this host, bound to loopback behind the
 * service's proxy. Processes outlive the service: everything needed to find, check and stop one
 * is in its run record, so a restarted service re-adopts running notebooks. With isolation (the
 * default as root) each notebook runs as its owner's OS account, with its project's group, in a
 * control group sized by its flavor (see isolation/); without it, as the service itself.
 */
import type { Dirent } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gpusOf, type Profile } from '../../core/model/catalog.js';
import { isInstanceId, type RuntimeState } from '../../core/model/instance.js';
import { RepositoryHosts } from '../../core/instances/repository-hosts.js';
import { maskedRepositoryUrl } from '../../core/instances/repository-url.js';
import {
  WorkloadError,
  type Health,
  type RuntimeDriver,
  type Workload,
  type WorkloadLog,
  type WorkloadNotice,
  type WorkloadUsage,
} from '../../core/ports/runtime.js';
import { basePath, childEnv, workloadPath } from './child-env.js';
import { runCustomScript } from './custom-script.js';
import { freePort } from './free-port.js';
import { cloneRepository } from './git-clone.js';
import { GpuShare } from './gpus/gpu-share.js';
import { instanceLayout, type InstanceLayout } from './instance-layout.js';
import { claimInstances } from './instances-owner.js';
import { limitsOf } from './isolation/flavor-limits.js';
import { oomNotice, startCounting } from './isolation/oom-kills.js';
import { UsageMeter } from './isolation/usage-meter.js';
import { WorkloadIsolation, type WorkloadContainment } from './isolation/workload-isolation.js';
import { detectJupyter, INSTALL_HINT, type JupyterInstall } from './jupyter-detection.js';
import { fetchStatus } from './jupyter-status.js';
import { noJupyterIn, profileEnvironment, type ResolvedEnvironment } from './profile-environment.js';
import { resolveOptions, type LocalDriverOptions, type ResolvedOptions } from './local-driver-options.js';
import { lastLines, note, rotateIfLarge, tail } from './log-file.js';
import { launchNotebook } from './notebook-launch.js';
import { quitOnRequest } from './notebook-quit.js';
import { isAlive, terminate } from './process-control.js';
import { carriesMarker, markedInstanceDirs, markerEnv } from './process-marker.js';
import {
  parseRunRecord,
  readRunFile,
  removeRunFile,
  runtimeState,
  writeRunFile,
  type RunRecord,
} from './run-record.js';
import { ForkServers } from './fork-server/fork-server.js';
import { handOverServer } from './warm/hand-over.js';
import { WarmServers } from './warm/warm-servers.js';
import { WorkloadFiles } from './workload-files.js';
import { customScript, LOG_FILE_NAME, logFile, storageDir } from './workload-storage.js';
import { StartsInFlight } from '../starts-in-flight.js';

export type { LocalDriverOptions } from './local-driver-options.js';

export type Diagnosis =
  | { ok: true; install: JupyterInstall; message: string }
  | { ok: false; install: null; message: string };

export class LocalDriver implements RuntimeDriver {
  readonly name = 'local';
  readonly #options: ResolvedOptions;
  /** A stop waits for an aborted start to clean up before it looks. */
  readonly #starting = new StartsInFlight();
  /** Exit codes of servers this driver spawned and saw end. */
  readonly #exits = new Map<number, number | null>();
  readonly #isolation: WorkloadIsolation;
  readonly #gpus: GpuShare;
  readonly #files: WorkloadFiles;
  readonly #repositoryHosts: RepositoryHosts;
  readonly #usage = new UsageMeter();
  readonly #warm: WarmServers;
  /** Null when starts spawn the ordinary way (the option is off). */
  readonly #forkServers: ForkServers | null;
  /** Servers (by pid) whose account was looked at: one still running as the service is told of once. */
  readonly #uidChecked = new Set<number>();

  /** Which Jupyter the driver would use, or null; cached per command and PATH. */
  static detect(options: Pick<LocalDriverOptions, 'command' | 'env'> = {}): Promise<JupyterInstall | null> {
    return detectJupyter(options.command ?? 'jupyter', basePath(options.env ?? {}));
  }

  /** A line for the service to log once at start-up. */
  static async diagnose(options: Pick<LocalDriverOptions, 'command' | 'env'> = {}): Promise<Diagnosis> {
    const install = await LocalDriver.detect(options);
    if (!install) return { ok: false, install: null, message: INSTALL_HINT };
    return {
      ok: true,
      install,
      message: `local runtime uses ${install.executable} ${install.subcommand} ${install.version}`,
    };
  }

  constructor(options: LocalDriverOptions) {
    this.#options = resolveOptions(options, freePort);
    this.#repositoryHosts = new RepositoryHosts(this.#options.repositoryHosts);
    this.#isolation = new WorkloadIsolation(this.#options.isolation, this.#options.log);
    const { dataDir, objectRoot, installationId, log } = this.#options;
    this.#files = new WorkloadFiles({ dataDir, objectRoot, installationId, log }, this.#isolation);
    this.#gpus = new GpuShare(this.#options.dataDir, this.#options.gpus, () => basePath(this.#options.env));
    this.#forkServers = this.#options.forkServer
      ? new ForkServers({ log: this.#options.log, readyTimeoutMs: this.#options.readyTimeoutMs })
      : null;
    this.#warm = new WarmServers({
      options: this.#options,
      isolation: this.#isolation,
      files: this.#files,
      forkServers: this.#forkServers,
      onExit: (pid, code) => this.#exits.set(pid, code),
      end: async (layout, records) => {
        await this.#terminate(layout, records);
        await this.#freeRun(basename(layout.dir));
      },
    });
  }

  /** The servers kept started ahead (core/warm). */
  get warm(): WarmServers {
    return this.#warm;
  }

  hostGpus(): Promise<number | null> {
    return this.#gpus.count();
  }

  /**
   * Starts, in the background, the fork server each profile's notebooks will be forked from, so
   * that the first start after the service's own does not wait for Jupyter's imports (`serve`
   * calls it). A profile whose environment or Jupyter is missing is left to its first start, which
   * says why.
   */
  async prepareForkServers(profiles: readonly Profile[]): Promise<void> {
    const options = this.#options;
    for (const profile of profiles) {
      if (!this.#forkServers) return;
      const environment = await profileEnvironment(profile, {
        command: options.command,
        path: basePath(options.env),
      }).catch(() => null);
      const install = environment && (await detectJupyter(environment.command, environment.path));
      if (!environment || !install) continue;
      // Only what decides which fork server a start uses matters here (see fork-server): the
      // variables every start of the profile has alike, built as a start builds them.
      const env = childEnv({
        layout: instanceLayout(options.dataDir, 'fork-server'),
        path: workloadPath(environment.path, install.executable),
        extra: { ...options.env, ...environment.env },
        marker: {},
      });
      this.#forkServers.prepare(install, env);
    }
  }

  /** One line for the start-up log: the GPUs this driver shares out, or why none. */
  describeGpus(): Promise<string> {
    return this.#gpus.describe();
  }

  /** Closes the data directory to other accounts (see isolation/file-ownership); `serve` calls it at start-up. */
  lockDataDir(): Promise<void> {
    return this.#files.lock(join(this.#options.dataDir, 'instances'));
  }

  /** What an operator must hear at start-up about isolation and limits (nothing when both hold). */
  async isolationWarnings(): Promise<string[]> {
    return [...(await this.#isolation.warnings()), ...(await this.#files.unreachable())];
  }

  async prepare(workload: Workload, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const layout = this.#layout(workload);
    workload.progress?.('preparing the instance storage');
    await this.#files.instanceDir(layout);
    const identity = await this.#isolation.identity(workload);
    await storageDir(workload, layout, this.#options.objectRoot, identity && this.#files.access(identity, signal));
  }

  start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    return this.#starting.track(workload.instance.id, this.#start(workload, signal));
  }

  async stop(workload: Workload): Promise<void> {
    const layout = this.#layoutOrNull(workload);
    if (layout) await this.#stopIn(layout, workload.instance.id, parseRunRecord(workload.instance.runtime?.data));
  }

  async poll(workload: Workload): Promise<Health> {
    const record = parseRunRecord(workload.instance.runtime?.data);
    const layout = this.#layoutOrNull(workload);
    if (!record || !layout)
      return { state: 'exited', code: null, reason: 'no notebook process is recorded for this instance' };
    const ours = (await isAlive(record.pid))
      ? await carriesMarker(record.pid, { instanceDir: layout.dir, runId: record.runId })
      : false;
    if (ours === false) return this.#exited(workload, record);
    await rotateIfLarge(record.logFile, this.#policy).catch((err: unknown) =>
      this.#options.log.warn({ err, instance: workload.instance.id }, 'log rotation failed'),
    );
    const answer = await fetchStatus(this.#target(workload, record), this.#options.pollRequestTimeoutMs);
    if (answer.kind === 'ok') {
      const notices = await this.#oomNotices(
        workload,
        layout,
        'a kernel or another process of the notebook was stopped',
      );
      if (
        !this.#uidChecked.has(record.pid) &&
        this.#uidChecked.add(record.pid) &&
        (await this.#isolation.runsAsService(record.pid))
      ) {
        this.#options.log.warn(
          { instance: workload.instance.id, pid: record.pid },
          'a notebook started before isolation still runs with the service’s rights; restart it',
        );
        notices.push({
          kind: 'isolation',
          message:
            'this notebook was started before notebooks ran as their own accounts and still runs with the service’s rights: stop and start it',
        });
      }
      return notices.length ? { state: 'running', notices } : { state: 'running' };
    }
    // Without /proc a reused pid looks alive; a server refusing our token on our port settles it.
    if (answer.kind === 'refused' && ours === undefined) return this.#exited(workload, record);
    const reason = answer.kind === 'refused' ? `api/status answered ${answer.status}` : `api/status: ${answer.reason}`;
    return { state: 'unknown', reason: `the notebook process ${record.pid} runs but does not answer (${reason})` };
  }

  async activity(workload: Workload): Promise<number | undefined> {
    const record = parseRunRecord(workload.instance.runtime?.data);
    if (!record) return undefined;
    const answer = await fetchStatus(this.#target(workload, record), this.#options.pollRequestTimeoutMs);
    return answer.kind === 'ok' ? answer.lastActivity : undefined;
  }

  /**
   * The end of the instance's log, which outlives its runs (a stopped notebook's last words are
   * there); the current run's token masked. Earlier runs' tokens are dead, and core masks every
   * `token=` of a URL besides.
   */
  async logs(workload: Workload, count: number): Promise<WorkloadLog | null> {
    const layout = this.#layoutOrNull(workload);
    if (!layout) return null;
    const record = parseRunRecord(workload.instance.runtime?.data);
    const token = record ? this.#options.secretFor(workload.instance.id, record.runId) : undefined;
    return lastLines(join(layout.logs, LOG_FILE_NAME), count, [token]);
  }

  /** What the notebook's control group uses now; null without control groups or once it has stopped. */
  async usage(workload: Workload): Promise<WorkloadUsage | null> {
    const group = await this.#isolation.group(workload.instance.id);
    if (!group) return null;
    let limits: { cpus: number | null; memoryBytes: number | null };
    try {
      limits = limitsOf(workload.flavor, this.#options.isolation.maxTasks);
    } catch {
      limits = { cpus: null, memoryBytes: null };
    }
    return this.#usage.measure(group, limits);
  }

  /** Stops the workload and deletes its private directory; obs/efs/obsfs storage stays. */
  async remove(workload: Workload): Promise<void> {
    const layout = this.#layoutOrNull(workload);
    if (layout) await this.#removeIn(layout, workload.instance.id, parseRunRecord(workload.instance.runtime?.data));
  }

  /**
   * Stops and deletes what is left of instances the store no longer holds (their rows deleted
   * while the service was down, say): each directory in `<dataDir>/instances/` and each process
   * marked with one. Only names of the instance id shape
   * count, and only real directories: nothing else there, and no process of another data
   * directory, is touched. Shared obs storage stays, as with `remove`.
   */
  async collectOrphans(known: (instanceIds: readonly string[]) => Promise<ReadonlySet<string>>): Promise<number> {
    const root = join(this.#options.dataDir, 'instances');
    const ids = new Set<string>();
    for (const entry of await readdir(root, { withFileTypes: true }).catch(emptyIfMissing)) {
      if (entry.isDirectory() && isInstanceId(entry.name)) ids.add(entry.name);
    }
    const running = new Set<string>();
    for (const dir of await markedInstanceDirs(root)) {
      if (dirname(dir) === root && isInstanceId(basename(dir))) running.add(basename(dir));
    }
    for (const id of running) ids.add(id);
    for (const owner of (await this.#gpus.claims.all()).values()) if (isInstanceId(owner)) ids.add(owner);
    // A warm server's instance is not in the store yet: the warm pool keeps or stops it.
    for (const id of await this.#warm.ids()) ids.delete(id);
    if (ids.size === 0) return 0;
    const owner = this.#options.installationId;
    if (owner !== undefined && !(await claimInstances(root, owner))) {
      this.#options.log.error(
        { dir: root },
        'not collecting orphans: the instance directories belong to another database (see .installation)',
      );
      return 0;
    }
    const held = await known([...ids]);
    let removed = 0;
    for (const id of ids) {
      if (held.has(id)) continue;
      this.#options.log.info(
        { instance: id },
        'removing the notebook processes and files of an instance the store no longer holds',
      );
      const layout = instanceLayout(this.#options.dataDir, id);
      // The stop sequence reads every process's environment: worth it only where something may run.
      const mayRun = running.has(id) || this.#starting.has(id) || (await readRunFile(layout.runFile)) !== null;
      if (mayRun) await this.#removeIn(layout, id, null);
      else await rm(layout.dir, { recursive: true, force: true });
      await this.#gpus.release(id);
      removed++;
    }
    return removed;
  }

  /** Notebooks keep running (a restarted service re-adopts them); only in-flight starts are awaited. */
  async close(): Promise<void> {
    await this.#starting.all();
    this.#forkServers?.close();
  }

  /** Waits for a start in flight (an aborted one cleans up first), then ends every run it can find. */
  async #stopIn(layout: InstanceLayout, id: string, recorded: RunRecord | null): Promise<void> {
    await this.#starting.settled(id);
    await this.#terminate(layout, [recorded, await readRunFile(layout.runFile)]);
    await removeRunFile(layout.runFile);
    await this.#freeRun(id);
  }

  /** Once nothing of a run is left: its GPUs go back, its control group goes. */
  async #freeRun(id: string): Promise<void> {
    await this.#gpus.release(id);
    const group = await this.#isolation.group(id);
    if (group && !(await group.remove()))
      this.#options.log.warn(
        { instance: id, dirs: group.dirs },
        'the control group still holds processes; left in place',
      );
  }

  async #removeIn(layout: InstanceLayout, id: string, recorded: RunRecord | null): Promise<void> {
    await this.#stopIn(layout, id, recorded);
    await rm(layout.dir, { recursive: true, force: true });
  }

  async #start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    const options = this.#options;
    const id = workload.instance.id;
    const layout = this.#layout(workload);
    // A start whose result was never recorded left a server behind: adopt it rather than run two.
    const previous = [parseRunRecord(workload.instance.runtime?.data), await readRunFile(layout.runFile)];
    for (const record of previous)
      if (record && (await this.#answers(workload, layout, record))) return runtimeState(record);
    // A warm server for this id is taken over; otherwise whatever still runs in the directory ends.
    const warm = await this.#warm.claim(id);
    if (!warm) await this.#terminate(layout, previous);
    signal.throwIfAborted();

    const environment = await profileEnvironment(workload.profile, {
      command: options.command,
      path: basePath(options.env),
    });
    const install = await detectJupyter(environment.command, environment.path);
    if (!install)
      throw workload.profile.local
        ? noJupyterIn(workload.profile, environment.command)
        : new WorkloadError(INSTALL_HINT, 'ModelArts.6361', { phase: 'start' });
    await this.#files.instanceDir(layout);
    const containment = await this.#isolation.contain(workload);
    if (containment.warning) workload.progress?.(containment.warning);
    const { group } = containment;
    if (group) await startCounting(group, layout.oomFile);
    const gpus = await this.#gpus.assign(id, gpusOf(workload.flavor));
    if (gpus.message) workload.progress?.(gpus.message);
    try {
      const start = { workload, signal, layout, install, environment, containment, gpuEnv: gpus.env };
      const run = await this.#readyRun(start);
      const taken = warm && (await this.#takeOver(start, run, warm));
      return taken || (await this.#launch(start, run));
    } catch (err) {
      // A failed start has ended what it spawned: nothing of this run is left to hold its GPUs or group.
      await this.#freeRun(id);
      throw err;
    }
  }

  /** What a run needs once the notebook's account, control group and GPUs are settled: its home, storage, log, environment, repository and custom script. */
  async #readyRun(start: ContainedStart): Promise<ReadyRun> {
    const { workload, signal, layout, install, environment, containment, gpuEnv } = start;
    const options = this.#options;
    const id = workload.instance.id;
    const { identity } = containment;
    const run = this.#files.runner(identity, signal);
    await this.#files.home(layout, identity, run);
    if (environment.python) await this.#files.profileKernel(layout, environment.python, workload, run);
    const storage = await storageDir(
      workload,
      layout,
      options.objectRoot,
      identity && this.#files.access(identity, signal),
    );
    const log = await logFile(workload, layout, storage, run);
    await this.#files.logFile(log, layout, identity);
    await rotateIfLarge(log, this.#policy);
    const env = childEnv({
      layout,
      path: workloadPath(environment.path, install.executable),
      extra: { ...options.env, ...environment.env },
      marker: markerEnv({ instanceDir: layout.dir }),
      gpus: gpuEnv,
      ...(identity ? { account: identity.account } : {}),
    });

    const repository = workload.instance.spec.repository;
    const url = repository?.connection_info?.url;
    if (repository && url) {
      const sealed = repository.connection_info?.credential?.access_token;
      const outcome = await cloneRepository({
        url,
        branch: repository.branch,
        token: () => this.#openToken(sealed),
        userName: repository.user_name,
        userEmail: repository.user_email,
        storageDir: storage,
        hosts: this.#repositoryHosts,
        askpassPath: layout.askpass,
        env,
        logFile: log,
        timeoutMs: options.cloneTimeoutMs,
        signal,
        containment,
        onStart: () => {
          const message = `cloning ${maskedRepositoryUrl(url)}${repository.branch ? ` (branch ${repository.branch})` : ''}`;
          workload.progress?.(message);
          return note(log, options.clock, message);
        },
      });
      options.log.info({ instance: id, outcome }, 'repository checked');
    }

    const script = await customScript(workload, storage);
    if (script) {
      const shownAs = workload.instance.spec.custom_script_path ?? script;
      workload.progress?.(`running the custom script ${shownAs}`);
      await note(log, options.clock, `running custom script ${shownAs}`);
      await runCustomScript({
        script,
        shownAs,
        cwd: storage,
        env,
        logFile: log,
        timeoutMs: options.scriptTimeoutMs,
        signal,
        containment,
      });
    }
    return { storage, log, env };
  }

  /**
   * Makes the instance's warm server its own (see warm/hand-over): the run file first, so a stop
   * finds it from here on; then the hand-over, whose failure ends the server (the start then
   * launches one the usual way: null).
   */
  async #takeOver(start: ContainedStart, run: ReadyRun, warm: RunRecord): Promise<RuntimeState | null> {
    const { workload, layout, containment } = start;
    const options = this.#options;
    const id = workload.instance.id;
    const record: RunRecord = { ...warm, startedAt: options.clock.now(), logFile: run.log };
    await writeRunFile(layout.runFile, record);
    const { identity } = containment;
    try {
      await handOverServer(
        { port: record.port, instanceId: id, token: options.secretFor(id, record.runId), pid: record.pid },
        { env: run.env, rootDir: run.storage, identity },
        options.pollRequestTimeoutMs,
      );
    } catch (err) {
      options.log.warn({ err, instance: id, pid: record.pid }, 'warm server not taken over; starting one');
      await this.#terminate(layout, [record]);
      await removeRunFile(layout.runFile);
      return null;
    }
    await note(run.log, options.clock, `warm notebook server taken over${identity ? ` as ${identity.account}` : ''}`);
    options.log.info(
      { instance: id, pid: record.pid, port: record.port, account: identity?.account },
      'warm notebook server taken over',
    );
    return runtimeState(record);
  }

  /** Spawns the notebook server and waits until it answers. */
  async #launch(start: ContainedStart, run: ReadyRun): Promise<RuntimeState> {
    const { workload, signal, layout, install, containment } = start;
    const { storage, log, env } = run;
    const options = this.#options;
    const id = workload.instance.id;
    const { identity } = containment;
    workload.progress?.(`starting jupyter ${install.subcommand} and waiting for it to answer`);
    const record = await launchNotebook(
      {
        install,
        instanceId: id,
        layout,
        storage,
        logFile: log,
        env,
        signal,
        onExit: (pid, code) => this.#exits.set(pid, code),
        containment,
        ...(this.#forkServers ? { forkServers: this.#forkServers } : {}),
      },
      options,
    );
    options.log.info(
      { instance: id, pid: record.pid, port: record.port, account: identity?.account },
      'notebook server started',
    );
    return runtimeState(record);
  }

  /** What the owner should hear of out-of-memory kills in the notebook's control group since last told. */
  async #oomNotices(workload: Workload, layout: InstanceLayout, what: string): Promise<WorkloadNotice[]> {
    const group = await this.#isolation.group(workload.instance.id);
    if (!group) return [];
    const notice = await oomNotice(group, layout.oomFile, this.#isolation.memoryLimitOf(workload), what).catch(
      () => undefined,
    );
    return notice ? [notice] : [];
  }

  get #policy() {
    return { maxBytes: this.#options.logMaxBytes, keep: this.#options.logKeep };
  }

  #target(workload: Workload, record: RunRecord) {
    const id = workload.instance.id;
    return { port: record.port, instanceId: id, token: this.#options.secretFor(id, record.runId) };
  }

  async #answers(workload: Workload, layout: InstanceLayout, record: RunRecord): Promise<boolean> {
    if (!(await isAlive(record.pid))) return false;
    if ((await carriesMarker(record.pid, { instanceDir: layout.dir, runId: record.runId })) === false) return false;
    if ((await fetchStatus(this.#target(workload, record), this.#options.pollRequestTimeoutMs)).kind !== 'ok')
      return false;
    // A warm server whose hand-over was cut short (the service died) still runs as the service: never the user's.
    return !(await this.#isolation.runsAsService(record.pid));
  }

  /** Stops the recorded servers that are verifiably this instance's, and every marked straggler. */
  async #terminate(layout: InstanceLayout, records: readonly (RunRecord | null)[]): Promise<void> {
    const groups: number[] = [];
    for (const record of records) {
      if (!record || groups.includes(record.pid)) continue;
      // A pid recorded long ago may belong to someone else by now: signal only a marked one.
      if ((await carriesMarker(record.pid, { instanceDir: layout.dir, runId: record.runId })) !== false)
        groups.push(record.pid);
    }
    const group = await this.#isolation.group(basename(layout.dir));
    const members = group ? () => group.members() : undefined;
    await terminate({
      groups,
      marker: { instanceDir: layout.dir },
      graceMs: this.#options.stopTimeoutMs,
      log: this.#options.log,
      ...(members ? { members } : {}),
    });
    for (const record of records) if (record) this.#exits.delete(record.pid);
  }

  async #exited(workload: Workload, record: RunRecord): Promise<Health> {
    const code = this.#exits.get(record.pid) ?? null;
    const token = this.#options.secretFor(workload.instance.id, record.runId);
    // Enough lines to reach Jupyter's "quit" line past the kernels and terminals it shuts down after it.
    const recent = record.logFile ? await tail(record.logFile, 20, [token]) : [];
    const lines = recent.slice(-5);
    const layout = this.#layoutOrNull(workload);
    const [oom] = layout ? await this.#oomNotices(workload, layout, 'the notebook server was stopped') : [];
    // The instance no longer runs: what its server left (kernels, jobs) goes, and its GPUs are free.
    if (layout) await this.#terminate(layout, []);
    await this.#freeRun(workload.instance.id);
    const how = code === null ? 'is gone' : `exited with code ${code}`;
    const reason = `${oom ? `${oom.message}; ` : ''}the notebook process ${record.pid} ${how}${lines.length ? `; last log lines: ${lines.join(' | ')}` : ''}`;
    return { state: 'exited', code, reason: reason.slice(0, 1_000), quit: quitOnRequest(code, recent) };
  }

  #openToken(sealed: string | undefined): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.#options.openSecret(sealed);
    } catch (err) {
      this.#options.log.error({ err }, 'cannot open the repository access token');
      throw new WorkloadError('The repository access token cannot be decrypted.', 'ModelArts.6361', {
        phase: 'repository',
      });
    }
  }

  #layout(workload: Workload): InstanceLayout {
    const layout = this.#layoutOrNull(workload);
    if (!layout)
      throw new WorkloadError(`The instance id ${workload.instance.id} cannot name a directory.`, 'ModelArts.6361', {
        phase: 'storage',
      });
    return layout;
  }

  #layoutOrNull(workload: Workload): InstanceLayout | null {
    try {
      return instanceLayout(this.#options.dataDir, workload.instance.id);
    } catch {
      return null;
    }
  }
}

interface ReadyRun {
  storage: string;
  log: string;
  env: Record<string, string>;
}

interface ContainedStart {
  workload: Workload;
  signal: AbortSignal;
  layout: InstanceLayout;
  install: JupyterInstall;
  environment: ResolvedEnvironment;
  containment: WorkloadContainment;
  gpuEnv: Record<string, string>;
}

function emptyIfMissing(err: unknown): Dirent[] {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw err;
}
