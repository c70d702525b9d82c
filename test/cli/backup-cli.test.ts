/**
 * @module test/cli/backup-cli
 * `demanager backup` of a real server under load and `demanager restore` into an empty directory:
 * a server on the restored directory finds every instance, user, access key and event that existed
 * when the backup was taken, none that came after it, and nothing half-way (the snapshot is one
 * point in time); its secrets still open (an access key signs a request; every sealed value opens).
 * Then every refusal: non-empty directory, foreign, damaged and truncated archives, a key that does
 * not open the secrets, a backup from a newer release, another configured key, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packBackup, unpackBackup } from '../../src/backup/backup-archive.js';
import { openStore } from '../../src/store/open-store.js';
import type { FixtureFacts } from '../store/releases/make-release-fixture.js';
import { CPU_FLAVOR } from '../support/api.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { signedGet, type SigningKey } from '../support/signed-request.js';
import { cpuBody, INSTANT_PHASES } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';
import { explain, removeDir, runCli, tempDir } from './cli-harness.js';

const SIMULATED = { driver: 'simulated' as const, simulated: { delays: INSTANT_PHASES } };

/** One write of the load, with when its request left and when its answer came back. */
interface Op {
  kind: 'user' | 'key' | 'instance' | 'stop';
  /** The user id, access key or instance id. */
  id: string;
  started: number;
  finished: number;
}

function sqliteOptions(dataDir: string) {
  return { databaseUrl: `sqlite:${join(dataDir, 'demanager.db')}`, runtime: SIMULATED };
}

