/**
 * @module core/scheduler
 * The one loop for time-driven work: auto-stop deadlines, retention, and later queue reservations.
 * Each job says when its next piece of work is due; the scheduler sleeps on the injected clock
 * until the earliest, runs what is due, and asks again. It looks at the store only then, or when
 * an earlier due time is announced, never on a fixed tick.
 */
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

export interface ScheduledJob {
  readonly name: string;
  /** Does everything due at `now`. */
  runDue(now: number): Promise<void>;
  /** The earliest time (epoch ms) something of this job falls due, or null. */
  nextDue(): Promise<number | null>;
}

export class Scheduler {
  #due: number | null = null;
  #timer: AbortController | null = null;
  #running = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly jobs: readonly ScheduledJob[],
  ) {}

  /** Runs what is already due and arms the timer (when this replica gains the controller lease). */
  async start(): Promise<void> {
    this.#running = true;
    await this.#sweep();
  }

  /** Something new falls due at `at`; re-arms if that is earlier than the armed time. */
  notice(at: number | null): void {
    if (at === null || !this.#running) return;
    if (this.#due === null || at < this.#due) this.#arm(at);
  }

  /** Disarms; {@link start} arms again. */
  close(): void {
    this.#running = false;
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
      () => this.#sweep().catch((err: unknown) => this.log.error({ err }, 'scheduled work failed')),
      () => undefined,
    );
  }

  async #sweep(): Promise<void> {
    if (!this.#running) return;
    this.#due = null;
    const now = this.clock.now();
    let next: number | null = null;
    for (const job of this.jobs) {
      try {
        await job.runDue(now);
        const due = await job.nextDue();
        if (due !== null && (next === null || due < next)) next = due;
      } catch (err) {
        this.log.error({ err, job: job.name }, 'scheduled job failed');
      }
    }
    this.notice(next);
  }
}
