/**
 * The audit trail: every call that asks for a change is recorded with who, what, when, from where
 * and its outcome, granted or refused; automatic actions come from the instance history; project
 * admins read their project's trail, system admins everyone's, members nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/shared/clock.js';
import { createProject, member } from '../support/api.js';
import { cpuBody, INSTANT_PHASES, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const HOUR = 3_600_000;

describe('audit trail (manual clock)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 11));
  let t: TestApp;
  let bob: Awaited<ReturnType<typeof member>>;
  let instanceId = '';
  const T0 = clock.now();

  before(async () => {
    t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    bob = await member(t, 'bob', t.projectId);
  });
  after(() => t.stop());

  const audit = async (query = '', token?: string) =>
    t.http('GET', `/v1/${t.projectId}/demanager/audit${query}`, token ? { token } : {});
  /**
   * The trail is written once each answer has gone, in no set order between answers: wait until it
   * holds `count` entries and, given, what `complete` looks for.
   */
  async function trailOf(count: number, query = '', complete = (_entries: any[]) => true): Promise<any[]> {
    for (let i = 0; i < 200; i++) {
      const res = await audit(query);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      if (res.body.total_count >= count && complete(res.body.entries)) return res.body.entries;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`the trail never reached ${count} entries: ${JSON.stringify((await audit(query)).body)}`);
  }

  it('records granted and refused calls with who, what, when, where and the outcome', async () => {
    clock.advance(1000);
    const created = await t.http('POST', t.instances(), { body: cpuBody('audited', 'modelarts.vm.cpu.2u') });
    instanceId = created.body.id;
    await waitForStatus(t, instanceId, ['RUNNING']);
    clock.advance(1000);
    // Refused: a member acting on another's instance; the owner starting what runs; nobody at all.
    assert.equal(
      (await t.http('DELETE', `${t.instances()}/${instanceId}`, { token: bob.token })).body.error_code,
      'ModelArts.0108',
    );
    assert.equal(
      (await t.http('POST', `${t.instances()}/${instanceId}/action`, { body: { action: 'start' } })).body.error_code,
      'ModelArts.6305',
    );
    assert.equal(
      (
        await t.http('POST', `${t.instances()}/${instanceId}/action`, {
          body: { action: 'stop' },
          token: 'not-a-token',
        })
      ).status,
      401,
    );
    // Reads are not changes: not recorded.
    await t.http('GET', `${t.instances()}/${instanceId}`);

    const callsOn = (entries: any[]) => entries.filter((e) => e.origin === 'api' && e.target === instanceId);
    const entries = await trailOf(5, '', (all) => callsOn(all).length >= 3);
    const calls = callsOn(entries);
    const view = calls.map((e) => [e.action, e.user_name, e.status, e.outcome, e.detail]);
    assert.deepEqual(view, [
      // Refused before its body was read: nothing from the body is kept.
      ['POST /v1/{project_id}/demanager/instances/{instance_id}/action', null, 401, 'ModelArts.0201', null],
      [
        'POST /v1/{project_id}/demanager/instances/{instance_id}/action',
        'admin',
        400,
        'ModelArts.6305',
        { action: 'start' },
      ],
      ['DELETE /v1/{project_id}/demanager/instances/{instance_id}', 'bob', 403, 'ModelArts.0108', null],
    ]);
    const create = entries.find((e) => e.action === 'POST /v1/{project_id}/demanager/instances');
    assert.deepEqual(
      [create.status, create.outcome, create.timestamp, create.target],
      [200, 'success', T0 + 1000, null],
    );
    for (const e of calls) {
      assert.equal(e.source, '127.0.0.1');
      assert.equal(e.timestamp, T0 + 2000);
      assert.ok(e.replica.length > 0);
    }
    assert.equal(calls[2].user_id, bob.userId);
    assert.ok(!entries.some((e) => e.action.startsWith('GET ')));
  });

  it('shows automatic actions from the instance history beside the calls, newest first', async () => {
    clock.advance(HOUR);
    await waitForStatus(t, instanceId, ['STOPPED']);
    const entries = await trailOf(6);
    const [newest] = entries;
    assert.deepEqual(
      [newest.origin, newest.action, newest.target, newest.user_id, newest.outcome, newest.status],
      ['system', 'auto-stop', instanceId, null, 'success', 0],
    );
    assert.match(newest.detail.reason, /^auto-stop: /);
    const times = entries.map((e) => e.timestamp);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it('pages and filters by time', async () => {
    const all = await trailOf(6);
    const page = await audit('?limit=2&offset=1');
    assert.equal(page.body.total_count, all.length);
    assert.deepEqual(page.body.entries, all.slice(1, 3));
    const early = await audit(`?until=${T0 + 2000}`);
    assert.ok(early.body.entries.length > 0);
    assert.ok(early.body.entries.every((e: any) => e.timestamp < T0 + 2000));
    const late = await audit(`?since=${T0 + 2000}`);
    assert.equal(late.body.total_count + early.body.total_count, all.length);
  });

  it('is for admins: members get 0108; another project sees only its own; system admins see logins too', async () => {
    assert.equal((await audit('', bob.token)).body.error_code, 'ModelArts.0108');
    assert.equal((await t.http('GET', '/v3/audit', { token: bob.token })).body.error_code, 'ModelArts.0108');
    const other = await createProject(t, 'other-audit');
    const carol = await member(t, 'carol', other, 'admin');
    const theirs = await t.http('GET', `/v1/${other}/demanager/audit`, { token: carol.token });
    assert.equal(theirs.status, 200);
    assert.ok(theirs.body.entries.every((e: any) => e.target !== instanceId));
    assert.equal(
      (await t.http('GET', `/v1/${t.projectId}/demanager/audit`, { token: carol.token })).body.error_code,
      'ModelArts.0210',
    );

    const failed = await t.http('POST', '/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'bob', password: 'wrong', domain: { name: 'default' } } },
          },
        },
      },
    });
    assert.equal(failed.status, 401);
    for (let i = 0; i < 200; i++) {
      const everyone = await t.http('GET', '/v3/audit?limit=1000');
      assert.equal(everyone.status, 200);
      const login = everyone.body.entries.find((e: any) => e.action === 'POST /v3/auth/tokens' && e.status === 401);
      if (login) {
        assert.deepEqual([login.user_id, login.detail, login.source], [null, { user: 'bob' }, '127.0.0.1']);
        assert.ok(!JSON.stringify(everyone.body).includes('wrong'), 'no password in the trail');
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail('the failed login was not recorded');
  });
});

