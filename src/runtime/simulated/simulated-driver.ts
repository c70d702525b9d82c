/**
 * @module runtime/simulated/simulated-driver
 * A driver that runs nothing: each phase takes a configured delay of the injected clock, and
 * failures are injected by instance-name pattern (config) or per instance (tests). It serves API
 * emulation and control-plane tests. A simulated workload lives in its stored runtime state, so a
 * restarted service re-adopts it, as the real drivers re-adopt processes and Pods. What this
 * driver itself started, stopped or saw crash it remembers, so that a stale state, one of a run
 * since stopped or replaced, polls as gone, as it would on the real drivers.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/shared/clock.js';
import type { RuntimeState } from '../../core/model/instance.js';
import {
  WorkloadError,
  type ExitListener,
  type Health,
  type RuntimeDriver,
  type Workload,
} from '../../core/ports/runtime.js';

const CRASHED = 'the simulated workload crashed';
const STOPPED = 'the simulated workload was stopped';

/** A run this driver started, or why the instance's last run ended. */
type Run = { state: RuntimeState } | { ended: string };

export type SimulatedPhase = 'prepare' | 'start' | 'stop' | 'remove';

export interface SimulatedDriverOptions {
  delays: Record<SimulatedPhase, number>;
  /** Regular expressions on the instance name that make a phase fail. */
  failOn: Partial<Record<'prepare' | 'start', string>>;
}

export class SimulatedDriver implements RuntimeDriver {
  readonly name = 'simulated';
  /** Per instance; none for an instance this driver has not touched (re-adopted from its state). */
  readonly #runs = new Map<string, Run>();
  readonly #injected = new Map<string, Map<'prepare' | 'start', WorkloadError>>();
  readonly #failOn: Partial<Record<'prepare' | 'start', RegExp>>;
  #onExit: ExitListener | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: SimulatedDriverOptions,
  ) {
    this.#failOn = Object.fromEntries(
      Object.entries(options.failOn).map(([phase, pattern]) => [phase, new RegExp(pattern)]),
    );
  }

  /** Makes the next `phase` of the instance fail with `error` (once). */
  inject(instanceId: string, phase: 'prepare' | 'start', error: WorkloadError): void {
    const phases = this.#injected.get(instanceId) ?? new Map();
    phases.set(phase, error);
    this.#injected.set(instanceId, phases);
  }

  /** Makes a running workload exit, as if its process had crashed, and reports it. */
  crash(instanceId: string): void {
    this.#runs.set(instanceId, { ended: CRASHED });
    this.#onExit?.(instanceId, { code: null, reason: CRASHED });
  }

  watchExits(listener: ExitListener): void {
    this.#onExit = listener;
  }

  async prepare(workload: Workload, signal: AbortSignal): Promise<void> {
    await this.clock.sleep(this.options.delays.prepare, signal);
    this.#maybeFail(workload, 'prepare');
  }

  async start(workload: Workload, signal: AbortSignal): Promise<RuntimeState> {
    await this.clock.sleep(this.options.delays.start, signal);
    this.#maybeFail(workload, 'start');
    // A repeated start (its result never recorded) gets the run already going, not a second one.
    const run = this.#runs.get(workload.instance.id);
    if (run && 'state' in run) return run.state;
    const state = {
      endpoint: null,
      data: { simulated: true, runId: randomBytes(8).toString('hex'), startedAt: this.clock.now() },
    };
    this.#runs.set(workload.instance.id, { state });
    return state;
  }

  async stop(workload: Workload): Promise<void> {
    const run = this.#runs.get(workload.instance.id);
    if (!workload.instance.runtime && !(run && 'state' in run)) return;
    await this.clock.sleep(this.options.delays.stop);
    this.#runs.set(workload.instance.id, { ended: STOPPED });
  }

  async poll(workload: Workload): Promise<Health> {
    const data = workload.instance.runtime?.data;
    if (data?.simulated !== true)
      return { state: 'exited', code: null, reason: 'no simulated workload is recorded for this instance' };
    const run = this.#runs.get(workload.instance.id);
    if (run === undefined) return { state: 'running' };
    if ('ended' in run) return { state: 'exited', code: null, reason: run.ended };
    return run.state.data.runId === data.runId
      ? { state: 'running' }
      : { state: 'exited', code: null, reason: 'a later run replaced this one' };
  }

  /** Nobody uses a simulated notebook: its last activity is when it started. */
  async activity(workload: Workload): Promise<number | undefined> {
    const startedAt = workload.instance.runtime?.data.startedAt;
    return typeof startedAt === 'number' ? startedAt : undefined;
  }

  async remove(workload: Workload): Promise<void> {
    await this.clock.sleep(this.options.delays.remove);
    // Forgotten, not marked: nobody polls a removed instance, and memory stays bounded by the live ones.
    this.#runs.delete(workload.instance.id);
    this.#injected.delete(workload.instance.id);
  }

  #maybeFail(workload: Workload, phase: 'prepare' | 'start'): void {
    const injected = this.#injected.get(workload.instance.id)?.get(phase);
    if (injected) {
      this.#injected.get(workload.instance.id)!.delete(phase);
      throw injected;
    }
    if (this.#failOn[phase]?.test(workload.instance.name)) {
      throw phase === 'start'
        ? new WorkloadError('Failed to start the notebook due to insufficient resources.', 'ModelArts.6360', { phase })
        : new WorkloadError('Failed to prepare the instance storage.', 'ModelArts.6361', { phase });
    }
  }
}
