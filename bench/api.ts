/**
 * @module bench/api
 * The API under load, on a store of N instances (100,000 by default) in one project, served by a
 * real `demanager serve` process with the simulated runtime. Each throughput figure is printed
 * beside a bare Fastify server answering the same bytes from memory, measured in the same run and
 * alternating with the server (so drift on a shared machine hits both); the load generator runs in
 * a process of its own.
 *
 *   npm run bench -- api [--instances N] [--seconds S] [--smoke]
 *
 * Figures: cold start and RSS at N; GET detail with a token (32 connections), signed with an
 * access key, and with the metrics hook off; GET list of 100, filtered by status and sorted by
 * creation time, at N and at N/100 (index-bound, not scan-bound); create → start → stop → delete
 * throughput.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConfigOptions } from '../src/server/config.js';
import { startChildServer, type ChildServer } from '../test/support/child-server.js';
import { startBaseline } from './support/baseline.js';
import type { LifecycleResult, LifecycleSpec } from './support/lifecycle-load.js';
import type { LoadSpec } from './support/load-spec.js';
import {
  cpuPerRequest,
  load,
  mean,
  runJson,
  turns as loadTurns,
  type Measured,
  type Turn,
} from './support/load-turns.js';
import { figure, rssMbOf } from './support/measure.js';
import { FLAVOR, PROFILE, seededStore, SERVER_OPTIONS } from './support/seeded-store.js';
import { START_UP_PASS_LINE, startUpPass } from './support/start-up-pass.js';

const { values } = parseArgs({
  options: { instances: { type: 'string' }, seconds: { type: 'string' }, smoke: { type: 'boolean', default: false } },
  strict: false,
});
const smoke = values.smoke === true;
const total = Number(values.instances ?? (smoke ? 2_000 : 100_000));
const small = Math.max(100, Math.round(total / 100));
const seconds = Number(values.seconds ?? (smoke ? 1 : 10));
/** Baseline and server take turns this many times; each figure is the mean of its turns. */
const ROUNDS = smoke ? 1 : 2;
const CONNECTIONS = 32;
const WARM_UP_SECONDS = smoke ? 1 : 3;
const LIFECYCLE_WORKERS = 8;
const LIFECYCLE = fileURLToPath(new URL('./support/lifecycle-load.ts', import.meta.url));

const turns = (list: Turn[]) => loadTurns(list, { warmUpSeconds: WARM_UP_SECONDS, rounds: ROUNDS });

/** Throughput, latency and CPU per request of a server's turns beside the baseline's, and their ratios. */
function report(what: string, ours: Measured[], bare: Measured[]): void {
  const [rps, bareRps] = [mean(ours, 'requestsPerSecond'), mean(bare, 'requestsPerSecond')];
  const [p99, bareP99] = [mean(ours, 'p99Ms'), mean(bare, 'p99Ms')];
  const [cpu, bareCpu] = [cpuPerRequest(ours), cpuPerRequest(bare)];
  figure(
    'api',
    `${what} (req/s)`,
    Math.round(rps),
    `baseline ${Math.round(bareRps)} · ratio ${(rps / bareRps).toFixed(2)}`,
  );
  figure('api', `${what} p50 (ms)`, mean(ours, 'p50Ms'), `baseline ${mean(bare, 'p50Ms').toFixed(2)}`);
  figure('api', `${what} p99 (ms)`, p99, `baseline ${bareP99.toFixed(2)} · ×${(p99 / bareP99).toFixed(2)}`);
  figure(
    'api',
    `${what} server CPU per request (µs)`,
    Math.round(cpu),
    `baseline ${Math.round(bareCpu)} · ×${(cpu / bareCpu).toFixed(2)}`,
  );
}

/**
 * A server on the store; its output is kept until it logs the end of its start-up pass (which only
 * the lease holder, the first server on a store, makes), or not at all when `leads` is false.
 */
async function startServer(
  dataDir: string,
  databaseUrl: string,
  extra: ConfigOptions = {},
  leads = true,
): Promise<{ server: ChildServer; coldStartMs: number }> {
  const launched = Date.now();
  const server = await startChildServer(
    dataDir,
    { ...SERVER_OPTIONS, ...extra, databaseUrl },
    { keepOutput: leads ? START_UP_PASS_LINE : false },
  );
  return { server, coldStartMs: Date.now() - launched };
}

async function bodyOf(server: ChildServer, path: string): Promise<string> {
  const res = await fetch(server.url + path, { headers: { 'x-auth-token': server.token } });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.text();
}

const LIST_QUERY = '?de_type=Notebook&status=RUNNING&sortby=creation_timestamp&order=desc&limit=100&offset=0';

/** The list query on one connection: the latency of the query itself, not of a queue. */
function listLoad(server: ChildServer): LoadSpec {
  const url = `${server.url}/v1/${server.projectId}/demanager/instances${LIST_QUERY}`;
  return { url, connections: 1, durationSeconds: seconds, headers: { 'x-auth-token': server.token } };
}

function reportList(label: string, results: Measured[]): void {
  figure(
    'api',
    `GET list 100 of RUNNING at ${label} p50 (ms)`,
    mean(results, 'p50Ms'),
    `${Math.round(mean(results, 'requestsPerSecond'))} req/s on one connection`,
  );
  figure('api', `GET list 100 of RUNNING at ${label} p99 (ms)`, mean(results, 'p99Ms'));
  figure('api', `GET list 100 of RUNNING at ${label} server CPU per request (µs)`, Math.round(cpuPerRequest(results)));
}

