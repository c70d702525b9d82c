/**
 * @module test/store/releases/make-release-fixture
 * Makes a database the way a past release left it, for the upgrade test (release-upgrade.test.ts).
 * It runs against that release's code, checked out apart (see the README beside the fixtures):
 *
 *   node --import tsx test/store/releases/make-release-fixture.ts <release checkout> <database URL> <facts.json>
 *
 * Through the release's own HTTP API it makes projects, users with roles, access keys, and one
 * instance per status that release knows, each with a sealed credential and a history of events;
 * the server is then stopped and each instance put into its status through the release's own
 * store, as a server stopped at that moment would have left it (the one RUNNING got there for
 * real). What the test must find again is written to `<facts.json>`, secrets included: they are
 * a fixture's, sealing nothing of value.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The fixture's master key and admin password; the test needs both. */
export const FIXTURE_MASTER_KEY = Buffer.alloc(32, 42).toString('base64');
export const FIXTURE_ADMIN_PASSWORD = 'fixture-admin-password-1';

/** What a fixture holds, as the release's API described it. */
export interface FixtureFacts {
  release: string;
  migrations: string[];
  masterKey: string;
  admin: { name: string; password: string };
  projects: { id: string; name: string }[];
  users: { id: string; name: string; password: string; roles: { projectId: string; role: string }[] }[];
  accessKeys: { access: string; secret: string; userId: string }[];
  instances: { id: string; name: string; projectId: string; status: string; events: number }[];
}

type Json = any;

