/**
 * @module test/cli/keys-cli.test
 * `demanager keys create|list|delete` end to end: the secret key printed once by `create` (text
 * and JSON), never by `list`; keys of another user for an administrator; delete.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { member } from '../support/api.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

describe('demanager keys (CLI)', () => {
  let t: TestApp;
  let adminDir: string;
  const admin = (...args: string[]) => runCli(args, { configDir: adminDir });
  const ok = (result: CliResult) => assert.equal(result.code, 0, explain(result));
  const secrets: string[] = [];

  before(async () => {
    t = await startTestApp();
    adminDir = tempDir();
    ok(
      await runCli(['login', '--url', t.url, '--user', 'admin', '--password', ADMIN_PASSWORD], { configDir: adminDir }),
    );
  });

  after(async () => {
    await t.stop();
    removeDir(adminDir);
  });

  it('create prints the access key and, this once, the secret key', async () => {
    const created = await admin('keys', 'create', '--description', 'nightly job');
    ok(created);
    const field = (name: string) => new RegExp(`^${name}:\\s+(\\S.*)$`, 'm').exec(created.stdout)?.[1];
    const access = field('access key');
    const secret = field('secret key');
    assert.match(access ?? '', /^[A-Z0-9]{20}$/, created.stdout);
    assert.match(secret ?? '', /^[A-Za-z0-9]{40}$/, created.stdout);
    assert.equal(field('description'), 'nightly job');
    assert.match(created.stderr, /shown only now/);
    secrets.push(secret!);

    const json = await admin('keys', 'create', '--json');
    ok(json);
    const { credential } = jsonOf(json);
    assert.match(credential.secret, /^[A-Za-z0-9]{40}$/);
    assert.equal(credential.status, 'active');
    secrets.push(credential.secret);
  });

  it('list shows the keys, never a secret', async () => {
    const list = await admin('keys', 'list');
    ok(list);
    assert.match(list.stdout, /^ACCESS-KEY\s+USER-ID\s+STATUS\s+CREATED\s+LAST-USED\s+DESCRIPTION$/m);
    assert.match(list.stdout, /^[A-Z0-9]{20}\s+\S+\s+active\s+\S+ \S+\s+-\s+nightly job$/m);
    const json = jsonOf(await admin('keys', 'list', '--json'));
    assert.equal(json.credentials.length, 2);
    for (const secret of secrets) {
      assert.ok(!list.stdout.includes(secret));
      assert.ok(!JSON.stringify(json).includes(secret));
    }
  });

  it('an administrator manages the keys of another user by name; delete removes one', async () => {
    const alice = await member(t, 'alice', t.projectId);
    const created = await admin('keys', 'create', '--user', 'alice', '--json');
    ok(created);
    const { credential } = jsonOf(created);
    assert.equal(credential.user_id, alice.userId);
    const hers = jsonOf(await admin('keys', 'list', '--user', 'alice', '--json'));
    assert.deepEqual(
      hers.credentials.map((c: any) => c.access),
      [credential.access],
    );

    const deleted = await admin('keys', 'delete', credential.access);
    ok(deleted);
    assert.equal(deleted.stdout, `deleted access key ${credential.access}\n`);
    assert.deepEqual(jsonOf(await admin('keys', 'list', '--user', alice.userId, '--json')).credentials, []);
    const again = await admin('keys', 'delete', credential.access);
    assert.equal(again.code, 1, explain(again));
    assert.match(again.stderr, /IAM\.0002/);
  });
});
