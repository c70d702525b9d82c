/**
 * The proxy keeps what its access check reads between requests (proxy/notebook-access-cache), and
 * access still ends at the next request after whatever ends it, against the real server with an
 * echo server standing in for Jupyter: a stop, a restart, a revoked share, a deleted user, made
 * through this server; the same made behind its back by another process on the same database (a
 * second connection writing SQL, as another replica or a command would: SQLite's change counter,
 * PostgreSQL's notifications, which may arrive a little after the commit); across two replicas on
 * PostgreSQL, where the next request after the revoking call's answer is refused, as the call
 * answers only once the other replica has heard (api/heard-everywhere); and, on PostgreSQL, a write
 * made while the notification connection is down, when nothing may be answered from memory.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { runIdOf } from '../../src/core/identity/instance-tokens.js';
import { LISTENER } from '../../src/store/postgres/postgres-foreign-writes.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';
import { action, member, waitStatus } from '../support/api.js';
import { startEchoWorkload, type EchoWorkload } from '../support/echo-workload.js';
import { NOTIFIED_MS } from '../support/notification-bound.js';
import { standInReplica } from '../support/stand-in-replica.js';
import { cpuBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY, TEST_STORE } from '../support/test-store.js';

interface Member {
  userId: string;
  token: string;
}

async function runningInstance(t: TestApp, name: string, workload: EchoWorkload, owner?: Member): Promise<string> {
  const created = await t.http('POST', t.instances(), {
    body: cpuBody(name, 'modelarts.vm.cpu.2u'),
    ...(owner ? { token: owner.token } : {}),
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await waitForStatus(t, created.body.id, ['RUNNING']);
  await workload.serveFor(t, created.body.id);
  return created.body.id;
}

/** `who`'s notebook cookie for instance `id`, from a link of their own. */
async function cookieOf(t: TestApp, id: string, who: Member): Promise<string> {
  const token = (await t.http('GET', `${t.instances()}/${id}/token`, { token: who.token })).body.token as string;
  const res = await fetch(`${t.url}/notebook/${id}/?token=${token}`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** The status of a request with `cookie`, made a few times so the answer is surely kept. */
async function statusWith(url: string, id: string, cookie: string, times = 1): Promise<number> {
  let status = 0;
  for (let i = 0; i < times; i++)
    status = (await fetch(`${url}/notebook/${id}/api/status`, { headers: { cookie } })).status;
  return status;
}

/** Requests with `cookie` until one is refused; fails if none is within `ms`. */
async function refusedWithin(url: string, id: string, cookie: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await statusWith(url, id, cookie)) !== 403) {
    assert.ok(Date.now() < deadline, `still admitted ${ms} ms after the write`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs SQL on the server's database through a connection of the test's own: another process's write. */
async function foreignWrite(t: TestApp, statement: string): Promise<void> {
  if (TEST_STORE === 'sqlite') {
    const db = new BetterSqlite3(join(t.dataDir, 'demanager.db'));
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: readFileSync(join(t.dataDir, 'test-database-url'), 'utf8') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe('notebook access from memory, ended by writes of this server', () => {
  let t: TestApp;
  let workload: EchoWorkload;
  let owner: Member;
  let sam: Member;

  before(async () => {
    t = await startTestApp();
    workload = await startEchoWorkload();
    owner = await member(t, 'cache-owner', t.projectId);
    sam = await member(t, 'cache-sam', t.projectId);
  });
  after(async () => {
    await workload.close();
    await t.stop();
  });

  it('ends a revoked share at the next request, and a share granted again opens again', async () => {
    const id = await runningInstance(t, 'cache-share', workload, owner);
    const shares = `${t.instances()}/${id}/shares`;
    assert.equal((await t.http('POST', shares, { token: owner.token, body: { user_id: sam.userId } })).status, 200);
    const cookie = await cookieOf(t, id, sam);
    assert.equal(await statusWith(t.url, id, cookie, 3), 200);
    assert.equal((await t.http('DELETE', `${shares}/${sam.userId}`, { token: owner.token })).status, 200);
    assert.equal(await statusWith(t.url, id, cookie), 403);
    assert.equal((await t.http('POST', shares, { token: owner.token, body: { user_id: sam.userId } })).status, 200);
    assert.equal(await statusWith(t.url, id, cookie), 200, 'the same run, shared again');
  });

  it('ends access at the next request after a stop, and a restart voids the old cookie', async () => {
    const id = await runningInstance(t, 'cache-stop', workload, owner);
    const cookie = await cookieOf(t, id, owner);
    assert.equal(await statusWith(t.url, id, cookie, 3), 200);
    assert.equal((await action(t, id, 'stop', { token: owner.token })).status, 200);
    assert.equal(await statusWith(t.url, id, cookie), 403);
    await waitStatus(t, id, 'STOPPED');
    assert.equal((await action(t, id, 'start', { token: owner.token })).status, 200);
    await waitStatus(t, id, 'RUNNING');
    await workload.serveFor(t, id);
    assert.equal(await statusWith(t.url, id, cookie), 403, 'a cookie of the previous run');
    assert.equal(await statusWith(t.url, id, await cookieOf(t, id, owner), 2), 200);
  });

  it("ends a deleted user's access at the next request", async () => {
    const gone = await member(t, 'cache-gone', t.projectId, 'admin');
    const id = await runningInstance(t, 'cache-user', workload, owner);
    const cookie = await cookieOf(t, id, gone);
    assert.equal(await statusWith(t.url, id, cookie, 3), 200);
    assert.equal((await t.http('DELETE', `/v3/users/${gone.userId}`)).status, 204);
    assert.equal(await statusWith(t.url, id, cookie), 403);
    assert.equal(await statusWith(t.url, id, await cookieOf(t, id, owner)), 200, 'the owner carries on');
  });
});

/**
 * SQLite's change counter is read on the request itself: the next one is refused. PostgreSQL's
 * notification may arrive a little after the writer's commit (see {@link NOTIFIED_MS}).
 */
function refused(t: TestApp, id: string, cookie: string): Promise<void> {
  return refusedWithin(t.url, id, cookie, TEST_STORE === 'sqlite' ? 0 : NOTIFIED_MS);
}

describe(`notebook access from memory, ended by another process's writes (${TEST_STORE})`, () => {
  let t: TestApp;
  let workload: EchoWorkload;
  let owner: Member;

  before(async () => {
    t = await startTestApp();
    workload = await startEchoWorkload();
    owner = await member(t, 'foreign-owner', t.projectId);
  });
  after(async () => {
    await workload.close();
    await t.stop();
  });

  it('ends the access of a user whose role another process removed, at the next request', async () => {
    const carol = await member(t, 'foreign-carol', t.projectId, 'admin');
    const id = await runningInstance(t, 'foreign-role', workload, owner);
    const cookie = await cookieOf(t, id, carol);
    assert.equal(await statusWith(t.url, id, cookie, 3), 200);
    await foreignWrite(t, `delete from role_assignments where user_id = '${carol.userId}'`);
    await refused(t, id, cookie);
  });

  it('ends access to an instance another process restarted, at the next request', async () => {
    const id = await runningInstance(t, 'foreign-run', workload, owner);
    const cookie = await cookieOf(t, id, owner);
    assert.equal(await statusWith(t.url, id, cookie, 3), 200);
    const runId = runIdOf((await t.app.services.store.instances.getById(id))!)!;
    await foreignWrite(
      t,
      `update instances set doc = replace(doc, '${runId}', 'another-run'), version = version + 1 where id = '${id}'`,
    );
    await refused(t, id, cookie);
  });
});

describe('notebook access from memory across two replicas on PostgreSQL', () => {
  let db: ThrowawayDatabase;
  let here: TestApp;
  let elsewhere: TestApp;
  let workload: EchoWorkload;
  let owner: Member;
  let sam: Member;

  before(async () => {
    db = await createThrowawayDatabase();
    const shared = { databaseUrl: db.url, masterKey: TEST_MASTER_KEY };
    here = await startTestApp(shared);
    elsewhere = await startTestApp(shared);
    workload = await startEchoWorkload();
    owner = await member(here, 'replica-owner', here.projectId);
    sam = await member(here, 'replica-sam', here.projectId);
  });
  after(async () => {
    await workload.close();
    await elsewhere?.stop(false);
    await here?.stop(false);
    await db?.drop();
  });

  it('ends a share revoked on the other replica at the next request here, made as the revoking call answers', async () => {
    const id = await runningInstance(here, 'replica-share', workload, owner);
    const shares = `${here.instances()}/${id}/shares`;
    assert.equal((await here.http('POST', shares, { token: owner.token, body: { user_id: sam.userId } })).status, 200);
    const cookie = await cookieOf(here, id, sam);
    assert.equal(await statusWith(here.url, id, cookie, 3), 200);
    assert.equal((await elsewhere.http('DELETE', `${shares}/${sam.userId}`, { token: owner.token })).status, 200);
    // The revoking call answered once this replica had heard of it (api/heard-everywhere).
    assert.equal(await statusWith(here.url, id, cookie), 403);
  });

  it('ends access to an instance stopped on the other replica at the next request here', async () => {
    const id = await runningInstance(here, 'replica-stop', workload, owner);
    const cookie = await cookieOf(here, id, owner);
    assert.equal(await statusWith(here.url, id, cookie, 3), 200);
    assert.equal((await action(elsewhere, id, 'stop', { token: owner.token })).status, 200);
    assert.equal(await statusWith(here.url, id, cookie), 403);
  });

  it('answers a revoking call only once every replica listening has heard it', async () => {
    const id = await runningInstance(here, 'replica-wait', workload, owner);
    const shares = `${here.instances()}/${id}/shares`;
    assert.equal((await here.http('POST', shares, { token: owner.token, body: { user_id: sam.userId } })).status, 200);
    // A third replica, slow to hear: the call waits for it too.
    const slow = await standInReplica(db.url);
    try {
      let answered = false;
      const revoking = elsewhere
        .http('DELETE', `${shares}/${sam.userId}`, { token: owner.token })
        .finally(() => (answered = true));
      for (let i = 0; i < 400 && slow.fences.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(answered, false, 'no answer before the slow replica heard');
      await slow.answer(slow.fences.at(-1)!);
      assert.equal((await revoking).status, 200);
    } finally {
      await slow.end();
    }
  });

  it('answers nothing from memory while it cannot hear the other replicas, and hears them again', async () => {
    const dora = await member(here, 'replica-dora', here.projectId, 'admin');
    const id = await runningInstance(here, 'replica-cut', workload, owner);
    const cookie = await cookieOf(here, id, dora);
    assert.equal(await statusWith(here.url, id, cookie, 3), 200);
    const foreign = here.app.services.store.foreignWrites;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name like $1 and datname = current_database()',
        [`${LISTENER}%`],
      );
      for (let i = 0; i < 200 && foreign.caughtUp(); i++) await new Promise((r) => setTimeout(r, 10));
      // The notification of this write is lost with the connection: only a read of the store sees it.
      assert.equal(foreign.caughtUp(), false, 'the cut was noticed');
      await admin.query(`delete from role_assignments where user_id = '${dora.userId}'`);
      assert.equal(await statusWith(here.url, id, cookie), 403);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 500 && !foreign.caughtUp(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(foreign.caughtUp(), 'listening again');
    const owners = await cookieOf(here, id, owner);
    assert.equal(await statusWith(here.url, id, owners, 3), 200);
    assert.equal((await action(elsewhere, id, 'stop', { token: owner.token })).status, 200);
    assert.equal(await statusWith(here.url, id, owners), 403);
  });
});
