/**
 * @module test/store/release-upgrade
 * Upgrading from a past release: a copy of the database that release left (test/store/releases/,
 * made by make-release-fixture.ts against its code), on SQLite and on PostgreSQL, is migrated in
 * place by today's code, every migration it lacks and no other, and everything in it is still
 * there: read through today's store (every instance in the status it was left in, its events,
 * users, roles, access keys, and secrets that still open), then through the API of a server
 * started on it, which brings the instances that were mid-way (running, creating, stopping…) to
 * rest instead of leaving them stuck.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type RunningApp } from '../../src/server/app.js';
import { resolveConfig } from '../../src/server/config.js';
import { sealingBoxes } from '../../src/core/secrets/box.js';
import { INSTANCE_STATUSES, TRANSITIONAL_STATUSES, type InstanceStatus } from '../../src/core/model/statuses.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import { SQLITE_SCHEMA } from '../../src/store/migrations/schema-dialect.js';
import { openStore } from '../../src/store/open-store.js';
import { removeDir, tempDir } from '../cli/cli-harness.js';
import { signedGet } from '../support/signed-request.js';
import { INSTANT_PHASES } from '../support/test-app.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './postgres-test-database.js';
import type { FixtureFacts } from './releases/make-release-fixture.js';

const RELEASES = new URL('./releases/', import.meta.url);
const CURRENT_MIGRATIONS = Object.keys(migrationsFor(SQLITE_SCHEMA));

/**
 * Where an instance left mid-way ends once a server runs again: the reconciler finishes what was
 * under way (the simulated driver, like the real ones, re-adopts a workload from its state, so a
 * RUNNING instance stays running). Every other status is a resting one and stays as it was.
 */
const SETTLES_TO: Partial<Record<string, string>> = {
  CREATING: 'RUNNING',
  STARTING: 'RUNNING',
  RESTARTING: 'RUNNING',
  STOPPING: 'STOPPED',
  RESIZING: 'STOPPED',
  DELETING: 'GONE',
};

interface Fixture {
  store: 'sqlite' | 'postgres';
  /** Puts a copy of the fixture in place; answers its database URL. */
  load(dataDir: string): Promise<string>;
  /** Removes what {@link load} made outside the data directory. */
  drop(): Promise<void>;
  facts: FixtureFacts;
}

const facts = (release: string, store: string) =>
  JSON.parse(readFileSync(new URL(`${release}/${store}.json`, RELEASES), 'utf8')) as FixtureFacts;

