/**
 * @module bench/proxy
 * What the notebook proxy adds to a notebook's own answers, on one connection: a real Jupyter
 * server started by a real `demanager serve` (local runtime), asked for `api/status` directly (the
 * baseline: the bare notebook, with the workload token) and through the proxy (with the notebook
 * cookie a browser tab holds), in alternating turns so that drift on a shared machine hits both;
 * and a terminal's WebSocket, a keystroke answered by its echo, directly and through the proxy. Each
 * prints the median, p90 and p99 of both and the difference of the medians: the time
 * the proxy adds to a request or a message; and, for reference, what one more process adds that
 * pipes the bytes unread (bench/support/byte-forwarder: the hop without HTTP), what a pass-through
 * proxy of a few lines of Node adds (bench/support/pass-through-proxy: the least an HTTP proxy in
 * Node adds), and the floor under any hop, a message echoed by another process over loopback TCP
 * (bench/support/tcp-echo).
 *
 *   npm run bench -- proxy [--requests N] [--postgres] [--smoke]
 *
 * Also the demanager server's CPU time per proxied request or message. The store is SQLite, or a
 * throwaway PostgreSQL database with `--postgres`. Notebooks run without
 * per-user isolation (`runtime.local.isolation: "none"`): the proxy's path is the same either way,
 * and the benchmark then needs no OS accounts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { runIdOf } from '../src/core/identity/instance-tokens.js';
import { deriveKey } from '../src/core/secrets/box.js';
import type { ConfigOptions } from '../src/server/config.js';
import { openStore } from '../src/store/open-store.js';
import { startChildServer, type ChildServer } from '../test/support/child-server.js';
import { createThrowawayDatabase } from '../test/store/postgres-test-database.js';
import { spawnListening } from './support/listening-child.js';
import { cpuMsOf, figure, percentile, sleep } from './support/measure.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string' },
    postgres: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
  },
  strict: false,
});
const smoke = values.smoke === true;
const engine = values.postgres === true ? 'postgres' : 'sqlite';
/** Requests (and messages) measured on each side, over all turns. */
const REQUESTS = Number(values.requests ?? (smoke ? 200 : 5_000));
const TURNS = smoke ? 2 : 10;
const WARM_UP = smoke ? 50 : 500;
const MESSAGES = Math.max(50, Math.round(REQUESTS / 5));
const BENCH = 'proxy';

const MASTER_KEY = randomBytes(32).toString('base64');
const PASS_THROUGH = fileURLToPath(new URL('./support/pass-through-proxy.ts', import.meta.url));
const BYTE_FORWARDER = fileURLToPath(new URL('./support/byte-forwarder.ts', import.meta.url));
const TCP_ECHO = fileURLToPath(new URL('./support/tcp-echo.ts', import.meta.url));
/** About what a small request and its answer weigh. */
const ECHOED = Buffer.alloc(200, 'x');

/** Times of a request made again and again on one kept-alive connection, ms. */
function httpTimer(url: string, headers: Record<string, string>): () => Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return () =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request(url, { agent, headers }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      });
      req.once('error', reject);
      req.end();
    });
}

/**
 * A terminal's WebSocket: the time from a keystroke to the terminal's echo of it, ms. Jupyter's
 * kernel channels answer in tens of milliseconds (the kernel's own pace), which would bury what the
 * proxy adds; a terminal's echo comes back in well under one. Keystrokes alternate between a
 * character and a backspace, so the line never grows.
 */
async function terminalTimer(
  url: string,
  headers: Record<string, string>,
): Promise<{ time: () => Promise<number>; close: () => void }> {
  const ws = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let echoed: ((text: string, at: bigint) => void) | null = null;
  ws.on('message', (data) => {
    const at = process.hrtime.bigint();
    const [kind, text] = JSON.parse(String(data)) as [string, string];
    if (kind === 'stdout') echoed?.(text, at);
  });
  // Whatever the shell prints first (its prompt) is not an echo.
  await sleep(500);
  let typed = 0;
  return {
    time: () =>
      new Promise((resolve) => {
        const key = typed++ % 2 === 0 ? 'x' : '\x7f';
        const expected = key === 'x' ? 'x' : '\b';
        let seen = '';
        const started = process.hrtime.bigint();
        echoed = (text, at) => {
          seen += text;
          if (!seen.includes(expected)) return;
          echoed = null;
          resolve(Number(at - started) / 1e6);
        };
        ws.send(JSON.stringify(['stdin', key]));
      }),
    close: () => ws.close(),
  };
}

/**
 * The median time of `count` messages sent to the echo process at `url` and read back, one at a
 * time on one connection, µs: the cost of one more process in a path (bench/support/tcp-echo).
 */
