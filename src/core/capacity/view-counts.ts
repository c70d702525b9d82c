/**
 * @module core/capacity/view-counts
 * The two counts every instance view shows beside the instance (Table 7): how many instances the
 * caller has per flavor, and how many hold a slot per flavor over every project. Both are counts
 * over many rows, so they are cached (see {@link ReadCache}) instead of read per request.
 */
import { SLOT_STATUSES } from './admission.js';
import { COUNTS_CACHE_MS, ReadCache, type Generation } from '../shared/read-cache.js';
import type { Store } from '../ports/store.js';

export class ViewCounts {
  readonly #perCaller: ReadCache<string, Map<string, number>>;
  readonly #slots: ReadCache<'all', Map<string, number>>;

  constructor(
    private readonly store: Store,
    /** Instance writes through this process's store. */
    changes: Generation,
  ) {
    this.#perCaller = new ReadCache(changes, COUNTS_CACHE_MS);
    this.#slots = new ReadCache(changes, COUNTS_CACHE_MS);
  }

  /** The caller's instances per flavor. The map is shared: read it, never change it. */
  ofCaller(projectId: string, userId: string): Promise<ReadonlyMap<string, number>> {
    return this.#perCaller.get(`${projectId}\n${userId}`, () => this.store.instances.countByFlavor(projectId, userId));
  }

  /** Instances holding a slot per flavor, over every project. The map is shared: read it only. */
  slotHolders(): Promise<ReadonlyMap<string, number>> {
    return this.#slots.get('all', () => this.store.instances.countInStatuses(SLOT_STATUSES));
  }
}