function fixturesOf(release: string): Fixture[] {
  let database: ThrowawayDatabase | undefined;
  return [
    {
      store: 'sqlite',
      facts: facts(release, 'sqlite'),
      async load(dataDir) {
        copyFileSync(new URL(`${release}/demanager.db`, RELEASES), join(dataDir, 'demanager.db'));
        return `sqlite:${join(dataDir, 'demanager.db')}`;
      },
      async drop() {},
    },
    {
      store: 'postgres',
      facts: facts(release, 'postgres'),
      async load() {
        database = await createThrowawayDatabase();
        execFileSync(
          'psql',
          [
            '-q',
            '-v',
            'ON_ERROR_STOP=1',
            '-d',
            database.url,
            '-f',
            new URL(`${release}/postgres.sql`, RELEASES).pathname,
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        return database.url;
      },
      async drop() {
        await database?.drop();
      },
    },
  ];
}

for (const fixture of fixturesOf('v0.1.0')) {
  const { facts } = fixture;
  describe(`upgrading from ${facts.release} (${fixture.store})`, () => {
    const dataDir = tempDir('demanager-upgrade-');
    let databaseUrl: string;
    let app: RunningApp | undefined;
    const boxes = sealingBoxes(Buffer.from(facts.masterKey, 'base64'));

    before(async () => {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      databaseUrl = await fixture.load(dataDir);
    });

    after(async () => {
      await app?.close();
      await fixture.drop();
      removeDir(dataDir);
    });

    it('holds instances in every status of that release, and its migrations are a beginning of ours', () => {
      // One instance per status, each a status today's code still knows.
      const statuses = facts.instances.map((i) => i.status);
      assert.equal(new Set(statuses).size, statuses.length);
      assert.deepEqual(
        statuses.filter((s) => !INSTANCE_STATUSES.includes(s as InstanceStatus)),
        [],
      );
      assert.ok(statuses.length >= 16);
      assert.deepEqual(CURRENT_MIGRATIONS.slice(0, facts.migrations.length), facts.migrations);
    });

    it("is migrated in place with every migration it lacks, and today's store reads all of it", async () => {
      const store = await openStore(databaseUrl);
      try {
        assert.deepEqual(await store.pendingMigrations(), []);
        for (const [n, expected] of facts.instances.entries()) {
          const instance = await store.instances.getById(expected.id);
          assert.ok(instance, expected.name);
          assert.equal(instance.status, expected.status, expected.name);
          assert.equal(instance.name, expected.name);
          assert.equal(boxes.secrets.open(instance.spec.credential!.access_token!), `fixture-token-${n}`);
          assert.equal(
            boxes.secrets.open(instance.spec.repository!.connection_info!.credential!.ssh_private_key!),
            `fixture-ssh-key-${n}`,
          );
          assert.equal(
            (await store.instances.listEvents(expected.id, { offset: 0, limit: 0 })).total,
            expected.events,
            `events of ${expected.name}`,
          );
        }
        for (const user of facts.users) {
          assert.equal((await store.identity.getUser(user.id))?.name, user.name);
          for (const { projectId, role } of user.roles)
            assert.ok(
              (await store.identity.rolesOf(user.id, projectId)).includes(role as 'admin'),
              `${user.name} ${role}`,
            );
        }
        for (const key of facts.accessKeys) {
          const stored = await store.identity.getAccessKey(key.access);
          assert.equal(stored?.userId, key.userId);
          assert.equal(boxes.accessKeys.open(stored.sealedSecret), key.secret);
        }
      } finally {
        await store.close();
      }
    });

    it('serves all of it, and brings the instances that were mid-way to rest', async () => {
      const config = resolveConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir,
        databaseUrl,
        masterKey: facts.masterKey,
        logLevel: 'silent',
        runtime: { driver: 'simulated', simulated: { delays: INSTANT_PHASES } },
      });
      // A RUNNING instance's auto-stop time (an hour after the fixture was made) has passed by the
      // calendar: re-adopted, it is then rightly stopped by auto-stop, which is what must be seen.
      const store = await openStore(databaseUrl);
      const autoStopped = new Set<string>();
      try {
        for (const i of facts.instances) {
          const stopAt = (await store.instances.getById(i.id))!.stopAt;
          if (i.status === 'RUNNING' && stopAt !== null && stopAt <= Date.now()) autoStopped.add(i.id);
        }
      } finally {
        await store.close();
      }
      app = await startApp(config);
      const url = app.url;
      const call = async (method: string, path: string, token?: string, body?: unknown) => {
        const res = await fetch(url + path, {
          method,
          headers: {
            ...(token ? { 'X-Auth-Token': token } : {}),
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      };
      const tokens = new Map<string, string>();
      for (const user of facts.users) {
        for (const { projectId } of user.roles) {
          const login = await call('POST', '/v3/auth/tokens', undefined, {
            auth: {
              identity: {
                methods: ['password'],
                password: { user: { name: user.name, password: user.password, domain: { name: 'default' } } },
              },
              scope: { project: { id: projectId } },
            },
          });
          assert.equal(login.status, 201, `${user.name} logs in to ${projectId}: ${JSON.stringify(login.body)}`);
          // The first user of each project in the facts is the one who made its instances.
          if (!tokens.has(projectId)) tokens.set(projectId, login.headers.get('x-subject-token')!);
          if (user.name === 'admin') tokens.set('admin', login.headers.get('x-subject-token')!);
        }
      }
      const admin = tokens.get('admin')!;
      const users = (await call('GET', '/v3/users', admin)).body.users as { id: string }[];
      assert.deepEqual(new Set(users.map((u) => u.id)), new Set(facts.users.map((u) => u.id)));
      for (const key of facts.accessKeys) {
        assert.equal((await call('GET', `/v3.0/OS-CREDENTIAL/credentials/${key.access}`, admin)).status, 200);
        const user = facts.users.find((u) => u.id === key.userId)!;
        const projectId = user.roles[0]!.projectId;
        assert.equal(
          await signedGet(url, `/v1/${projectId}/demanager/instances?de_type=Notebook`, key),
          200,
          `signed with ${user.name}'s key`,
        );
      }

      const detail = (i: FixtureFacts['instances'][number]) =>
        call('GET', `/v1/${i.projectId}/demanager/instances/${i.id}`, tokens.get(i.projectId));
      for (const expected of facts.instances) {
        const settled = autoStopped.has(expected.id) ? 'STOPPED' : (SETTLES_TO[expected.status] ?? expected.status);
        let status = '';
        for (let tries = 0; tries < 250; tries++) {
          const res = await detail(expected);
          const gone = res.status === 400 && res.body.error_code === 'ModelArts.6309';
          status = gone ? 'GONE' : res.body.status;
          if (res.status !== 200 && !gone) assert.fail(`${expected.name}: ${res.status} ${JSON.stringify(res.body)}`);
          // Waits out the transitions (and an auto-stop, which begins from a resting RUNNING).
          if (
            status === settled ||
            status === 'GONE' ||
            (!TRANSITIONAL_STATUSES.has(status as InstanceStatus) && status !== 'RUNNING')
          )
            break;
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(status, settled, `${expected.name} after the start`);
        if (status !== 'GONE') {
          const events = await call(
            'GET',
            `/v1/${expected.projectId}/demanager/instances/${expected.id}/events?limit=0`,
            tokens.get(expected.projectId),
          );
          assert.equal(events.status, 200);
          assert.ok(events.body.total_count >= expected.events, `events of ${expected.name}`);
        }
      }
      for (const project of facts.projects) {
        const list = await call(
          'GET',
          `/v1/${project.id}/demanager/instances?de_type=Notebook`,
          tokens.get(project.id),
        );
        assert.equal(list.status, 200, JSON.stringify(list.body));
        const expected = facts.instances
          .filter((i) => i.projectId === project.id && SETTLES_TO[i.status] !== 'GONE')
          .map((i) => i.id);
        assert.deepEqual(
          new Set((list.body.instances as { id: string }[]).map((i) => i.id)),
          new Set(expected),
          `instances of ${project.name}`,
        );
      }
    });
  });
}
