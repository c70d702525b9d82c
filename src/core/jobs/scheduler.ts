/**
 * @module core/jobs/scheduler
 * The one loop for time-driven work: auto-stop deadlines, retention, and later queue reservations.
 * Each job says when its next piece of work is due; the scheduler sleeps on the injected clock
 * until the earliest, runs what is due, and asks again. It looks at the store only then, or when
 * an earlier due time is announced, never on a fixed tick. A job that fails (the store does) is
 * asked again after a backoff, not only when something new falls due.
 */
import { backoffDelay } from '../shared/backoff.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { CommittedChange } from '../changes/committed-changes.js';
import type { Instance } from '../model/instance.js';
import type { Logger } from '../shared/logger.js';
import { STEP_BACKOFF } from '../shared/retrying-tasks.js';

export interface ScheduledJob {
  readonly name: string;
  /**
   * Does what is due at `now`, or a batch of it: when more remains, {@link nextDue} says it is
   * due already and the scheduler comes straight back.
   */
  runDue(now: number): Promise<void>;
  /** The earliest time (epoch ms) something of this job falls due, or null. */
  nextDue(): Promise<number | null>;
  /** When this job will have work for `instance` as it now is, or null. */
  dueAt(instance: Instance): number | null;
}

/** How many due instances a job handles per run, so one run never holds thousands in memory. */
export const DUE_BATCH = 200;

/** The earliest of some due times, ignoring the nulls. */
export function earliestOf(times: Iterable<number | null>): number | null {
  let next: number | null = null;
  for (const t of times) if (t !== null && (next === null || t < next)) next = t;
  return next;
}

export interface SchedulerOptions {
  clock: Clock;
  log: Logger;
  jobs: readonly ScheduledJob[];
  /**
   * With several replicas, changes committed elsewhere are not noticed here: this often (real
   * time, ms) the jobs are asked again for their next due time — a few index probes. 0 never.
   */
  refreshMs?: number;
}

export class Scheduler {
  #due: number | null = null;
  #timer: AbortController | null = null;
  #running = false;

  #refresh: AbortController | null = null;
  /** Told, each time the timer fires, how late it fired after the due time (ms). */
  onLag: (ms: number) => void = () => undefined;
  #sweeping: Promise<void> = Promise.resolve();
  /** Sweeps in a row in which some job failed. */
  #failures = 0;

  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly jobs: readonly ScheduledJob[];
  private readonly refreshMs: number;

  constructor({ clock, log, jobs, refreshMs = 0 }: SchedulerOptions) {
    this.clock = clock;
    this.log = log;
    this.jobs = jobs;
    this.refreshMs = refreshMs;
  }

  /** Runs what is already due and arms the timer (when this replica gains the controller lease). */
  async start(): Promise<void> {
    this.#running = true;
    await this.#sweep();
    if (this.refreshMs > 0 && !this.#refresh) {
      this.#refresh = new AbortController();
      void this.#refreshEvery(this.refreshMs, this.#refresh.signal);
    }
  }

  async #refreshEvery(ms: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await systemClock.sleep(ms, signal).catch(() => undefined);
      if (!signal.aborted)
        await this.#sweep().catch((err: unknown) => this.log.error({ err }, 'scheduled work failed'));
    }
  }

  /**
   * A change committed in this process (see core/changes/committed-changes): arms for whatever of
   * the instance falls due before the armed time. A deleted instance falls due for nothing.
   */
  noticeChange(change: CommittedChange): void {
    if (change.kind !== 'changed') return;
    const instance = change.instance;
    this.notice(earliestOf(this.jobs.map((job) => job.dueAt(instance))));
  }

  /** Something new falls due at `at`; re-arms if that is earlier than the armed time. */
  notice(at: number | null): void {
    if (at === null || !this.#running) return;
    if (this.#due === null || at < this.#due) this.#arm(at);
  }

  /** Disarms; {@link start} arms again. */
  close(): void {
    this.#running = false;
    this.#refresh?.abort();
    this.#refresh = null;
    this.#timer?.abort();
    this.#timer = null;
    this.#due = null;
  }

  #arm(due: number): void {
    this.#timer?.abort();
    const timer = new AbortController();
    this.#timer = timer;
    this.#due = due;
    this.clock.sleep(Math.max(0, due - this.clock.now()), timer.signal).then(
      () => {
        this.onLag(Math.max(0, this.clock.now() - due));
        return this.#sweep().catch((err: unknown) => this.log.error({ err }, 'scheduled work failed'));
      },
      () => undefined,
    );
  }

  /** One sweep at a time, so a refresh and a due timer never run the same job side by side. */
  #sweep(): Promise<void> {
    this.#sweeping = this.#sweeping.catch(() => undefined).then(() => this.#sweepOnce());
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<void> {
    if (!this.#running) return;
    this.#due = null;
    const now = this.clock.now();
    let next: number | null = null;
    let failed = false;
    for (const job of this.jobs) {
      try {
        await job.runDue(now);
        const due = await job.nextDue();
        if (due !== null && (next === null || due < next)) next = due;
      } catch (err) {
        failed = true;
        this.log.error({ err, job: job.name }, 'scheduled job failed');
      }
    }
    this.#failures = failed ? this.#failures + 1 : 0;
    // A failed job's own due time is unknown: it is asked again, its work with it, after the backoff.
    const retry = failed ? this.clock.now() + backoffDelay(this.#failures, STEP_BACKOFF) : null;
    this.notice(earliestOf([next, retry]));
  }
}