async function main(): Promise<void> {
  const [releaseRoot, databaseUrl, factsFile] = process.argv.slice(2);
  if (!releaseRoot || !databaseUrl || !factsFile)
    throw new Error('usage: make-release-fixture.ts <release checkout> <database URL> <facts.json>');
  // A module's path now, or where releases up to 0.2.0 had it (flat src/core/, wiring in src/).
  const from = (...paths: string[]) => {
    const path = paths.find((p) => existsSync(resolve(releaseRoot, p))) ?? paths[0]!;
    return import(pathToFileURL(resolve(releaseRoot, path)).href) as Promise<Json>;
  };
  const [{ resolveConfig }, { startApp }, { openStore }, { INSTANCE_STATUSES }, { instanceEvent }, pkg] =
    await Promise.all([
      from('src/server/config.ts', 'src/config.ts'),
      from('src/server/app.ts', 'src/app.ts'),
      from('src/store/open-store.ts'),
      from('src/core/model/statuses.ts', 'src/core/statuses.ts'),
      from('src/core/instances/events.ts', 'src/core/instance-events.ts'),
      import(pathToFileURL(resolve(releaseRoot, 'package.json')).href, { with: { type: 'json' } }),
    ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'demanager-fixture-'));
  const config = resolveConfig({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl,
    masterKey: FIXTURE_MASTER_KEY,
    logLevel: 'warn',
    runtime: { driver: 'simulated', simulated: { delays: { prepare: 0, start: 0, stop: 0, remove: 0 } } },
    bootstrap: { adminPassword: FIXTURE_ADMIN_PASSWORD },
  });
  const app = await startApp(config);
  const call = async (method: string, path: string, body?: unknown, token = adminToken): Promise<Json> => {
    const res = await fetch(app.url + path, {
      method,
      headers: {
        ...(token ? { 'X-Auth-Token': token } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  let adminToken = '';
  const logIn = (name: string, password: string, projectId?: string) =>
    call('POST', '/v3/auth/tokens', {
      auth: {
        identity: { methods: ['password'], password: { user: { name, password, domain: { name: 'default' } } } },
        ...(projectId ? { scope: { project: { id: projectId } } } : {}),
      },
    });
  const login = await logIn('admin', FIXTURE_ADMIN_PASSWORD);
  adminToken = login.headers.get('x-subject-token');
  const defaultProject = { id: login.body.token.project.id as string, name: login.body.token.project.name as string };
  const adminId = login.body.token.user.id as string;

  const research = (
    await call('POST', '/v3/projects', { project: { name: 'research', description: 'fixture project' } })
  ).body.project;
  const projects = [defaultProject, { id: research.id as string, name: research.name as string }];
  const users: FixtureFacts['users'] = [
    {
      id: adminId,
      name: 'admin',
      password: FIXTURE_ADMIN_PASSWORD,
      roles: [{ projectId: defaultProject.id, role: 'admin' }],
    },
  ];
  for (const [name, roles] of [
    [
      'alice',
      [
        { projectId: defaultProject.id, role: 'member' },
        { projectId: research.id, role: 'admin' },
      ],
    ],
    ['bob', [{ projectId: research.id, role: 'member' }]],
  ] as const) {
    const password = `${name}-fixture-password-1`;
    const user = (await call('POST', '/v3/users', { user: { name, password } })).body.user;
    for (const { projectId, role } of roles)
      await call('PUT', `/v3/projects/${projectId}/users/${user.id}/roles/${role}`);
    users.push({ id: user.id, name, password, roles: [...roles] });
  }
  const accessKeys: FixtureFacts['accessKeys'] = [];
  for (const user of users) {
    const key = (
      await call('POST', '/v3.0/OS-CREDENTIAL/credentials', {
        credential: { user_id: user.id, description: `fixture key of ${user.name}` },
      })
    ).body.credential;
    accessKeys.push({ access: key.access, secret: key.secret, userId: user.id });
  }

  // The research project's instances are alice's, made with her token for that project.
  const alice = users.find((u) => u.name === 'alice')!;
  const tokens = new Map([
    [defaultProject.id, adminToken],
    [
      research.id as string,
      (await logIn(alice.name, alice.password, research.id)).headers.get('x-subject-token') as string,
    ],
  ]);
  const instancesPath = (projectId: string) => `/v1/${projectId}/demanager/instances`;
  const settle = async (projectId: string, id: string, status: string): Promise<void> => {
    for (let i = 0; i < 500; i++) {
      if (
        (await call('GET', `${instancesPath(projectId)}/${id}`, undefined, tokens.get(projectId))).body.status ===
        status
      )
        return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`instance ${id} never reached ${status}`);
  };
  const created: { id: string; name: string; projectId: string; status: string }[] = [];
  const statuses = INSTANCE_STATUSES as readonly string[];
  for (const [n, status] of statuses.entries()) {
    const projectId = n % 4 === 3 ? research.id : defaultProject.id;
    const name = `fixture-${status.toLowerCase().replaceAll('_', '-')}`;
    const body = {
      name,
      description: `was ${status} when ${pkg.default.version} stopped`,
      profile_id: 'Multi-Engine 1.0 (python3)-cpu',
      flavor: 'modelarts.vm.cpu.2u',
      spec: {
        storage: { type: 'evs' },
        auto_stop: { enable: n % 2 === 0, duration: 3600 },
        credential: { access_token: `fixture-token-${n}` },
        repository: {
          connection_info: {
            protocol: 'https',
            url: 'https://git.example/fixture.git',
            credential: { ssh_private_key: `fixture-ssh-key-${n}` },
          },
        },
      },
    };
    const token = tokens.get(projectId);
    const id = (await call('POST', instancesPath(projectId), body, token)).body.id as string;
    await settle(projectId, id, 'RUNNING');
    if (status !== 'RUNNING') {
      // A history with a stop and a start in it, then at rest until its status is set below.
      await call('POST', `${instancesPath(projectId)}/${id}/action`, { action: 'stop' }, token);
      await settle(projectId, id, 'STOPPED');
      await call('POST', `${instancesPath(projectId)}/${id}/action`, { action: 'start' }, token);
      await settle(projectId, id, 'RUNNING');
      await call('POST', `${instancesPath(projectId)}/${id}/action`, { action: 'stop' }, token);
      await settle(projectId, id, 'STOPPED');
    }
    created.push({ id, name, projectId, status });
  }
  await app.close();

  // Each instance put into its status as a server stopped at that moment would have left it.
  const store = await openStore(databaseUrl);
  const migrations = await store.pendingMigrations().then(async (pending: string[]) => {
    if (pending.length > 0) throw new Error(`the release left migrations pending: ${pending.join(', ')}`);
    const { migrationsFor } = await from('src/store/migrations/index.ts');
    const { SQLITE_SCHEMA } = await from('src/store/migrations/schema-dialect.ts');
    return Object.keys(migrationsFor(SQLITE_SCHEMA));
  });
  const instances: FixtureFacts['instances'] = [];
  for (const { id, name, projectId, status } of created) {
    const current = await store.instances.getById(id);
    if (current.status !== status) {
      const event = instanceEvent(current, {
        at: Date.now(),
        kind: 'transition',
        from: current.status,
        to: status,
        by: 'system',
        replica: 'make-release-fixture',
        detail: { fixture: 'status set by make-release-fixture' },
      });
      if (!(await store.instances.update({ ...current, status, updatedAt: Date.now() }, event)))
        throw new Error(`could not set ${name} to ${status}`);
    }
    const events = (await store.instances.listEvents(id, { offset: 0, limit: 0 })).total as number;
    instances.push({ id, name, projectId, status, events });
  }
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });

  const facts: FixtureFacts = {
    release: pkg.default.version,
    migrations,
    masterKey: FIXTURE_MASTER_KEY,
    admin: { name: 'admin', password: FIXTURE_ADMIN_PASSWORD },
    projects,
    users,
    accessKeys,
    instances,
  };
  writeFileSync(factsFile, JSON.stringify(facts, null, 2) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
