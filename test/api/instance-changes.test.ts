/**
 * The instance change stream (`GET …/instance-changes`, server-sent events): every committed
 * change of the project's instances arrives as it happens — API actions and the service's own
 * (reconciler transitions, queue admission, auto-stop) — serialised as GET detail shows it; other
 * projects see none of it; keep-alive comments fill quiet times; a user holds a bounded number of
 * streams; the server shuts down without waiting for open streams; and a client that reconnects
 * with its last event id is sent what it missed — from the same server, from a server restarted
 * on the same database — or told to reload when that cannot be done.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CATALOG, completeFlavor } from '../../src/core/model/builtin-catalog.js';
import { ManualClock } from '../../src/core/shared/clock.js';
import { assertError, create, createProject, member, timeless, waitGone, waitStatus } from '../support/api.js';
import { openEventStream, type EventStreamClient, type StreamEvent } from '../support/event-stream-client.js';
import { cpuBody, createBody, INSTANT_PHASES, startTestApp, type TestApp } from '../support/test-app.js';

const LINE = completeFlavor({
  name: 'modelarts.vm.cpu.line',
  type: 'CPU',
  params: { CPU: 1 },
  capacity: 1,
  queues: true,
});
const HOUR = 3_600_000;

const changes = (t: TestApp, projectId = t.projectId) => `${t.url}/v1/${projectId}/demanager/instance-changes`;
const watch = (t: TestApp, token: string, projectId?: string) =>
  openEventStream(changes(t, projectId), { 'X-Auth-Token': token });
const about = (id: string, status?: string) => (e: StreamEvent) =>
  e.event === 'instance' &&
  JSON.parse(e.data).id === id &&
  (status === undefined || JSON.parse(e.data).status === status);

describe('instance change stream', () => {
  let t: TestApp;
  const streams: EventStreamClient[] = [];
  const open = async (token: string, projectId?: string) => {
    const stream = await watch(t, token, projectId);
    streams.push(stream);
    return stream;
  };
  before(async () => {
    t = await startTestApp({
      catalog: { flavors: [...BUILTIN_CATALOG.flavors, LINE] },
      limits: { eventStreamsPerUser: 2, eventKeepAliveSeconds: 0.05 },
    });
  });
  after(async () => {
    for (const s of streams) s.close();
    await t.stop();
  });

  it('refuses callers without a token or from another project, with ModelArts errors', async () => {
    assertError(await t.http('GET', `/v1/${t.projectId}/demanager/instance-changes`, { token: null }), '0201', 401);
    const other = await createProject(t, 'changes-other');
    assertError(await t.http('GET', `/v1/${other}/demanager/instance-changes`), '0210', 403);
  });

  it('opens with ready and streams each change of an instance, as GET detail shows it, until it is deleted', async () => {
    const stream = await open(t.adminToken);
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(stream.headers.get('cache-control'), 'no-cache, no-store, no-transform');
    const ready = await stream.next((e) => e.event === 'ready');
    assert.deepEqual(JSON.parse(ready.data), { project_id: t.projectId, resumed: false });
    assert.match(ready.id ?? '', /^\d+$/, 'ready carries an id to resume from');

    const secret = { access_token: 'stream-secret-token' };
    const made = await create(t, createBody('changes-life', { spec: { ...createBody('x').spec, credential: secret } }));
    assert.equal(JSON.parse((await stream.next(about(made.id))).data).status, 'CREATING');
    const running = JSON.parse((await stream.next(about(made.id, 'RUNNING'))).data);
    const detail = (await t.http('GET', `${t.instances()}/${made.id}`)).body;
    assert.deepEqual(timeless(running), timeless(detail), 'the same fields and values as GET detail');
    assert.equal(running.spec.credential.access_token, '******');
    assert.ok(!stream.received.some((e) => e.data.includes('stream-secret-token')), 'credentials never leave in clear');

    await t.http('POST', `${t.instances()}/${made.id}/action`, { body: { action: 'stop' } });
    await stream.next(about(made.id, 'STOPPING'));
    await stream.next(about(made.id, 'STOPPED'));
    await t.http('DELETE', `${t.instances()}/${made.id}`);
    await stream.next(about(made.id, 'DELETING'));
    const gone = await stream.next((e) => e.event === 'instance-deleted');
    assert.deepEqual(JSON.parse(gone.data), { id: made.id, status: 'DELETED' });
    const events = stream.received.filter((e) => e.event !== 'comment');
    assert.ok(
      events.every((e) => /^\d+$/.test(e.id ?? '')),
      `every event has an id: ${JSON.stringify(events.map((e) => e.id))}`,
    );
    const times = events.map((e) => Number(e.id));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'ids never go back',
    );
    stream.close();
  });

  it("streams the service's own changes: admission from the queue when a slot frees", async () => {
    const stream = await open(t.adminToken);
    await stream.next((e) => e.event === 'ready');
    const first = await create(t, cpuBody('changes-first', LINE.name));
    await waitStatus(t, first.id, 'RUNNING');
    const waiting = await create(t, cpuBody('changes-waiting', LINE.name));
    const queued = JSON.parse((await stream.next(about(waiting.id, 'CREATE_QUEUING'))).data);
    assert.equal(queued.queuing_info.rank, 1);
    await t.http('POST', `${t.instances()}/${first.id}/action`, { body: { action: 'stop' } });
    await stream.next(about(first.id, 'STOPPED'));
    await stream.next(about(waiting.id, 'CREATING'));
    await stream.next(about(waiting.id, 'RUNNING'));
    stream.close();
  });

  it('shows a member every change of the project and nothing of another project', async () => {
    const otherProject = await createProject(t, 'changes-elsewhere');
    const outsider = await member(t, 'changes-outsider', otherProject, 'admin');
    const insider = await member(t, 'changes-insider', t.projectId);
    const theirs = await open(outsider.token, otherProject);
    const ours = await open(insider.token);
    await Promise.all([theirs.next((e) => e.event === 'ready'), ours.next((e) => e.event === 'ready')]);
    const here = await create(t, cpuBody('changes-here', 'modelarts.vm.cpu.2u'));
    await ours.next(about(here.id, 'RUNNING'));
    const there = await create(t, cpuBody('changes-there', 'modelarts.vm.cpu.2u'), {
      token: outsider.token,
      projectId: otherProject,
    });
    await theirs.next(about(there.id, 'RUNNING'));
    const seen = theirs.received.filter((e) => e.event === 'instance').map((e) => JSON.parse(e.data).id);
    assert.ok(seen.length > 0 && seen.every((id) => id === there.id), `the other project saw only its own: ${seen}`);
    theirs.close();
    ours.close();
  });

  it('fills quiet times with keep-alive comments', async () => {
    const stream = await open(t.adminToken);
    await stream.next((e) => e.event === 'ready');
    const quiet = await stream.next();
    assert.equal(quiet.event, 'comment');
    assert.equal(quiet.data, 'keep-alive');
    assert.match(quiet.id ?? '', /^\d+$/, 'a keep-alive keeps the id of a quiet stream current');
    stream.close();
  });

  it('lets one user hold only so many streams at once (429 APIGW.0308 beyond), and frees a place when one closes', async () => {
    const user = await member(t, 'changes-many', t.projectId);
    const a = await open(user.token);
    const b = await open(user.token);
    await Promise.all([a.next((e) => e.event === 'ready'), b.next((e) => e.event === 'ready')]);
    const third = await t.http('GET', `/v1/${t.projectId}/demanager/instance-changes`, { token: user.token });
    assertError(third, 'APIGW.0308', 429);
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
    a.close();
    let again: EventStreamClient | undefined;
    for (let i = 0; i < 200 && again?.status !== 200; i++) {
      again?.close();
      again = await open(user.token);
    }
    assert.equal(again?.status, 200);
    b.close();
  });
});

describe('instance change stream: automatic stops and shutdown', () => {
  it('streams an auto-stop when its deadline passes, and the server closes without waiting for open streams', {
    timeout: 60_000,
  }, async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 28, 8));
    const t = await startTestApp({ start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } });
    let stream: EventStreamClient | undefined;
    try {
      stream = await watch(t, t.adminToken);
      await stream.next((e) => e.event === 'ready');
      const made = await create(t, cpuBody('changes-auto', 'modelarts.vm.cpu.2u'));
      await stream.next(about(made.id, 'RUNNING'));
      clock.advance(HOUR);
      const stopping = JSON.parse((await stream.next(about(made.id, 'STOPPING'))).data);
      assert.match(stopping.spec.annotations['demanager/stop_reason'], /^auto-stop: /);
      await stream.next(about(made.id, 'STOPPED'));
    } finally {
      await t.stop();
    }
    // t.stop() returned with the stream open; the server has ended it rather than left it hanging.
    const ended = await Promise.race([
      stream.ended.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref()),
    ]);
    assert.equal(ended, true, 'the stream ended with the server');
  });
});

describe('instance change stream: resuming with the last event id', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 28, 8));
  let t: TestApp;
  let url = '';
  const resumeFrom = (id: string, how: 'header' | 'query' = 'header') =>
    how === 'header'
      ? openEventStream(changes(t), { 'X-Auth-Token': t.adminToken, 'Last-Event-ID': id })
      : openEventStream(`${changes(t)}?last_event_id=${encodeURIComponent(id)}`, { 'X-Auth-Token': t.adminToken });
  /** The events of a resumed stream up to the first live one or keep-alive: what it replayed. */
  const replayed = (stream: EventStreamClient) =>
    stream.received.filter((e) => e.event === 'instance' || e.event === 'instance-deleted');
  const settle = (id: string, status: string) => waitStatus(t, id, status);
  before(async () => {
    t = await startTestApp({
      start: { clock },
      runtime: { simulated: { delays: INSTANT_PHASES } },
      limits: { eventKeepAliveSeconds: 0.05, eventReplaySeconds: 600 },
    });
    url = changes(t);
  });
  after(() => t.stop());

  it('sends every instance changed and every one deleted while the client was away, then the live changes; not what rested', async () => {
    const resting = await create(t, cpuBody('resume-resting', 'modelarts.vm.cpu.2u', false));
    const edited = await create(t, cpuBody('resume-edited', 'modelarts.vm.cpu.2u', false));
    const doomed = await create(t, cpuBody('resume-doomed', 'modelarts.vm.cpu.2u', false));
    for (const made of [resting, edited, doomed]) await settle(made.id, 'RUNNING');
    await t.http('POST', `${t.instances()}/${doomed.id}/action`, { body: { action: 'stop' } });
    await settle(doomed.id, 'STOPPED');
    // Well beyond the slack: what was written before is not sent again.
    clock.advance(5 * 60_000);

    const first = await openEventStream(url, { 'X-Auth-Token': t.adminToken });
    await first.next((e) => e.event === 'ready');
    const lastId = first.lastEventId;
    assert.match(lastId, /^\d+$/);
    first.close();

    // While away: one edited, one deleted, one created.
    assert.equal(
      (await t.http('PUT', `${t.instances()}/${edited.id}`, { body: { description: 'edited while away' } })).status,
      200,
    );
    assert.equal((await t.http('DELETE', `${t.instances()}/${doomed.id}`)).status, 200);
    await waitGone(t, doomed.id);
    const born = await create(t, cpuBody('resume-born', 'modelarts.vm.cpu.2u', false));
    await settle(born.id, 'RUNNING');

    const back = await resumeFrom(lastId);
    try {
      const ready = await back.next((e) => e.event === 'ready');
      assert.deepEqual(JSON.parse(ready.data), { project_id: t.projectId, resumed: true });
      await back.next((e) => e.event === 'instance-deleted');
      const missed = replayed(back);
      const states = new Map(
        missed.filter((e) => e.event === 'instance').map((e) => [JSON.parse(e.data).id, JSON.parse(e.data)]),
      );
      assert.equal(states.get(edited.id)?.description, 'edited while away');
      assert.equal(states.get(born.id)?.status, 'RUNNING');
      assert.ok(!states.has(resting.id), 'an instance unchanged since is not sent');
      assert.deepEqual(
        missed.filter((e) => e.event === 'instance-deleted').map((e) => JSON.parse(e.data)),
        [{ id: doomed.id, status: 'DELETED' }],
      );
      assert.ok(!back.received.some((e) => e.event === 'reset'));
      // Then it goes on live.
      await t.http('PUT', `${t.instances()}/${resting.id}`, { body: { description: 'live again' } });
      assert.equal(JSON.parse((await back.next(about(resting.id))).data).description, 'live again');
    } finally {
      back.close();
    }
  });

  it('takes the id from the query too (for clients that cannot send headers)', async () => {
    const first = await openEventStream(url, { 'X-Auth-Token': t.adminToken });
    await first.next((e) => e.event === 'ready');
    const lastId = first.lastEventId;
    first.close();
    clock.advance(60_000);
    const made = await create(t, cpuBody('resume-by-query', 'modelarts.vm.cpu.2u', false));
    await settle(made.id, 'RUNNING');
    const back = await resumeFrom(lastId, 'query');
    try {
      assert.equal(JSON.parse((await back.next((e) => e.event === 'ready')).data).resumed, true);
      assert.equal(JSON.parse((await back.next(about(made.id))).data).status, 'RUNNING');
    } finally {
      back.close();
    }
  });

  for (const [what, id] of [
    ['an id it never gave', 'not-an-id'],
    ['an id too old to resume from', () => String(clock.now() - 601_000)],
    ['an id from the future', () => String(clock.now() + 3_600_000)],
  ] as const) {
    it(`answers ${what} with ready, then reset: the client reads the list again`, async () => {
      const stream = await resumeFrom(typeof id === 'string' ? id : id());
      try {
        assert.deepEqual(JSON.parse((await stream.next((e) => e.event === 'ready')).data), {
          project_id: t.projectId,
          resumed: false,
        });
        const reset = await stream.next();
        assert.equal(reset.event, 'reset');
        assert.equal(typeof JSON.parse(reset.data).reason, 'string');
        assert.match(reset.id ?? '', /^\d+$/, 'with an id to resume from next time');
        assert.ok(!stream.received.some((e) => e.event === 'instance'), 'nothing replayed');
      } finally {
        stream.close();
      }
    });
  }

  it('refuses a query id longer than any it gives with a ModelArts error', async () => {
    assertError(
      await t.http('GET', `/v1/${t.projectId}/demanager/instance-changes?last_event_id=${'9'.repeat(65)}`),
      '6336',
      400,
    );
  });
});

