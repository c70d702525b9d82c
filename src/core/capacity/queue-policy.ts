/**
 * @module core/capacity/queue-policy
 * Who of those waiting for a flavor goes first: under `fifo` the first to arrive; under `fair` the
 * user who used the flavor least over its window (`fair_window_days`, ending at the moment of the
 * choice), ties by arrival. Usage is instance-hours × the flavor's size: GPU-hours for a GPU
 * flavor, CPU-hours otherwise. Both the admission of a freed slot and the ranks and estimates shown
 * choose with {@link nextInLine}, so the ranks shown are the ranks served.
 *
 * Usage keeps accruing while a user holds a slot, so under `fair` the choice depends on when it is
 * made: {@link FairShares} tells a user's usage at any moment, counting each period the flavor's
 * holders hold up to its (expected) end, and the ones an estimate expects to admit.
 */
import { gpusOf, type Flavor } from '../model/catalog.js';
import { flavorSize } from '../model/flavor-size.js';
import type { Instance } from '../model/instance.js';
import type { UsagePeriod } from '../model/usage.js';
import { overlapMs } from '../usage/usage-totals.js';

const DAY_MS = 86_400_000;

/** The period of a slot, with when it ends (null: up to the moment asked about). */
type Held = Pick<UsagePeriod, 'start' | 'end' | 'cpus' | 'gpus'>;

export function byArrival(a: Instance, b: Instance): number {
  return (a.queuedAt ?? a.createdAt) - (b.queuedAt ?? b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The window a fair line weighs, in ms. */
export function fairWindowMs(flavor: Flavor): number {
  return flavor.fair_window_days * DAY_MS;
}

/** Each user's usage of one flavor, at any moment from now on. */
export class FairShares {
  readonly #held = new Map<string, Held[]>();

  /**
   * @param periods The flavor's usage periods overlapping its window before now (and the open ones).
   * @param endsAt When an open period is expected to end (its holder's release); an open period it
   * does not know counts up to the moment asked about.
   */
  constructor(
    private readonly flavor: Flavor,
    periods: readonly UsagePeriod[],
    endsAt: (instanceId: string) => number | undefined = () => undefined,
  ) {
    for (const period of periods)
      this.#add(period.userId, { ...period, end: period.end ?? endsAt(period.instanceId) ?? null });
  }

  /** An admission the estimate expects: `userId` holds a slot over [start, end). */
  expect(userId: string, start: number, end: number): void {
    const { cpus, gpus } = flavorSize(this.flavor);
    this.#add(userId, { start, end, cpus, gpus });
  }

  /**
   * The user's usage over the window ending at `at`, in the flavor's measure: GPU-ms or CPU-ms. Kept
   * in ms (whole numbers for whole sizes) rather than hours, so that the admission and the estimate,
   * adding the same periods in another order, find the same figure and break ties alike.
   */
  at(userId: string, at: number): number {
    const measure = gpusOf(this.flavor) > 0 ? 'gpus' : 'cpus';
    let used = 0;
    for (const held of this.#held.get(userId) ?? [])
      used += held[measure] * overlapMs(held, at - fairWindowMs(this.flavor), at, at);
    return used;
  }

  #add(userId: string, held: Held): void {
    const list = this.#held.get(userId);
    if (list) list.push(held);
    else this.#held.set(userId, [held]);
  }
}

/** How two waiting instances compare under the flavor's policy at a moment (`usageOf` at it). */
function compareInLine(flavor: Flavor, usageOf: (userId: string) => number): (a: Instance, b: Instance) => number {
  if (flavor.queue_policy === 'fifo') return byArrival;
  return (a, b) => usageOf(a.user.id) - usageOf(b.user.id) || byArrival(a, b);
}

/** The one of `waiting` who gets the next free slot, at a moment when `usageOf` tells the users' usage. */
export function nextInLine(
  flavor: Flavor,
  waiting: readonly Instance[],
  usageOf: (userId: string) => number,
): Instance {
  const compare = compareInLine(flavor, once(usageOf));
  return waiting.reduce((first, other) => (compare(other, first) < 0 ? other : first));
}

/** Everyone waiting, in the order slots freed at one moment go to them (each the {@link nextInLine} of the rest). */
export function lineAt(flavor: Flavor, waiting: readonly Instance[], usageOf: (userId: string) => number): Instance[] {
  return [...waiting].sort(compareInLine(flavor, once(usageOf)));
}

/** Each user's usage asked once per choice: a user may have many instances in line. */
function once(usageOf: (userId: string) => number): (userId: string) => number {
  const usage = new Map<string, number>();
  return (userId) => usage.get(userId) ?? usage.set(userId, usageOf(userId)).get(userId)!;
}
