/**
 * @module core/jobs/budget-enforcement
 * Holds running instances to their budgets (core/budgets): warns each at 80 % used and again at
 * 10 minutes left (a history entry, and an annotation the console shows as a banner and the live
 * stream carries, as the write changes the instance), then stops it when the budget runs out,
 * saying so in its stop reason. Only instances that use the limited resource count: a GPU-hours
 * budget leaves a flavor without GPUs alone.
 *
 * Its due time is the next such moment over every budget with a running instance, worked out from
 * the usage periods at the present rate; a rate changes only when an instance takes or gives up a
 * slot, or a budget changes, and {@link BudgetEnforcementJob.concerns} and the budget service's
 * change listener ask the scheduler for a fresh look then. Nothing is polled.
 *
 * Two more moments are its: a spent budget's renewal (a month's start, or the moment a rolling
 * window's usage falls back under the limit), when the lines of the queue are woken, as the
 * instances the budget held back may now be admitted (core/instances/queue-service); and a month's
 * renewal under running instances, whose banners of the month before are taken down
 * (core/budgets/budget-warnings).
 */
import { STOP_REASON_ANNOTATION } from '../model/instance.js';
import type { Instance } from '../model/instance.js';
import { budgetKey, type Budget } from '../model/budget.js';
import type { UsagePeriod } from '../model/usage.js';
import type { CommittedChange } from '../changes/committed-changes.js';
import { holdsSlot } from '../capacity/admission.js';
import { instanceEvent } from '../instances/events.js';
import type { ReconcileTrigger } from '../instances/reconcile-trigger.js';
import type { WriterOptions } from '../instances/writer-options.js';
import type { BudgetService, NamedBudgetStatus } from '../budgets/budget-service.js';
import {
  WARN_LEFT_MS,
  WARN_SHARE,
  hours,
  periodPhrase,
  rateOf,
  resourceLabel,
  spentFor,
  type ResourceMoments,
} from '../budgets/budget-status.js';
import {
  warnedKeys,
  warningKey,
  withoutOverWarnings,
  withWarning,
  type WarningLevel,
} from '../budgets/budget-warnings.js';
import type { QueueService } from '../instances/queue-service.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../ports/store.js';
import { earliestOf, type ScheduledJob } from './scheduler.js';

export interface BudgetEnforcementOptions extends WriterOptions {
  budgets: BudgetService;
  /** Woken for each instance it stops. */
  trigger: ReconcileTrigger;
  /** Whose lines are woken when a spent budget renews; default none. */
  queue?: Pick<QueueService, 'admitEveryLater'> | null;
}

type Level = WarningLevel;

/** What happens to one running instance now, if anything. */
type Verdict = { stop: string } | { warn: Level; message: string; key: string } | null;

export class BudgetEnforcementJob implements ScheduledJob {
  readonly name = 'budgets';
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly replica: string;
  private readonly budgets: BudgetService;
  private readonly trigger: ReconcileTrigger;
  private readonly queue: Pick<QueueService, 'admitEveryLater'> | null;
  /** Whether any budget existed at the last look: without one, instance changes need none. */
  #any = true;
  /** The earliest moment, at the last look, a spent budget renews; null when none is spent. */
  #reopening: number | null = null;
  /** The earliest moment, at the last look, a month renews under a running instance. */
  #renewing: number | null = null;
  /** The resources spent at the last look (`<budget> <resource>`). */
  #spent = new Set<string>();

  constructor(options: BudgetEnforcementOptions) {
    ({
      store: this.store,
      clock: this.clock,
      log: this.log,
      replica: this.replica,
      budgets: this.budgets,
      trigger: this.trigger,
    } = options);
    this.queue = options.queue ?? null;
  }

  /** Budget moments are not an instance's own: they come through {@link concerns}. */
  dueAt(): number | null {
    return null;
  }

  /**
   * Whether `change` may move a budget moment or make one due at once: an instance took or gave up
   * a slot (the rate changed), or became RUNNING (it may have to be warned or stopped now).
   */
  concerns(change: CommittedChange): boolean {
    if (!this.#any || change.kind !== 'changed') return false;
    const from = change.event?.from ?? null;
    const to = change.instance.status;
    if (from === to) return false;
    return to === 'RUNNING' || (from !== null && holdsSlot(from)) !== holdsSlot(to);
  }

  async #statuses(now: number): Promise<NamedBudgetStatus[]> {
    const statuses = await this.budgets.list(now);
    this.#any = statuses.length > 0;
    return statuses;
  }

  async runDue(now: number): Promise<void> {
    const renewed = this.#renewing !== null && now >= this.#renewing;
    for (const status of await this.#statuses(now)) {
      for (const period of status.open) {
        const verdict = verdictFor(status, period, now);
        if (verdict) await this.#apply(status.budget, period.instanceId, verdict, now);
        else if (renewed) await this.#takeDownOver(period.instanceId, now);
      }
    }
    if (renewed) this.#renewing = null;
    if (this.#reopening !== null && now >= this.#reopening) {
      this.#reopening = null;
      await this.queue?.admitEveryLater();
    }
  }

