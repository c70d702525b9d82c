/**
 * @module test/support/notified-refusal
 * How long another replica's change may take to close a notebook here: the proxy keeps its access
 * decisions until the database's notification of the change arrives, at most two heartbeat
 * intervals after the commit (store/postgres/postgres-foreign-writes), usually at once. A request
 * made before it arrives may still pass; none after.
 */
import assert from 'node:assert/strict';
import { FOREIGN_WRITES_HEARTBEAT_MS } from '../../src/store/postgres/postgres-foreign-writes.js';

export const NOTIFIED_MS = 2 * FOREIGN_WRITES_HEARTBEAT_MS;

/** Asks `url` with `headers` until it is refused (403), failing if it still passes NOTIFIED_MS after `since`. */
export async function refusedOnceNotified(url: string, headers: Record<string, string>, since: number): Promise<void> {
  for (;;) {
    const res = await fetch(url, { headers });
    if (res.status === 403) return;
    assert.equal(res.status, 200);
    assert.ok(Date.now() - since < NOTIFIED_MS, `admitted ${NOTIFIED_MS} ms after the change elsewhere`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
