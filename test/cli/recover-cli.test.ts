/**
 * @module test/cli/recover-cli
 * `demanager recover` with the real binary, on a real SQLite data directory and on a PostgreSQL
 * database: a user whose password is lost and who holds no role anywhere gets a new password and
 * the admin role offline, then signs in over HTTP with them; the audit trail says so. A user or
 * project that does not exist and a short password are refused, and nothing changes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProject, createUser, listInstances } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_MASTER_KEY } from '../support/test-store.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../store/postgres-test-database.js';
import { explain, removeDir, runCli, tempDir } from './cli-harness.js';

const NEW_PASSWORD = 'carol-recovered-1';

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`demanager recover on ${kind}`, () => {
    const root = tempDir('demanager-recover-');
    const dataDir = join(root, 'data');
    let database: ThrowawayDatabase | undefined;
    let t: TestApp;
    /** How the CLI finds the store: the data directory, or the database URL, as `serve` would. */
    let env: Record<string, string>;
    const recover = (args: string[], input?: string) =>
      runCli(['recover', ...args, '--data-dir', dataDir], {
        configDir: join(root, 'cli'),
        env,
        ...(input !== undefined ? { input } : {}),
      });
    const start = () =>
      startTestApp({ dataDir, ...(database ? { databaseUrl: database.url, masterKey: TEST_MASTER_KEY } : {}) });

    before(async () => {
      if (kind === 'postgres') database = await createThrowawayDatabase();
      // No master key: recovery touches no sealed secret, so the database URL alone is enough.
      env = database ? { DEMANAGER_DATABASE_URL: database.url } : {};
      t = await start();
      await createProject(t, 'lab');
      // carol has forgotten her password and holds no role anywhere.
      await createUser(t, 'carol', 'carol-forgotten-1');
      await t.stop(false);
    });
    after(async () => {
      await t.stop(false);
      await database?.drop();
      removeDir(root);
    });

    it('refuses a user or a project that does not exist, and a short password, changing nothing', async () => {
      const nobody = await recover(['reset-password', 'nobody'], 'whatever-password\n');
      assert.equal(nobody.code, 1, explain(nobody));
      assert.match(nobody.stderr, /user nobody does not exist.*nothing was changed/);
      const noProject = await recover(['grant-admin', 'carol', '--project', 'nowhere']);
      assert.equal(noProject.code, 1, explain(noProject));
      assert.match(noProject.stderr, /project nowhere does not exist/);
      const short = await recover(['reset-password', 'carol'], 'short\n');
      assert.equal(short.code, 2, explain(short));
      assert.match(short.stderr, /at least 8 characters/);
      const none = await recover(['reset-password', 'carol']);
      assert.equal(none.code, 2, explain(none));
      if (database) assert.doesNotMatch(nobody.stderr + noProject.stderr, /postgres:\/\/[^@\s]*:[^*]/);
    });

    it('resets a password and grants the admin role offline; the user signs in over HTTP with both', async () => {
      const reset = await recover(['reset-password', 'carol'], `${NEW_PASSWORD}\n`);
      assert.equal(reset.code, 0, explain(reset));
      assert.match(reset.stdout, /password of carol is reset/);
      const grant = await recover(['grant-admin', 'carol', '--project', 'lab']);
      assert.equal(grant.code, 0, explain(grant));
      assert.match(grant.stdout, /carol is an enabled system admin and admin of the project lab/);

      t = await start();
      await assert.rejects(t.login('carol', 'carol-forgotten-1'), /401/);
      const carol = await t.login('carol', NEW_PASSWORD);
      const lab = (await t.http('GET', '/v3/projects')).body.projects.find((p: any) => p.name === 'lab').id;
      assert.equal(carol.projectId, lab, 'her only role is in lab');
      const token = await t.http('GET', '/v3/auth/tokens', { token: carol.token });
      assert.deepEqual(
        token.body.token.roles.map((r: any) => r.name),
        ['admin'],
      );
      assert.equal(token.body.token.user.is_system_admin, true);
      assert.equal((await listInstances(t, '', { token: carol.token, projectId: lab })).status, 200);
      assert.equal((await t.http('GET', '/v3/users', { token: carol.token })).status, 200);

      const trail = (await t.http('GET', '/v3/audit?limit=50', { token: carol.token })).body.entries as any[];
      const recovered = trail.filter((e) => String(e.action).startsWith('RECOVER '));
      assert.deepEqual(recovered.map((e) => e.action).sort(), ['RECOVER grant-admin', 'RECOVER reset-password']);
      assert.ok(
        recovered.every((e) => e.target === carol.userId && e.source === 'local'),
        JSON.stringify(recovered),
      );
    });

    it('works while the server runs: the reset password signs in at once, the old session has ended', async () => {
      const before = await t.login('carol', NEW_PASSWORD);
      const reset = await recover(['reset-password', 'carol'], 'carol-second-reset\n');
      assert.equal(reset.code, 0, explain(reset));
      const after = await t.login('carol', 'carol-second-reset');
      assert.equal((await t.http('GET', '/v3/users', { token: after.token })).status, 200);
      assert.equal((await t.http('GET', '/v3/users', { token: before.token })).status, 401);
    });
  });
}
