/**
 * The benchmarks' smoke mode: each runs end to end on a small store and prints its figures.
 * Nothing here judges speed (the machine is shared); it keeps `npm run bench` from rotting.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

it('npm run bench -- --smoke prints every figure of every benchmark', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DEMANAGER_')));
  const { status, stdout, stderr } = spawnSync(process.execPath, ['--import', 'tsx', RUN, '--smoke'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(status, 0, stderr);
  const figures = new Map(
    stdout
      .split('\n')
      .filter((line) => line.includes(' | '))
      .map((line): [string, number] => {
        const [bench = '', what = '', value = ''] = line.split(' | ').map((f) => f.trim());
        return [`${bench}: ${what}`, Number(value)];
      }),
  );
  for (const what of [
    'api: cold start to first answer at 2000 (ms)',
    'api: start-up look at every running workload at 2000 (ms)',
    'api: GET detail, token, 32 connections (req/s)',
    'api: GET detail, token, 32 connections p99 (ms)',
    'api: GET detail, token, 32 connections server CPU per request (µs)',
    'api: GET detail CPU per request with the metrics hook ÷ without',
    'api: GET detail, token, metrics off (req/s)',
    'api: GET detail req/s with the metrics hook ÷ without',
    'api: GET detail, AK/SK-signed, 32 connections (req/s)',
    'api: GET detail, AK/SK-signed, 32 connections p99 (ms)',
    'api: GET list 100 of RUNNING at 2000 p99 (ms)',
    'api: GET list 100 of RUNNING at 100 p99 (ms)',
    'api: GET list p99 at 2000 ÷ at 100',
    'api: create+stop+start+stop+delete lifecycles/s, 8 clients',
    'api: state-changing API operations/s',
    'api: server RSS at 2000 instances after the runs (MB)',
    'list-tail: GET list 100 of 1000, 32 clients, autocannon median (ms)',
    'list-tail: GET list 100 of 1000, 32 clients, autocannon p99 (ms)',
    'list-tail: GET list 100 of 1000, 32 clients, autocannon p99 ÷ median',
    'list-tail: GET list 100 of 1000, 32 clients, autocannon server GC pauses (ms per s)',
    'list-tail: GET list 100 of 1000, 32 clients, autocannon server waiting for a CPU (ms per s)',
    'scheduler: seeded RUNNING instances',
    'scheduler: cold start to first answer (ms)',
    'scheduler: start-up look at every running workload (ms)',
    'scheduler: server CPU while nothing is due (ms CPU per s)',
    'scheduler: deadlines met (auto-stop recorded)',
    'scheduler: lag deadline → STOPPING p50 (ms)',
    'scheduler: lag deadline → STOPPING p99 (ms)',
    'proxy: GET api/status, one connection, sqlite median (ms)',
    'proxy: GET api/status, one connection, sqlite added by the proxy at the median (µs)',
    'proxy: GET api/status, one connection, sqlite server CPU per proxied one (µs)',
    'proxy: GET api/status, one connection, sqlite added by a byte forwarder (µs)',
    'proxy: GET api/status, one connection, sqlite added by a pass-through Node proxy (µs)',
    'proxy: TCP echo between two Node processes, median (µs)',
    'proxy: terminal WebSocket keystroke echo, sqlite median (ms)',
    'proxy: terminal WebSocket keystroke echo, sqlite added by the proxy at the median (µs)',
  ]) {
    assert.ok(figures.has(what), `missing figure "${what}" in:\n${stdout}`);
    assert.ok(Number.isFinite(figures.get(what)), `"${what}" is not a number`);
  }
  // Instances went through whole lifecycles: the control plane works at all under load.
  assert.ok(figures.get('api: create+stop+start+stop+delete lifecycles/s, 8 clients')! > 0, stdout);
  // Every deadline was met, however late: the scheduler works at all.
  assert.equal(figures.get('scheduler: deadlines met (auto-stop recorded)'), 20);
});
