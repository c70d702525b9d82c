/**
 * A simulated day of traffic on a queueing flavor (manual clock): people arrive at random, get in
 * line when the flavor is full, and run until their auto-stop deadline or stop early. One heavy
 * user queues two at a time; four light users one each. For everyone who had to wait, the estimate
 * shown (`queuing_info.end_timestamp`) is compared with the moment they were admitted: under `fifo`
 * the one given on arrival, as no later arrival goes ahead; under both policies the last one shown
 * before admission (under `fair` a lighter newcomer may go ahead of an earlier estimate). Without
 * early stops the estimate must be exact; with them it may only err on the late side (slots free
 * sooner than promised), and the test prints its error. The same day runs under `fifo` and `fair`,
 * and the waits of each user class are printed side by side.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { SLOT_STATUSES } from '../../src/core/capacity/admission.js';
import type { QueuePolicy } from '../../src/core/model/catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { TRANSITIONAL_STATUSES } from '../../src/core/model/statuses.js';
import { member } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const line = (policy: QueuePolicy) =>
  completeFlavor({
    name: 'modelarts.vm.cpu.day',
    type: 'CPU',
    params: { CPU: 1 },
    promo_type: 'Free',
    capacity: 3,
    queues: true,
    queue_policy: policy,
  });
const CAPACITY = 3;
const LIGHT_USERS = ['light-0', 'light-1', 'light-2', 'light-3'];

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
  user: string;
  arrival: number;
  duration: number;
  /** Fraction of the running time after which they stop by hand (1: they run to the deadline). */
  stopsAfter: number;
  id?: string;
  /** The estimate on arrival, and the last one shown while waiting. */
  estimate?: number;
  lastEstimate?: number;
  admittedAt?: number;
  runningSince?: number;
}

async function simulateDay(
  policy: QueuePolicy,
  earlyStops: boolean,
): Promise<{ visitors: Visitor[]; waited: Visitor[]; total: number }> {
  const rnd = random(earlyStops ? 7 : 3);
  const LINE = line(policy);
  const start = Date.UTC(2026, 10, 28, 0);
  const clock = new ManualClock(start);
  const t: TestApp = await startTestApp({
    start: { clock },
    tokenTtlSeconds: 3 * 86_400,
    catalog: { flavors: [...BUILTIN_CATALOG.flavors, LINE] },
    runtime: { simulated: { delays: { prepare: 0, start: 0, stop: 0, remove: 0 } } },
  });
  try {
    const tokens = new Map<string, string>();
    for (const user of ['heavy', ...LIGHT_USERS]) tokens.set(user, (await member(t, user, t.projectId)).token);
    const visitors: Visitor[] = [];
    for (let at = start, n = 0; at < start + DAY; at += Math.round((10 + rnd() * 40) * MINUTE), n++) {
      const heavy = rnd() < 0.25;
      // The heavy user's second a second after the first: two creates in one millisecond would
      // be in line by their ids, not in the order sent.
      for (let k = 0; k < (heavy ? 2 : 1); k++) {
        visitors.push({
          name: `v-${n}-${k}`,
          user: heavy ? 'heavy' : LIGHT_USERS[n % LIGHT_USERS.length]!,
          arrival: at + k * 1000,
          duration: [3600, 5400, 7200][Math.floor(rnd() * 3)]!,
          stopsAfter: earlyStops && rnd() < 0.5 ? 0.2 + rnd() * 0.6 : 1,
        });
      }
    }
    const settle = async () => {
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => setTimeout(r, 2));
        const all = (await t.http('GET', `${t.instances()}?de_type=Notebook&limit=0&show_self=false`)).body
          .instances as any[];
        // Settled: no deadline passed unheeded, nothing in a transition, no free slot while someone waits.
        const holders = all.filter((x) => SLOT_STATUSES.includes(x.status)).length;
        const waiting = all.some((x) => x.status === 'CREATE_QUEUING');
        const overdue = all.some((x) => x.status === 'RUNNING' && x.spec.auto_stop.stop_timestamp <= clock.now());
        if (!overdue && all.every((x) => !TRANSITIONAL_STATUSES.has(x.status)) && (holders >= CAPACITY || !waiting))
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
        if (x.status === 'CREATE_QUEUING') v.lastEstimate = x.queuing_info.end_timestamp;
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
          token: tokens.get(v.user)!,
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
      // Next moment anything happens: an arrival, a deadline, an early stop. What is shown now,
      // after all of this moment, is the last estimate before it.
      const settled = await settle();
      for (const x of settled)
        if (x.status === 'CREATE_QUEUING') byId.get(x.id)!.lastEstimate = x.queuing_info.end_timestamp;
      const after = settled.filter((x) => x.status === 'RUNNING');
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
    return { visitors, waited: visitors.filter((v) => v.estimate !== undefined), total: visitors.length };
  } finally {
    await t.stop();
  }
}

