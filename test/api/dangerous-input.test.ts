/**
 * @module test/api/dangerous-input
 * Values that would reach the server's disk or a `git clone` command line are refused at the API,
 * with the code the public API uses, and change nothing: path traversal in storage paths
 * (`spec.storage.location.path`, `mount_path`, `extend_storage`), `custom_script_path` and
 * `log_path`; repository addresses that are local paths, `file://`, remote helpers (`ext::`),
 * option injection for git (`--upload-pack=…`, `-u…`) or ssh (`ssh://-oProxyCommand=…`); and
 * branch or author values git could read as options. And NUL anywhere (PostgreSQL cannot store it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../src/server/config.js';
import { assertError, assertRejected, create } from '../support/api.js';
import { createBody, startTestApp, waitForStatus, type TestApp } from '../support/test-app.js';

const obs = (path: string, extra: Record<string, unknown> = {}) => ({ type: 'obs', location: { path, ...extra } });
const withSpec = (name: string, spec: Record<string, unknown>) =>
  createBody(name, { spec: { storage: obs('/bucket/work/'), ...spec } });
const repository = (url: string, extra: Record<string, unknown> = {}, protocol?: string) => ({
  repository: { connection_info: { url, ...(protocol === undefined ? {} : { protocol }) }, ...extra },
});

const TRAVERSALS = [
  '/bucket/../etc/',
  '/bucket/work/../../',
  '/bucket/./work/',
  '/bucket/%2e%2e/etc/',
  '/bucket/%2E./x/',
  '/bucket/wo\\rk/',
  '/bucket/w\u0000k/',
  '/bucket/w\nk/',
  'bucket/work/',
];
const FILE_PATHS = [
  '../../etc/passwd',
  '/scripts/../../etc/passwd',
  '/scripts/%2e%2e/x.sh',
  'init.sh',
  '/scripts/a\u0000.sh',
  'C:\\scripts\\x.sh',
  './x',
  '/x/\u001b[31m',
];

describe('hostile paths and repository addresses are refused at the API', () => {
  let t: TestApp;
  let n = 0;
  before(async () => {
    // Plain http:// to this machine is for a development git server, allowed by name here.
    t = await startTestApp({ repositories: { allowedHosts: ['127.0.0.1', 'localhost'] } });
  });
  after(() => t.stop());

  const rejects = (body: unknown, code: string, context: string) =>
    assertRejected(t, () => t.http('POST', t.instances(), { body }), code, 400, context);
  const name = () => `dangerous-${n++}`;

  it('6336: a storage path that climbs, hides a dot segment, or carries control characters', async () => {
    for (const path of TRAVERSALS)
      await rejects(createBody(name(), { spec: { storage: obs(path) } }), '6336', `path ${JSON.stringify(path)}`);
  });

  it('6336: the same in a mount path and in extend_storage', async () => {
    for (const path of TRAVERSALS) {
      await rejects(
        createBody(name(), { spec: { storage: obs('/bucket/work/', { mount_path: path }) } }),
        '6336',
        `mount_path ${JSON.stringify(path)}`,
      );
      await rejects(
        withSpec(name(), { extend_storage: [obs(path)] }),
        '6336',
        `extend_storage ${JSON.stringify(path)}`,
      );
    }
  });

  it('6317 / 6318 / 6358 keep their own codes for the storage path', async () => {
    await rejects(createBody(name(), { spec: { storage: obs('') } }), '6317', 'empty path');
    await rejects(createBody(name(), { spec: { storage: obs('/bucket/..') } }), '6318', 'no trailing slash');
    await rejects(
      createBody(name(), { spec: { storage: obs('//bucket//') } }),
      '6358',
      'bucket root with doubled slashes',
    );
  });

  it('6336: custom_script_path and log_path that are relative, climb, or carry control characters', async () => {
    for (const path of FILE_PATHS) {
      await rejects(
        withSpec(name(), { custom_script_path: path }),
        '6336',
        `custom_script_path ${JSON.stringify(path)}`,
      );
      await rejects(withSpec(name(), { log_path: path }), '6336', `log_path ${JSON.stringify(path)}`);
    }
  });

  it('6336: repository addresses other than https:// and ssh', async () => {
    const urls = [
      'file:///etc',
      'file://localhost/srv/repo.git',
      '/srv/repo.git',
      './repo',
      '../repo',
      '~/repo',
      'ext::sh -c touch% /tmp/pwned',
      'ext::touch',
      'fd::17',
      'transport::https://example.com/x',
      'git@github.com::ext',
      '--upload-pack=touch /tmp/pwned',
      '-u touch /tmp/pwned',
      '-uevil',
      'ssh://-oProxyCommand=touch%20/tmp/pwned/x',
      'ssh://%2doProxyCommand=x/y',
      'ssh://git@-oProxyCommand=x/y',
      'git@-oProxyCommand=x:a/b',
      '-oProxyCommand=x:a/b',
      'github.com:-x',
      'http://github.com/a/b.git',
      'http://localhost.example.com/a/b.git',
      'http://127.0.0.1.example.com/a/b.git',
      'git://github.com/a/b.git',
      'https://',
      'https:///a/b',
      'https://-x/a/b',
      'https://a b/c',
      'https://%31%32%37.0.0.1/a/b',
      'https://host_name/a/b',
      'https://[::1%25lo]/a/b',
      'https://github.com:x/a/b',
      'https://github.com/a/b\u0000',
      'https://github.com/a/b\n--upload-pack=x',
      'ssh://github.com/',
      'C:\\repo',
    ];
    for (const url of urls) {
      await rejects(withSpec(name(), repository(url)), '6336', `url ${JSON.stringify(url)}`);
      await rejects(withSpec(name(), repository(url, {}, 'ssh')), '6336', `url ${JSON.stringify(url)} as ssh`);
    }
  });

  it('6336: credentials in the address (sealed only in credential.access_token); an ssh user alone is fine', async () => {
    for (const url of [
      'https://bob:ghp_abc123@github.com/x.git',
      'https://ghp_abc123@github.com/x.git',
      'https://bob:@github.com/x.git',
      'ssh://git:hunter2@github.com/x.git',
      'http://u:p@127.0.0.1/x.git',
    ]) {
      const res = await rejects(withSpec(name(), repository(url)), '6336', `url ${url}`);
      assert.match(res.body.error_msg, /repository\.connection_info\.url.*credential\.access_token/, url);
      assert.ok(
        !JSON.stringify(res.body).includes('hunter2') && !JSON.stringify(res.body).includes('ghp_abc123'),
        'the secret is not echoed',
      );
    }
    for (const url of ['ssh://git@github.com/x.git', 'git@github.com:x.git', 'https://github.com/x@y.git']) {
      assert.equal((await create(t, withSpec(name(), repository(url)))).spec.repository.connection_info.url, url);
    }
  });

  it('masks credentials in an address an older release stored, in the detail and the list', async () => {
    const created = await create(t, withSpec(name(), repository('https://github.com/x.git')));
    // At rest first, so that no transition of the reconciler's races the write below.
    await waitForStatus(t, created.id, ['RUNNING']);
    const stored = (await t.app.services.store.instances.get(t.projectId, created.id))!;
    const info = stored.spec.repository!.connection_info!;
    const older = {
      ...stored,
      spec: {
        ...stored.spec,
        repository: {
          ...stored.spec.repository,
          connection_info: { ...info, url: 'https://bob:ghp_secret9@github.com/x.git' },
        },
      },
    };
    assert.ok(await t.app.services.store.instances.update(older));
    const detail = await t.http('GET', `${t.instances()}/${created.id}`);
    assert.equal(detail.body.spec.repository.connection_info.url, 'https://******@github.com/x.git');
    const list = await t.http('GET', `${t.instances()}?limit=0`);
    assert.ok(
      !JSON.stringify(list.body).includes('ghp_secret9') && !JSON.stringify(detail.body).includes('bob'),
      'neither the token nor the user name is shown',
    );
  });

  it('6336: a declared protocol the address does not use, or an unknown one', async () => {
    await rejects(
      withSpec(name(), repository('git@github.com:a/b.git', {}, 'https')),
      '6336',
      'ssh address declared https',
    );
    await rejects(
      withSpec(name(), repository('https://github.com/a/b.git', {}, 'ssh')),
      '6336',
      'https address declared ssh',
    );
    await rejects(withSpec(name(), repository('https://github.com/a/b.git', {}, 'file')), '6336', 'protocol file');
  });

  it('6336: a branch or author git could read as an option or a second line', async () => {
    const url = 'https://github.com/a/b.git';
    for (const branch of [
      '--upload-pack=touch /tmp/x',
      '-b',
      'a..b',
      'a b',
      'a\nb',
      'x@{1}',
      'x.lock',
      'x/',
      '/x',
      'a:b',
      'a\\b',
    ]) {
      await rejects(withSpec(name(), repository(url, { branch })), '6336', `branch ${JSON.stringify(branch)}`);
    }
    await rejects(withSpec(name(), repository(url, { user_name: 'a\nb' })), '6336', 'user_name with a newline');
    await rejects(withSpec(name(), repository(url, { user_email: '--x@y' })), '6336', 'user_email like an option');
  });

  it('6336: NUL in a path parameter, the query or the body, on every store', async () => {
    const login = (name: string) => ({
      auth: {
        identity: { methods: ['password'], password: { user: { name, password: 'x', domain: { name: 'default' } } } },
      },
    });
    const requests: [string, string, unknown][] = [
      ['GET', `${t.instances()}/x%00`, undefined],
      ['GET', `${t.instances()}?de_type=Notebook&pool_id=%00`, undefined],
      ['GET', '/v3/users/x%00', undefined],
      ['GET', `/v3/projects/${t.projectId}%00`, undefined],
      ['GET', '/v3.0/OS-CREDENTIAL/credentials/x%00', undefined],
      ['POST', '/v3/auth/tokens', login('admin\u0000')],
      ['POST', t.instances(), createBody(name(), { description: 'a\u0000b' })],
      ['POST', t.instances(), withSpec(name(), { annotations: { 'k\u0000': 'v' } })],
    ];
    for (const [method, path, body] of requests) {
      await assertRejected(
        t,
        () => t.http(method, path, body === undefined ? {} : { body }),
        '6336',
        400,
        `${method} ${path} ${JSON.stringify(body) ?? ''}`,
      );
    }
  });

  it('accepts the ordinary forms: https, ssh:// and scp-like ssh, with branch and author; plain http only to this machine', async () => {
    const accepted = [
      ['https://github.com/example/repo.git', 'https'],
      ['https://gitlab.example.com:8443/group/sub/repo', 'https'],
      ['git@github.com:example/repo.git', 'ssh'],
      ['ssh://git@example.com:2222/srv/repo.git', 'ssh'],
      ['http://127.0.0.1:9418/repo.git', 'http'],
      ['http://localhost/repo.git', 'http'],
    ] as const;
    for (const [url, protocol] of accepted) {
      const body = withSpec(
        name(),
        repository(url, { branch: 'feature/x-1.2', user_name: "Ann O'Nym", user_email: 'ann@example.com' }),
      );
      const created = await create(t, body);
      assert.equal(created.spec.repository.connection_info.url, url);
      assert.equal(created.spec.repository.connection_info.protocol, protocol);
      assert.equal(created.spec.repository.branch, 'feature/x-1.2');
    }
    const paths = await create(
      t,
      withSpec(name(), {
        custom_script_path: '/scripts/init.sh',
        log_path: '/logs/run/',
        extend_storage: [obs('/bucket/more/')],
      }),
    );
    assert.equal(paths.spec.custom_script_path, '/scripts/init.sh');
    assert.equal(paths.spec.log_path, '/logs/run/');
  });
});

describe('repository hosts: never this machine or link-local, private only when allowed', () => {
  let t: TestApp;
  let allowing: TestApp;
  let n = 0;
  before(async () => {
    t = await startTestApp();
    allowing = await startTestApp({
      repositories: { allowedHosts: ['localhost', '169.254.0.0/16'], privateAddresses: 'allow' },
    });
  });
  after(async () => {
    await t.stop();
    await allowing.stop();
  });

  const attempt = (app: TestApp, url: string) =>
    app.http('POST', app.instances(), { body: withSpec(`hosts-${n++}`, repository(url)) });
  const REFUSED = /repository\.connection_info\.url.*this machine, a link-local or a private address/;

  it('6336: loopback, link-local, unspecified and private hosts, by name (real resolution) or literal, in every form', async () => {
    const urls = [
      'https://169.254.169.254/latest/meta-data.git',
      'https://localhost/x.git',
      'https://LOCALHOST./x.git',
      'https://git.localhost/x.git',
      'ssh://git@127.0.0.1/x.git',
      'git@127.0.0.1:x.git',
      'ssh://git@localhost:2222/x.git',
      'https://127.1/x.git',
      'https://2130706433/x.git',
      'https://0.0.0.0/x.git',
      'https://[::1]/x.git',
      'https://[::]/x.git',
      'https://[::ffff:127.0.0.1]/x.git',
      'https://[::ffff:a9fe:a9fe]/x.git',
      'https://[fe80::1]/x.git',
      'https://10.0.0.7/x.git',
      'https://172.16.5.4/x.git',
      'https://192.168.1.10/x.git',
      'https://100.64.0.1/x.git',
      'https://[fd12:3456::1]/x.git',
    ];
    for (const url of urls) {
      const before = (await t.http('GET', `${t.instances()}?limit=0`)).body.total_count;
      const res = await attempt(t, url);
      assertError(res, 'ModelArts.6336', 400, url);
      assert.match(res.body.error_msg, REFUSED, url);
      assert.equal(
        (await t.http('GET', `${t.instances()}?limit=0`)).body.total_count,
        before,
        `${url}: nothing created`,
      );
    }
  });

  it('accepts a public address, and a name that does not resolve here (the clone asks again)', async () => {
    for (const url of [
      'https://192.0.2.1/x.git',
      'https://[2001:db8::1]/x.git',
      'https://git.invalid/x.git',
      'git@8.8.8.8:x.git',
    ]) {
      assert.equal((await attempt(t, url)).status, 200, url);
    }
  });

  it('refuses a configuration it could not apply as written', () => {
    for (const repositories of [
      { allowedHosts: ['git server'] },
      { allowedHosts: ['10.0.0.0/33'] },
      { allowedHosts: ['%31.0.0.1'] },
      { allowedHosts: 'localhost' },
      { privateAddresses: 'yes' },
    ]) {
      assert.throws(() => resolveConfig({ repositories } as never), /repositories\./, JSON.stringify(repositories));
    }
    assert.deepEqual(
      resolveConfig({ repositories: { allowedHosts: ['git.corp.example', '10.20.0.0/16', '[fd00::1]'] } }).repositories,
      {
        allowedHosts: ['git.corp.example', '10.20.0.0/16', '[fd00::1]'],
        privateAddresses: 'refuse',
      },
    );
  });

  it('lets allowed names and CIDRs through, and private addresses when configured so; loopback by address stays refused', async () => {
    for (const url of [
      'https://localhost/x.git',
      'http://localhost:9418/x.git',
      'https://169.254.169.254/x.git',
      'https://10.0.0.7/x.git',
      'https://[fd12::1]/x.git',
    ]) {
      assert.equal((await attempt(allowing, url)).status, 200, url);
    }
    for (const url of [
      'https://127.0.0.1/x.git',
      'http://127.0.0.1/x.git',
      'https://[::1]/x.git',
      'https://[fe80::1]/x.git',
    ]) {
      assert.match((await attempt(allowing, url)).body.error_msg, REFUSED, url);
    }
  });
});
