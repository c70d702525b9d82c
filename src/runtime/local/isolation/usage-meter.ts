/**
 * @module runtime/local/isolation/usage-meter
 * What a notebook uses now, read from its control group: memory from one counter (`memory.current`
 * on v2, `memory.usage_in_bytes` on v1), CPU from two readings of the group's CPU time
 * (`cpu.stat` usage_usec, `cpuacct.usage`) — since the previous reading when that is recent, else
 * over a short sample — divided by the time between them: cores in use. Nothing is guessed: a
 * group that is gone (not running) measures as null.
 */
import type { WorkloadUsage } from '../../../core/ports/runtime.js';
import type { ControlGroup, Limits } from './control-groups.js';

interface Reading {
  /** performance.now(): a monotonic clock, so a changed wall clock never makes a rate. */
  at: number;
  cpuUs: number;
}

export class UsageMeter {
  readonly #last = new Map<string, Reading>();

  constructor(
    /** The shortest window a CPU rate is taken over: shorter ones are mostly noise. */
    readonly sampleMs = 250,
    /** An earlier reading older than this is not used: the rate would flatten a recent change. */
    readonly freshMs = 30_000,
  ) {}

  async measure(group: ControlGroup, limits: Pick<Limits, 'cpus' | 'memoryBytes'>): Promise<WorkloadUsage | null> {
    const id = group.instanceId;
    if (!(await group.exists())) {
      this.#last.delete(id);
      return null;
    }
    let previous = this.#last.get(id);
    if (!previous || performance.now() - previous.at > this.freshMs) previous = await this.#read(group);
    // A timer may fire a little before performance.now() says it is due (the loop's clock is read
    // less often), so wait again until the window really is the sample's length.
    const since = previous.at;
    for (let wait = this.sampleMs - (performance.now() - since); wait > 0; ) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      wait = this.sampleMs - (performance.now() - since);
    }
    const current = await this.#read(group);
    this.#last.set(id, current);
    const memory = await group.memoryCurrent();
    if (!(await group.exists())) {
      this.#last.delete(id);
      return null;
    }
    // A group made again (a restart) counts from zero: no negative rate.
    const cores = Math.max(0, current.cpuUs - previous.cpuUs) / ((current.at - previous.at) * 1000);
    return {
      cpuCores: Math.round(cores * 1000) / 1000,
      cpuLimitCores: limits.cpus,
      memoryBytes: memory,
      memoryLimitBytes: limits.memoryBytes,
    };
  }

  async #read(group: ControlGroup): Promise<Reading> {
    const { cpuUsageUs } = await group.usage();
    return { at: performance.now(), cpuUs: cpuUsageUs };
  }
}