  async nextDue(): Promise<number | null> {
    const now = this.clock.now();
    const moments: (number | null)[] = [];
    const reopening: (number | null)[] = [];
    const renewing: (number | null)[] = [];
    const later = (at: number | null) => (at !== null && at > now ? at : null);
    const spent = new Set<string>();
    for (const status of await this.#statuses(now)) {
      // Instances a spent budget holds in a line may go on when it renews.
      for (const r of status.resources) {
        reopening.push(later(r.reopensAt));
        if (r.exhausted) spent.add(`${budgetKey(status.budget)} ${r.resource}`);
      }
      if (status.open.length === 0) continue;
      // A month's budget starts afresh at its renewal: the moments after it are worked out then.
      renewing.push(later(status.window.renewsAt));
      for (const r of status.resources) moments.push(r.warnAt, r.lastMinutesAt, r.runsOutAt);
    }
    // A budget spent at the last look and not now was raised or removed, maybe on another replica
    // (this one learns of it at its next look): the lines it held move at once.
    const freed = [...this.#spent].some((key) => !spent.has(key));
    this.#spent = spent;
    // A moment come but not yet run (asked again before the sweep) stays due.
    const pending = (at: number | null) => (at !== null && at <= now ? at : null);
    this.#reopening = earliestOf([pending(this.#reopening), freed ? now : null, ...reopening]);
    this.#renewing = earliestOf([pending(this.#renewing), ...renewing]);
    return earliestOf([...moments.map(later), this.#reopening, this.#renewing]);
  }

  /** Takes down the banner of a month now over from a running instance that is not warned anew. */
  async #takeDownOver(instanceId: string, now: number): Promise<void> {
    const instance = await this.store.instances.getById(instanceId);
    if (instance?.status !== 'RUNNING') return;
    const annotations = withoutOverWarnings(instance.spec.annotations, now, false);
    if (annotations === instance.spec.annotations) return;
    // A lost compare-and-set means someone acted first; the banner goes at the next start, if not sooner.
    await this.store.instances.update({ ...instance, spec: { ...instance.spec, annotations: { ...annotations } } });
  }

  async #apply(budget: Budget, instanceId: string, verdict: NonNullable<Verdict>, now: number): Promise<void> {
    const instance = await this.store.instances.getById(instanceId);
    // Instances still starting are looked at again when they run (see concerns).
    if (instance?.status !== 'RUNNING') return;
    if ('warn' in verdict && warnedKeys(instance.spec.annotations).includes(verdict.key)) return;
    let next: Instance;
    if ('stop' in verdict) {
      next = { ...instance, status: 'STOPPING', intent: { kind: 'budget-stop', at: now, by: 'system' } };
      next.spec = {
        ...instance.spec,
        annotations: { ...instance.spec.annotations, [STOP_REASON_ANNOTATION]: verdict.stop },
      };
    } else {
      next = {
        ...instance,
        spec: { ...instance.spec, annotations: withWarning(instance.spec.annotations, verdict.key, verdict.message) },
      };
    }
    next.updatedAt = this.clock.now();
    const stop = 'stop' in verdict;
    const event = instanceEvent(instance, {
      kind: stop ? 'budget-stop' : 'budget-warning',
      from: 'RUNNING',
      to: next.status,
      by: 'system',
      at: now,
      replica: this.replica,
      detail: stop
        ? { budget: budgetKey(budget), reason: verdict.stop }
        : { budget: budgetKey(budget), level: verdict.warn, message: verdict.message },
    });
    // A lost compare-and-set means someone acted first; the next look sees the new state.
    const written = await this.store.instances.update(next, event);
    if (written && stop) {
      this.log.info({ instance: instance.id, budget: budgetKey(budget) }, 'budget exhausted: instance stopped');
      this.trigger.wake(instance.id);
    }
  }
}

/** The target as named in messages: `project ml-team`, `user alice`. */
function targetOf(status: NamedBudgetStatus): string {
  return `${status.budget.scope} ${status.name}`;
}

/**
 * What `period`'s instance gets from `status` at `now`: stopped when a resource it uses is spent,
 * else the strongest warning due (10 minutes left before 80 %), keyed by budget, level and window
 * (for a rolling window, the instance's own run: it has no periods of its own to count in).
 */
function verdictFor(status: NamedBudgetStatus, period: UsagePeriod, now: number): Verdict {
  const used = status.resources.filter((r) => rateOf(period, r.resource) > 0);
  const spent = spentFor(status, period);
  if (spent)
    return {
      stop: `budget-exhausted: ${targetOf(status)} used ${hours(spent.used)} of ${hours(spent.limit)} ${resourceLabel(spent.resource)} ${periodPhrase(status.budget)}`,
    };
  const window = status.window.renewsAt === null ? `run-${period.start}` : String(status.window.since);
  const key = (level: Level) => warningKey(budgetKey(status.budget), level, window);
  const closing = used.find((r) => r.runsOutAt !== null && r.runsOutAt - now <= WARN_LEFT_MS);
  if (closing) return { warn: '10min', key: key('10min'), message: lastMinutes(status, closing) };
  const high = used.find((r) => r.used >= r.limit * WARN_SHARE - 1e-9);
  if (high) return { warn: '80%', key: key('80%'), message: eightyPercent(status, high) };
  return null;
}

function eightyPercent(status: NamedBudgetStatus, r: ResourceMoments): string {
  const runsOut =
    r.runsOutAt === null ? '' : `; at the present rate it runs out at ${new Date(r.runsOutAt).toISOString()}`;
  return `The ${targetOf(status)} budget has used ${hours(r.used)} of ${hours(r.limit)} ${resourceLabel(r.resource)} ${periodPhrase(status.budget)}${runsOut}, and this notebook is then stopped.`;
}

function lastMinutes(status: NamedBudgetStatus, r: ResourceMoments): string {
  return `The ${targetOf(status)} budget of ${hours(r.limit)} ${resourceLabel(r.resource)} ${periodPhrase(status.budget)} runs out at ${new Date(r.runsOutAt!).toISOString()}: this notebook is stopped then.`;
}
