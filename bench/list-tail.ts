/**
 * @module bench/list-tail
 * The tail of a list page under concurrency: 32 clients each asking, as fast as they are answered,
 * for the first 100 of 1,000 instances (about 166 KB an answer) from a real `demanager serve`
 * process. A p99 far above the median means some requests wait behind others' work: the figure
 * that matters is p99 ÷ median, measured in the same turns as the median itself. Beside it, taken
 * in the same turns: a bare Fastify server answering the same bytes from memory (what any Node
 * server pays to write 166 KB to 32 sockets), and the same bare server spending as much CPU on each
 * request as demanager does, with none of its parts (no store, no views, no garbage to speak of):
 * if its tail is demanager's, the tail comes from the cost of a request and the machine, not from
 * how demanager spends it. The server's own view of each turn is printed too: event-loop delay,
 * garbage-collection pauses (from its metrics endpoint) and time its event loop was runnable but
 * waiting for a CPU (/proc schedstat).
 *
 *   npm run bench -- list-tail [--instances N] [--seconds S] [--postgres] [--smoke]
 *
 * The load comes from autocannon, and from wrk as well where it is installed (not in smoke runs).
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EVENT_LOOP_MONITOR_MS } from '../src/server/metrics.js';
import { createThrowawayDatabase } from '../test/store/postgres-test-database.js';
import { startChildServer, type ChildServer } from '../test/support/child-server.js';
import { startBaseline } from './support/baseline.js';
import type { LoadResult, LoadSpec } from './support/load-spec.js';
import { cpuPerRequest, load, mean, measured, type Measured, type Turn } from './support/load-turns.js';
import { figure, schedMsOf } from './support/measure.js';
import { seededStore, SERVER_OPTIONS } from './support/seeded-store.js';
import { START_UP_PASS_LINE, startUpPass } from './support/start-up-pass.js';
import { wrkInstalled } from './support/wrk-load.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    seconds: { type: 'string' },
    postgres: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
  },
  strict: false,
});
const smoke = values.smoke === true;
const engine = values.postgres === true ? 'postgres' : 'sqlite';
const total = Number(values.instances ?? 1_000);
const seconds = Number(values.seconds ?? (smoke ? 1 : 10));
const ROUNDS = smoke ? 1 : 2;
const WARM_UP_SECONDS = smoke ? 1 : 3;
const CLIENTS = 32;
const PAGE = 100;
/** The target: p99 within this many medians. */
const TAIL_RATIO_TARGET = 3;
const BENCH = 'list-tail';

/** What the server's metrics endpoint says about the turn that just ran. */
interface ServerView {
  /** Event-loop delay since the previous scrape: how late the monitor's ticks came. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Garbage-collection pauses, summed over every kind. */
  gcMs: number;
  gcCount: number;
  /** The event loop's thread, runnable but waiting while other processes held the CPUs. */
  cpuWaitMs: number;
}

function sampleOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name + ' ') || line.startsWith(name + '{'))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

async function scrape(server: ChildServer): Promise<Omit<ServerView, 'cpuWaitMs'>> {
  const res = await fetch(`${server.url}/metrics`, { headers: { 'x-auth-token': server.token } });
  if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
  const text = await res.text();
  return {
    loopP99Ms: sampleOf(text, 'demanager_nodejs_eventloop_lag_p99_seconds') * 1000 - EVENT_LOOP_MONITOR_MS,
    loopMaxMs: sampleOf(text, 'demanager_nodejs_eventloop_lag_max_seconds') * 1000 - EVENT_LOOP_MONITOR_MS,
    gcMs: sampleOf(text, 'demanager_nodejs_gc_duration_seconds_sum') * 1000,
    gcCount: sampleOf(text, 'demanager_nodejs_gc_duration_seconds_count'),
  };
}

/** The servers measured in turns, each under the same load. */
interface Turns {
  bare: Turn;
  /** The bare server spending demanager's CPU per request. */
  costly: Turn;
  ours: Turn;
}

function figures(what: string, field: keyof LoadResult, ours: LoadResult[], bare: LoadResult[], costly: LoadResult[]) {
  const context = `bare Fastify ${mean(bare, field).toFixed(2)} · as costly ${mean(costly, field).toFixed(2)}`;
  figure(BENCH, what, mean(ours, field), context);
}

/**
 * The list under `tool`'s load beside the bare servers under the same, taken in turns so that the
 * shared machine's drift touches all alike; the server's view is read around its own turns only
 * (each scrape resets the event-loop delay monitor).
 */
