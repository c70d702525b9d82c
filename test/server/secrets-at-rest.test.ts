/**
 * @module test/server/secrets-at-rest.test
 * Secrets never at rest in clear, and a master key rotation, end to end. A real server (child
 * process, local runtime, debug logging) takes an instance with a `spec.credential` and a
 * repository whose token a git server checks, and an access key; they go through create, list,
 * detail, modify, events, token and actions, and a signed request. Then no API answer (but the
 * one creating the key, with its SK), no log line and no byte of any file in the data directory
 * (database, WAL, notebook logs, …) holds a secret, in clear or as base64, hex or JSON string.
 * `demanager secrets rotate` refuses while the server runs, then re-seals everything with the new
 * key; the old key opens nothing any more; a server on the new key signs with the SK and clones
 * with the repository token, which only the new key can have opened.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  canonicalRequest,
  formatSdkDate,
  signatureOf,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from '../../src/core/identity/request-signing.js';
import { runIdOf, InstanceTokens } from '../../src/core/identity/instance-tokens.js';
import { deriveKey, sealingBoxes } from '../../src/core/secrets/box.js';
import type { Store } from '../../src/core/ports/store.js';
import { connectStore } from '../../src/store/open-store.js';
import { explain, removeDir, runCli, tempDir } from '../cli/cli-harness.js';
import { bareRepository, gitHttpServer, type GitHttpServer } from '../runtime/git-fixtures.js';
import { notebookPids } from '../runtime/local-fixtures.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import {
  databaseBytes,
  dropTestDatabase,
  TEST_MASTER_KEY,
  TEST_STORE,
  testDatabaseUrl,
} from '../support/test-store.js';

const LOCAL = { driver: 'local' as const, pollIntervalSeconds: 1 };
/** The test git server listens on 127.0.0.1, which repositories may use only when allowed. */
const GIT_SERVER_ALLOWED = { allowedHosts: ['127.0.0.1'] };
const unique = () => randomBytes(12).toString('hex');
const SECRETS = {
  ssh: `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE${unique()}\n-----END OPENSSH PRIVATE KEY-----\n`,
  token: `ghp_spec${unique()}`,
  repoToken: `glpat-repo${unique()}`,
  repoSsh: `-----BEGIN OPENSSH PRIVATE KEY-----\nrepo${unique()}\n-----END OPENSSH PRIVATE KEY-----\n`,
};

/** Every form a secret could be written in: clear, JSON string, base64, base64url, hex (a line of a key too). */
function leakForms(secret: string): string[] {
  const parts = [secret, ...secret.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'))];
  return parts.flatMap((part) => {
    const bytes = Buffer.from(part, 'utf8');
    return [
      part,
      JSON.stringify(part).slice(1, -1),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
      bytes.toString('hex'),
    ];
  });
}

function assertNoSecret(haystack: Buffer | string, secrets: readonly string[], where: string): void {
  const bytes = Buffer.isBuffer(haystack) ? haystack : Buffer.from(haystack, 'utf8');
  for (const secret of secrets) {
    for (const form of leakForms(secret)) {
      assert.equal(bytes.indexOf(form), -1, `${where} holds a secret (${JSON.stringify(form.slice(0, 24))}…)`);
      assert.equal(bytes.indexOf(Buffer.from(form, 'utf16le')), -1, `${where} holds a secret as UTF-16`);
    }
  }
}

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => lstatSync(path).isFile());
}

