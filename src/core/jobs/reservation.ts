/**
 * @module core/jobs/reservation
 * For flavors whose admitted instances wait in READY_TO_START for their owner's `start`: when the
 * reservation window passes unconfirmed, the instance goes back to STOPPED (with the reason in its
 * stop-reason annotation) and the slot goes to the next in line.
 */
import type { Catalog, Flavor } from '../model/catalog.js';
import type { Clock } from '../shared/clock.js';
import { STOP_REASON_ANNOTATION, type Instance } from '../model/instance.js';
import { instanceEvent } from '../instances/events.js';
import type { Logger } from '../shared/logger.js';
import type { QueueService } from '../instances/queue-service.js';
import { DUE_BATCH, earliestOf, type ScheduledJob } from './scheduler.js';
import type { Store } from '../ports/store.js';
import type { WriterOptions } from '../instances/writer-options.js';

export interface ReservationJobOptions extends WriterOptions {
  catalog: Catalog;
  /** Given each slot whose reservation expired, for the next in line. */
  queue: QueueService;
}

export class ReservationJob implements ScheduledJob {
  readonly name = 'reservation';
  private readonly store: Store;
  private readonly catalog: Catalog;
  private readonly clock: Clock;
  private readonly queue: QueueService;
  private readonly log: Logger;
  private readonly replica: string;

  constructor(options: ReservationJobOptions) {
    ({
      store: this.store,
      catalog: this.catalog,
      clock: this.clock,
      queue: this.queue,
      log: this.log,
      replica: this.replica,
    } = options);
  }

  /** Flavors that make the owner confirm, with their window (ms). */
  *#confirming(): Generator<[Flavor, number]> {
    for (const flavor of this.catalog.data.flavors)
      if (flavor.reservation_seconds > 0) yield [flavor, flavor.reservation_seconds * 1000];
  }

  dueAt(instance: Instance): number | null {
    const window = this.catalog.flavor(instance.flavor)?.reservation_seconds ?? 0;
    return instance.status === 'READY_TO_START' && instance.reservedAt !== null && window > 0
      ? instance.reservedAt + window * 1000
      : null;
  }

  async runDue(now: number): Promise<void> {
    for (const [flavor, window] of this.#confirming()) {
      const due = await this.store.instances.listDue({
        field: 'reservedAt',
        status: 'READY_TO_START',
        flavor: flavor.name,
        until: now - window,
        limit: DUE_BATCH,
      });
      for (const instance of due) await this.#expire(instance, flavor, now);
      if (due.length > 0) await this.queue.admitFreed(flavor.name);
    }
  }

  async nextDue(): Promise<number | null> {
    const times: (number | null)[] = [];
    for (const [flavor, window] of this.#confirming()) {
      const reserved = await this.store.instances.earliest({
        field: 'reservedAt',
        status: 'READY_TO_START',
        flavor: flavor.name,
      });
      times.push(reserved === null ? null : reserved + window);
    }
    return earliestOf(times);
  }

  async #expire(instance: Instance, flavor: Flavor, now: number): Promise<void> {
    const reason = `reservation-expired: the reserved slot was not confirmed with start within ${flavor.reservation_seconds} s`;
    const event = instanceEvent(instance, {
      kind: 'reservation-expired',
      from: 'READY_TO_START',
      to: 'STOPPED',
      by: 'system',
      at: now,
      replica: this.replica,
      detail: { reason },
    });
    const written = await this.store.instances.update(
      {
        ...instance,
        status: 'STOPPED',
        reservedAt: null,
        queuedAt: null,
        idleSince: now,
        spec: { ...instance.spec, annotations: { ...instance.spec.annotations, [STOP_REASON_ANNOTATION]: reason } },
        intent: { kind: 'reservation-expired', at: now, by: 'system' },
        updatedAt: this.clock.now(),
      },
      event,
    );
    // A lost compare-and-set means the owner confirmed (or dequeued) first.
    if (written) this.log.info({ instance: instance.id, flavor: flavor.name }, 'reservation expired unconfirmed');
  }
}
