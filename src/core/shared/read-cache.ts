/**
 * @module core/shared/read-cache
 * Caches of what the API reads on every request (who a token belongs to, the counts a view
 * shows), made safe by two rules. A write through this process's store bumps a {@link Generation},
 * and an entry read before the bump is never served after it: within one server a cache is
 * exact. A write by another replica cannot be seen, so every entry also expires after a short
 * time; that time is the most a change made elsewhere can take to show here.
 */
import { systemClock, type Clock } from './clock.js';

/**
 * How long a replica may go on accepting a token or key that another replica has just revoked
 * (or a role it removed). Within one server, revocation takes effect at once.
 */
export const IDENTITY_CACHE_MS = 5_000;

/** How stale the figures an instance view shows beside it (counts per flavor, slots held) may be. */
export const COUNTS_CACHE_MS = 1_000;

/** Counts writes; caches compare it to see whether anything changed since they read. */
export class Generation {
  #value = 0;
  readonly #listeners = new Set<() => void>();

  get value(): number {
    return this.#value;
  }

  bump(): void {
    this.#value += 1;
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` after every bump (what wants to act on a write, not only to see it); answers how to stop. */
  onBump(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

interface Entry<V> {
  value: V;
  generation: number;
  at: number;
}

export class ReadCache<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  /** Loads under way, so that a burst of misses on one key reads the store once. */
  readonly #loading = new Map<K, { generation: number; promise: Promise<V> }>();

  constructor(
    private readonly generation: Generation,
    private readonly ttlMs: number,
    /** Bounds memory: past this many keys, the oldest entries go first. */
    private readonly maxEntries = 10_000,
    // Real time even under a test's clock: the bound is on how stale another replica's change may be.
    private readonly clock: Clock = systemClock,
  ) {}

  /** The cached value of `key`, or what `load` reads (cached only if nothing was written meanwhile). */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now();
    const generation = this.generation.value;
    const entry = this.#entries.get(key);
    if (entry && entry.generation === generation && now - entry.at < this.ttlMs) return Promise.resolve(entry.value);
    // A load begun before the latest write may have read what it changed: join only a newer one.
    const pending = this.#loading.get(key);
    if (pending && pending.generation === generation) return pending.promise;
    const promise = load().then(
      (value) => {
        this.#settled(key, promise);
        if (generation === this.generation.value) this.#store(key, { value, generation, at: now });
        return value;
      },
      (err: unknown) => {
        this.#settled(key, promise);
        throw err;
      },
    );
    this.#loading.set(key, { generation, promise });
    return promise;
  }

  #settled(key: K, promise: Promise<V>): void {
    if (this.#loading.get(key)?.promise === promise) this.#loading.delete(key);
  }

  #store(key: K, entry: Entry<V>): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, entry);
  }
}
