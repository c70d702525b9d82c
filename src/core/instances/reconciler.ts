/**
 * @module core/instances/reconciler
 * Drives every instance in a transitional status to where its intent leads, through the runtime
 * driver, and records the outcome. Level-triggered: it works from what the store says, so it can
 * be woken any number of times, and on start it resumes whatever a previous process left
 * half-done. One task per instance at a time; a wake during a task makes it run once more, and a
 * task the store failed (a full disk, a dropped connection) is retried with backoff until it goes
 * through, since nothing else may ever wake it.
 * It runs only while started: with several replicas, on the one holding the controller lease,
 * which finds work recorded by the others with a periodic scan of the transitional statuses.
 * The same holder has the driver collect orphans, what it runs or keeps for instances the store no
 * longer holds, on taking the lead and then now and again.
 */
import type { Logger } from '../shared/logger.js';
import type { Catalog } from '../model/catalog.js';
import { systemClock, type Clock } from '../shared/clock.js';
import {
  QUIT_REASON,
  STOP_REASON_ANNOTATION,
  type FailedReasons,
  type Instance,
  type RuntimeState,
} from '../model/instance.js';
import { bucketOf, bucketRefusal } from '../model/obs-buckets.js';
import { WorkloadError, type RuntimeDriver, type Workload } from '../ports/runtime.js';
import { IDLE_STATUSES, TRANSITIONAL_STATUSES, type InstanceStatus } from '../model/statuses.js';
import { withoutOverWarnings } from '../budgets/budget-warnings.js';
import { failureDetail, instanceEvent } from './events.js';
import { collectOrphans } from './orphan-collection.js';
import { forEachRunningBatch } from './running-batches.js';
import { RetryingTasks, STEP_BACKOFF } from '../shared/retrying-tasks.js';
import type { InstanceEvent, Store } from '../ports/store.js';
import type { WriterOptions } from './writer-options.js';

export interface ReconcilerOptions extends WriterOptions {
  driver: RuntimeDriver;
  catalog: Catalog;
  /** How often to look for transitions recorded by other replicas; 0 when this is the only one. */
  scanIntervalMs: number;
  /** How long a start may take before it fails. */
  startTimeoutMs: number;
  /** How often RUNNING workloads are polled for liveness; 0 disables polling. */
  pollIntervalMs: number;
  /**
   * How often the driver's orphans are collected (drivers with `collectOrphans`), the first time on
   * `start`, so on taking the lead. 0 or absent: never.
   */
  orphanIntervalMs?: number;
}

/** `event` names the history entry when it is not a plain transition (nor a fault's intent). */
type Outcome = { status: InstanceStatus; patch?: Partial<Instance>; event?: string } | { deleted: true };

/** The failure of a start that found no room on the runtime (a cluster with no node free for the flavor). */
const INSUFFICIENT_RESOURCES = 'ModelArts.6360';

export class Reconciler {
  readonly #tasks: RetryingTasks;
  /** Exits reported by the driver that are being recorded. */
  readonly #exits = new Set<Promise<void>>();
  #abort: AbortController | null = null;
  #loops: Promise<void>[] = [];