describe('instance change stream: resuming on a server restarted on the same database', () => {
  it('resumes from an id the previous server gave', { timeout: 60_000 }, async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 28, 9));
    const options = { start: { clock }, runtime: { simulated: { delays: INSTANT_PHASES } } };
    const first = await startTestApp(options);
    let second: TestApp | undefined;
    try {
      const kept = await create(first, cpuBody('restart-kept', 'modelarts.vm.cpu.2u', false));
      const dropped = await create(first, cpuBody('restart-dropped', 'modelarts.vm.cpu.2u', false));
      for (const made of [kept, dropped]) await waitStatus(first, made.id, 'RUNNING');
      await first.http('POST', `${first.instances()}/${dropped.id}/action`, { body: { action: 'stop' } });
      await waitStatus(first, dropped.id, 'STOPPED');
      clock.advance(5 * 60_000);
      const stream = await watch(first, first.adminToken);
      await stream.next((e) => e.event === 'ready');
      const lastId = stream.lastEventId;
      stream.close();
      await first.http('PUT', `${first.instances()}/${kept.id}`, { body: { description: 'before the restart' } });
      await first.http('DELETE', `${first.instances()}/${dropped.id}`);
      await waitGone(first, dropped.id);
      await first.stop(false);

      second = await startTestApp({ ...options, dataDir: first.dataDir });
      const back = await openEventStream(changes(second), {
        'X-Auth-Token': second.adminToken,
        'Last-Event-ID': lastId,
      });
      try {
        assert.equal(JSON.parse((await back.next((e) => e.event === 'ready')).data).resumed, true);
        assert.equal(JSON.parse((await back.next(about(kept.id))).data).description, 'before the restart');
        assert.deepEqual(JSON.parse((await back.next((e) => e.event === 'instance-deleted')).data), {
          id: dropped.id,
          status: 'DELETED',
        });
      } finally {
        back.close();
      }
    } finally {
      await (second ?? first).stop();
    }
  });
});