async function echoFloorUs(url: string, count: number): Promise<number> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + count; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      let read = 0;
      const onData = (chunk: Buffer) => {
        read += chunk.length;
        if (read < ECHOED.length) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
      socket.write(ECHOED);
    });
    if (i >= WARM_UP) times.push(Number(process.hrtime.bigint() - started) / 1e3);
  }
  socket.destroy();
  return percentile(sorted(times), 0.5);
}

type Side = 'bare' | 'bytes' | 'passThrough' | 'proxied';

/**
 * The CPU time (ms per ms) the server process `pid` spends with no request to serve (its
 * background work: the reconciler's polls of the notebook, the identity watch, the log), over a
 * few seconds: taken off the CPU it spends in the proxied turns, which are short.
 */
async function idleCpuMsPerMs(pid: number): Promise<number> {
  const [cpu, started] = [cpuMsOf(pid), Date.now()];
  await sleep(smoke ? 1_000 : 3_000);
  return (cpuMsOf(pid) - cpu) / (Date.now() - started);
}

interface Timings {
  bare: number[];
  /** Through the byte forwarder (HTTP only). */
  bytes: number[];
  /** Through the pass-through proxy (HTTP only). */
  passThrough: number[];
  proxied: number[];
  /** The server process's CPU time over the proxied turns, ms, less what it spends idle in as long. */
  proxyCpuMs: number;
  /** The pass-through proxy's CPU time over its turns, ms (it does nothing else). */
  passThroughCpuMs: number;
}

/**
 * `count` timings of each side, taken in `TURNS` turns (each turn takes the sides in another
 * order) after a warm-up of each, and the CPU time the server process `pid` spent in the
 * proxied turns.
 */
async function alternate(
  sides: Partial<Record<Side, () => Promise<number>>>,
  count: number,
  pid: number,
  passThroughPid?: number,
): Promise<Timings> {
  const times: Timings = { bare: [], bytes: [], passThrough: [], proxied: [], proxyCpuMs: 0, passThroughCpuMs: 0 };
  const idle = await idleCpuMsPerMs(pid);
  const present = (Object.keys(sides) as Side[]).filter((side) => sides[side]);
  for (const side of present) for (let i = 0; i < WARM_UP; i++) await sides[side]!();
  const perTurn = Math.ceil(count / TURNS);
  for (let turn = 0; turn < TURNS; turn++)
    for (const side of turn % 2 === 0 ? present : [...present].reverse()) {
      const [cpu, started] = [cpuMsOf(pid), Date.now()];
      const hopCpu = passThroughPid ? cpuMsOf(passThroughPid) : 0;
      for (let i = 0; i < perTurn; i++) times[side].push(await sides[side]!());
      if (side === 'proxied') times.proxyCpuMs += cpuMsOf(pid) - cpu - idle * (Date.now() - started);
      if (side === 'passThrough' && passThroughPid) times.passThroughCpuMs += cpuMsOf(passThroughPid) - hopCpu;
    }
  return times;
}

const sorted = (times: number[]) => [...times].sort((a, b) => a - b);

function report(what: string, times: Timings): void {
  const bare = sorted(times.bare);
  const proxied = sorted(times.proxied);
  for (const [p, name] of [
    [0.5, 'median'],
    [0.9, 'p90'],
    [0.99, 'p99'],
  ] as const)
    figure(BENCH, `${what} ${name} (ms)`, percentile(proxied, p), `bare notebook ${percentile(bare, p).toFixed(3)}`);
  /** What a side adds to the bare notebook at the median, µs. */
  const addedUs = (side: number[]) => Math.round((percentile(sorted(side), 0.5) - percentile(bare, 0.5)) * 1000);
  figure(BENCH, `${what} added by the proxy at the median (µs)`, addedUs(proxied), `over ${bare.length} each`);
  if (times.bytes.length > 0)
    figure(BENCH, `${what} added by a byte forwarder (µs)`, addedUs(times.bytes), 'one more process, no HTTP');
  if (times.passThrough.length > 0)
    figure(
      BENCH,
      `${what} added by a pass-through Node proxy (µs)`,
      addedUs(times.passThrough),
      'the least an HTTP proxy in Node adds',
    );
  const passThroughCpu =
    times.passThrough.length > 0
      ? `pass-through proxy ${Math.round((times.passThroughCpuMs * 1000) / times.passThrough.length)}`
      : undefined;
  figure(
    BENCH,
    `${what} server CPU per proxied one (µs)`,
    Math.round((times.proxyCpuMs * 1000) / proxied.length),
    passThroughCpu,
  );
}

/** The pass-through proxy of bench/support, in front of `upstream`. */
async function startPassThrough(
  upstream: string,
  authorization: string,
): Promise<{ url: string; pid: number; stop(): void }> {
  const { url, child } = await spawnListening(PASS_THROUGH, [upstream, authorization], 'the pass-through proxy');
  return { url, pid: child.pid!, stop: () => child.kill() };
}

