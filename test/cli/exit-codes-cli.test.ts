/**
 * @module test/cli/exit-codes-cli.test
 * The exit codes scripts rely on: 2 usage, 3 not logged in / expired / 401, 4 unreachable,
 * 1 API error — each with a one-line message and never a stack trace — and the
 * `DEMANAGER_URL`/`DEMANAGER_TOKEN` overrides that make a session file unnecessary.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { closedPort, explain, jsonOf, removeDir, runCli, tempDir, type CliResult } from './cli-harness.js';

function assertNoStack(result: CliResult): void {
  assert.doesNotMatch(result.stderr, /\n\s+at /, `no stack trace expected:\n${result.stderr}`);
}

describe('demanager exit codes (CLI)', () => {
  let t: TestApp;
  let configDir: string;

  before(async () => {
    t = await startTestApp();
    configDir = tempDir();
  });

  after(async () => {
    await t.stop();
    removeDir(configDir);
  });

  it('exits 3 with a login hint when there is no session', async () => {
    const result = await runCli(['instances', 'list'], { configDir });
    assert.equal(result.code, 3, explain(result));
    assert.match(result.stderr, /^error: not logged in/);
    assert.match(result.stderr, /hint: run "demanager login/);
    assertNoStack(result);
  });

  it('exits 3 when the saved session has expired, without asking the server', async () => {
    const dir = join(configDir, 'expired');
    mkdirSync(dir, { mode: 0o700 });
    const session = {
      url: t.url,
      token: t.adminToken,
      projectId: t.projectId,
      apiBase: `${t.url}/v1/${t.projectId}`,
      expiresAt: '2020-01-01T00:00:00.000Z',
      user: 'admin',
    };
    writeFileSync(join(dir, 'session.json'), JSON.stringify(session), { mode: 0o600 });
    const result = await runCli(['instances', 'list'], { configDir: dir });
    assert.equal(result.code, 3, explain(result));
    assert.match(result.stderr, /session of admin .* expired at 2020-01-01/);
  });

  it('exits 3 when the server answers 401 for the token', async () => {
    const result = await runCli(['instances', 'list'], {
      configDir,
      env: { DEMANAGER_URL: t.url, DEMANAGER_TOKEN: 'dm1.not-a-token' },
    });
    assert.equal(result.code, 3, explain(result));
    assert.match(result.stderr, /^error: The token does not exist\. \(ModelArts\.0201\)$/m);
  });

  it('exits 4 naming the URL when nothing listens there', async () => {
    const port = await closedPort();
    const result = await runCli(
      ['login', '--url', `http://127.0.0.1:${port}`, '--user', 'admin', '--password', 'whatever-1'],
      { configDir },
    );
    assert.equal(result.code, 4, explain(result));
    assert.match(
      result.stderr,
      new RegExp(`^error: cannot reach http://127\\.0\\.0\\.1:${port}/v3/auth/tokens: .*ECONNREFUSED`),
    );
    assertNoStack(result);
  });

  it('exits 2 for usage errors, from commander and from the CLI itself', async () => {
    const badNumber = await runCli(['instances', 'list', '--limit', 'many'], { configDir });
    assert.equal(badNumber.code, 2, explain(badNumber));
    assert.match(badNumber.stderr, /--limit <n>.*'many' is invalid/);

    const incomplete = await runCli(['--url', t.url, '--token', t.adminToken, 'instances', 'create', '--name', 'x'], {
      configDir,
    });
    assert.equal(incomplete.code, 2, explain(incomplete));
    assert.match(incomplete.stderr, /^error: missing --profile, --flavor/);
  });

  it('exits 1 when login is refused (wrong password), and saves nothing', async () => {
    const result = await runCli(['login', '--url', t.url, '--user', 'admin'], {
      configDir,
      env: { DEMANAGER_PASSWORD: 'wrong-password' },
    });
    assert.equal(result.code, 1, explain(result));
    assert.equal(result.stderr, 'error: The username or password is incorrect. (IAM.0001)\n');
    assert.equal(existsSync(join(configDir, 'session.json')), false);
  });

  it('works without a session from DEMANAGER_URL and DEMANAGER_TOKEN, or --url and --token', async () => {
    await t.http('POST', t.instances(), {
      body: {
        name: 'by-token',
        profile_id: 'Multi-Engine 1.0 (python3)-cpu',
        flavor: 'modelarts.vm.cpu.2u',
        spec: { storage: { type: 'evs' } },
      },
    });
    const fromEnv = await runCli(['instances', 'list', '--json'], {
      configDir,
      env: { DEMANAGER_URL: t.url, DEMANAGER_TOKEN: t.adminToken },
    });
    assert.equal(fromEnv.code, 0, explain(fromEnv));
    assert.deepEqual(
      jsonOf(fromEnv).instances.map((i: any) => i.name),
      ['by-token'],
    );

    const fromFlags = await runCli(['whoami', '--url', t.url, '--token', t.adminToken, '--json'], { configDir });
    assert.equal(fromFlags.code, 0, explain(fromFlags));
    const session = jsonOf(fromFlags);
    assert.equal(session.projectId, t.projectId);
    assert.equal(session.apiBase, `${t.url}/v1/${t.projectId}`);
    assert.equal(session.token, undefined, 'whoami never prints the token');
  });
});