async function measureWith(tool: LoadSpec['tool'], server: ChildServer, turns: Turns): Promise<void> {
  const using = (turn: Turn): Turn => ({ ...turn, spec: { ...turn.spec, tool } });
  // Unmeasured turns first: the JIT compiles the hot path.
  for (const turn of Object.values(turns)) await load({ ...using(turn).spec, durationSeconds: WARM_UP_SECONDS });
  const [bare, costly, ours, views]: [Measured[], Measured[], Measured[], ServerView[]] = [[], [], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await measured(using(turns.bare)));
    costly.push(await measured(using(turns.costly)));
    const [before, waitedBefore] = [await scrape(server), schedMsOf(server.process.pid!).waitMs];
    ours.push(await measured(using(turns.ours)));
    const [after, waitedAfter] = [await scrape(server), schedMsOf(server.process.pid!).waitMs];
    views.push({
      ...after,
      gcMs: after.gcMs - before.gcMs,
      gcCount: after.gcCount - before.gcCount,
      cpuWaitMs: waitedAfter - waitedBefore,
    });
  }

  const what = `GET list ${PAGE} of ${total}, ${CLIENTS} clients, ${tool}`;
  figures(`${what} (req/s)`, 'requestsPerSecond', ours, bare, costly);
  for (const [label, field] of [
    ['median', 'p50Ms'],
    ['p90', 'p90Ms'],
    ['p99', 'p99Ms'],
    ['max', 'maxMs'],
  ] as const)
    figures(`${what} ${label} (ms)`, field, ours, bare, costly);
  const tail = (results: LoadResult[]) => mean(results, 'p99Ms') / mean(results, 'p50Ms');
  figure(
    BENCH,
    `${what} p99 ÷ median`,
    tail(ours),
    `target ≤ ${TAIL_RATIO_TARGET} · bare Fastify ${tail(bare).toFixed(2)} · as costly ${tail(costly).toFixed(2)}`,
  );
  figure(
    BENCH,
    `${what} server CPU per request (µs)`,
    Math.round(cpuPerRequest(ours)),
    `bare Fastify ${Math.round(cpuPerRequest(bare))} · as costly ${Math.round(cpuPerRequest(costly))}`,
  );
  const measuredSeconds = seconds * ROUNDS;
  figure(
    BENCH,
    `${what} server GC pauses (ms per s)`,
    views.reduce((sum, v) => sum + v.gcMs, 0) / measuredSeconds,
    `${views.reduce((sum, v) => sum + v.gcCount, 0)} pauses in ${measuredSeconds} s`,
  );
  figure(
    BENCH,
    `${what} server waiting for a CPU (ms per s)`,
    views.reduce((sum, v) => sum + v.cpuWaitMs, 0) / measuredSeconds,
    'its event loop runnable while other processes ran',
  );
  figure(BENCH, `${what} server event-loop delay p99 (ms)`, Math.max(...views.map((v) => v.loopP99Ms)));
  figure(BENCH, `${what} server event-loop delay max (ms)`, Math.max(...views.map((v) => v.loopMaxMs)));
}

/** Server CPU per request, µs, over an unmeasured load: what the costly baseline spends. */
async function cpuCostOf(turn: Turn): Promise<number> {
  return cpuPerRequest([await measured({ ...turn, spec: { ...turn.spec, durationSeconds: WARM_UP_SECONDS } })]);
}

const cleanup: Array<() => Promise<void>> = [];
try {
  const database = engine === 'postgres' ? await createThrowawayDatabase() : undefined;
  if (database) cleanup.push(() => database.drop());
  const store = await seededStore(BENCH, total, database?.url);
  cleanup.push(() => rm(store.dir, { recursive: true, force: true }));
  const server = await startChildServer(
    store.dir,
    { ...SERVER_OPTIONS, ...store.options },
    { keepOutput: START_UP_PASS_LINE },
  );
  cleanup.push(() => server.stop());
  await startUpPass(server, Date.now() + 120_000);

  const url = `${server.url}/v1/${server.projectId}/demanager/instances?de_type=Notebook&limit=${PAGE}`;
  const headers = { 'x-auth-token': server.token };
  const first = await fetch(url, { headers });
  if (first.status !== 200) throw new Error(`GET list: ${first.status} ${await first.text()}`);
  const body = await first.text();
  const listed = (JSON.parse(body) as { instances: unknown[] }).instances.length;
  if (listed !== Math.min(PAGE, total)) throw new Error(`GET list answered ${listed} instances`);
  figure(BENCH, `GET list ${PAGE} of ${total} answer size (bytes)`, Buffer.byteLength(body), engine);

  const spec = (target: string): LoadSpec => ({ url: target, connections: CLIENTS, durationSeconds: seconds, headers });
  const { pathname, search } = new URL(url);
  const ours: Turn = { spec: spec(url), pid: server.process.pid! };
  const bareServer = await startBaseline(store.dir, body);
  cleanup.push(async () => void bareServer.process.kill('SIGKILL'));
  const bare: Turn = { spec: spec(bareServer.url + pathname + search), pid: bareServer.process.pid! };
  // The costly baseline adds to the bare server's own cost what demanager spends beyond it.
  const busyUs = Math.max(0, (await cpuCostOf(ours)) - (await cpuCostOf(bare)));
  figure(
    BENCH,
    'CPU the costly baseline spends per request (µs)',
    Math.round(busyUs),
    'demanager’s less the bare server’s',
  );
  const costlyServer = await startBaseline(store.dir, body, busyUs);
  cleanup.push(async () => void costlyServer.process.kill('SIGKILL'));
  const costly: Turn = { spec: spec(costlyServer.url + pathname + search), pid: costlyServer.process.pid! };

  await measureWith('autocannon', server, { bare, costly, ours });
  // wrk where installed (not in smoke runs): the load tool of the figures issue 21 started from.
  if (!smoke && (await wrkInstalled())) await measureWith('wrk', server, { bare, costly, ours });
} finally {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
}
