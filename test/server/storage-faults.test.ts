/**
 * @module test/server/storage-faults
 * The store failing under a running server, for real: SQLite on a small tmpfs filled to the last
 * byte, SQLite with its files made immutable, PostgreSQL behind a relay that cuts every connection, and a PostgreSQL database made
 * read-only. While the fault lasts, requests are answered 503 with a Retry-After (not 500) and
 * /readyz says the replica cannot write; once it passes, instances caught mid-transition go on
 * by themselves, with no restart and no wake from outside, and every action works again.
 * Both stores run in every CI run, whatever DEMANAGER_TEST_STORE says.
 *
 * The tmpfs is 8 MB, not the 2 MB of the report this answers: SQLite's write-ahead log grows to
 * 1,000 pages (4 MB) before it is checkpointed, so on 2 MB the log alone fills the disk again
 * soon after the filler is gone, whatever the service does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { action, assertError, create, getInstance, listInstances } from '../support/api.js';
import { STEPPING_RUNTIME, SteppingClock, stopWithClock } from '../support/stepping-clock.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createBody, startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';
import { adminQuery, createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';

const COUNT = 5;
/** Longer than any backoff wait, and than the write probe's cache. */
const STEP_MS = 5_000;

/** Creates COUNT instances and waits until each is CREATING with its (simulated) preparation under way. */
async function creating(t: TestApp, clock: SteppingClock, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i += 1) ids.push((await create(t, createBody(`${prefix}-${i}`))).id);
  await until(`${COUNT} preparations under way`, async () => clock.pending(1_000) >= COUNT);
  return ids;
}

async function until(what: string, check: () => Promise<boolean>, tick: () => void = () => undefined): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    tick();
    await delay(10);
  }
}

async function statuses(t: TestApp, ids: string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await getInstance(t, id)).body.status as string));
}

/** Moves the clock on until every one of `ids` is `status`: retries, phases and the probe's cache all pass. */
function settle(t: TestApp, clock: SteppingClock, ids: string[], status: string): Promise<void> {
  return until(
    `${ids.length} instances ${status}`,
    async () => (await statuses(t, ids)).every((s) => s === status),
    () => clock.advance(STEP_MS),
  );
}

async function readiness(t: TestApp): Promise<{ status: number; writes: string; retryAfter: string | null }> {
  const res = await t.http('GET', '/readyz', { token: null });
  return { status: res.status, writes: res.body.writes, retryAfter: res.headers.get('retry-after') };
}

function assertUnavailable(res: { status: number; headers: Headers; body: any }, context: string): void {
  assertError(res, 'ModelArts.0503', 503, context);
  assert.equal(res.headers.get('retry-after'), '5', context);
}

/** Stop, start and delete each answer at once and take effect: nothing is left stuck by the fault. */
async function actionsWork(t: TestApp, clock: SteppingClock, ids: string[]): Promise<void> {
  const [stopped, deleted] = ids;
  assert.equal((await action(t, stopped!, 'stop')).status, 200);
  await settle(t, clock, [stopped!], 'STOPPED');
  assert.equal((await action(t, stopped!, 'start')).status, 200);
  await settle(t, clock, [stopped!], 'RUNNING');
  assert.equal((await action(t, deleted!, 'stop')).status, 200);
  await settle(t, clock, [deleted!], 'STOPPED');
  assert.equal((await t.http('DELETE', `${t.instances()}/${deleted}`)).status, 200);
  await until(
    'the deleted instance gone',
    async () => (await getInstance(t, deleted!)).status !== 200,
    () => clock.advance(STEP_MS),
  );
  assertError(await getInstance(t, deleted!), 'ModelArts.6309');
}

