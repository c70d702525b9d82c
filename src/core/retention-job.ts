/**
 * @module core/retention-job
 * Deletes instances that have rested without running for longer than their flavor's `store_time`
 * (hours; -1 keeps them forever), as ModelArts does with inactive instances.
 */
import type { Catalog } from './catalog.js';
import type { Instance } from './instance.js';
import { instanceEvent } from './instance-events.js';
import type { ReconcileTrigger } from './reconcile-trigger.js';
import type { Logger } from './logger.js';
import type { ScheduledJob } from './scheduler.js';
import { IDLE_STATUSES } from './statuses.js';
import type { Store } from './store.js';

const HOUR_MS = 3_600_000;

export class RetentionJob implements ScheduledJob {
  readonly name = 'retention';

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly trigger: ReconcileTrigger,
    private readonly log: Logger,
    private readonly replica: string,
  ) {}

  /** When the instance falls due for deletion, or null when its flavor keeps it forever. */
  dueAt(instance: Instance): number | null {
    const storeTime = this.catalog.flavor(instance.flavor)?.store_time ?? -1;
    if (storeTime < 0) return null;
    return (instance.idleSince ?? instance.updatedAt) + storeTime * HOUR_MS;
  }

  async #idle(): Promise<Instance[]> {
    return this.store.instances.listByStatus([...IDLE_STATUSES]);
  }

  async runDue(now: number): Promise<void> {
    for (const instance of await this.#idle()) {
      const due = this.dueAt(instance);
      if (due !== null && due <= now) await this.#delete(instance, now);
    }
  }

  async nextDue(): Promise<number | null> {
    let next: number | null = null;
    for (const instance of await this.#idle()) {
      const due = this.dueAt(instance);
      if (due !== null && (next === null || due < next)) next = due;
    }
    return next;
  }

  async #delete(instance: Instance, now: number): Promise<void> {
    const storeTime = this.catalog.flavor(instance.flavor)?.store_time;
    const reason = `retention: unused for ${storeTime} h (flavor ${instance.flavor})`;
    const event = instanceEvent(instance, { kind: 'retention', from: instance.status, to: 'DELETING', by: 'system', at: now, replica: this.replica, detail: { reason } });
    const written = await this.store.instances.update(
      { ...instance, status: 'DELETING', intent: { kind: 'retention', at: now, by: 'system' }, updatedAt: now },
      event,
    );
    if (written) {
      this.log.info({ instance: instance.id, reason }, 'retention deletes an unused instance');
      this.trigger.wake(instance.id);
    }
  }
}