/** Everything a server holds that the load wrote: users, access keys, instances and their events. */
async function contentsOf(server: ChildServer) {
  const users = (await server.http('GET', '/v3/users')).body.users as { id: string; name: string }[];
  const keys = new Map<string, string>();
  for (const user of users) {
    for (const c of (await server.http('GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${user.id}`)).body
      .credentials as { access: string }[])
      keys.set(c.access, user.id);
  }
  const list = await server.http('GET', `/v1/${server.projectId}/demanager/instances?de_type=Notebook`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const events = new Map<string, { seq: number; kind: string; to_status: string }[]>();
  for (const instance of list.body.instances as { id: string }[]) {
    events.set(
      instance.id,
      (await server.http('GET', `/v1/${server.projectId}/demanager/instances/${instance.id}/events?limit=0`)).body
        .events,
    );
  }
  return {
    users: new Set(users.map((u) => u.id)),
    keys,
    instances: new Map((list.body.instances as any[]).map((i) => [i.id, i])),
    events,
  };
}

describe('demanager backup and restore', () => {
  const root = tempDir('demanager-backup-');
  const configDir = join(root, 'cli');
  const sourceDir = join(root, 'source');
  const restoredDir = join(root, 'restored');
  const archive = join(root, 'backup.tar');
  let source: ChildServer;
  let restored: ChildServer | undefined;
  const ops: Op[] = [];
  const keys = new Map<string, SigningKey>();
  let backupStarted = 0;
  let backupFinished = 0;
  /** Each instance's events as read before the backup began: all of them must be restored. */
  let eventsBefore = new Map<string, { seq: number }[]>();

  const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { configDir, env });

  async function record<T>(
    kind: Op['kind'],
    write: () => Promise<{ id: string; value: T } | undefined>,
  ): Promise<T | undefined> {
    const started = performance.now();
    const done = await write();
    if (done !== undefined) ops.push({ kind, id: done.id, started, finished: performance.now() });
    return done?.value;
  }

  async function createUserWithKey(n: number): Promise<void> {
    const userId = await record('user', async () => {
      const res = await source.http('POST', '/v3/users', {
        user: { name: `load-user-${n}`, password: `load-password-${n}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const role = await source.http('PUT', `/v3/projects/${source.projectId}/users/${res.body.user.id}/roles/member`);
      assert.equal(role.status, 204, JSON.stringify(role.body));
      return { id: res.body.user.id as string, value: res.body.user.id as string };
    });
    await record('key', async () => {
      const res = await source.http('POST', '/v3.0/OS-CREDENTIAL/credentials', {
        credential: { user_id: userId, description: `load key ${n}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      keys.set(res.body.credential.access, { access: res.body.credential.access, secret: res.body.credential.secret });
      return { id: res.body.credential.access as string, value: undefined };
    });
  }

  async function createInstance(n: number): Promise<string | undefined> {
    return record('instance', async () => {
      const body = cpuBody(`load-instance-${n}`, CPU_FLAVOR, false) as any;
      body.spec.credential = { access_token: `repository-token-${n}` };
      const res = await source.http('POST', `/v1/${source.projectId}/demanager/instances`, body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return { id: res.body.id as string, value: res.body.id as string };
    });
  }

  async function stopWhenRunning(id: string): Promise<void> {
    await record('stop', async () => {
      const res = await source.http('POST', `/v1/${source.projectId}/demanager/instances/${id}/action`, {
        action: 'stop',
      });
      return res.status === 200 ? { id, value: undefined } : undefined;
    });
  }

  before(async () => {
    mkdirSync(configDir);
    mkdirSync(sourceDir, { mode: 0o700 });
    source = await startChildServer(sourceDir, sqliteOptions(sourceDir));
    // Data from before the load: every kind, with events and sealed secrets.
    for (let n = 0; n < 3; n++) {
      await createUserWithKey(n);
      const id = (await createInstance(n))!;
      await stopWhenRunning(id);
    }

    // The load: two writers that go on until the backup is over.
    let running = true;
    let users = 3;
    let instances = 3;
    const writers = [
      (async () => {
        while (running) await createUserWithKey(users++);
      })(),
      (async () => {
        while (running) {
          const id = await createInstance(instances++);
          if (id) await stopWhenRunning(id);
        }
      })(),
    ];
    // Let the load get going, then read what must survive.
    while (ops.length < 20) await new Promise((r) => setTimeout(r, 10));
    eventsBefore = (await contentsOf(source)).events;
    backupStarted = performance.now();
    const result = await cli(['backup', archive, '--data-dir', sourceDir]);
    backupFinished = performance.now();
    running = false;
    await Promise.all(writers);
    assert.equal(result.code, 0, explain(result));
    assert.match(
      result.stdout,
      /wrote .*backup\.tar: the database \(\d+ migrations applied, \d+ sealed secrets\) and the master key/,
    );
  });

  after(async () => {
    await restored?.stop();
    await source?.stop();
    removeDir(root);
  });

  it('ran while the server was writing', () => {
    const during = ops.filter((op) => op.started > backupStarted && op.finished < backupFinished);
    assert.ok(during.length >= 2, `writes that started and finished while the backup ran: ${during.length}`);
  });

  it('writes a plain tar, 0600, with a manifest, the database and the key under a name that says it is secret', () => {
    assert.equal(statSync(archive).mode & 0o777, 0o600);
    assert.deepEqual(execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n'), [
      'manifest.json',
      'demanager.db',
      'SECRET-master.key',
    ]);
    const { manifest, masterKey } = unpackBackup(readFileSync(archive));
    assert.equal(manifest.format, 'demanager-backup');
    assert.equal(manifest.formatVersion, 1);
    assert.equal(
      manifest.demanagerVersion,
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
    assert.ok(manifest.schema.migrations.includes('0001-initial'));
    assert.ok(Math.abs(Date.parse(manifest.createdAt) - Date.now()) < 120_000);
    assert.match(manifest.warning, /master key/);
    assert.ok(masterKey.equals(Buffer.from(readFileSync(join(sourceDir, 'master.key'), 'utf8').trim(), 'base64')));
  });

  it('refuses to overwrite an existing file', async () => {
    const before = readFileSync(archive);
    const result = await cli(['backup', archive, '--data-dir', sourceDir]);
    assert.equal(result.code, 1, explain(result));
    assert.match(result.stderr, /already exists: give a new file name/);
    assert.ok(readFileSync(archive).equals(before));
  });

  it('restores into an empty directory a snapshot of one moment: what was there before, nothing after, nothing half-way', async () => {
    const result = await cli(['restore', archive, '--data-dir', restoredDir]);
    assert.equal(result.code, 0, explain(result));
    assert.match(result.stdout, /the master key opens all \d+ sealed secrets/);
    const sealed = Number(/opens all (\d+) sealed/.exec(result.stdout)![1]);
    assert.equal(statSync(restoredDir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(restoredDir).sort(), ['demanager.db', 'master.key']);
    for (const file of ['demanager.db', 'master.key'])
      assert.equal(statSync(join(restoredDir, file)).mode & 0o777, 0o600, file);
    assert.equal(
      readFileSync(join(restoredDir, 'master.key'), 'utf8'),
      readFileSync(join(sourceDir, 'master.key'), 'utf8'),
    );

    restored = await startChildServer(restoredDir, sqliteOptions(restoredDir));
    const got = await contentsOf(restored);
    const present = (op: Op) =>
      op.kind === 'user'
        ? got.users.has(op.id)
        : op.kind === 'key'
          ? got.keys.has(op.id)
          : op.kind === 'instance'
            ? got.instances.has(op.id)
            : (got.events.get(op.id) ?? []).some((e) => e.kind === 'stop');
    for (const op of ops) {
      if (op.finished < backupStarted) assert.ok(present(op), `${op.kind} ${op.id} was done before the backup began`);
      if (op.started > backupFinished) assert.ok(!present(op), `${op.kind} ${op.id} began after the backup was over`);
    }
    // One point in time: whatever a restored write came after is restored too.
    for (const later of ops.filter(present)) {
      for (const earlier of ops) {
        if (earlier.finished < later.started)
          assert.ok(
            present(earlier),
            `${later.kind} ${later.id} is there but ${earlier.kind} ${earlier.id}, done before it began, is not`,
          );
      }
    }
    for (const [id, events] of eventsBefore) {
      const now = got.events.get(id);
      assert.ok(now, `instance ${id}`);
      assert.deepEqual(now.slice(0, events.length), events, `events of ${id}`);
    }
    assert.ok(got.instances.size >= 3 && got.users.size >= 4);
    // Each restored instance's credential and each key's secret is sealed; all of them open.
    assert.ok(sealed >= got.keys.size + got.instances.size, `sealed: ${sealed}`);
  });

  it('serves the restored access keys: their secrets open with the restored key', async () => {
    assert.ok(restored, 'restored server');
    const restoredKeys = [...keys.values()].filter((k) =>
      ops.some((op) => op.kind === 'key' && op.id === k.access && op.finished < backupStarted),
    );
    assert.ok(restoredKeys.length >= 3);
    for (const key of restoredKeys.slice(0, 5)) {
      assert.equal(
        await signedGet(restored.url, `/v1/${restored.projectId}/demanager/instances?de_type=Notebook`, key),
        200,
        `access key ${key.access}`,
      );
    }
    const wrong = { ...restoredKeys[0]!, secret: 'not-the-secret' };
    assert.equal(
      await signedGet(restored.url, `/v1/${restored.projectId}/demanager/instances?de_type=Notebook`, wrong),
      401,
    );
  });

  it("with the master key configured, restores with that key when it is the backup's, writing no key file", async () => {
    const target = join(root, 'configured-key');
    const key = readFileSync(join(sourceDir, 'master.key'), 'utf8').trim();
    const result = await cli(['restore', archive, '--data-dir', target], { DEMANAGER_MASTER_KEY: key });
    assert.equal(result.code, 0, explain(result));
    assert.deepEqual(readdirSync(target), ['demanager.db']);
  });

  it('restores a backup of a database an older release left, which migrate then upgrades', async () => {
    const facts = JSON.parse(
      readFileSync(new URL('../store/releases/v0.1.0/sqlite.json', import.meta.url), 'utf8'),
    ) as FixtureFacts;
    const database = readFileSync(new URL('../store/releases/v0.1.0/demanager.db', import.meta.url));
    const file = join(root, 'from-0.1.0.tar');
    writeFileSync(file, packBackup(database, Buffer.from(facts.masterKey, 'base64'), facts.migrations, new Date()));
    const target = join(root, 'from-0.1.0');
    const restore = await cli(['restore', file, '--data-dir', target]);
    assert.equal(restore.code, 0, explain(restore));
    const migrate = await cli(['migrate', '--data-dir', target]);
    assert.equal(migrate.code, 0, explain(migrate));
    const store = await openStore(`sqlite:${join(target, 'demanager.db')}`);
    try {
      assert.deepEqual(await store.pendingMigrations(), []);
      for (const instance of facts.instances)
        assert.equal((await store.instances.getById(instance.id))?.status, instance.status, instance.name);
    } finally {
      await store.close();
    }
  });

  describe('refuses, writing nothing', () => {
    const good = () => unpackBackup(readFileSync(archive));
    let n = 0;

    async function refused(
      file: string,
      message: RegExp,
      args: string[] = [],
      env: Record<string, string | undefined> = {},
    ): Promise<string> {
      const target = join(root, `refused-${n++}`);
      const result = await cli(['restore', file, '--data-dir', target, ...args], env);
      assert.equal(result.code, 1, explain(result));
      assert.match(result.stderr, message, explain(result));
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      assert.ok(!existsSync(target) || readdirSync(target).length === 0, `nothing written to ${target}`);
      return target;
    }

    function craft(name: string, data: Buffer): string {
      const file = join(root, name);
      writeFileSync(file, data);
      return file;
    }

    it('a data directory that is not empty', async () => {
      const target = join(root, 'not-empty');
      mkdirSync(target);
      writeFileSync(join(target, 'notes.txt'), 'mine');
      const result = await cli(['restore', archive, '--data-dir', target]);
      assert.equal(result.code, 1, explain(result));
      assert.match(
        result.stderr,
        /the data directory .*not-empty is not empty \(notes\.txt\): restore only into a new or empty directory/,
      );
      assert.deepEqual(readdirSync(target), ['notes.txt']);
    });

    it('a file that is not a tar archive, and a tar archive that is not a backup', async () => {
      await refused(
        craft('random.tar', Buffer.from('hello, this is not an archive'.repeat(40))),
        /random\.tar cannot be restored: not a ustar archive; nothing was written/,
      );
      const foreignDir = join(root, 'foreign');
      mkdirSync(foreignDir);
      writeFileSync(join(foreignDir, 'demanager.db'), 'not a database');
      const foreign = join(root, 'foreign.tar');
      execFileSync('tar', ['--format=ustar', '-cf', foreign, '-C', foreignDir, 'demanager.db']);
      await refused(foreign, /foreign\.tar cannot be restored: it has no manifest\.json/);
    });

    it('a damaged or truncated archive', async () => {
      const bytes = Buffer.from(readFileSync(archive));
      const { manifest } = good();
      // A byte in the middle of the database, well past the manifest's blocks.
      const at = 1024 + Math.floor(manifest.files['demanager.db'].size / 2) + 512;
      bytes[at] = bytes[at]! ^ 0xff;
      await refused(
        craft('damaged.tar', bytes),
        /demanager\.db is damaged \(its checksum does not match the manifest\)/,
      );
      await refused(
        craft('truncated.tar', readFileSync(archive).subarray(0, 4096)),
        /cut short \(truncated archive\?\)/,
      );
    });

    it('a key that does not open the secrets sealed in the database', async () => {
      const { manifest, database } = good();
      const file = craft(
        'wrong-key.tar',
        packBackup(database, Buffer.alloc(32, 9), manifest.schema.migrations, new Date()),
      );
      await refused(file, /the master key does not open \d+ of the \d+ secrets sealed in the database/);
    });

    it('a backup from a newer release than this one', async () => {
      const { manifest, database, masterKey } = good();
      const file = craft(
        'newer.tar',
        packBackup(database, masterKey, [...manifest.schema.migrations, '9999-from-a-newer-release'], new Date()),
      );
      await refused(file, /upgraded by a newer demanager than this one .*9999-from-a-newer-release/);
    });

    it('another configured master key', async () => {
      await refused(archive, /the configured master key .* is not the key in the backup/, [], {
        DEMANAGER_MASTER_KEY: TEST_MASTER_KEY,
      });
    });

    it('a PostgreSQL installation, saying what to use instead (backup and restore)', async () => {
      const env = {
        DEMANAGER_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        DEMANAGER_MASTER_KEY: TEST_MASTER_KEY,
      };
      await refused(archive, /keeps its data in PostgreSQL.*pg_dump.*master key.*Backups and upgrades/, [], env);
      const backup = await cli(['backup', join(root, 'pg.tar'), '--data-dir', sourceDir], env);
      assert.equal(backup.code, 1, explain(backup));
      assert.match(backup.stderr, /keeps its data in PostgreSQL.*pg_dump/);
      assert.ok(!existsSync(join(root, 'pg.tar')));
    });
  });
});