describe('secrets at rest: never in clear, and a master key rotation', () => {
  const dataDir = tempDir('demanager-secrets-');
  const repos = tempDir('demanager-secrets-repos-');
  const cliDir = tempDir();
  const newKeyFile = join(cliDir, 'new.key');
  const newKey = randomBytes(32);
  const configFile = join(dataDir, 'child-config.json');
  const answers: string[] = [];
  const logs: string[] = [];
  /** The secrets the tests look for: the fixed ones, and the SK once the key exists. */
  const secrets: string[] = Object.values(SECRETS);
  /** Bearer tokens an answer may hold (the one asked for them) but the log may not. */
  const logSecrets: string[] = [];
  let accessKey = { access: '', secret: '' };
  let instanceId = '';
  let oldKey: Buffer;
  /** The master key of the server running now. */
  let serverKey: Buffer;
  let child: ChildServer | undefined;
  let git: GitHttpServer;

  const base = () => `/v1/${child!.projectId}/demanager/instances`;
  async function call(method: string, path: string, body?: unknown) {
    const res = await child!.http<any>(method, path, body);
    answers.push(JSON.stringify(res.body ?? null));
    return res;
  }
  async function waitFor(status: string): Promise<any> {
    for (let i = 0; i < 600; i++) {
      const res = await call('GET', `${base()}/${instanceId}`);
      if (res.body.status === status) return res.body;
      assert.ok(!/FAILED/.test(res.body.status), `instance failed: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`instance never reached ${status}`);
  }
  async function act(action: string, until: string): Promise<void> {
    const res = await call('POST', `${base()}/${instanceId}/action`, { action });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitFor(until);
    if (until === 'RUNNING') await noteWorkloadToken();
  }
  /** The private token of the current run, which nothing but the notebook server may keep. */
  async function noteWorkloadToken(): Promise<void> {
    const instance = (await withStore((store) => store.instances.getById(instanceId)))!;
    const tokens = new InstanceTokens(deriveKey(serverKey, 'instance-token'), deriveKey(serverKey, 'workload-token'));
    const token = tokens.workloadToken(instanceId, runIdOf(instance)!);
    const direct = await fetch(`${instance.runtime!.endpoint}/notebook/${instanceId}/api/status`, {
      headers: { authorization: `token ${token}` },
    });
    assert.equal(direct.status, 200, 'the notebook server takes this token');
    logSecrets.push(token);
  }
  async function stopServer(): Promise<void> {
    await child!.stop();
    logs.push(child!.output());
    child = undefined;
  }
  /** A GET signed with the access key (SDK-HMAC-SHA256, body unsigned). */
  async function signedGet(path: string): Promise<number> {
    const date = formatSdkDate(Date.now());
    const headers = { host: new URL(child!.url).host, 'x-sdk-content-sha256': UNSIGNED_PAYLOAD, 'x-sdk-date': date };
    const signedHeaders = Object.keys(headers);
    const canonical = canonicalRequest({
      method: 'GET',
      path,
      query: '',
      headers,
      signedHeaders,
      payloadHash: UNSIGNED_PAYLOAD,
    })!;
    const authorization = `SDK-HMAC-SHA256 Access=${accessKey.access}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signatureOf(accessKey.secret, stringToSign(date, canonical))}`;
    const { host: _host, ...sent } = headers;
    const res = await fetch(child!.url + path, { headers: { ...sent, authorization } });
    answers.push(await res.text());
    return res.status;
  }
  /** No secret in the logs so far, nor in any file of the data directory, nor in the database. */
  function assertNothingAtRest(): void {
    const all = [...secrets, ...logSecrets];
    assertNoSecret(logs.join('\n'), all, 'the server log');
    for (const file of filesUnder(dataDir)) assertNoSecret(readFileSync(file), all, file);
    assertNoSecret(databaseBytes(dataDir), all, 'the database');
  }
  const rotate = () =>
    runCli(['secrets', 'rotate', '--config', configFile, '--new-key-file', newKeyFile], { configDir: cliDir });
  async function withStore<T>(use: (store: Store) => Promise<T>): Promise<T> {
    const store = connectStore((await testDatabaseUrl(dataDir)) ?? `sqlite:${join(dataDir, 'demanager.db')}`);
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  before(async () => {
    bareRepository(repos, 'notes', { 'README.md': 'notes\n' });
    git = await gitHttpServer(repos, SECRETS.repoToken);
    writeFileSync(newKeyFile, newKey.toString('base64') + '\n');
  });

  after(async () => {
    await child?.kill();
    for (const pid of instanceId ? notebookPids(instanceId) : []) process.kill(pid, 'SIGKILL');
    await git.close();
    await dropTestDatabase(dataDir);
    for (const dir of [dataDir, repos, cliDir]) removeDir(dir);
  });

  it('the leak check finds a secret in each form it looks for', () => {
    for (const form of leakForms(SECRETS.ssh)) {
      assert.throws(() => assertNoSecret(`..${form}..`, [SECRETS.ssh], 'control'), /control holds a secret/);
    }
    assert.throws(() => assertNoSecret(Buffer.from(SECRETS.token, 'utf16le'), [SECRETS.token], 'control'), /as UTF-16/);
  });

  it('drives an instance with credentials and an access key through the API; no answer holds a secret', async () => {
    child = await startChildServer(dataDir, { logLevel: 'debug', runtime: LOCAL, repositories: GIT_SERVER_ALLOWED });
    oldKey =
      TEST_STORE === 'postgres'
        ? Buffer.from(TEST_MASTER_KEY, 'base64')
        : Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'base64');
    const created = await call('POST', base(), {
      name: 'with-secrets',
      profile_id: 'Multi-Engine 1.0 (python3)-cpu',
      flavor: 'modelarts.vm.cpu.2u',
      spec: {
        storage: { type: 'evs' },
        credential: { ssh_private_key: SECRETS.ssh, access_token: SECRETS.token },
        repository: {
          branch: 'main',
          connection_info: {
            url: git.url('notes'),
            credential: { access_token: SECRETS.repoToken, ssh_private_key: SECRETS.repoSsh },
          },
        },
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    instanceId = created.body.id;
    assert.deepEqual(created.body.spec.credential, { ssh_private_key: '******', access_token: '******' });
    assert.deepEqual(created.body.spec.repository.connection_info.credential, {
      ssh_private_key: '******',
      access_token: '******',
    });

    const userId = (await call('GET', '/v3/auth/tokens')).body.token.user.id;
    const key = await child.http<any>('POST', '/v3.0/OS-CREDENTIAL/credentials', {
      credential: { user_id: userId, description: 'rotation test' },
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    accessKey = { access: key.body.credential.access, secret: key.body.credential.secret };
    secrets.push(accessKey.secret);

    serverKey = oldKey;
    const running = await waitFor('RUNNING');
    await noteWorkloadToken();
    assert.deepEqual(running.spec.repository.connection_info.credential, {
      ssh_private_key: '******',
      access_token: '******',
    });
    assert.equal(
      git.authorizations.filter((a) => a !== undefined).length > 0,
      true,
      'the driver cloned with the token',
    );
    assert.ok(existsSync(join(dataDir, 'instances', instanceId, 'work', 'notes', 'README.md')));
    for (const [method, path, body] of [
      ['GET', `${base()}?de_type=Notebook&show_self=false`],
      ['PUT', `${base()}/${instanceId}`, { description: 'changed' }],
      ['GET', `${base()}/${instanceId}/events`],
    ] as const) {
      const res = await call(method, path, body);
      assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
    // The notebook's access token is a secret of the log too: opened through the link that carries it.
    const { token } = (await child.http<any>('GET', `${base()}/${instanceId}/token`)).body;
    logSecrets.push(token);
    const opened = await fetch(`${child.url}/notebook/${instanceId}/?token=${token}`, { redirect: 'manual' });
    assert.equal(opened.status, 302);
    assert.equal(await signedGet(`${base()}/${instanceId}`), 200);
    await act('stop', 'STOPPED');
    await act('start', 'RUNNING');
    await act('stop', 'STOPPED');
    await call('GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${userId}`);

    assertNoSecret(answers.join('\n'), secrets, 'an API answer');
    assertNoSecret(databaseBytes(dataDir), secrets, 'the database (WAL included) of a running server');
  });

  it('secrets rotate refuses while a server runs, changing nothing', async () => {
    const refused = await rotate();
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /holds the controller lease: stop every server first/);
    const sealed = await withStore(
      async (store) => (await store.identity.getAccessKey(accessKey.access))!.sealedSecret,
    );
    assert.equal(sealingBoxes(oldKey).accessKeys.open(sealed), accessKey.secret);
  });

  it('leaves no secret in the debug log nor in any file of the data directory', async () => {
    await stopServer();
    assert.match(logs.join(''), /repository checked/);
    assert.match(
      logs.join(''),
      /"url":"\/notebook\/[^"]*\?token=\[Redacted\]"/,
      'the link was logged, without its token',
    );
    assertNothingAtRest();
  });

  it('secrets rotate re-seals every secret with the new key; the old key opens none; a second run changes nothing', async () => {
    const rotated = await rotate();
    assert.equal(rotated.code, 0, explain(rotated));
    assert.match(
      rotated.stdout,
      /re-sealed 1 of 1 instances' credentials and 1 of 1 access keys' secrets with the new key/,
    );
    if (TEST_STORE === 'postgres') {
      assert.match(rotated.stdout, /set masterKey \(or DEMANAGER_MASTER_KEY\) to the new key/);
    } else {
      assert.match(rotated.stdout, /replaced .*master\.key with the new key/);
      assert.equal(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), newKey.toString('base64'));
    }
    const again = await rotate();
    assert.equal(again.code, 0, explain(again));
    assert.match(again.stdout, /re-sealed 0 of 1 instances' credentials and 0 of 1 access keys' secrets/);

    const [before, after] = [sealingBoxes(oldKey), sealingBoxes(newKey)];
    await withStore(async (store) => {
      const { spec } = (await store.instances.getById(instanceId))!;
      const pairs = [
        [spec.credential?.ssh_private_key, SECRETS.ssh],
        [spec.credential?.access_token, SECRETS.token],
        [spec.repository?.connection_info?.credential?.access_token, SECRETS.repoToken],
        [spec.repository?.connection_info?.credential?.ssh_private_key, SECRETS.repoSsh],
      ] as const;
      for (const [sealed, clear] of pairs) {
        assert.equal(after.secrets.open(sealed!), clear);
        assert.throws(() => before.secrets.open(sealed!), /a key this server does not have/);
      }
      const { sealedSecret } = (await store.identity.getAccessKey(accessKey.access))!;
      assert.equal(after.accessKeys.open(sealedSecret), accessKey.secret);
      assert.throws(() => before.accessKeys.open(sealedSecret));
    });
    assertNoSecret(databaseBytes(dataDir), secrets, 'the database after rotation');
  });

  it('a server on the new key opens them: the access key signs, and the driver clones with the repository token', async () => {
    // Cloned on the first start only: removing the clone makes the next start open the token again.
    rmSync(join(dataDir, 'instances', instanceId, 'work', 'notes'), { recursive: true, force: true });
    const seen = git.authorizations.length;
    serverKey = newKey;
    child = await startChildServer(dataDir, {
      logLevel: 'debug',
      runtime: LOCAL,
      repositories: GIT_SERVER_ALLOWED,
      ...(TEST_STORE === 'postgres' ? { masterKey: newKey.toString('base64') } : {}),
    });
    assert.equal(await signedGet(`${base()}/${instanceId}`), 200);
    await act('start', 'RUNNING');
    const expected = `Basic ${Buffer.from(`oauth2:${SECRETS.repoToken}`).toString('base64')}`;
    assert.ok(git.authorizations.slice(seen).includes(expected), 'git received the token opened with the new key');
    assert.ok(existsSync(join(dataDir, 'instances', instanceId, 'work', 'notes', 'README.md')));
    await act('stop', 'STOPPED');
    await stopServer();

    assertNoSecret(answers.join('\n'), secrets, 'an API answer');
    assertNothingAtRest();
  });
});
