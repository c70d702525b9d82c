/**
 * @module test/support/core-harness
 * The domain as src/server/services.ts wires it (lifecycle, queue, reconciler, scheduled jobs, the
 * change feed between them), on a real SQLite store in a temp dir, the simulated driver and a
 * ManualClock, without HTTP: for fast tests of the domain rules the API tests used to cover.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Quotas } from '../../src/core/capacity/admission.js';
import { CommittedChanges } from '../../src/core/changes/committed-changes.js';
import { watchStore } from '../../src/core/changes/store-changes.js';
import { LifecycleService, type Actor } from '../../src/core/instances/lifecycle-service.js';
import { QueueService } from '../../src/core/instances/queue-service.js';
import { Reconciler } from '../../src/core/instances/reconciler.js';
import { AutoStopJob } from '../../src/core/jobs/auto-stop.js';
import { ReservationJob } from '../../src/core/jobs/reservation.js';
import { RetentionJob } from '../../src/core/jobs/retention.js';
import { Scheduler } from '../../src/core/jobs/scheduler.js';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { Catalog, type Flavor } from '../../src/core/model/catalog.js';
import type { Instance } from '../../src/core/model/instance.js';
import type { InstanceEvent, Store } from '../../src/core/ports/store.js';
import { SecretBox } from '../../src/core/secrets/box.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { SimulatedDriver } from '../../src/runtime/simulated/simulated-driver.js';
import { openStore } from '../../src/store/open-store.js';

const silent = { info() {}, warn() {}, error() {} };

export const ALICE: Actor = { userId: 'u-alice', userName: 'alice', projectId: 'p1', isProjectAdmin: false };

export interface CoreHarnessOptions {
  /** Added to the built-in flavors. */
  flavors?: Flavor[];
  quotas?: Quotas;
  /** Epoch ms the manual clock starts at. */
  startAt?: number;
  /** Instance names (a regular expression) whose start the simulated driver fails. */
  failStart?: string;
  /** How often RUNNING workloads are polled for liveness (and idleness); default never. */
  pollIntervalMs?: number;
}

export interface CoreHarness {
  clock: ManualClock;
  store: Store;
  lifecycle: LifecycleService;
  queue: QueueService;
  /** Moves the clock and lets the reconciler and the jobs react. */
  advance(ms: number): Promise<void>;
  /** Lets every pending promise chain (store writes, driver steps, admissions) run. */
  settle(): Promise<void>;
  /** The stored instance, or undefined once deleted. */
  read(id: string): Promise<Instance | undefined>;
  /** The instance's history, oldest first, without the progress entries. */
  history(id: string): Promise<InstanceEvent[]>;
  /** Settles until the instance is in `status` (`GONE`: deleted); fails after a bounded wait. */
  until(id: string, status: string): Promise<Instance | undefined>;
  close(): Promise<void>;
}

export async function startCoreHarness(options: CoreHarnessOptions = {}): Promise<CoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'demanager-core-'));
  const clock = new ManualClock(options.startAt ?? Date.UTC(2026, 10, 28, 9));
  const stored = await openStore(join(dir, 'store.db'));
  const committed = new CommittedChanges(silent);
  const { store } = watchStore(stored, (change) => committed.publish(change));
  const catalog = new Catalog({
    ...BUILTIN_CATALOG,
    flavors: [...BUILTIN_CATALOG.flavors, ...(options.flavors ?? [])],
  });
  const driver = new SimulatedDriver(clock, {
    delays: { prepare: 0, start: 0, stop: 0, remove: 0 },
    failOn: options.failStart ? { start: options.failStart } : {},
  });
  const reconciler = new Reconciler({
    store,
    driver,
    catalog,
    clock,
    log: silent,
    replica: 'test',
    startTimeoutMs: 60_000,
    pollIntervalMs: options.pollIntervalMs ?? 0,
    scanIntervalMs: 0,
  });
  const writer = { store, clock, log: silent, replica: 'test' };
  const queue = new QueueService({ ...writer, catalog, trigger: reconciler });
  const scheduler = new Scheduler({
    clock,
    log: silent,
    jobs: [
      new AutoStopJob({ ...writer, trigger: reconciler }),
      new RetentionJob({ ...writer, catalog, trigger: reconciler }),
      new ReservationJob({ ...writer, catalog, queue }),
    ],
  });
  const lifecycle = new LifecycleService({
    ...writer,
    catalog,
    trigger: reconciler,
    secrets: new SecretBox(randomBytes(32)),
    ...(options.quotas ? { quotas: options.quotas } : {}),
    queue,
  });
  committed.subscribe((change) => scheduler.noticeChange(change));
  committed.subscribe((change) => queue.noticeChange(change));
  await reconciler.start();
  await scheduler.start();
  await queue.start();

  async function settle(): Promise<void> {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  }
  const read = async (id: string) => store.instances.get(ALICE.projectId, id);
  return {
    clock,
    store,
    lifecycle,
    queue,
    settle,
    read,
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async history(id) {
      const page = await lifecycle.events(ALICE, id, { offset: 0, limit: 1000 });
      return page.items.filter((e) => e.kind !== 'progress').sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    },
    async until(id, status) {
      for (let i = 0; i < 200; i++) {
        const instance = await read(id);
        if (status === 'GONE' ? instance === undefined : instance?.status === status) return instance;
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error(`${id} never became ${status}; is ${(await read(id))?.status}`);
    },
    async close() {
      scheduler.close();
      await queue.stop();
      await reconciler.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
