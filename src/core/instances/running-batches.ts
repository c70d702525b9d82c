/**
 * @module core/instances/running-batches
 * Every instance still RUNNING, handed over a batch at a time with a turn of the event loop in
 * between: read at once, 30,000 running instances held the event loop (and the first request
 * after a restart) for most of a second. Ids first, then each batch's records, so memory holds
 * one batch of records whatever the count.
 */
import type { Instance } from '../model/instance.js';
import type { Store } from '../ports/store.js';

const BATCH = 500;

/** Resolves with how many instances were RUNNING when it began; stops early once `signal` aborts. */
export async function forEachRunningBatch(
  store: Store,
  signal: AbortSignal,
  visit: (batch: Instance[]) => Promise<void>,
): Promise<number> {
  const ids = await store.instances.idsInStatus('RUNNING');
  for (let at = 0; at < ids.length && !signal.aborted; at += BATCH) {
    const batch = await store.instances.getMany(ids.slice(at, at + BATCH));
    await visit(batch.filter((instance) => instance.status === 'RUNNING'));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return ids.length;
}