const cleanup: Array<() => Promise<void>> = [];
try {
  const large = await seededStore('api', total);
  cleanup.push(() => rm(large.dir, { recursive: true, force: true }));
  const few = await seededStore('api', small);
  cleanup.push(() => rm(few.dir, { recursive: true, force: true }));
  const { server, coldStartMs } = await startServer(large.dir, large.databaseUrl);
  cleanup.push(() => server.stop());
  figure('api', `cold start to first answer at ${total} (ms)`, coldStartMs);
  // The same store served without the metrics hook, to price it; and the small store, for the list.
  const { server: plain } = await startServer(large.dir, large.databaseUrl, { metrics: { enabled: false } }, false);
  cleanup.push(() => plain.stop());
  const { server: smallServer } = await startServer(few.dir, few.databaseUrl);
  cleanup.push(() => smallServer.stop());
  // The lease holders of the two stores look at their running workloads once after starting.
  const pass = await startUpPass(server, Date.now() + 120_000);
  figure(
    'api',
    `start-up look at every running workload at ${total} (ms)`,
    pass.ms,
    `${pass.running} running, answering requests meanwhile`,
  );
  await startUpPass(smallServer, Date.now() + 120_000);

  const detailPath = `/v1/${server.projectId}/demanager/instances/${large.target}`;
  const detailBody = await bodyOf(server, detailPath);
  const baseline = await startBaseline(large.dir, detailBody);
  cleanup.push(async () => void baseline.process.kill('SIGKILL'));
  const detail = (target: { url: string; token?: string }, extra: Partial<LoadSpec> = {}): LoadSpec => ({
    url: target.url + detailPath,
    connections: CONNECTIONS,
    durationSeconds: seconds,
    headers: { 'x-auth-token': target.token ?? server.token },
    ...extra,
  });
  figure('api', 'GET detail answer size (bytes)', Buffer.byteLength(detailBody));

  const [bare, ours, unmetered] = await turns([
    { spec: detail(baseline), pid: baseline.process.pid! },
    { spec: detail(server), pid: server.process.pid! },
    { spec: detail(plain, { headers: { 'x-auth-token': plain.token } }), pid: plain.process.pid! },
  ]);
  report('GET detail, token, 32 connections', ours!, bare!);
  report('GET detail, token, metrics off', unmetered!, bare!);
  figure(
    'api',
    'GET detail req/s with the metrics hook ÷ without',
    mean(ours!, 'requestsPerSecond') / mean(unmetered!, 'requestsPerSecond'),
  );
  figure(
    'api',
    'GET detail CPU per request with the metrics hook ÷ without',
    cpuPerRequest(ours!) / cpuPerRequest(unmetered!),
  );

  const key = await server.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
    credential: { user_id: large.adminId, description: 'bench' },
  });
  if (key.status !== 201) throw new Error(`access key: ${key.status} ${JSON.stringify(key.body)}`);
  const accessKey = { id: key.body.credential.access as string, secret: key.body.credential.secret as string };
  // The baseline gets the same signed requests: the load generator's signing cost hits both.
  const [bareSigned, signed] = await turns([
    { spec: detail(baseline, { headers: {}, accessKey }), pid: baseline.process.pid! },
    { spec: detail(server, { headers: {}, accessKey }), pid: server.process.pid! },
  ]);
  report('GET detail, AK/SK-signed, 32 connections', signed!, bareSigned!);

  const [largeList, smallList] = await turns([
    { spec: listLoad(server), pid: server.process.pid! },
    { spec: listLoad(smallServer), pid: smallServer.process.pid! },
  ]);
  reportList(`${total}`, largeList!);
  reportList(`${small}`, smallList!);
  figure(
    'api',
    `GET list p99 at ${total} ÷ at ${small}`,
    mean(largeList!, 'p99Ms') / mean(smallList!, 'p99Ms'),
    'index-bound if near 1, scan-bound if near 100',
  );

  const lifecycleBaseline = await load(detail(baseline, { connections: LIFECYCLE_WORKERS }));
  const lifecycle = await runJson<LifecycleResult>(LIFECYCLE, {
    instancesUrl: `${server.url}/v1/${server.projectId}/demanager/instances`,
    token: server.token,
    workers: LIFECYCLE_WORKERS,
    durationSeconds: seconds,
    body: {
      profile_id: PROFILE,
      flavor: FLAVOR,
      spec: { storage: { type: 'evs' }, auto_stop: { enable: true, duration: 3600 } },
    },
  } satisfies LifecycleSpec);
  // The baseline: the same number of round trips per lifecycle, each answered from memory.
  const perLifecycle = lifecycle.requests / Math.max(1, lifecycle.lifecycles);
  const ceiling = lifecycleBaseline.requestsPerSecond / perLifecycle;
  const lifecycles = lifecycle.lifecycles / lifecycle.seconds;
  figure(
    'api',
    'create+stop+start+stop+delete lifecycles/s, 8 clients',
    lifecycles,
    `baseline ${ceiling.toFixed(2)} · ratio ${(lifecycles / ceiling).toFixed(2)}`,
  );
  figure(
    'api',
    'state-changing API operations/s',
    lifecycle.operations / lifecycle.seconds,
    `${perLifecycle.toFixed(1)} requests per lifecycle with polls`,
  );

  figure(
    'api',
    `server RSS at ${total} instances after the runs (MB)`,
    rssMbOf(server.process.pid!),
    `baseline bare Fastify ${rssMbOf(baseline.process.pid!).toFixed(1)} MB`,
  );
} finally {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
}
