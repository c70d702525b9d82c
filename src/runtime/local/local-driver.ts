/**
 * @module runtime/local/local-driver
 * Runs each instance as a Jupyter server process on this host, bound to loopback behind the
 * service's proxy. Processes outlive the service: everything needed to find, check and stop one
 * is in its run record, so a restarted service re-adopts running notebooks. Not an isolation
 * boundary: notebooks run as the service's user.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { RuntimeState } from '../../core/instance.js';
import { WorkloadError, type Health, type RuntimeDriver, type Workload } from '../../core/runtime.js';
import { basePath, childEnv, workloadPath } from './child-env.js';
import { runCustomScript } from './custom-script.js';
import { freePort } from './free-port.js';
import { cloneRepository } from './git-clone.js';
import { instanceLayout, type InstanceLayout } from './instance-layout.js';
import { detectJupyter, INSTALL_HINT, type JupyterInstall } from './jupyter-detection.js';
import { fetchStatus } from './jupyter-status.js';
import { resolveOptions, type LocalDriverOptions, type ResolvedOptions } from './local-driver-options.js';
import { note, rotateIfLarge, tail } from './log-file.js';
import { launchNotebook } from './notebook-launch.js';
import { isAlive, terminate } from './process-control.js';
import { carriesMarker, markerEnv } from './process-marker.js';
import { redactUrl } from './redact.js';
import { parseRunRecord, readRunFile, removeRunFile, runtimeState, type RunRecord } from './run-record.js';
import { customScript, logFile, storageDir } from './workload-storage.js';
import { StartsInFlight } from '../starts-in-flight.js';

export type { LocalDriverOptions } from './local-driver-options.js';

export type Diagnosis = { ok: true; install: JupyterInstall; message: string } | { ok: false; install: null; message: string };

export class LocalDriver implements RuntimeDriver {
  readonly name = 'local';
  readonly #options: ResolvedOptions;
  /** A stop waits for an aborted start to clean up before it looks. */
  readonly #starting = new StartsInFlight();
  /** Exit codes of servers this driver spawned and saw end. */
  readonly #exits = new Map<number, number | null>();

  /** Which Jupyter the driver would use, or null; cached per command and PATH. */
  static detect(options: Pick<LocalDriverOptions, 'command' | 'env'> = {}): Promise<JupyterInstall | null> {
    return detectJupyter(options.command ?? 'jupyter', basePath(options.env ?? {}));
  }

  /** A line for the service to log once at start-up. */
  static async diagnose(options: Pick<LocalDriverOptions, 'command' | 'env'> = {}): Promise<Diagnosis> {
    const install = await LocalDriver.detect(options);
    if (!install) return { ok: false, install: null, message: INSTALL_HINT };
    return { ok: true, install, message: `local runtime uses ${install.executable} ${install.subcommand} ${install.version}` };
  }

  constructor(options: LocalDriverOptions) {
    this.#options = resolveOptions(options, freePort);
  }

  async prepare(workload: Workload, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const layout = this.#layout(workload);
    workload.progress?.('preparing the instance storage');
    await mkdir(layout.dir, { recursive: true, mode: 0o700 });
    await storageDir(workload, layout, this.#options.objectRoot);
  }

  start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    return this.#starting.track(workload.instance.id, this.#start(workload, signal));
  }

  async stop(workload: Workload): Promise<void> {
    const layout = this.#layoutOrNull(workload);
    if (!layout) return;
    await this.#starting.settled(workload.instance.id);
    const records = [parseRunRecord(workload.instance.runtime?.data), await readRunFile(layout.runFile)];
    await this.#terminate(layout, records);
    await removeRunFile(layout.runFile);
  }

  async poll(workload: Workload): Promise<Health> {
    const record = parseRunRecord(workload.instance.runtime?.data);
    const layout = this.#layoutOrNull(workload);
    if (!record || !layout) return { state: 'exited', code: null, reason: 'no notebook process is recorded for this instance' };
    const ours = (await isAlive(record.pid)) ? await carriesMarker(record.pid, { instanceDir: layout.dir, runId: record.runId }) : false;
    if (ours === false) return this.#exited(workload, record);
    await rotateIfLarge(record.logFile, this.#policy).catch((err: unknown) => this.#options.log.warn({ err, instance: workload.instance.id }, 'log rotation failed'));
    const answer = await fetchStatus(this.#target(workload, record), this.#options.pollRequestTimeoutMs);
    if (answer.kind === 'ok') return { state: 'running' };
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

  /** Stops the workload and deletes its private directory; obs/efs/obsfs storage stays. */
  async remove(workload: Workload): Promise<void> {
    const layout = this.#layoutOrNull(workload);
    if (!layout) return;
    await this.stop(workload);
    await rm(layout.dir, { recursive: true, force: true });
  }

  /** Notebooks keep running (a restarted service re-adopts them); only in-flight starts are awaited. */
  async close(): Promise<void> {
    await this.#starting.all();
  }

  async #start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    const options = this.#options;
    const id = workload.instance.id;
    const layout = this.#layout(workload);
    // A start whose result was never recorded left a server behind: adopt it rather than run two.
    const previous = [parseRunRecord(workload.instance.runtime?.data), await readRunFile(layout.runFile)];
    for (const record of previous) if (record && (await this.#answers(workload, layout, record))) return runtimeState(record);
    await this.#terminate(layout, previous);
    signal.throwIfAborted();

    const install = await LocalDriver.detect(options);
    if (!install) throw new WorkloadError(INSTALL_HINT, 'ModelArts.6361', { phase: 'start' });
    for (const dir of [layout.dir, layout.home, layout.jupyterConfig, layout.jupyterRuntime, layout.ipython]) await mkdir(dir, { recursive: true, mode: 0o700 });
    const storage = await storageDir(workload, layout, options.objectRoot);
    const log = await logFile(workload, layout, storage);
    await rotateIfLarge(log, this.#policy);
    const env = childEnv({
      layout,
      path: workloadPath(basePath(options.env), install.executable),
      extra: options.env,
      marker: markerEnv({ instanceDir: layout.dir }),
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
        askpassPath: layout.askpass,
        env,
        logFile: log,
        timeoutMs: options.cloneTimeoutMs,
        signal,
        onStart: () => {
          const message = `cloning ${redactUrl(url)}${repository.branch ? ` (branch ${repository.branch})` : ''}`;
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
      await runCustomScript({ script, shownAs, cwd: storage, env, logFile: log, timeoutMs: options.scriptTimeoutMs, signal });
    }

    workload.progress?.(`starting jupyter ${install.subcommand} and waiting for it to answer`);
    const runId = randomBytes(8).toString('hex');
    const record = await launchNotebook(
      {
        install,
        instanceId: id,
        layout,
        storage,
        logFile: log,
        env,
        runId,
        token: options.secretFor(id, runId),
        startedAt: options.clock.now(),
        signal,
        onExit: (pid, code) => this.#exits.set(pid, code),
      },
      options,
    );
    options.log.info({ instance: id, pid: record.pid, port: record.port }, 'notebook server started');
    return runtimeState(record);
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
    return (await fetchStatus(this.#target(workload, record), this.#options.pollRequestTimeoutMs)).kind === 'ok';
  }

  /** Stops the recorded servers that are verifiably this instance's, and every marked straggler. */
  async #terminate(layout: InstanceLayout, records: readonly (RunRecord | null)[]): Promise<void> {
    const groups: number[] = [];
    for (const record of records) {
      if (!record || groups.includes(record.pid)) continue;
      // A pid recorded long ago may belong to someone else by now: signal only a marked one.
      if ((await carriesMarker(record.pid, { instanceDir: layout.dir, runId: record.runId })) !== false) groups.push(record.pid);
    }
    await terminate({ groups, marker: { instanceDir: layout.dir }, graceMs: this.#options.stopTimeoutMs, log: this.#options.log });
    for (const record of records) if (record) this.#exits.delete(record.pid);
  }

  async #exited(workload: Workload, record: RunRecord): Promise<Health> {
    const code = this.#exits.get(record.pid) ?? null;
    const token = this.#options.secretFor(workload.instance.id, record.runId);
    const lines = record.logFile ? await tail(record.logFile, 5, [token]) : [];
    const how = code === null ? 'is gone' : `exited with code ${code}`;
    const reason = `the notebook process ${record.pid} ${how}${lines.length ? `; last log lines: ${lines.join(' | ')}` : ''}`;
    return { state: 'exited', code, reason: reason.slice(0, 1_000) };
  }

  #openToken(sealed: string | undefined): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.#options.openSecret(sealed);
    } catch (err) {
      this.#options.log.error({ err }, 'cannot open the repository access token');
      throw new WorkloadError('The repository access token cannot be decrypted.', 'ModelArts.6361', { phase: 'repository' });
    }
  }

  #layout(workload: Workload): InstanceLayout {
    const layout = this.#layoutOrNull(workload);
    if (!layout) throw new WorkloadError(`The instance id ${workload.instance.id} cannot name a directory.`, 'ModelArts.6361', { phase: 'storage' });
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