interface Day {
  policy: QueuePolicy;
  visitors: Visitor[];
  waited: Visitor[];
  total: number;
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** The waits (arrival to admission, in minutes) of one user class: mean and p90. */
function waits(day: Day, heavy: boolean): { mean: number; p90: number; n: number } {
  const minutes = day.visitors
    .filter((v) => (v.user === 'heavy') === heavy)
    .map((v) => (v.admittedAt! - v.arrival) / MINUTE)
    .sort((a, b) => a - b);
  const mean = minutes.reduce((a, b) => a + b, 0) / minutes.length;
  return { mean, p90: minutes[Math.floor(minutes.length * 0.9)]!, n: minutes.length };
}

/** Prints the waits per user class under each policy, side by side. */
function printWaits(title: string, days: Day[]): void {
  for (const heavy of [false, true]) {
    const cells = days.map((d) => {
      const w = waits(d, heavy);
      return `${d.policy} mean ${Math.round(w.mean)} min, p90 ${Math.round(w.p90)} min`;
    });
    console.log(
      `# ${title}, ${heavy ? 'heavy user' : 'light users'} (${waits(days[0]!, heavy).n}): ${cells.join(' | ')}`,
    );
  }
}

/** Everyone was admitted, and the same day was simulated under each policy. */
function checkDays(fifo: Day, fair: Day): void {
  for (const day of [fifo, fair]) {
    assert.ok(day.waited.length >= 10, `${day.policy}: enough people waited (${day.waited.length} of ${day.total})`);
    for (const v of day.visitors) assert.ok(v.admittedAt !== undefined, `${day.policy}: ${v.name} was admitted`);
  }
  assert.deepEqual(
    fair.visitors.map((v) => [v.user, v.arrival]),
    fifo.visitors.map((v) => [v.user, v.arrival]),
  );
  // What the fair policy is for: the light users wait no longer than behind a first-come line.
  assert.ok(
    waits(fair, false).mean <= waits(fifo, false).mean,
    `light users wait ${waits(fair, false).mean} min on average under fair, ${waits(fifo, false).mean} under fifo`,
  );
}

describe('the wait estimate over a simulated day', () => {
  it('is exact when everyone runs to their deadline, under either policy', async () => {
    const fifo = { policy: 'fifo' as const, ...(await simulateDay('fifo', false)) };
    const fair = { policy: 'fair' as const, ...(await simulateDay('fair', false)) };
    checkDays(fifo, fair);
    for (const v of fifo.waited)
      assert.equal(v.admittedAt, v.estimate, `fifo ${v.name}: estimated ${v.estimate}, admitted ${v.admittedAt}`);
    for (const day of [fifo, fair])
      for (const v of day.waited)
        assert.equal(
          v.admittedAt,
          v.lastEstimate,
          `${day.policy} ${v.name}: last shown ${v.lastEstimate}, admitted ${v.admittedAt}`,
        );
    const overtaken = fair.waited.filter((v) => v.estimate !== v.admittedAt).length;
    console.log(
      `# estimate, no early stops: fifo ${fifo.waited.length} of ${fifo.total} waited, error 0 s for all; ` +
        `fair ${fair.waited.length} waited, last estimate exact for all, ${overtaken} admitted later than told on arrival (a lighter user came)`,
    );
    printWaits('waits, no early stops', [fifo, fair]);
  });

  it('only errs late when people stop early, and its error is reported, under either policy', async () => {
    const fifo = { policy: 'fifo' as const, ...(await simulateDay('fifo', true)) };
    const fair = { policy: 'fair' as const, ...(await simulateDay('fair', true)) };
    checkDays(fifo, fair);
    for (const [day, estimateOf] of [
      [fifo, (v: Visitor) => v.estimate!],
      [fair, (v: Visitor) => v.lastEstimate!],
    ] as const) {
      const errors = day.waited.map((v) => seconds(estimateOf(v) - v.admittedAt!));
      for (const [i, e] of errors.entries())
        assert.ok(e >= 0, `${day.policy} ${day.waited[i]!.name} was admitted ${-e} s later than estimated`);
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
      const p90 = [...errors].sort((a, b) => a - b)[Math.floor(errors.length * 0.9)]!;
      console.log(
        `# estimate with early stops, ${day.policy} (${day.policy === 'fifo' ? 'on arrival' : 'last shown'}): ${day.waited.length} of ${day.total} waited; mean error ${Math.round(mean)} s, p90 ${Math.round(p90)} s (estimates are late, never early)`,
      );
    }
    printWaits('waits with early stops', [fifo, fair]);
  });
});
