/**
 * @module bench/scheduler
 * The scheduler at scale: a store holding N RUNNING instances (100,000 by default) with auto-stop
 * deadlines, served by a real `demanager serve` process. Prints the server's CPU while nothing is
 * due (beside an idle bare Node process measured in the same run), and the lag from each of a few
 * hundred deadlines to the auto-stop that the history records for it.
 *
 *   npm run bench -- scheduler [--instances N] [--smoke]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Instance } from '../src/core/model/instance.js';
import { openStore } from '../src/store/open-store.js';
import { startChildServer } from '../test/support/child-server.js';
import { makeInstance } from '../test/store/fixtures.js';
import { cpuMsOf, figure, percentile, sleep } from './support/measure.js';
import { startUpPass } from './support/start-up-pass.js';

const { values } = parseArgs({
  options: { instances: { type: 'string' }, smoke: { type: 'boolean', default: false } },
  strict: false,
});
const smoke = values.smoke === true;
const total = Number(values.instances ?? (smoke ? 2_000 : 100_000));
const dueCount = smoke ? 20 : 200;
/** Seconds from the server's readiness to the first deadline, and over which deadlines spread. */
const IDLE_WINDOW_S = smoke ? 2 : 10;
const SPREAD_S = smoke ? 1 : 5;
const HOUR = 3_600_000;

function running(stopAt: number, n: number): Instance {
  return makeInstance({
    name: `bench-${n}`,
    projectId: 'bench-project',
    profileId: 'Multi-Engine 1.0 (python3)-cpu',
    flavor: 'modelarts.vm.cpu.2u',
    pool: null,
    status: 'RUNNING',
    stopAt,
    runtime: { endpoint: null, data: { simulated: true, runId: `run-${n}`, startedAt: stopAt - HOUR } },
    intent: { kind: 'start', at: stopAt - HOUR, by: 'bench' },
  });
}

const dir = await mkdtemp(join(tmpdir(), 'demanager-bench-scheduler-'));
try {
  const databaseUrl = `sqlite:${join(dir, 'demanager.db')}`;
  const store = await openStore(databaseUrl);
  const seedStart = Date.now();
  // Far deadlines for the crowd; the measured ones are placed once the server's start time is known.
  for (let n = 0; n < total - dueCount; n++)
    await store.instances.insert(running(seedStart + 2 * HOUR + ((n * 7919) % 22) * HOUR, n));
  figure('scheduler', 'seeded RUNNING instances', total, `in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  // The server must be answering before the first deadline: allow for its cold start.
  const firstDue = Date.now() + (smoke ? 8_000 : 30_000) + IDLE_WINDOW_S * 1000;
  const due: Instance[] = [];
  for (let i = 0; i < dueCount; i++)
    due.push(running(firstDue + Math.round((i * SPREAD_S * 1000) / dueCount), total - dueCount + i));
  for (const instance of due) await store.instances.insert(instance);
  await store.close();

  const launched = Date.now();
  const server = await startChildServer(dir, { databaseUrl, logLevel: 'info' });
  figure('scheduler', 'cold start to first answer (ms)', Date.now() - launched);
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    // Taking the lead, the server looks at every running workload once (answering requests
    // meanwhile): that is start-up work, not idling, and is over before the idle window opens.
    const pass = await startUpPass(server, firstDue - 3000);
    figure(
      'scheduler',
      'start-up look at every running workload (ms)',
      pass.ms,
      `${pass.running} running, done ${Date.now() - launched} ms after launch`,
    );
    await sleep(1000);
    let windowMs = Math.min(IDLE_WINDOW_S * 1000, firstDue - Date.now() - 2000);
    if (windowMs < 1000) {
      // A smoke run only shows that every step works; on a loaded machine it measures what it can.
      if (!smoke) throw new Error('the server took too long to start: no idle window left before the first deadline');
      windowMs = 200;
    }
    const [serverBefore, idleBefore] = [cpuMsOf(server.process.pid!), cpuMsOf(idle.pid!)];
    await sleep(windowMs);
    const serverCpu = cpuMsOf(server.process.pid!) - serverBefore;
    const idleCpu = cpuMsOf(idle.pid!) - idleBefore;
    figure(
      'scheduler',
      'server CPU while nothing is due (ms CPU per s)',
      (serverCpu / windowMs) * 1000,
      `baseline idle node ${((idleCpu / windowMs) * 1000).toFixed(2)}`,
    );

    await sleep(Math.max(0, due[due.length - 1]!.stopAt! - Date.now()) + 3000);
    const check = await openStore(databaseUrl);
    const lags: number[] = [];
    for (const instance of due) {
      const stop = (await check.instances.listEvents(instance.id, { offset: 0, limit: 0 })).items.find(
        (e) => e.kind === 'auto-stop',
      );
      if (stop) lags.push(stop.at - instance.stopAt!);
    }
    await check.close();
    figure('scheduler', 'deadlines met (auto-stop recorded)', lags.length, `of ${due.length}`);
    lags.sort((a, b) => a - b);
    figure('scheduler', 'lag deadline → STOPPING p50 (ms)', percentile(lags, 0.5));
    figure(
      'scheduler',
      'lag deadline → STOPPING p99 (ms)',
      percentile(lags, 0.99),
      `max ${lags[lags.length - 1] ?? NaN}`,
    );
  } finally {
    idle.kill('SIGKILL');
    await server.kill();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