describe('SQLite on a full disk (a small tmpfs)', () => {
  let mountPoint = '';
  let dataDir = '';
  const clock = new SteppingClock();
  let t: TestApp;

  before(async () => {
    mountPoint = mkdtempSync(join(tmpdir(), 'demanager-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
    dataDir = join(mountPoint, 'data');
    t = await startTestApp({
      dataDir,
      databaseUrl: `sqlite:${join(dataDir, 'demanager.db')}`,
      start: { clock },
      runtime: STEPPING_RUNTIME,
    });
  });

  after(async () => {
    await stopWithClock(t, clock, false);
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('answers 503 and says not ready while full, then finishes what it was doing once space is back', async () => {
    const ids = await creating(t, clock, 'full');
    const filler = join(mountPoint, 'filler');
    // Written until the file system refuses: every byte of the tmpfs is taken.
    assert.throws(() => writeFileSync(filler, Buffer.alloc(16 * 1024 * 1024, 1)), { code: 'ENOSPC' });

    // The preparations end and their transitions cannot be written; each waits to retry.
    clock.advance(1_000);
    await until('every failed step waiting to retry', async () => clock.pendingBelow(1_000) >= COUNT);
    assert.deepEqual(await statuses(t, ids), Array(COUNT).fill('CREATING'));

    assertUnavailable(await t.http('POST', t.instances(), { body: createBody('while-full') }), 'create while full');
    assert.deepEqual(await readiness(t), { status: 503, writes: 'failing: full', retryAfter: null });
    // The refused create left nothing behind (its transaction rolled back whole).
    const listed = await listInstances(t, 'show_self=false');
    assert.equal(listed.body.instances.length, COUNT);

    rmSync(filler);
    await settle(t, clock, ids, 'RUNNING');
    assert.deepEqual(await readiness(t), { status: 200, writes: 'ok', retryAfter: null });
    await actionsWork(t, clock, ids);
    // The instance counts the refused create would have touched are right: one more fits, and shows.
    const more = await create(t, createBody('after-full'));
    assert.equal((await listInstances(t, 'show_self=false')).body.instances.length, COUNT);
    await settle(t, clock, [more.id], 'RUNNING');
  });
});

describe('SQLite with its files made immutable (chattr +i, which binds root too)', () => {
  const clock = new SteppingClock();
  let t: TestApp;
  let files: string[] = [];
  const chattr = (flag: string) => execFileSync('chattr', [flag, ...files]);

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'demanager-immutable-'));
    t = await startTestApp({
      dataDir,
      databaseUrl: `sqlite:${join(dataDir, 'demanager.db')}`,
      start: { clock },
      runtime: STEPPING_RUNTIME,
    });
    files = ['demanager.db', 'demanager.db-wal'].map((f) => join(dataDir, f));
  });

  after(async () => {
    chattr('-i');
    await stopWithClock(t, clock);
  });

  it('answers 503 and says not ready while the files refuse writes, then finishes what it was doing', async () => {
    const ids = await creating(t, clock, 'immutable');
    chattr('+i');
    clock.advance(1_000);
    await until('every failed step waiting to retry', async () => clock.pendingBelow(1_000) >= COUNT);
    assert.deepEqual(await statuses(t, ids), Array(COUNT).fill('CREATING'));
    assertUnavailable(
      await t.http('POST', t.instances(), { body: createBody('while-immutable') }),
      'create while immutable',
    );
    const ready = await readiness(t);
    assert.equal(ready.status, 503);
    // SQLite reports the refused write to its log as an I/O error (SQLITE_IOERR_WRITE), not SQLITE_READONLY.
    assert.equal(ready.writes, 'failing: io');

    chattr('-i');
    await settle(t, clock, ids, 'RUNNING');
    assert.deepEqual(await readiness(t), { status: 200, writes: 'ok', retryAfter: null });
    await actionsWork(t, clock, ids);
    assert.equal((await listInstances(t, 'show_self=false')).body.instances.length, COUNT - 1);
  });
});

describe('PostgreSQL with its connections cut, and read-only', () => {
  let db: ThrowawayDatabase;
  let proxy: TcpProxy;
  const clock = new SteppingClock();
  let t: TestApp;

  before(async () => {
    db = await createThrowawayDatabase();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const relayed = new URL(db.url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(proxy.port);
    t = await startTestApp({
      databaseUrl: relayed.href,
      masterKey: TEST_MASTER_KEY,
      start: { clock },
      runtime: STEPPING_RUNTIME,
      // No periodic scan: recovery must not hang on one (a lone replica needs none).
      coordination: { scanIntervalMs: 0 },
    });
  });

  after(async () => {
    await stopWithClock(t, clock);
    await proxy.close();
    await db.drop();
  });

  it('answers 503 while the database is cut off, then finishes what it was doing once it is back', async () => {
    const ids = await creating(t, clock, 'cut');
    proxy.cut();
    clock.advance(1_000);
    await until('every failed step waiting to retry', async () => clock.pendingBelow(1_000) >= COUNT);
    assert.deepEqual(
      await Promise.all(ids.map(async (id) => (await getInstance(t, id)).status)),
      Array(COUNT).fill(503),
    );
    assertUnavailable(await t.http('POST', t.instances(), { body: createBody('while-cut') }), 'create while cut');
    assert.equal((await readiness(t)).status, 503);

    proxy.restore();
    await settle(t, clock, ids, 'RUNNING');
    assert.deepEqual(await readiness(t), { status: 200, writes: 'ok', retryAfter: null });
    await actionsWork(t, clock, ids);
  });

  it('says not ready while the database refuses writes, and ready once it takes them again', async () => {
    const name = new URL(db.url).pathname.slice(1);
    const reconnect = () =>
      adminQuery(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
        [name],
      );
    await adminQuery(`alter database "${name}" set default_transaction_read_only = on`);
    try {
      await reconnect();
      // Reads still answer; the probe's write is refused (once the pool has let go of the dropped connections).
      await until(
        'the probe refused',
        async () => (await readiness(t)).writes === 'failing: read-only',
        () => clock.advance(STEP_MS),
      );
      assert.equal((await readiness(t)).status, 503);
      assert.equal((await listInstances(t, 'show_self=false')).status, 200);
      assertUnavailable(
        await t.http('POST', t.instances(), { body: createBody('while-read-only') }),
        'create while read-only',
      );
    } finally {
      await adminQuery(`alter database "${name}" reset default_transaction_read_only`);
    }
    await reconnect();
    await until(
      'the probe written',
      async () => (await readiness(t)).status === 200,
      () => clock.advance(STEP_MS),
    );
  });
});
