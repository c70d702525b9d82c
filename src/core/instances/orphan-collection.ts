/**
 * @module core/instances/orphan-collection
 * One round of orphan collection: the driver lists what it runs or keeps, the store says which of
 * those instances it still holds, and the driver removes the rest. The store is asked in batches
 * well within every engine's limit on query parameters, whatever the driver finds.
 */
import type { Logger } from '../shared/logger.js';
import type { RuntimeDriver } from '../ports/runtime.js';
import type { Store } from '../ports/store.js';

const KNOWN_BATCH = 500;

async function heldOf(store: Store, ids: readonly string[]): Promise<Set<string>> {
  const held = new Set<string>();
  for (let i = 0; i < ids.length; i += KNOWN_BATCH) {
    for (const id of await store.instances.existing(ids.slice(i, i + KNOWN_BATCH))) held.add(id);
  }
  return held;
}

/** Resolves with how many instances' leftovers the driver removed (0 for drivers that cannot list theirs). */
export async function collectOrphans(driver: RuntimeDriver, store: Store, log: Logger): Promise<number> {
  if (!driver.collectOrphans) return 0;
  const removed = await driver.collectOrphans((ids) => heldOf(store, ids));
  if (removed > 0) log.info({ removed }, 'removed the workloads and storage of instances the store no longer holds');
  return removed;
}
