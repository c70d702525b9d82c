/**
 * Usage reports on the wire: `GET /v1/{project_id}/demanager/usage` (project admins see the
 * project, members themselves) and `GET /v3/usage` (system admins), JSON and CSV, and the 400s and
 * 403s; figures derived from the manual clock's steps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG } from '../../src/core/model/builtin-catalog.js';
import { flavorSize } from '../../src/core/model/flavor-size.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError, CPU_FLAVOR, createProject, member } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;
const DEC_6 = Date.UTC(2026, 11, 6);
const size = flavorSize(BUILTIN_CATALOG.flavors.find((f) => f.name === CPU_FLAVOR)!);

/** The figures of `hours` of one CPU_FLAVOR instance, as the API rounds them. */
const figures = (hours: number) => ({
  cpu_hours: size.cpus * hours,
  gpu_hours: size.gpus * hours,
  memory_gib_hours: size.memoryGib * hours,
  instance_hours: hours,
});

describe('usage reports over HTTP (manual clock)', () => {
  const clock = new ManualClock(DEC_6 + 20 * HOUR);
  let t: TestApp;
  let bob: Awaited<ReturnType<typeof member>>;
  let carol: Awaited<ReturnType<typeof member>>;
  let adminId = '';
  const usage = (query = '', opts: { token?: string; headers?: Record<string, string> } = {}) =>
    t.http('GET', `/v1/${t.projectId}/demanager/usage${query}`, opts);

  /** Runs an instance of `token`'s user for `hours` from now, and stops it. */
  async function run(name: string, hours: number, token?: string) {
    const opts = token ? { token } : {};
    const created = await t.http('POST', t.instances(), { body: cpuBody(name, CPU_FLAVOR), ...opts });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await waitForStatus(t, created.body.id, ['RUNNING'], token);
    clock.advance(hours * HOUR);
    await t.http('POST', `${t.instances()}/${created.body.id}/action`, { body: { action: 'stop' }, ...opts });
    await waitForStatus(t, created.body.id, ['STOPPED'], token);
  }

  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    bob = await member(t, 'bob', t.projectId);
    carol = await member(t, 'carol', t.projectId, 'admin');
    adminId = (await t.http('GET', '/v3/users')).body.users.find((u: any) => u.name === 'admin').id;
    // 20:00-23:00 admin, then 23:00 to 01:30 the next day bob (across midnight).
    await run('admin-nb', 3);
    await run('bob-nb', 2.5, bob.token);
    clock.advance(HOUR / 2);
  });
  after(() => t.stop());

  it('answers the project, per user, to project admins; the window defaults to the month up to now', async () => {
    const res = await usage('', { token: carol.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      since: Date.UTC(2026, 11, 1),
      until: clock.now(),
      group_by: 'user',
      total: figures(5.5),
      groups: [
        { key: adminId, name: 'admin', ...figures(3) },
        { key: bob.userId, name: 'bob', ...figures(2.5) },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
      open_periods: 0,
    });
  });

  it('splits by UTC day and by flavor, clipped at the window (ISO-8601 or epoch ms)', async () => {
    const byDay = await usage(`?group_by=day&since=${DEC_6 + 22 * HOUR}&until=2026-12-07T01:00:00Z`);
    assert.equal(byDay.status, 200, JSON.stringify(byDay.body));
    assert.deepEqual(
      byDay.body.groups.map((g: any) => [g.key, g.name, g.instance_hours, g.cpu_hours]),
      [
        ['2026-12-06', '2026-12-06', 2, 2 * size.cpus],
        ['2026-12-07', '2026-12-07', 1, size.cpus],
      ],
    );
    assert.deepEqual(byDay.body.total, figures(3));
    const byFlavor = await usage('?group_by=flavor');
    assert.deepEqual(byFlavor.body.groups, [{ key: CPU_FLAVOR, name: CPU_FLAVOR, ...figures(5.5) }]);
  });

  it('shows members only their own usage, and refuses them anyone else’s', async () => {
    const own = await usage('', { token: bob.token });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.deepEqual(own.body.groups, [{ key: bob.userId, name: 'bob', ...figures(2.5) }]);
    assert.deepEqual((await usage(`?user_id=${bob.userId}`, { token: bob.token })).body.total, figures(2.5));
    assertError(await usage(`?user_id=${adminId}`, { token: bob.token }), 'ModelArts.0108', 403);
    assert.deepEqual((await usage(`?user_id=${bob.userId}`, { token: carol.token })).body.total, figures(2.5));
  });

  it('refuses a bad window, grouping or format with ModelArts 400s', async () => {
    for (const [query, field] of [
      ['?since=yesterday', 'since'],
      ['?until=2026-12-07T01:00:00', 'until'],
      [`?since=${DEC_6}&until=${DEC_6}`, 'until'],
      [`?since=${DEC_6 - 367 * 24 * HOUR}&until=${DEC_6}`, 'since'],
      ['?group_by=project', 'group_by'],
      ['?format=xml', 'format'],
    ]) {
      const res = await usage(query);
      assertError(res, 'ModelArts.6336', 400, query);
      assert.match(res.body.error_msg, new RegExp(field!), query);
    }
  });

  it('answers CSV for format=csv or Accept: text/csv, a name that starts like a formula neutralised', async () => {
    const mallory = await member(t, '@SUM.A1', t.projectId);
    await run('m-nb', 1, mallory.token);
    for (const opts of [{ query: '?format=csv' }, { query: '', headers: { Accept: 'text/csv' } }]) {
      const res = await usage(opts.query, opts.headers ? { headers: opts.headers } : {});
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      const f = (h: number) => Object.values(figures(h)).join(',');
      const lines = [
        `${adminId},admin,${f(3)}`,
        `${bob.userId},bob,${f(2.5)}`,
        `${mallory.userId},'@SUM.A1,${f(1)}`,
      ].sort();
      assert.equal(
        res.body,
        ['key,name,cpu_hours,gpu_hours,memory_gib_hours,instance_hours', ...lines, `total,,${f(6.5)}`]
          .map((l) => `${l}\r\n`)
          .join(''),
      );
    }
  });

  it('answers every project to system admins on /v3/usage, and nobody else', async () => {
    const other = await createProject(t, 'other-project');
    const res = await t.http('GET', '/v3/usage?group_by=project');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.groups.map((g: any) => [g.key, g.name, g.instance_hours]),
      [[t.projectId, 'default', 6.5]],
    );
    assert.deepEqual((await t.http('GET', `/v3/usage?project_id=${other}`)).body.groups, []);
    assertError(await t.http('GET', '/v3/usage', { token: carol.token }), 'ModelArts.0108', 403);
  });
});
