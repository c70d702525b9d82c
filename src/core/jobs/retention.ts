/**
 * @module core/jobs/retention
 * Deletes instances that have rested without running for longer than their flavor's `store_time`
 * (hours; -1 keeps them forever), as ModelArts does with inactive instances.
 */
import type { Catalog, Flavor } from '../model/catalog.js';
import { restingSince, type Instance } from '../model/instance.js';
import { instanceEvent } from '../instances/events.js';
import type { ReconcileTrigger } from '../instances/reconcile-trigger.js';
import type { Logger } from '../shared/logger.js';
import { DUE_BATCH, earliestOf, type ScheduledJob } from './scheduler.js';
import { IDLE_STATUSES } from '../model/statuses.js';
import type { Store } from '../ports/store.js';
import type { WriterOptions } from '../instances/writer-options.js';

const HOUR_MS = 3_600_000;

export interface RetentionJobOptions extends Omit<WriterOptions, 'clock'> {
  catalog: Catalog;
  /** Woken for each instance it deletes. */
  trigger: ReconcileTrigger;
}

export class RetentionJob implements ScheduledJob {
  readonly name = 'retention';
  private readonly store: Store;
  private readonly catalog: Catalog;
  private readonly trigger: ReconcileTrigger;
  private readonly log: Logger;
  private readonly replica: string;

  constructor(options: RetentionJobOptions) {
    ({
      store: this.store,
      catalog: this.catalog,
      trigger: this.trigger,
      log: this.log,
      replica: this.replica,
    } = options);
  }

  /** The flavors that delete what rests too long, with how long that is (ms). */
  *#retaining(): Generator<[Flavor, number]> {
    for (const flavor of this.catalog.data.flavors)
      if (flavor.store_time >= 0) yield [flavor, flavor.store_time * HOUR_MS];
  }

  dueAt(instance: Instance): number | null {
    const storeTime = this.catalog.flavor(instance.flavor)?.store_time ?? -1;
    const since = restingSince(instance);
    return storeTime < 0 || since === null ? null : since + storeTime * HOUR_MS;
  }

  async runDue(now: number): Promise<void> {
    for (const [flavor, keep] of this.#retaining()) {
      for (const status of IDLE_STATUSES) {
        const due = await this.store.instances.listDue({
          field: 'restingSince',
          status,
          flavor: flavor.name,
          until: now - keep,
          limit: DUE_BATCH,
        });
        for (const instance of due) await this.#delete(instance, flavor, now);
      }
    }
  }

  async nextDue(): Promise<number | null> {
    const times: (number | null)[] = [];
    for (const [flavor, keep] of this.#retaining()) {
      for (const status of IDLE_STATUSES) {
        const since = await this.store.instances.earliest({ field: 'restingSince', status, flavor: flavor.name });
        times.push(since === null ? null : since + keep);
      }
    }
    return earliestOf(times);
  }

  async #delete(instance: Instance, flavor: Flavor, now: number): Promise<void> {
    const reason = `retention: unused for ${flavor.store_time} h (flavor ${flavor.name})`;
    const event = instanceEvent(instance, {
      kind: 'retention',
      from: instance.status,
      to: 'DELETING',
      by: 'system',
      at: now,
      replica: this.replica,
      detail: { reason },
    });
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
