/**
 * @module core/instances/queue-service
 * The waiting line of a flavor that queues (the Free ones by default). Instances that find no slot
 * wait in CREATE_QUEUING / START_QUEUING, in the order of the flavor's policy (core/capacity/
 * queue-policy: first come first served, or the least usage first); whenever a slot may have freed,
 * {@link QueueService.admitNext} moves the first in line on to CREATING / STARTING, in the same kind
 * of limit-checked transaction as any admission, so it is safe on every replica.
 *
 * The wait estimate: each slot frees at its holder's auto-stop deadline (or, without one, after the
 * flavor's default running time); the one the policy picks at that moment takes the earliest slot to
 * free, and then holds it for its own running time (under `fair`, counting towards its user's usage).
 * The estimate is exact when everyone runs to their deadline and no one else joins the line.
 *
 * On the controller, admissions after a slot frees run in the background ({@link QueueService.admitLater})
 * and are retried with backoff when the store fails, so a line never stalls behind a lost write.
 */
import { budgetLimits, flavorsFreedBy, holdsSlot, SLOT_STATUSES, slotLimits } from '../capacity/admission.js';
import type { BudgetHold, BudgetService } from '../budgets/budget-service.js';
import { budgetKey } from '../model/budget.js';
import { byArrival, fairWindowMs, FairShares, lineAt, nextInLine } from '../capacity/queue-policy.js';
import type { CommittedChange } from '../changes/committed-changes.js';
import type { Catalog, Flavor } from '../model/catalog.js';
import type { Clock } from '../shared/clock.js';
import { BUDGET_HOLD_ANNOTATION, type Instance } from '../model/instance.js';
import { instanceEvent } from './events.js';
import type { ReconcileTrigger } from './reconcile-trigger.js';
import type { Logger } from '../shared/logger.js';
import { RetryingTasks, STEP_BACKOFF } from '../shared/retrying-tasks.js';
import { QUEUED_STATUSES } from '../model/statuses.js';
import { BudgetSpentError, LimitReachedError, type Store } from '../ports/store.js';
import type { WriterOptions } from './writer-options.js';

export interface QueuePosition {
  rank: number;
  /**
   * Epoch ms: when the instance is expected to get its slot. For one held by a budget that only a
   * change of the budget frees, the earliest it could: the slot it would have.
   */
  expectedAt: number;
  /** Why a spent budget holds it back, when one does (the banner of core/model/instance's hold annotation). */
  heldBy?: string;
}

export interface QueueSnapshot {
  flavor: string;
  length: number;
  positions: Map<string, QueuePosition>;
  /** The instances waiting, first in line first. */
  waiting: Instance[];
  /** Epoch ms: when an instance joining the line now would get a slot. */
  nextFreeAt: number;
}

/** Milliseconds an instance is expected to hold a slot once it has one. */
function runningTime(instance: Instance, flavor: Flavor): number {
  return (instance.spec.auto_stop.enable ? instance.spec.auto_stop.duration : flavor.duration) * 1000;
}

export interface QueueServiceOptions extends WriterOptions {
  catalog: Catalog;
  /** Woken for each instance admitted straight on to CREATING or STARTING. */
  trigger: ReconcileTrigger;
  /** Holds back the waiting instances whose budget is spent; default none (no budgets). */
  budgets?: Pick<BudgetService, 'holds' | 'holdOf'> | null;
}

export class QueueService {
  readonly #admissions: RetryingTasks;
  #abort: AbortController | null = null;
  private readonly store: Store;
  private readonly catalog: Catalog;
  private readonly clock: Clock;
  private readonly trigger: ReconcileTrigger;
  private readonly log: Logger;
  private readonly replica: string;
  private readonly budgets: Pick<BudgetService, 'holds' | 'holdOf'> | null;

