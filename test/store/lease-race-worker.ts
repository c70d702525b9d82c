/**
 * @module test/store/lease-race-worker
 * One SQLite "replica" for the lease race in sqlite-store.test.ts: opens its own connection, says
 * it is ready, blocks until every replica is, then calls `acquire` for each of its holders and
 * reports which of them won.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export interface LeaseRaceJob {
  file: string;
  holders: string[];
  now: number;
  ttlMs: number;
  /** An Int32Array's buffer; the racers start when its first element becomes non-zero. */
  gate: SharedArrayBuffer;
}

const job = workerData as LeaseRaceJob;
const store = new SqliteStore(job.file);
try {
  await store.ping();
  parentPort?.postMessage({ ready: true });
  Atomics.wait(new Int32Array(job.gate), 0, 0);
  const results = await Promise.all(job.holders.map((h) => store.leases.acquire('reconciler', h, job.ttlMs, job.now)));
  parentPort?.postMessage({ won: job.holders.filter((_, i) => results[i]) });
} finally {
  await store.close();
}
