/**
 * The reconciler has the driver collect orphans when it starts (the lease holder taking the lead)
 * and then every `orphanIntervalMs` of its clock, answering the driver's question from the store,
 * and logs how many went. Real SQLite store, real local driver: orphans are instance directories
 * prepared for instances the store does not hold (no notebook needs to run for that).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { Catalog } from '../../src/core/model/catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { newInstanceId } from '../../src/core/model/instance.js';
import type { Logger } from '../../src/core/shared/logger.js';
import { Reconciler } from '../../src/core/instances/reconciler.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { eventually, makeDriver, makeWorkload, tempDir } from '../runtime/local-fixtures.js';
import { makeInstance } from '../store/fixtures.js';

const INTERVAL = 600_000;

/** Lets every pending promise chain run to its next wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

describe('reconciler: orphan collection', () => {
  const dir = tempDir('reconciler-orphans');
  const dataDir = join(dir, 'data');
  const driver = makeDriver(dataDir);
  const catalog = new Catalog(BUILTIN_CATALOG);
  let store: Store;
  const logged: { fields: Record<string, unknown>; message: string }[] = [];
  const log: Logger = {
    info: (fields, message = '') => logged.push({ fields: fields as Record<string, unknown>, message }),
    warn() {},
    error() {},
  };
  before(async () => {
    store = await openStore(`sqlite:${join(dir, 'store.db')}`);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const instanceDir = (id: string) => join(dataDir, 'instances', id);

  /** A directory prepared for an instance the store does not hold. */
  async function orphan(): Promise<string> {
    const workload = makeWorkload();
    await driver.prepare(workload, new AbortController().signal);
    return workload.instance.id;
  }

  /** An instance the store holds, with its directory prepared. */
  async function held(): Promise<string> {
    const instance = { ...makeInstance({ status: 'STOPPED' }), id: newInstanceId() };
    await store.instances.insert(instance);
    mkdirSync(instanceDir(instance.id), { recursive: true });
    return instance.id;
  }

  function reconciler(clock: ManualClock, orphanIntervalMs: number): Reconciler {
    return new Reconciler({
      store,
      driver,
      catalog,
      clock,
      log,
      replica: 'test',
      startTimeoutMs: 60_000,
      pollIntervalMs: 0,
      scanIntervalMs: 0,
      orphanIntervalMs,
    });
  }

  it('collects on start, then once per interval of its clock, and not once stopped', async () => {
    const clock = new ManualClock();
    const kept = await held();
    const first = await orphan();
    logged.length = 0;
    const r = reconciler(clock, INTERVAL);
    await r.start();
    await eventually(() => !existsSync(instanceDir(first)), 10_000, 'the orphan of before the start to go');
    assert.ok(existsSync(instanceDir(kept)), 'the held instance keeps its directory');
    await eventually(() => logged.some((l) => l.fields.removed === 1), 5_000, 'the count to be logged');

    const second = await orphan();
    clock.advance(INTERVAL - 1);
    await settle();
    assert.ok(existsSync(instanceDir(second)), 'not collected before the interval has passed');
    clock.advance(1);
    await eventually(() => !existsSync(instanceDir(second)), 10_000, 'the orphan to go after one interval');

    await r.stop();
    const third = await orphan();
    clock.advance(INTERVAL * 2);
    await settle();
    assert.ok(existsSync(instanceDir(third)), 'a stopped reconciler (no lease) collects nothing');
    assert.ok(existsSync(instanceDir(kept)));
    rmSync(instanceDir(third), { recursive: true });
  });

  it('collects nothing when the interval is 0', async () => {
    const clock = new ManualClock();
    const left = await orphan();
    const r = reconciler(clock, 0);
    await r.start();
    clock.advance(INTERVAL);
    await settle();
    await r.stop();
    assert.ok(existsSync(instanceDir(left)));
    rmSync(instanceDir(left), { recursive: true });
  });

  it('asks the store in batches: of more than a thousand leftovers, removes exactly the unknown ones', async () => {
    const kept = await Promise.all(Array.from({ length: 3 }, held));
    const orphans = Array.from({ length: 1_200 }, newInstanceId);
    for (const id of orphans) mkdirSync(instanceDir(id), { recursive: true });
    logged.length = 0;
    const r = reconciler(new ManualClock(), 0);
    assert.equal(await r.collectOrphans(), 1_200);
    assert.deepEqual(
      logged.map((l) => l.fields),
      [{ removed: 1_200 }],
    );
    for (const id of kept) assert.ok(existsSync(instanceDir(id)));
    assert.ok(orphans.every((id) => !existsSync(instanceDir(id))));
    assert.equal(await r.collectOrphans(), 0);
  });
});