  constructor(options: QueueServiceOptions) {
    ({
      store: this.store,
      catalog: this.catalog,
      clock: this.clock,
      trigger: this.trigger,
      log: this.log,
      replica: this.replica,
    } = options);
    this.budgets = options.budgets ?? null;
    this.#admissions = new RetryingTasks(this.clock, this.log, {
      backoff: STEP_BACKOFF,
      failure: 'queue admission failed; retrying',
    });
  }

  /**
   * Starts admitting in the background (on gaining the controller lease), every line first;
   * resolves once each line has been tried once.
   */
  async start(): Promise<void> {
    this.#abort ??= new AbortController();
    await this.admitEveryLater();
  }

  /**
   * Every line may move (a budget was raised, removed or renewed, so instances it held may go on):
   * {@link admitLater} for each queueing flavor. Nothing before {@link start}.
   */
  async admitEveryLater(): Promise<void> {
    await Promise.all(
      this.catalog.data.flavors.filter((flavor) => flavor.queues).map((flavor) => this.admitLater(flavor.name)),
    );
  }

  /** Stops admitting in the background and waits for the admissions under way. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#abort = null;
    await this.#admissions.idle();
  }

  /**
   * A slot of `flavorName` may have freed: {@link admitFreed} in the background, retried until the
   * store takes it (only between {@link start} and {@link stop}). Resolves after the first try.
   */
  admitLater(flavorName: string): Promise<void> {
    if (!this.#abort) return Promise.resolve();
    return this.#admissions.run(flavorName, () => this.admitFreed(flavorName), this.#abort.signal);
  }

  /**
   * A change committed in this process (see core/changes/committed-changes): one that gave up a
   * slot lets the first in line have it ({@link admitLater}). Deletions need no look: only DELETING
   * instances are deleted, and DELETING holds no slot (the write that entered it gave it up).
   */
  noticeChange(change: CommittedChange): void {
    if (change.kind !== 'changed' || !change.event?.from) return;
    const { from, to } = change.event;
    if (holdsSlot(from) && (to === null || !holdsSlot(to))) void this.admitLater(change.instance.flavor);
  }

  /** The instances waiting for `flavorName`, first in line now first. */
  async line(flavorName: string): Promise<Instance[]> {
    const waiting = await this.#waiting(flavorName);
    const flavor = this.catalog.flavor(flavorName);
    if (flavor?.queue_policy !== 'fair' || waiting.length < 2) return waiting;
    const now = this.clock.now();
    const shares = new FairShares(flavor, await this.#periods(flavor, now));
    return lineAt(flavor, waiting, (user) => shares.at(user, now));
  }

  /** The instances waiting for `flavorName`, in arrival order. */
  async #waiting(flavorName: string): Promise<Instance[]> {
    return (await this.store.instances.listByStatus(QUEUED_STATUSES, flavorName)).sort(byArrival);
  }

  /** The flavor's usage that a fair line weighs from now on: its window before now, and every open period. */
  #periods(flavor: Flavor, now: number) {
    // No end bound: a period opened this very millisecond counts too, as it will accrue.
    return this.store.usage.overlapping({
      flavor: flavor.name,
      since: now - fairWindowMs(flavor),
      until: Number.MAX_SAFE_INTEGER,
    });
  }

  /**
   * Admits as many of the first in line as there are free slots. One whose project's or owner's
   * budget is spent is passed over, and keeps its place: it is held, not dequeued, and goes first
   * again once its budget renews or changes (core/jobs/budget-enforcement and the budget service
   * wake the lines then). The first time, its history says why.
   */
  async admitNext(flavorName: string): Promise<void> {
    const flavor = this.catalog.flavor(flavorName);
    if (!flavor?.queues) return;
    for (const waiting of await this.line(flavorName)) {
      const now = this.clock.now();
      // Either the slot waits for the owner's confirmation, or the instance goes on at once.
      const to =
        flavor.reservation_seconds > 0 ? 'READY_TO_START' : waiting.prepared === false ? 'CREATING' : 'STARTING';
      const event = instanceEvent(waiting, {
        kind: 'admit',
        from: waiting.status,
        to,
        by: 'system',
        at: now,
        replica: this.replica,
      });
      const { [BUDGET_HOLD_ANNOTATION]: _held, ...annotations } = waiting.spec.annotations;
      try {
        const written = await this.store.instances.update(
          {
            ...waiting,
            status: to,
            reservedAt: now,
            updatedAt: now,
            intent: { ...waiting.intent, at: now },
            spec: { ...waiting.spec, annotations },
          },
          event,
          [...slotLimits(this.catalog, waiting), ...(this.budgets ? budgetLimits(this.catalog, waiting, now) : [])],
        );
        // Lost to a concurrent change (dequeued, deleted, admitted elsewhere): look at the next one.
        if (written) {
          this.log.info({ instance: waiting.id, flavor: flavorName, status: to }, 'admitted from the queue');
          if (to !== 'READY_TO_START') this.trigger.wake(waiting.id);
        }
      } catch (err) {
        if (err instanceof LimitReachedError) return;
        if (!(err instanceof BudgetSpentError && this.budgets)) throw err;
        await this.#hold(waiting, err, this.budgets);
      }
    }
  }

  /** Says once, in `waiting`'s history and annotations, that a spent budget holds it back. */
  async #hold(waiting: Instance, err: BudgetSpentError, budgets: Pick<BudgetService, 'holdOf'>): Promise<void> {
    if (waiting.spec.annotations[BUDGET_HOLD_ANNOTATION] !== undefined) return;
    const { message } = await budgets.holdOf(err);
    const now = this.clock.now();
    const annotations = { ...waiting.spec.annotations, [BUDGET_HOLD_ANNOTATION]: message };
    const event = instanceEvent(waiting, {
      kind: 'budget-hold',
      from: waiting.status,
      to: waiting.status,
      by: 'system',
      at: now,
      replica: this.replica,
      detail: { budget: budgetKey(err.status.budget), message },
    });
    // Lost to a concurrent change: the next look at the line says it again if it still holds.
    await this.store.instances.update({ ...waiting, updatedAt: now, spec: { ...waiting.spec, annotations } }, event);
    this.log.info({ instance: waiting.id, budget: budgetKey(err.status.budget) }, 'held in the queue by its budget');
  }

  /**
   * An instance of `flavorName` gave up its slot: its flavor's line may move, and so may every
   * other GPU flavor's where the host's GPUs are shared out among them.
   */
  async admitFreed(flavorName: string): Promise<void> {
    const flavor = this.catalog.flavor(flavorName);
    if (!flavor) return;
    for (const freed of flavorsFreedBy(this.catalog, flavor)) await this.admitNext(freed.name);
  }

  async snapshot(flavorName: string): Promise<QueueSnapshot> {
    const flavor = this.catalog.flavor(flavorName);
    const now = this.clock.now();
    const line = await this.#waiting(flavorName);
    const positions = new Map<string, QueuePosition>();
    if (!flavor) return { flavor: flavorName, length: line.length, positions, waiting: line, nextFreeAt: now };
    const holders = await this.store.instances.listByStatus(SLOT_STATUSES, flavorName);
    // When each slot frees; a flavor without a capacity never makes anyone wait.
    const releases = new Map(holders.map((h) => [h.id, Math.max(now, h.stopAt ?? now + runningTime(h, flavor))]));
    const frees = [...releases.values()];
    const capacity = flavor.capacity > 0 ? flavor.capacity : Number.POSITIVE_INFINITY;
    while (frees.length < Math.min(capacity, holders.length + line.length + 1)) frees.push(now);
    frees.sort((a, b) => a - b);
    // Under `fair`, each user's usage as it will be when a slot frees: the holders run to their release.
    const shares =
      flavor.queue_policy === 'fair' && line.length > 1
        ? new FairShares(flavor, await this.#periods(flavor, now), (id) => releases.get(id))
        : undefined;
    // Those a spent budget holds are passed over until it frees them, as admitNext passes them over.
    const holds = this.budgets ? await this.budgets.holds(flavor, line, now) : new Map<string, BudgetHold>();
    const served: Instance[] = [];
    for (let rank = 1; line.length > 0; rank++) {
      let at = frees.shift() ?? now;
      const freeAt = (w: Instance) => {
        const hold = holds.get(w.id);
        return hold === undefined ? Number.NEGATIVE_INFINITY : (hold.until ?? Number.POSITIVE_INFINITY);
      };
      // No one free to take the slot at `at`: it goes to the first freed later, if any.
      const soonest = Math.min(...line.map(freeAt));
      if (soonest > at && Number.isFinite(soonest)) at = soonest;
      const eligible = line.filter((w) => freeAt(w) <= at);
      const candidates = eligible.length > 0 ? eligible : line;
      // A fifo line is in arrival order already: its next is its first.
      const waiting = shares ? nextInLine(flavor, candidates, (user) => shares.at(user, at)) : candidates[0]!;
      line.splice(line.indexOf(waiting), 1);
      const heldBy = holds.get(waiting.id)?.message;
      positions.set(waiting.id, heldBy === undefined ? { rank, expectedAt: at } : { rank, expectedAt: at, heldBy });
      served.push(waiting);
      const release = at + runningTime(waiting, flavor);
      shares?.expect(waiting.user.id, at, release);
      const slot = frees.findIndex((t) => t > release);
      frees.splice(slot === -1 ? frees.length : slot, 0, release);
    }
    return { flavor: flavorName, length: served.length, positions, waiting: served, nextFreeAt: frees[0] ?? now };
  }
}
