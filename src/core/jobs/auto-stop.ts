/**
 * @module core/jobs/auto-stop
 * Stops RUNNING instances at their auto-stop deadline (`stopAt`), recording why in the instance's
 * annotations and history.
 */
import type { Clock } from '../shared/clock.js';
import { STOP_REASON_ANNOTATION, type Instance } from '../model/instance.js';
import { instanceEvent } from '../instances/events.js';
import type { ReconcileTrigger } from '../instances/reconcile-trigger.js';
import type { Logger } from '../shared/logger.js';
import { DUE_BATCH, type ScheduledJob } from './scheduler.js';
import type { Store } from '../ports/store.js';
import type { WriterOptions } from '../instances/writer-options.js';

export interface AutoStopJobOptions extends WriterOptions {
  /** Woken for each instance it stops. */
  trigger: ReconcileTrigger;
}

export class AutoStopJob implements ScheduledJob {
  readonly name = 'auto-stop';
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly trigger: ReconcileTrigger;
  private readonly log: Logger;
  private readonly replica: string;

  constructor(options: AutoStopJobOptions) {
    ({ store: this.store, clock: this.clock, trigger: this.trigger, log: this.log, replica: this.replica } = options);
  }

  dueAt(instance: Instance): number | null {
    return instance.status === 'RUNNING' ? instance.stopAt : null;
  }

  async runDue(now: number): Promise<void> {
    for (const instance of await this.store.instances.listDue({
      field: 'stopAt',
      status: 'RUNNING',
      until: now,
      limit: DUE_BATCH,
    })) {
      await this.#stop(instance, now);
    }
  }

  nextDue(): Promise<number | null> {
    return this.store.instances.earliest({ field: 'stopAt', status: 'RUNNING' });
  }

  async #stop(instance: Instance, now: number): Promise<void> {
    const reason = `auto-stop: the running time of ${instance.spec.auto_stop.duration} s ended at ${new Date(instance.stopAt!).toISOString()}`;
    const event = instanceEvent(instance, {
      kind: 'auto-stop',
      from: 'RUNNING',
      to: 'STOPPING',
      by: 'system',
      at: now,
      replica: this.replica,
      detail: { reason },
    });
    const written = await this.store.instances.update(
      {
        ...instance,
        status: 'STOPPING',
        spec: { ...instance.spec, annotations: { ...instance.spec.annotations, [STOP_REASON_ANNOTATION]: reason } },
        intent: { kind: 'auto-stop', at: now, by: 'system' },
        updatedAt: this.clock.now(),
      },
      event,
    );
    // A lost compare-and-set means a user acted first; the next sweep sees the new state.
    if (written) {
      this.log.info({ instance: instance.id }, 'auto-stop deadline reached');
      this.trigger.wake(instance.id);
    }
  }
}
