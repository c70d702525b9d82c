/**
 * @module core/auto-stopper
 * Stops RUNNING instances at their auto-stop deadline (`stopAt`). It keeps only the next deadline
 * and sleeps on the injected clock until then; it looks at the store again only when that
 * deadline passes or an earlier one is announced, never on a fixed tick.
 */
import type { Clock } from './clock.js';
import type { Instance } from './instance.js';
import { instanceEvent } from './instance-events.js';
import type { ReconcileTrigger } from './lifecycle-service.js';
import type { Logger } from './logger.js';
import type { Store } from './store.js';

export class AutoStopper {
  #due: number | null = null;
  #timer: AbortController | null = null;
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly trigger: ReconcileTrigger,
    private readonly log: Logger,
    private readonly replica: string,
  ) {}

  /** Stops whatever is already due and arms the timer for the next deadline. */
  async start(): Promise<void> {
    this.#closed = false;
    await this.#sweep();
  }

  /** Called whenever an instance (re)starts with a deadline; re-arms if it is the earliest. */
  notice(stopAt: number | null): void {
    if (stopAt === null || this.#closed) return;
    if (this.#due === null || stopAt < this.#due) this.#arm(stopAt);
  }

  /** Disarms; {@link start} arms again (when this replica regains the controller lease). */
  close(): void {
    this.#closed = true;
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
      () => this.#sweep().catch((err: unknown) => this.log.error({ err }, 'auto-stop sweep failed')),
      () => undefined,
    );
  }

  async #sweep(): Promise<void> {
    if (this.#closed) return;
    this.#due = null;
    const now = this.clock.now();
    let next: number | null = null;
    for (const instance of await this.store.instances.listByStatus(['RUNNING'])) {
      if (instance.stopAt === null) continue;
      if (instance.stopAt <= now) await this.#stop(instance);
      else if (next === null || instance.stopAt < next) next = instance.stopAt;
    }
    if (next !== null) this.notice(next);
  }

  async #stop(instance: Instance): Promise<void> {
    const now = this.clock.now();
    const event = instanceEvent(instance, { kind: 'auto-stop', from: 'RUNNING', to: 'STOPPING', by: 'system', at: now, replica: this.replica });
    const written = await this.store.instances.update(
      { ...instance, status: 'STOPPING', intent: { kind: 'auto-stop', at: now, by: 'system' }, updatedAt: now },
      event,
    );
    // A lost compare-and-set means a user acted first; the next sweep sees the new state.
    if (written) {
      this.log.info({ instance: instance.id }, 'auto-stop deadline reached');
      this.trigger.wake(instance.id);
    }
  }
}
