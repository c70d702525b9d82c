/**
 * @module core/warm/warm-pool
 * Keeps the warm servers the catalog asks for (`warm` per flavor and profile, see warm-plan) and
 * hands them out. A create takes a ready slot's instance id as the id of the instance it writes
 * ({@link WarmPool.take}, synchronous, so two creates never take one slot); the driver's `start` of
 * that id then takes the server over instead of starting one. The pool is refilled in the
 * background after each take, and re-planned whenever a slot may have been freed or taken (a
 * committed status change) and now and again.
 *
 * It keeps servers on the controller (the lease holder), like the reconciler: that replica's
 * driver starts and stops them. On taking the lead it reads the driver's records, so servers kept
 * by a service that died (even by SIGKILL) are re-adopted or stopped, never left running. Every
 * other replica follows ({@link WarmPool.follow}) where the driver shows its ready slots to any
 * replica (Kubernetes: the warm Pods): it hands them out too, and starts or stops nothing. A slot
 * is taken for good by writing the instance with its id, which is unique: of two replicas' creates
 * that took the same slot, the one that writes second starts cold (core/instances), and a slot
 * some replica wrote an instance for is no longer free on any.
 */
import type { CommittedChange } from '../changes/committed-changes.js';
import { SLOT_STATUSES } from '../capacity/admission.js';
import type { Catalog, Flavor, Profile } from '../model/catalog.js';
import { newInstanceId } from '../model/instance.js';
import type { WarmRuntime, WarmShape, WarmSlot } from '../ports/runtime.js';
import type { Store } from '../ports/store.js';
import { systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { planWarm } from './warm-plan.js';

export interface WarmPoolOptions {
  runtime: WarmRuntime;
  store: Store;
  catalog: Catalog;
  log: Logger;
  /** How often the pool is re-planned without a change to prompt it (real time: it is plumbing). */
  intervalMs: number;
  /** How long a taken slot waits for its instance's start before it is stopped (a refused create). */
  takenGraceMs?: number;
}

const TAKEN_GRACE_MS = 30_000;
const RETRY_AFTER_MS = 30_000;

/** Statuses in which an instance may still be handed the slot it took. */
const STARTING_STATUSES = new Set(['CREATING', 'STARTING']);

export class WarmPool {
  /** Ready slots no create has taken, by instance id. */
  #free = new Map<string, WarmSlot>();
  /** Slots taken by a create (instance id → when, ms), until the driver reports them gone. */
  readonly #taken = new Map<string, number>();
  /** Servers being started, by instance id. */
  readonly #warming = new Map<string, Promise<void>>();
  /** The slots of those starts. */
  readonly #pending = new Map<string, Omit<WarmSlot, 'ready'>>();
  /** Servers this pool stopped while they were starting: their start's failure is no failure. */
  readonly #stopped = new Set<string>();
  /** Flavor and profile whose last start failed → when to try again (ms). */
  readonly #failedUntil = new Map<string, number>();
  #abort: AbortController | null = null;
  #loop: Promise<void> | null = null;
  #round: Promise<void> | null = null;
  #again = false;
  #wakeUp: (() => void) | null = null;
  /** Whether a round has run since `start` (its servers, re-adopted or stopped, are then known). */
  #stocked = false;
  /** Whether this replica keeps the servers (`start`), or only hands out the ready ones (`follow`). */
  #leading = false;

  constructor(private readonly options: WarmPoolOptions) {}

  /** Whether the catalog asks for any warm server. */
  get wanted(): boolean {
    return this.options.catalog.data.flavors.some((f) => f.warm > 0);
  }

  /**
   * A ready slot's instance id for a create of `flavor` and `profile` shaped `shape`, taken for it;
   * null when none is free, or when the driver's slots cannot serve that shape.
   */
  take(flavor: Flavor, profile: Profile, shape: WarmShape): string | null {
    let fits: boolean | undefined;
    for (const slot of this.#free.values()) {
      if (slot.flavor !== flavor.name || slot.profileId !== profile.id) continue;
      // Asked once there is a slot to take: most creates find none, and asking may cost a little.
      fits ??= this.options.runtime.serves?.(shape, profile, flavor) ?? true;
      if (!fits) return null;
      this.#free.delete(slot.instanceId);
      this.#taken.set(slot.instanceId, Date.now());
      this.wake();
      return slot.instanceId;
    }
    return null;
  }

  /** A create that took a slot was refused: the slot is free again. */
  giveBack(instanceId: string): void {
    this.#taken.delete(instanceId);
    this.wake();
  }

  /** Plans again soon: a slot may have been freed or taken. */
  noticeChange(change: CommittedChange): void {
    if (change.kind === 'changed' && change.event && change.event.from !== change.event.to) this.wake();
  }

  wake(): void {
    this.#again = true;
    this.#wakeUp?.();
  }

  /** Keeps the servers: this replica holds the lease. */
  async start(): Promise<void> {
    if (this.#abort && this.#leading) return;
    if (this.#abort) await this.stop();
    this.#leading = true;
    this.#stocked = false;
    this.#begin();
  }

  /**
   * Hands out the ready slots the driver shows to any replica, re-read after each committed change
   * and now and again, and keeps, starts or stops nothing: this replica does not hold the lease. A
   * no-op where the driver offers no such view, or while this replica keeps the servers.
   */
  follow(): void {
    if (this.#abort || !this.options.runtime.readySlots || !this.wanted) return;
    this.#leading = false;
    this.#begin();
  }

  #begin(): void {
    this.#abort = new AbortController();
    this.#again = true;
    this.#loop = this.#run(this.#abort.signal);
  }

  /** Stops planning and waits for starts in flight; the servers stay (a restarted service re-adopts them). */
  async stop(): Promise<void> {
    this.#abort?.abort(new Error('warm pool stopped'));
    this.#wakeUp?.();
    await this.#loop;
    await Promise.allSettled(this.#warming.values());
    this.#abort = null;
    this.#loop = null;
    this.#free.clear();
  }

  /** Resolves after one full round of what the pool does now, keeping or following (tests). */
  async settle(): Promise<void> {
    if (!this.#abort) return;
    await Promise.allSettled(this.#warming.values());
    await this.#once(this.#abort.signal);
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.#again) {
        this.#again = false;
        const done = await this.#once(signal).then(
          () => true,
          (err: unknown) => {
            if (!signal.aborted) this.options.log.error({ err }, 'warm pool round failed');
            return false;
          },
        );
        // A catalog without warm servers needs one round only: the one that stops what an earlier one kept.
        if (done && !this.wanted) return;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#wakeUp = resolve;
        systemClock.sleep(this.options.intervalMs, signal).then(resolve, resolve);
      });
      this.#wakeUp = null;
      this.#again = true;
    }
  }

  /** One round at a time: a second caller waits for the round in flight and then runs its own. */
  async #once(signal: AbortSignal): Promise<void> {
    while (this.#round) await this.#round;
    this.#round = (this.#leading ? this.#plan(signal) : this.#follow()).finally(() => {
      this.#round = null;
    });
    return this.#round;
  }

  /** The slots some replica's create has written an instance for: theirs now, whatever this one took. */
  async #claimed(slots: WarmSlot[]): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (const slot of slots)
      if (!this.#taken.has(slot.instanceId) && (await this.options.store.instances.getById(slot.instanceId)))
        claimed.add(slot.instanceId);
    return claimed;
  }

  #forget(present: Set<string>): void {
    for (const id of this.#taken.keys()) if (!present.has(id)) this.#taken.delete(id);
  }

  /** A follower's round: the free slots are the ready ones no create has claimed. */
  async #follow(): Promise<void> {
    const slots = await this.options.runtime.readySlots!();
    this.#forget(new Set(slots.map((s) => s.instanceId)));
    const claimed = await this.#claimed(slots);
    this.#free = new Map(
      slots.filter((s) => !claimed.has(s.instanceId) && !this.#taken.has(s.instanceId)).map((s) => [s.instanceId, s]),
    );
  }

  async #plan(signal: AbortSignal): Promise<void> {
    const { runtime, store, catalog, log } = this.options;
    const slots = await runtime.slots();
    const present = new Set(slots.map((s) => s.instanceId));
    this.#forget(present);
    // Taken by another replica's create: as good as taken here. Its instance holds the flavor's
    // slot and its start (on this replica's reconciler) takes the server over; a server whose
    // instance no longer starts is stopped after the same grace as one a create here took.
    for (const id of await this.#claimed(slots)) this.#taken.set(id, Date.now());
    const stop: string[] = [];
    for (const [id, at] of this.#taken) {
      if (Date.now() - at < (this.options.takenGraceMs ?? TAKEN_GRACE_MS)) continue;
      const instance = await store.instances.getById(id);
      if (!instance || !STARTING_STATUSES.has(instance.status)) stop.push(id);
    }
    // A slot a create took holds its flavor's slot before the instance's record is written (take
    // comes first and wakes this round): counted, or a warm server would be started into the slot
    // just taken and stopped again once the record shows. Looked up before the count, so a record
    // written in between is counted twice (one warm server fewer for a round), never not at all.
    const unwritten: string[] = [];
    for (const id of this.#taken.keys()) if (!(await store.instances.getById(id))) unwritten.push(id);
    const holders = await store.instances.countInStatuses(SLOT_STATUSES);
    for (const slot of slots)
      if (unwritten.includes(slot.instanceId)) holders.set(slot.flavor, (holders.get(slot.flavor) ?? 0) + 1);
    // Starts whose record is not written yet count as kept: they are on their way.
    const pending = [...this.#pending.values()].filter((p) => !present.has(p.instanceId));
    const kept = [...slots.filter((s) => !this.#taken.has(s.instanceId)), ...pending];
    const plan = planWarm(catalog, holders, kept);
    stop.push(...plan.stop);
    const stopping = new Set(stop);
    // Rebuilt in one synchronous step, so a take meanwhile is seen.
    this.#free = new Map(
      slots
        .filter((s) => s.ready && !stopping.has(s.instanceId) && !this.#taken.has(s.instanceId))
        .map((s) => [s.instanceId, s]),
    );
    for (const id of stop) {
      // A slot the plan gave up may have been claimed by another replica's create since this round
      // read the claims (its instance then counted twice): it is that instance's server now.
      if (!this.#taken.has(id) && (await store.instances.getById(id))) continue;
      this.#taken.delete(id);
      if (this.#warming.has(id)) this.#stopped.add(id);
      log.info({ instance: id }, 'stopping a warm notebook server');
      await runtime
        .coolDown(id)
        .catch((err: unknown) => log.error({ err, instance: id }, 'stopping a warm server failed'));
    }
    if (!this.#stocked) {
      this.#stocked = true;
      log.info({ kept: this.#free.size, stopped: stop.length }, 'warm pool took stock of its servers');
    }
    if (signal.aborted) return;
    for (const wanted of plan.start) {
      if ((this.#failedUntil.get(keyOf(wanted)) ?? 0) > Date.now()) continue;
      this.#warmUp(wanted.flavor, wanted.profileId, signal);
    }
  }

  #warmUp(flavorName: string, profileId: string, signal: AbortSignal): void {
    const { runtime, catalog, log } = this.options;
    const flavor = catalog.flavor(flavorName);
    const profile = catalog.profile(profileId);
    if (!flavor || !profile) return;
    const slot = { instanceId: newInstanceId(), flavor: flavorName, profileId };
    this.#pending.set(slot.instanceId, slot);
    const started = runtime
      .warmUp(slot, profile, flavor, signal)
      .then(() => {
        if (!signal.aborted && !this.#taken.has(slot.instanceId))
          this.#free.set(slot.instanceId, { ...slot, ready: true });
      })
      .catch(async (err: unknown) => {
        // A server that does not start is not tried again at once: each try costs a Python start.
        // One this pool stopped while it started did not fail.
        if (!this.#stopped.delete(slot.instanceId)) this.#failedUntil.set(keyOf(slot), Date.now() + RETRY_AFTER_MS);
        if (!signal.aborted) log.error({ err, instance: slot.instanceId }, 'a warm notebook server did not start');
        await runtime.coolDown(slot.instanceId).catch(() => undefined);
      })
      .finally(() => {
        this.#stopped.delete(slot.instanceId);
        this.#warming.delete(slot.instanceId);
        this.#pending.delete(slot.instanceId);
      });
    this.#warming.set(slot.instanceId, started);
  }
}

function keyOf(slot: { flavor: string; profileId: string }): string {
  return `${slot.flavor}\n${slot.profileId}`;
}
