/**
 * @module bench/list-tail
 * The tail of a list page under concurrency: 32 clients each asking, as fast as they are answered,
 * for the first 100 of 1,000 instances (about 166 KB an answer) from a real `demanager serve`
 * process. A p99 far above the median means some requests wait behind others' work: the figure
 * that matters is p99 ÷ median, measured in the same turns as the median itself, with a bare
 * Fastify server answering the same bytes from memory beside it (what any Node server pays to write
 * 166 KB to 32 sockets). The server's own view of each turn is printed too: event-loop delay and
 * garbage-collection pauses, read from its metrics endpoint before and after.
 *
 *   npm run bench -- list-tail [--instances N] [--seconds S] [--postgres] [--smoke]
 *
 * The load comes from autocannon, and from wrk as well where it is installed (not in smoke runs).
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createThrowawayDatabase } from '../test/store/postgres-test-database.js';
import { startChildServer, type ChildServer } from '../test/support/child-server.js';
import { startBaseline } from './support/baseline.js';
import type { LoadResult, LoadSpec } from './support/load.js';
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
  /** Event-loop delay, as prom-client's monitor saw it since the previous scrape. */
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
    loopP99Ms: sampleOf(text, 'demanager_nodejs_eventloop_lag_p99_seconds') * 1000,
    loopMaxMs: sampleOf(text, 'demanager_nodejs_eventloop_lag_max_seconds') * 1000,
    gcMs: sampleOf(text, 'demanager_nodejs_gc_duration_seconds_sum') * 1000,
    gcCount: sampleOf(text, 'demanager_nodejs_gc_duration_seconds_count'),
  };
}

function latencies(what: string, results: LoadResult[], bare: LoadResult[]): void {
  for (const [label, field] of [
    ['median', 'p50Ms'],
    ['p90', 'p90Ms'],
    ['p99', 'p99Ms'],
    ['max', 'maxMs'],
  ] as const)
    figure(BENCH, `${what} ${label} (ms)`, mean(results, field), `bare Fastify ${mean(bare, field).toFixed(2)}`);
}

/**
 * The list under `tool`'s load beside the bare server under the same, taken in turns so that the
 * shared machine's drift touches both alike; the server's view is read around its own turns only
 * (each scrape resets the event-loop delay monitor).
 */
async function measureWith(tool: LoadSpec['tool'], server: ChildServer, [bareTurn, ourTurn]: [Turn, Turn]) {
  const using = (turn: Turn): Turn => ({ ...turn, spec: { ...turn.spec, tool } });
  // Unmeasured turns first: the JIT compiles the hot path.
  for (const turn of [bareTurn, ourTurn]) await load({ ...using(turn).spec, durationSeconds: WARM_UP_SECONDS });
  const [bare, ours, views]: [Measured[], Measured[], ServerView[]] = [[], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await measured(using(bareTurn)));
    const [before, waitedBefore] = [await scrape(server), schedMsOf(server.process.pid!).waitMs];
    ours.push(await measured(using(ourTurn)));
    const [after, waitedAfter] = [await scrape(server), schedMsOf(server.process.pid!).waitMs];
    views.push({
      ...after,
      gcMs: after.gcMs - before.gcMs,
      gcCount: after.gcCount - before.gcCount,
      cpuWaitMs: waitedAfter - waitedBefore,
    });
  }

  const what = `GET list ${PAGE} of ${total}, ${CLIENTS} clients, ${tool}`;
  figure(
    BENCH,
    `${what} (req/s)`,
    Math.round(mean(ours, 'requestsPerSecond')),
    `bare Fastify ${Math.round(mean(bare, 'requestsPerSecond'))}`,
  );
  latencies(what, ours, bare);
  figure(
    BENCH,
    `${what} p99 ÷ median`,
    mean(ours, 'p99Ms') / mean(ours, 'p50Ms'),
    `target ≤ ${TAIL_RATIO_TARGET} · bare Fastify ${(mean(bare, 'p99Ms') / mean(bare, 'p50Ms')).toFixed(2)}`,
  );
  figure(
    BENCH,
    `${what} server CPU per request (µs)`,
    Math.round(cpuPerRequest(ours)),
    `bare Fastify ${Math.round(cpuPerRequest(bare))}`,
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

const cleanup: Array<() => Promise<void>> = [];
try {
  const database = engine === 'postgres' ? await createThrowawayDatabase() : undefined;
  if (database) cleanup.push(() => database.drop());
  const store = await seededStore(BENCH, total, database?.url);
  cleanup.push(() => rm(store.dir, { recursive: true, force: true }));
  const server = await startChildServer(
    store.dir,
    { ...SERVER_OPTIONS, databaseUrl: store.databaseUrl },
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
  const baseline = await startBaseline(store.dir, body);
  cleanup.push(async () => void baseline.process.kill('SIGKILL'));

  const spec = (target: string): LoadSpec => ({ url: target, connections: CLIENTS, durationSeconds: seconds, headers });
  const { pathname, search } = new URL(url);
  const turns: [Turn, Turn] = [
    { spec: spec(baseline.url + pathname + search), pid: baseline.process.pid! },
    { spec: spec(url), pid: server.process.pid! },
  ];
  await measureWith('autocannon', server, turns);
  // wrk where installed (not in smoke runs): the load tool of the figures issue 21 started from.
  if (!smoke && (await wrkInstalled())) await measureWith('wrk', server, turns);
} finally {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
}