  private readonly store: Store;
  private readonly driver: RuntimeDriver;
  private readonly catalog: Catalog;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly options: ReconcilerOptions) {
    ({ store: this.store, driver: this.driver, catalog: this.catalog, clock: this.clock, log: this.log } = options);
    this.driver.watchExits?.((id, exit) => this.#reported(id, exit));
    this.#tasks = new RetryingTasks(this.clock, this.log, {
      backoff: STEP_BACKOFF,
      failure: 'reconcile failed; retrying',
    });
  }

  get #signal(): AbortSignal {
    return this.#abort?.signal ?? STOPPED;
  }

  /** Resumes every unfinished transition and checks every workload believed to be running. */
  async start(): Promise<void> {
    if (this.#abort) return;
    this.#abort = new AbortController();
    // Kept trying until they go through: taking the lead while the store fails must not leave
    // the transitions recorded before unresumed, nor the exits while nobody watched unrecorded.
    await this.#tasks.run(RESUME, () => this.#resume(), this.#signal);
    await this.#tasks.run(POLL_EVERY_RUNNING, () => this.#pollEveryRunning(), this.#signal);
    this.#loops = [
      this.#every(this.clock, this.options.pollIntervalMs, () => this.pollRunning(), 'liveness poll failed'),
      // Finding other replicas' work is plumbing, not domain time: it runs on the real clock.
      this.#every(
        systemClock,
        this.options.scanIntervalMs,
        () => this.#resume(),
        'scan for pending transitions failed',
      ),
      this.#collecting(),
    ];
  }

  /** One round of orphan collection (see core/instances/orphan-collection). */
  collectOrphans(): Promise<number> {
    return collectOrphans(this.driver, this.store, this.log);
  }

  async #collecting(): Promise<void> {
    const intervalMs = this.options.orphanIntervalMs ?? 0;
    if (!this.driver.collectOrphans || !(intervalMs > 0)) return;
    await this.collectOrphans().catch((err: unknown) => {
      if (!this.#signal.aborted) this.log.error({ err }, 'orphan collection failed');
    });
    await this.#every(
      this.clock,
      intervalMs,
      () => this.collectOrphans().then(() => undefined),
      'orphan collection failed',
    );
  }

  /** Stops taking work and waits for the tasks in flight to end (they stop at their next step). */
  async stop(): Promise<void> {
    this.#abort?.abort(new Error('reconciler stopped'));
    await Promise.allSettled([this.#tasks.idle(), ...this.#loops]);
    this.#abort = null;
    this.#loops = [];
  }

  close(): Promise<void> {
    return this.stop();
  }

  async #resume(): Promise<void> {
    const pending = await this.store.instances.listByStatus([...TRANSITIONAL_STATUSES]);
    for (const instance of pending) this.wake(instance.id);
  }

  wake(id: string): void {
    void this.#tasks.run(id, () => this.#run(id), this.#signal);
  }

  /** Resolves when no task is running or waiting to retry (tests and graceful shutdown). */
  idle(): Promise<void> {
    return this.#tasks.idle();
  }

  /**
   * Marks RUNNING instances whose workload is gone as UNAVAILABLE, and stops idle ones. With a
   * driver that reports exits itself, only instances of flavors with an idle stop are looked at
   * (after the exits already reported are recorded), so the poll's cost does not grow with
   * every notebook running.
   */
  async pollRunning(): Promise<void> {
    await Promise.allSettled(this.#exits);
    await this.#pollEach(await this.#polled());
  }

  /**
   * Exits while nobody watched (this service was down) were reported to no one: every workload
   * believed running is looked at once, even with a driver that reports exits from then on.
   */
  async #pollEveryRunning(): Promise<void> {
    const began = performance.now();
    const running = await forEachRunningBatch(this.store, this.#signal, (batch) => this.#pollEach(batch));
    // At 100,000 running instances this takes a second or two: an operator sees when it is over.
    this.log.info({ running, ms: Math.round(performance.now() - began) }, 'looked at every running workload');
  }

  async #pollEach(instances: readonly Instance[]): Promise<void> {
    await Promise.all(instances.map((instance) => this.#pollOne(instance)));
  }

  async #polled(): Promise<Instance[]> {
    if (!this.driver.watchExits) return this.store.instances.listByStatus(['RUNNING']);
    const polled: Instance[] = [];
    for (const flavor of this.catalog.data.flavors) {
      if (flavor.idle_stop_seconds > 0)
        polled.push(...(await this.store.instances.listByStatus(['RUNNING'], flavor.name)));
    }
    return polled;
  }

  async #pollOne(instance: Instance): Promise<void> {
    const workload = this.#workload(instance);
    if (!workload) return;
    const health = await this.driver
      .poll(workload)
      .catch((err: unknown) => ({ state: 'unknown' as const, reason: String(err) }));
    if (health.state === 'running') {
      for (const notice of health.notices ?? []) this.#note(instance, notice.kind, notice.message);
      return this.#stopIfIdle(workload);
    }
    if (health.state === 'exited') await this.#exited(instance, health);
  }

  /** An exit the driver reported: recorded only if the instance still runs the workload that exited. */
  #reported(instanceId: string, exit: { code: number | null; reason: string }): void {
    if (this.#signal.aborted) return;
    const recorded = (async () => {
      const instance = await this.store.instances.getById(instanceId);
      if (instance?.status === 'RUNNING') await this.#exited(instance, exit);
    })()
      .catch((err: unknown) => this.log.error({ err, instance: instanceId }, 'recording an exit failed'))
      .finally(() => this.#exits.delete(recorded));
    this.#exits.add(recorded);
  }

  async #exited(instance: Instance, exit: { code: number | null; reason: string; quit?: boolean }): Promise<void> {
    if (exit.quit) return this.#quit(instance);
    this.log.warn({ instance: instance.id, reason: exit.reason }, 'workload exited on its own');
    await this.#commit(instance, 'RUNNING', {
      status: 'UNAVAILABLE',
      patch: {
        runtime: null,
        stopAt: null,
        intent: { kind: 'fault', at: this.clock.now(), by: 'system' },
        ...failure('ModelArts.6361', `The notebook stopped unexpectedly: ${exit.reason}`, {
          exit_code: String(exit.code ?? ''),
        }),
      },
    });
  }

  /**
   * The user quit the notebook from inside (Jupyter's Quit): stopped as if asked here, through
   * STOPPING so the driver clears what the server left, with the reason in the stop annotation.
   */
  async #quit(instance: Instance): Promise<void> {
    const spec = {
      ...instance.spec,
      annotations: { ...instance.spec.annotations, [STOP_REASON_ANNOTATION]: QUIT_REASON },
    };
    this.log.info({ instance: instance.id }, 'the notebook was quit from inside');
    if (
      await this.#commit(instance, 'RUNNING', {
        status: 'STOPPING',
        patch: { spec, intent: { kind: 'notebook-quit', at: this.clock.now(), by: 'system' } },
      })
    ) {
      this.wake(instance.id);
    }
  }

  /** Idle stop: a flavor with `idle_stop_seconds` stops notebooks nobody has used for that long. */
  async #stopIfIdle(workload: Workload): Promise<void> {
    const { instance, flavor } = workload;
    if (!(flavor.idle_stop_seconds > 0) || !this.driver.activity) return;
    const last = await this.driver.activity(workload).catch(() => undefined);
    const now = this.clock.now();
    if (last === undefined || now - last < flavor.idle_stop_seconds * 1000) return;
    const reason = `idle-stop: no activity since ${new Date(last).toISOString()} (limit ${flavor.idle_stop_seconds} s)`;
    const spec = { ...instance.spec, annotations: { ...instance.spec.annotations, [STOP_REASON_ANNOTATION]: reason } };
    this.log.info({ instance: instance.id, reason }, 'stopping an idle notebook');
    if (
      await this.#commit(instance, 'RUNNING', {
        status: 'STOPPING',
        patch: { spec, intent: { kind: 'idle-stop', at: now, by: 'system' } },
      })
    ) {
      this.wake(instance.id);
    }
  }

  async #every(clock: Clock, intervalMs: number, work: () => Promise<void>, failure: string): Promise<void> {
    const signal = this.#signal;
    while (intervalMs > 0 && !signal.aborted) {
      try {
        await clock.sleep(intervalMs, signal);
        await work();
      } catch (err) {
        if (!signal.aborted) this.log.error({ err }, failure);
      }
    }
  }

  /** Each step moves the instance one status on; loops until it rests. A failure is retried (see constructor). */
  async #run(id: string): Promise<void> {
    for (;;) {
      if (this.#signal.aborted) return;
      const instance = await this.store.instances.getById(id);
      if (!instance || !TRANSITIONAL_STATUSES.has(instance.status)) return;
      const outcome = await this.#step(instance);
      const written = await this.#commit(instance, instance.status, outcome);
      if (!written) return;
    }
  }

  async #step(instance: Instance): Promise<Outcome> {
    const workload = this.#workload(instance);
    if (!workload) {
      const reasons = failure(
        'ModelArts.6361',
        `Profile ${instance.profileId} or flavor ${instance.flavor} is no longer configured.`,
      );
      if (instance.status === 'DELETING') return { deleted: true };
      return { status: instance.intent.kind === 'create' ? 'CREATE_FAILED' : 'START_FAILED', patch: reasons };
    }
    const failedStatus: InstanceStatus = instance.intent.kind === 'create' ? 'CREATE_FAILED' : 'START_FAILED';
    // Read before the step, so a store that fails it is retried rather than failing the start.
    const refused =
      instance.status === 'STARTING' || instance.status === 'RESTARTING' ? await this.#bucketRefused(instance) : null;
    try {
      switch (instance.status) {
        case 'CREATING':
          await this.driver.prepare(workload, this.#signal);
          return { status: 'STARTING', patch: { prepared: true } };
        case 'STARTING':
          if (refused) throw refused;
          return this.#running(await this.#start(workload));
        case 'RESTARTING':
          await this.driver.stop(workload);
          if (refused) throw refused;
          return this.#running(await this.#start(workload));
        case 'STOPPING':
          await this.driver.stop(workload);
          return { status: 'STOPPED', patch: { runtime: null, stopAt: null } };
        case 'RESIZING':
          return { status: 'STOPPED' };
        case 'DELETING':
          await this.driver.stop(workload);
          await this.driver.remove(workload);
          return { deleted: true };
        default:
          throw new Error(`no step for ${instance.status}`);
      }
    } catch (err) {
      if (this.#signal.aborted) throw err;
      if (!(err instanceof WorkloadError)) this.log.error({ err, instance: instance.id }, 'runtime driver failed');
      // A start that failed may have left a process behind.
      await this.driver.stop(workload).catch(() => undefined);
      const reasons =
        err instanceof WorkloadError
          ? failure(err.code, err.message, err.detail)
          : failure('ModelArts.6361', 'Internal service or configuration error.');
      if (instance.status === 'STOPPING' || instance.status === 'DELETING') {
        // Stopping cannot be refused: the workload is gone or unreachable either way.
        return instance.status === 'DELETING'
          ? { deleted: true }
          : { status: 'STOPPED', patch: { runtime: null, stopAt: null } };
      }
      if (
        err instanceof WorkloadError &&
        err.code === INSUFFICIENT_RESOURCES &&
        workload.flavor.queues &&
        instance.status !== 'CREATING'
      ) {
        // A flavor that queues waits for room rather than failing: back to the end of its line, the reason kept.
        const status: InstanceStatus = instance.intent.kind === 'create' ? 'CREATE_QUEUING' : 'START_QUEUING';
        const now = this.clock.now();
        return {
          status,
          event: 'requeue',
          patch: { runtime: null, stopAt: null, queuedAt: now, reservedAt: null, ...reasons },
        };
      }
      return { status: failedStatus, patch: { runtime: null, stopAt: null, ...reasons } };
    }
  }

  /**
   * Why the instance may not start in its obs bucket, or null when it may: the create claimed the
   * bucket, but an instance made before buckets had owners, or whose bucket a system admin has
   * since given to another project, must not reach that project's files. A bucket nobody holds
   * (released meanwhile) is claimed again for the instance's project.
   */
  async #bucketRefused(instance: Instance): Promise<WorkloadError | null> {
    const bucket = bucketOf(instance.spec.storage);
    if (bucket === null) return null;
    const holder = await this.store.buckets.claim(bucket, instance.projectId, this.clock.now());
    if (holder === instance.projectId) return null;
    return new WorkloadError(bucketRefusal(bucket).message, 'ModelArts.0109', { phase: 'storage', bucket });
  }

  async #start(workload: Workload): Promise<RuntimeState> {
    const controller = new AbortController();
    const outer = this.#signal;
    const abortAll = () => controller.abort(outer.reason);
    outer.addEventListener('abort', abortAll, { once: true });
    const timeout = this.clock
      .sleep(this.options.startTimeoutMs, controller.signal)
      .then(() =>
        controller.abort(
          new WorkloadError(
            `The notebook did not start within ${this.options.startTimeoutMs / 1000} s.`,
            'ModelArts.6361',
          ),
        ),
      );
    try {
      return await Promise.race([
        this.driver.start(workload, controller.signal),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
        ),
      ]);
    } finally {
      if (!controller.signal.aborted) controller.abort(new Error('start finished'));
      await timeout.catch(() => undefined);
      outer.removeEventListener('abort', abortAll);
    }
  }

  #running(runtime: RuntimeState): Outcome {
    return { status: 'RUNNING', patch: { runtime, failedReasons: null, errorCode: null } };
  }

  #workload(instance: Instance): Workload | undefined {
    const profile = this.catalog.profile(instance.profileId);
    const flavor = this.catalog.flavor(instance.flavor);
    return profile && flavor
      ? { instance, profile, flavor, progress: (message) => this.#note(instance, 'progress', message) }
      : undefined;
  }

  /** Progress and notices go to the instance's history; losing one must never fail the step. */
  #note(instance: Instance, kind: string, message: string): void {
    const event = instanceEvent(instance, {
      kind,
      from: instance.status,
      to: instance.status,
      by: 'system',
      at: this.clock.now(),
      replica: this.options.replica,
      detail: { message },
    });
    this.store.instances
      .appendEvent(event)
      .catch((err: unknown) => this.log.warn({ err, instance: instance.id, kind }, 'history entry not recorded'));
  }

  /**
   * Applies an outcome if the instance is still in `from`; re-reads on a lost compare-and-set so a
   * concurrent description change does not undo the transition. Returns false when it rests.
   */
  async #commit(seen: Instance, from: InstanceStatus, outcome: Outcome): Promise<boolean> {
    let current: Instance | undefined = seen;
    while (current && current.status === from) {
      const now = this.clock.now();
      if ('deleted' in outcome) {
        const event = this.#event(current, 'transition', null, now);
        if (await this.store.instances.delete(current.id, current.version, event)) return false;
      } else {
        const next: Instance = { ...current, ...outcome.patch, status: outcome.status, updatedAt: now };
        if (outcome.status === 'RUNNING') {
          next.stopAt = next.spec.auto_stop.enable ? now + next.spec.auto_stop.duration * 1000 : null;
          next.idleSince = null;
          // The stop reason is the last run's; a budget's banner lasts as long as its period.
          const { [STOP_REASON_ANNOTATION]: _cleared, ...annotations } = next.spec.annotations;
          next.spec = { ...next.spec, annotations: { ...withoutOverWarnings(annotations, now, true) } };
        } else if (IDLE_STATUSES.has(outcome.status) && !IDLE_STATUSES.has(current.status)) {
          next.idleSince = now;
        }
        // A fault carries its own intent; every other commit is the reconciler finishing a step.
        const kind = outcome.event ?? outcome.patch?.intent?.kind ?? 'transition';
        const written = await this.store.instances.update(next, this.#event(current, kind, next, now));
        if (written) return TRANSITIONAL_STATUSES.has(written.status);
      }
      current = await this.store.instances.getById(seen.id);
    }
    return false;
  }

  #event(current: Instance, kind: string, next: Instance | null, at: number): InstanceEvent {
    return instanceEvent(current, {
      kind,
      from: current.status,
      to: next?.status ?? null,
      by: 'system',
      at,
      replica: this.options.replica,
      detail: next ? failureDetail(next) : null,
    });
  }
}

const STOPPED = AbortSignal.abort(new Error('reconciler not started'));
/** Task keys of the start's own steps; instance ids are UUIDs, so never these. */
const RESUME = 'resume';
const POLL_EVERY_RUNNING = 'poll every running';

function failure(
  code: string,
  message: string,
  detail: Record<string, string> = {},
): Pick<Instance, 'failedReasons' | 'errorCode'> {
  const reasons: FailedReasons = { code, message, detail: Object.keys(detail).length ? detail : null };
  return { failedReasons: reasons, errorCode: code };
}
