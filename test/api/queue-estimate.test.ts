/**
 * A simulated day of traffic on a queueing flavor (manual clock): people arrive at random, get in
 * line when the flavor is full, and run until their auto-stop deadline or stop early. For everyone
 * who had to wait, the estimate given on arrival (`queuing_info.end_timestamp`) is compared with
 * the moment they were admitted. Without early stops the estimate must be exact; with them it may
 * only err on the late side (slots free sooner than promised), and the test prints its error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { SLOT_STATUSES } from '../../src/core/capacity/admission.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { TRANSITIONAL_STATUSES } from '../../src/core/model/statuses.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LINE = completeFlavor({
  name: 'modelarts.vm.cpu.day',
  type: 'CPU',
  params: { CPU: 1 },
  promo_type: 'Free',
  capacity: 3,
  queues: true,
});

/** A small seeded generator, so every run simulates the same day. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Visitor {
  name: string;
  arrival: number;
  duration: number;
  /** Fraction of the running time after which they stop by hand (1: they run to the deadline). */
  stopsAfter: number;
  id?: string;
  estimate?: number;
  admittedAt?: number;
  runningSince?: number;
}

async function simulateDay(earlyStops: boolean): Promise<{ waited: Visitor[]; total: number }> {
  const rnd = random(earlyStops ? 7 : 3);
  const start = Date.UTC(2026, 10, 28, 0);
  const clock = new ManualClock(start);
  const t: TestApp = await startTestApp({
    start: { clock },
    tokenTtlSeconds: 3 * 86_400,
    catalog: { flavors: [...BUILTIN_CATALOG.flavors, LINE] },
    runtime: { simulated: { delays: { prepare: 0, start: 0, stop: 0, remove: 0 } } },
  });
  try {
    const visitors: Visitor[] = [];
    for (let at = start, n = 0; at < start + DAY; at += Math.round((10 + rnd() * 40) * MINUTE), n++) {
      visitors.push({
        name: `v-${n}`,
        arrival: at,
        duration: [3600, 5400, 7200][Math.floor(rnd() * 3)]!,
        stopsAfter: earlyStops && rnd() < 0.5 ? 0.2 + rnd() * 0.6 : 1,
      });
    }
    const settle = async () => {
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => setTimeout(r, 2));
        const all = (await t.http('GET', `${t.instances()}?de_type=Notebook&limit=0`)).body.instances as any[];
        // Settled: no deadline passed unheeded, nothing in a transition, no free slot while someone waits.
        const holders = all.filter((x) => SLOT_STATUSES.includes(x.status)).length;
        const waiting = all.some((x) => x.status === 'CREATE_QUEUING');
        const overdue = all.some((x) => x.status === 'RUNNING' && x.spec.auto_stop.stop_timestamp <= clock.now());
        if (
          !overdue &&
          all.every((x) => !TRANSITIONAL_STATUSES.has(x.status)) &&
          (holders >= LINE.capacity || !waiting)
        )
          return all;
      }
      throw new Error('the service did not settle');
    };
    const byId = new Map<string, Visitor>();
    let pending = [...visitors];
    // Until the last one in line has been admitted (no moment left to move to).
    for (;;) {
      const all = await settle();
      for (const x of all) {
        const v = byId.get(x.id)!;
        if (x.status === 'RUNNING' && v.runningSince === undefined) v.runningSince = clock.now();
        if (x.status !== 'CREATE_QUEUING' && v.admittedAt === undefined) v.admittedAt = clock.now();
      }
      // Early leavers stop by hand once their share of the running time has passed.
      for (const x of all) {
        const v = byId.get(x.id)!;
        if (
          x.status === 'RUNNING' &&
          v.stopsAfter < 1 &&
          clock.now() >= v.runningSince! + v.stopsAfter * v.duration * 1000
        ) {
          await t.http('POST', `${t.instances()}/${x.id}/action`, { body: { action: 'stop' } });
        }
      }
      const arriving = pending.filter((v) => v.arrival <= clock.now());
      pending = pending.filter((v) => v.arrival > clock.now());
      for (const v of arriving) {
        const res = await t.http('POST', t.instances(), {
          body: {
            name: v.name,
            profile_id: 'Multi-Engine 1.0 (python3)-cpu',
            flavor: LINE.name,
            spec: { storage: { type: 'evs' }, auto_stop: { enable: true, duration: v.duration } },
          },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        v.id = res.body.id;
        byId.set(v.id!, v);
        if (res.body.status === 'CREATE_QUEUING') v.estimate = res.body.queuing_info.end_timestamp;
      }
      if (arriving.length > 0) continue;
      // Next moment anything happens: an arrival, a deadline, an early stop.
      const after = (await settle()).filter((x) => x.status === 'RUNNING');
      const moments = [
        ...pending.slice(0, 1).map((v) => v.arrival),
        ...after.map((x) => x.spec.auto_stop.stop_timestamp as number),
        ...after
          .map((x) => byId.get(x.id)!)
          .filter((v) => v.stopsAfter < 1)
          .map((v) => v.runningSince! + Math.ceil(v.stopsAfter * v.duration * 1000)),
      ].filter((m) => m > clock.now());
      if (moments.length === 0) break;
      clock.advance(Math.min(...moments) - clock.now());
    }
    return { waited: visitors.filter((v) => v.estimate !== undefined), total: visitors.length };
  } finally {
    await t.stop();
  }
}

describe('the wait estimate over a simulated day', () => {
  it('is exact when everyone runs to their deadline', async () => {
    const { waited, total } = await simulateDay(false);
    assert.ok(waited.length >= 10, `enough people waited (${waited.length} of ${total})`);
    for (const v of waited)
      assert.equal(v.admittedAt, v.estimate, `${v.name}: estimated ${v.estimate}, admitted ${v.admittedAt}`);
    console.log(`# estimate, no early stops: ${waited.length} of ${total} waited; error 0 s for all`);
  });

  it('only errs late when people stop early, and its error is reported', async () => {
    const { waited, total } = await simulateDay(true);
    assert.ok(waited.length >= 10, `enough people waited (${waited.length} of ${total})`);
    const errors = waited.map((v) => (v.estimate! - v.admittedAt!) / 1000);
    for (const [i, e] of errors.entries())
      assert.ok(e >= 0, `${waited[i]!.name} was admitted ${-e} s later than estimated`);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const sorted = [...errors].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(sorted.length * 0.9)]!;
    console.log(
      `# estimate with early stops: ${waited.length} of ${total} waited; mean error ${Math.round(mean)} s, p90 ${Math.round(p90)} s (estimates are late, never early)`,
    );
  });
});
