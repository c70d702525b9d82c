/**
 * @module test/cli/flavors-cli.test
 * `demanager flavors` end to end: the catalog as a table with each flavor's size, state, capacity
 * and queue (policy, fair window, per-user waiting limit, how many wait), who goes first said in
 * words on stderr once per kind of queue, `--type` narrowing, and `--json` as the API's answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import type { Flavor } from '../../src/core/model/catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { create, waitStatus } from '../support/api.js';
import { ADMIN_PASSWORD, cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

const FREE = BUILTIN_CATALOG.flavors.find((f) => f.name === 'modelarts.vm.cpu.free')!;
/** The free flavor with one slot, a fair queue over half a day, at most two of a user's instances waiting. */
const FAIR: Flavor = {
  ...FREE,
  name: 'modelarts.vm.cpu.fair',
  capacity: 1,
  queue_policy: 'fair',
  fair_window_days: 0.5,
  max_waiting_per_user: 2,
};

/** The table's lines as cells (columns are two spaces or more apart; cells hold single spaces). */
const rowsOf = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));

describe('demanager flavors (CLI)', () => {
  let t: TestApp;
  let dir: string;
  const cli = (...args: string[]) => runCli(args, { configDir: dir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));

  before(async () => {
    t = await startTestApp({
      // Still, so the wait the CLI is told and the API's answer read after it agree to the second.
      start: { clock: new ManualClock(Date.now()) },
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, FAIR] },
      runtime: { simulated: { delays: INSTANT_PHASES } },
    });
    dir = tempDir();
    ok(await cli('login', '--url', t.url, '--user', 'admin', '--password', ADMIN_PASSWORD));
    // The one slot taken and one more in line: the fair flavor is sold out with one waiting.
    const holder = await create(t, cpuBody('fair-holder', FAIR.name, false));
    await waitStatus(t, holder.id, 'RUNNING');
    const waiting = await create(t, cpuBody('fair-waiting', FAIR.name, false));
    await waitStatus(t, waiting.id, 'CREATE_QUEUING');
  });
  after(async () => {
    await t.stop();
    removeDir(dir);
  });

  it('prints each flavor with its capacity and queue, and says who goes first', async () => {
    const result = await cli('flavors');
    ok(result);
    const [head, ...rows] = rowsOf(result.stdout);
    assert.deepEqual(head, [
      'NAME',
      'TYPE',
      'SIZE',
      'STATE',
      'CAPACITY',
      'WAITING',
      'QUEUE',
      'FAIR-WINDOW',
      'MAX-WAITING/USER',
    ]);
    const row = (name: string) => rows.find((r) => r[0] === name);
    assert.deepEqual(row(FAIR.name), [FAIR.name, 'CPU', '1 CPU, 4GiB', 'sold out', '1', '1', 'fair', '12 hours', '2']);
    assert.deepEqual(row('modelarts.vm.cpu.free'), [
      'modelarts.vm.cpu.free',
      'CPU',
      '1 CPU, 4GiB',
      'on sale',
      '5',
      '0',
      'fifo',
      '-',
      'no limit',
    ]);
    assert.deepEqual(row('modelarts.vm.cpu.2u'), [
      'modelarts.vm.cpu.2u',
      'CPU',
      '2 CPU, 8GiB',
      'on sale',
      'unlimited',
      '-',
      'no',
      '-',
      '-',
    ]);
    assert.equal(rows.length, BUILTIN_CATALOG.flavors.length + 1);
    // Who goes first, once per kind of queue listed, on stderr (stdout stays a table).
    assert.deepEqual(result.stderr.trimEnd().split('\n'), [
      'first come, first served: When it is full, you wait in line: first come, first served.',
      'fair over 12 hours: When it is full, you wait in a fair queue: of those waiting, whoever used this flavor ' +
        'least over the last 12 hours goes first (ties go by arrival), so someone who used it less may start ' +
        'before you even if they came later.',
    ]);
  });

  it('narrows to one type, answers the API JSON with --json, and explains the policies in --help', async () => {
    const gpu = await cli('flavors', '--type', 'GPU');
    ok(gpu);
    assert.deepEqual(
      rowsOf(gpu.stdout)
        .slice(1)
        .map((r) => r[1]),
      BUILTIN_CATALOG.flavors.filter((f) => f.type === 'GPU').map(() => 'GPU'),
    );
    assert.equal(gpu.stderr, '', 'no queue among them, nothing to explain');

    const json = await cli('flavors', '--json');
    ok(json);
    assert.deepEqual(jsonOf(json), (await t.http('GET', `/v1/${t.projectId}/demanager/flavors`)).body);
    const fair = (jsonOf(json) as { flavors: Record<string, unknown>[] }).flavors.find((f) => f.name === FAIR.name);
    assert.deepEqual([fair?.queue_policy, fair?.fair_window_days, fair?.max_waiting_per_user], ['fair', 0.5, 2]);

    const help = await cli('flavors', '--help');
    ok(help);
    assert.match(help.stdout, /"fair" admits whoever used the flavor least over its fair window/);
  });
});