async function waitRunning(server: ChildServer, path: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await server.http('GET', path);
    if (res.body.status === 'RUNNING') return;
    if (Date.now() > deadline || /FAILED|ERROR/.test(res.body.status))
      throw new Error(`the notebook is ${res.body.status}: ${JSON.stringify(res.body.spec?.failed_reasons)}`);
    await sleep(200);
  }
}

const cleanup: Array<() => Promise<void>> = [];
try {
  const dir = await mkdtemp(join(tmpdir(), 'demanager-bench-proxy-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  let databaseUrl = `sqlite:${join(dir, 'demanager.db')}`;
  if (engine === 'postgres') {
    const db = await createThrowawayDatabase();
    cleanup.push(() => db.drop());
    databaseUrl = db.url;
  }
  const options: ConfigOptions = {
    databaseUrl,
    masterKey: MASTER_KEY,
    logLevel: 'info',
    limits: { requestsPerMinute: 0, requestsPerMinutePerAddress: 0 },
    runtime: { driver: 'local', local: { isolation: 'none' } },
  };
  const server = await startChildServer(dir, options, { keepOutput: false });
  cleanup.push(() => server.stop());
  const instances = `/v1/${server.projectId}/demanager/instances`;
  const created = await server.http('POST', instances, {
    name: 'bench-proxy',
    profile_id: 'Multi-Engine 1.0 (python3)-cpu',
    flavor: 'modelarts.vm.cpu.2u',
    spec: { storage: { type: 'evs' } },
  });
  if (created.status !== 200) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  // A local notebook outlives its server by design: stopped before the server goes.
  cleanup.push(async () => {
    await server.http('POST', `${instances}/${id}/action`, { action: 'stop' });
    for (let i = 0; i < 100 && (await server.http('GET', `${instances}/${id}`)).body.status !== 'STOPPED'; i++)
      await sleep(200);
  });
  await waitRunning(server, `${instances}/${id}`);
  const token = (await server.http('GET', `${instances}/${id}/token`)).body.token as string;

  // The baseline talks to the notebook as the proxy does: its address and its own token.
  const store = await openStore(databaseUrl);
  const instance = (await store.instances.getById(id))!;
  await store.close();
  const endpoint = instance.runtime!.endpoint!;
  const workloadToken = createHmac('sha256', deriveKey(Buffer.from(MASTER_KEY, 'base64'), 'workload-token'))
    .update(`${id}\0${runIdOf(instance)}`)
    .digest('hex')
    .slice(0, 32);
  const bareHeaders = { authorization: `token ${workloadToken}` };

  const opened = await fetch(`${server.url}/notebook/${id}/?token=${token}`, { redirect: 'manual' });
  const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
  const proxiedHeaders = { cookie, origin: server.url };

  const status = `/notebook/${id}/api/status`;
  const passThrough = await startPassThrough(endpoint, bareHeaders.authorization);
  cleanup.push(async () => passThrough.stop());
  const forwarder = await spawnListening(BYTE_FORWARDER, [endpoint], 'the byte forwarder');
  cleanup.push(async () => void forwarder.child.kill());
  report(
    `GET api/status, one connection, ${engine}`,
    await alternate(
      {
        bare: httpTimer(endpoint + status, bareHeaders),
        // Bytes pass unchanged: the notebook's own token goes with the request, as to the bare one.
        bytes: httpTimer(forwarder.url + status, bareHeaders),
        passThrough: httpTimer(passThrough.url + status, {}),
        proxied: httpTimer(server.url + status, proxiedHeaders),
      },
      REQUESTS,
      server.process.pid!,
      passThrough.pid,
    ),
  );

  const echo = await spawnListening(TCP_ECHO, [], 'the TCP echo');
  cleanup.push(async () => void echo.child.kill());
  figure(
    BENCH,
    'TCP echo between two Node processes, median (µs)',
    Math.round(await echoFloorUs(echo.url, REQUESTS)),
    'the floor under any extra hop',
  );

  // One terminal each: a terminal sends its output to every socket open on it.
  const terminalSocket = async () => {
    const res = await fetch(`${server.url}/notebook/${id}/api/terminals`, { method: 'POST', headers: proxiedHeaders });
    if (res.status !== 200) throw new Error(`opening a terminal answered ${res.status}`);
    return `/notebook/${id}/terminals/websocket/${((await res.json()) as { name: string }).name}`;
  };
  const bare = await terminalTimer(`${endpoint.replace('http', 'ws')}${await terminalSocket()}`, bareHeaders);
  const proxied = await terminalTimer(`${server.url.replace('http', 'ws')}${await terminalSocket()}`, proxiedHeaders);
  report(
    `terminal WebSocket keystroke echo, ${engine}`,
    await alternate({ bare: bare.time, proxied: proxied.time }, MESSAGES, server.process.pid!),
  );
  bare.close();
  proxied.close();
} finally {
  for (const step of cleanup.reverse()) await step().catch((err: unknown) => console.error(err));
}