describe('audit trail under a rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ limits: { requestsPerMinute: 5 } });
  });
  after(() => t.stop());

  it('keeps the calls a caller was allowed to make, not the refusals past the limit (a flood cannot fill it)', async () => {
    const bob = await member(t, 'bob', t.projectId);
    const sent: number[] = [];
    for (let i = 0; i < 9; i++) {
      sent.push(
        (
          await t.http('POST', `${t.instances()}/no-such-instance/action`, {
            body: { action: 'stop' },
            token: bob.token,
          })
        ).status,
      );
    }
    const refused = sent.filter((s) => s === 429).length;
    assert.ok(refused >= 4, `statuses ${sent.join(',')}`);
    const granted = sent.length - refused;
    // Read straight from the store: the trail's own endpoint is rate limited too.
    let mine: unknown[] = [];
    for (let i = 0; i < 200 && mine.length < granted; i++) {
      mine = (await t.app.services.store.audit.list({ projectId: t.projectId, offset: 0, limit: 0 })).items.filter(
        (e) => e.userId === bob.userId,
      );
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
    const entries = (await t.app.services.store.audit.list({ projectId: t.projectId, offset: 0, limit: 0 })).items;
    assert.equal(entries.filter((e) => e.userId === bob.userId).length, granted);
    assert.ok(!entries.some((e) => e.status === 429));
  });
});
