/**
 * @module test/cli/usage-cli.test
 * `demanager usage` end to end, on a server whose clock the test moves: the table per user (a
 * project admin sees the project, a member only themselves, another user's id is refused), the
 * server's CSV, the JSON per UTC day, and every project's usage for a system admin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { CPU_FLAVOR, member, waitStatus } from '../support/api.js';
import { ADMIN_PASSWORD, cpuBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/**
 * 01:00 UTC today: the CLI judges its session's expiry (a day after login) by the real clock, and
 * the two hours the test moves on stay within the day.
 */
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const T = TODAY + 60 * MIN;
const DAY_KEY = new Date(TODAY).toISOString().slice(0, 10);

describe('demanager usage (CLI)', () => {
  const clock = new ManualClock(T);
  let t: TestApp;
  let adminDir: string;
  let aliceDir: string;
  let adminId: string;
  let aliceId: string;
  const admin = (...args: string[]) => runCli(args, { configDir: adminDir });
  const alice = (...args: string[]) => runCli(args, { configDir: aliceDir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));
  // The window: the day so far (now is 03:00).
  const window = ['--since', `${DAY_KEY}T00:00:00Z`, '--until', String(T + 120 * MIN)];

  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    adminDir = tempDir();
    aliceDir = tempDir();
    ok(await admin('login', '--url', t.url, '--user', 'admin', '--password', ADMIN_PASSWORD));
    const a = await member(t, 'alice', t.projectId);
    aliceId = a.userId;
    adminId = (await t.login('admin', ADMIN_PASSWORD)).userId;
    ok(await alice('login', '--url', t.url, '--user', 'alice', '--project', 'default', '--password', a.password));
    // modelarts.vm.cpu.2u: 2 CPUs, 8 GiB. The admin's runs 90 minutes, alice's 2 hours (still running).
    const mine = (await t.http('POST', t.instances(), { body: cpuBody('admins-nb', CPU_FLAVOR, false) })).body.id;
    const hers = (
      await t.http('POST', t.instances(), { token: a.token, body: cpuBody('alices-nb', CPU_FLAVOR, false) })
    ).body.id;
    await waitStatus(t, mine, 'RUNNING');
    await waitStatus(t, hers, 'RUNNING', { token: a.token });
    clock.advance(90 * MIN);
    await t.http('POST', `${t.instances()}/${mine}/action`, { body: { action: 'stop' } });
    await waitStatus(t, mine, 'STOPPED');
    clock.advance(30 * MIN);
  });

  after(async () => {
    await t.stop();
    removeDir(adminDir);
    removeDir(aliceDir);
  });

  it('prints a table per user, with the total: the whole project for its admin', async () => {
    const result = await admin('usage', ...window);
    ok(result);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^USER\s+ID\s+CPU-HOURS\s+GPU-HOURS\s+MEM-GIB-HOURS\s+INSTANCE-HOURS$/);
    assert.deepEqual(
      cellsOf(lines.slice(1, -1)).sort(),
      [
        ['admin', adminId, '3', '0', '12', '1.5'],
        ['alice', aliceId, '4', '0', '16', '2'],
      ].sort(),
    );
    assert.match(lines.at(-1)!, /^TOTAL\s+7\s+0\s+28\s+3\.5$/);
  });

  it("shows a member only their own usage and refuses another user's", async () => {
    const own = await alice('usage', ...window, '--json');
    ok(own);
    assert.deepEqual(
      jsonOf(own).groups.map((g: any) => [g.key, g.name, g.instance_hours]),
      [[aliceId, 'alice', 2]],
    );
    const refused = await alice('usage', ...window, '--user', adminId);
    assert.notEqual(refused.code, 0, explain(refused));
    assert.match(refused.stderr, /ModelArts\.0108/);
  });

  it("prints the server's CSV and the JSON per UTC day", async () => {
    const csv = await admin('usage', ...window, '--group-by', 'flavor', '--csv');
    ok(csv);
    assert.equal(
      csv.stdout,
      'key,name,cpu_hours,gpu_hours,memory_gib_hours,instance_hours\r\n' +
        `${CPU_FLAVOR},${CPU_FLAVOR},7,0,28,3.5\r\n` +
        'total,,7,0,28,3.5\r\n',
    );
    const days = await admin('usage', ...window, '--group-by', 'day', '--json');
    ok(days);
    assert.deepEqual(
      jsonOf(days).groups.map((g: any) => [g.key, g.cpu_hours, g.instance_hours]),
      [[DAY_KEY, 7, 3.5]],
    );
  });

  it('reports every project for a system admin, and needs --all-projects to group by project', async () => {
    const all = await admin('usage', ...window, '--all-projects', '--group-by', 'project');
    ok(all);
    assert.match(all.stdout, new RegExp(`^default\\s+${t.projectId}\\s+7\\s+0\\s+28\\s+3\\.5$`, 'm'));
    const misuse = await admin('usage', '--group-by', 'project');
    assert.equal(misuse.code, 2, explain(misuse));
  });
});

/** The cells of table rows (columns are apart by two spaces or more). */
function cellsOf(lines: readonly string[]): string[][] {
  return lines.map((line) => line.split(/\s{2,}/));
}
