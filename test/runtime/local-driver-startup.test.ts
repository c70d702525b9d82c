import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Workload } from '../../src/core/ports/runtime.js';
import { bareRepository, gitHttpServer, type GitHttpServer } from './git-fixtures.js';
import {
  api,
  groupGone,
  makeDriver,
  makeWorkload,
  runData,
  tempDir,
  withRuntime,
  workloadError,
} from './local-fixtures.js';

const TOKEN = 'glpat-very-secret-token-123';
const openSecret = (sealed: string) => {
  assert.ok(sealed.startsWith('sealed:'));
  return sealed.slice('sealed:'.length);
};

describe('local driver: start-up extras', () => {
  const dataDir = tempDir('local-startup');
  // Outside the data directory (closed to notebook accounts) and readable by them, as a git server's
  // would be; a local repository of another owner is one git refuses unless it is a safe.directory.
  const repos = tempDir('local-startup-repos');
  chmodSync(repos, 0o755);
  writeFileSync(join(repos, 'gitconfig'), '[safe]\n\tdirectory = *\n');
  // The test git server listens on 127.0.0.1: allowed by address, as an operator would allow theirs.
  const driver = makeDriver(dataDir, {
    openSecret,
    cloneTimeoutMs: 30_000,
    env: { GIT_CONFIG_GLOBAL: join(repos, 'gitconfig') },
    repositoryHosts: { allowedHosts: ['127.0.0.1'], privateAddresses: 'refuse' },
  });
  const started: Workload[] = [];
  let http: GitHttpServer;
  before(async () => {
    http = await gitHttpServer(repos, TOKEN);
  });
  after(async () => {
    for (const workload of started) await driver.stop(workload);
    await http.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(repos, { recursive: true, force: true });
  });

  async function prepared(workload: Workload): Promise<string> {
    started.push(workload);
    await driver.prepare(workload, new AbortController().signal);
    return join(dataDir, 'instances', workload.instance.id, 'work');
  }

  it('runs the custom script in the storage before the server, its log linked from log_path', async () => {
    const workload = makeWorkload({ custom_script_path: '/scripts/init.sh', log_path: '/logs/' });
    const work = await prepared(workload);
    mkdirSync(join(work, 'scripts'));
    writeFileSync(
      join(work, 'scripts', 'init.sh'),
      'echo "init ran in $(pwd) as HOME=$HOME"\necho made > made-by-script.txt\n',
    );
    const state = await driver.start(workload, new AbortController().signal);
    // The log stays in the instance's own logs/, where no notebook can plant a link for the service to follow.
    const logFile = join(work, 'logs', 'notebook.log');
    assert.equal(runData(state).logFile, join(dataDir, 'instances', workload.instance.id, 'logs', 'notebook.log'));
    assert.equal(readlinkSync(logFile), runData(state).logFile);
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, new RegExp(`init ran in ${work} as HOME=${dataDir}/instances/${workload.instance.id}/home`));
    assert.ok(log.indexOf('init ran') < log.indexOf('starting jupyter'), 'the script runs before the server');
    assert.equal(readFileSync(join(work, 'made-by-script.txt'), 'utf8'), 'made\n');
    await driver.stop(withRuntime(workload, state));
  });

  it('fails the start with the log tail when the custom script fails, and starts nothing', async () => {
    const workload = makeWorkload({ custom_script_path: '/init.sh' });
    const work = await prepared(workload);
    writeFileSync(join(work, 'init.sh'), 'echo "preparing data"\necho "fatal: dataset missing" >&2\nexit 3\n');
    const error = await workloadError(driver.start(workload, new AbortController().signal));
    assert.equal(error.code, 'ModelArts.6361');
    assert.match(error.message, /custom script \/init.sh exited with 3/);
    assert.match(error.message, /preparing data\nfatal: dataset missing/);
    assert.equal(error.detail.phase, 'custom_script');
    assert.ok(!existsSync(join(dataDir, 'instances', workload.instance.id, 'run.json')));
  });

  it('clones the repository over file:// on the first start only, with branch and author', async () => {
    const repo = bareRepository(repos, 'project', { 'README.md': 'v1\n' });
    const workload = makeWorkload({
      repository: {
        branch: 'main',
        user_name: 'Alice',
        user_email: 'alice@example.com',
        connection_info: { protocol: 'https', url: repo.url, credential: { access_token: `sealed:${TOKEN}` } },
      },
    });
    const work = await prepared(workload);
    let state = await driver.start(workload, new AbortController().signal);
    assert.equal(readFileSync(join(work, 'project', 'README.md'), 'utf8'), 'v1\n');
    assert.match(
      readFileSync(join(work, 'project', '.git', 'config'), 'utf8'),
      /name = Alice[\s\S]*email = alice@example.com/,
    );
    assert.deepEqual(
      readdirSync(work).filter((name) => name.startsWith('.demanager')),
      [],
    );
    await driver.stop(withRuntime(workload, state));

    repo.commit({ 'NEW.md': 'later\n' });
    state = await driver.start(workload, new AbortController().signal);
    assert.ok(!existsSync(join(work, 'project', 'NEW.md')), 'an existing clone is left alone');
    const log = readFileSync(runData(state).logFile, 'utf8');
    assert.equal(log.match(/cloning file:/g)?.length, 1);
    assert.ok(!log.includes(TOKEN));
    await driver.stop(withRuntime(workload, state));
  });

  it('passes the access token to an HTTP remote through askpass only, and redacts it from failures', async () => {
    bareRepository(repos, 'private', { 'data.txt': 'private\n' });
    const workload = makeWorkload({
      repository: { connection_info: { url: http.url('private'), credential: { access_token: `sealed:${TOKEN}` } } },
    });
    const work = await prepared(workload);
    const state = await driver.start(workload, new AbortController().signal);
    assert.equal(readFileSync(join(work, 'private', 'data.txt'), 'utf8'), 'private\n');
    assert.equal(http.authorizations[0], undefined, 'git first asks without credentials');
    assert.ok(http.authorizations.some((a) => a?.startsWith('Basic ')));
    const instanceDir = join(dataDir, 'instances', workload.instance.id);
    assert.ok(!readFileSync(join(instanceDir, 'git-askpass.sh'), 'utf8').includes(TOKEN));
    assert.ok(!readFileSync(join(work, 'private', '.git', 'config'), 'utf8').includes(TOKEN));
    assert.ok(!readFileSync(runData(state).logFile, 'utf8').includes(TOKEN));
    await driver.stop(withRuntime(workload, state));

    const wrong = makeWorkload({
      repository: {
        connection_info: { url: http.url('private'), credential: { access_token: 'sealed:wrong-token-456' } },
      },
    });
    await prepared(wrong);
    const error = await workloadError(driver.start(wrong, new AbortController().signal));
    assert.match(
      error.message,
      /Cloning the repository http:\/\/127\.0\.0\.1:\d+\/private\.git failed[\s\S]*Authentication failed/,
    );
    assert.ok(!error.message.includes('wrong-token-456'));
    assert.ok(
      !readdirSync(join(dataDir, 'instances', wrong.instance.id, 'work')).some(
        (name) => name.startsWith('.demanager') || name === 'private',
      ),
    );
  });

  it('checks the host again just before the clone: a name resolving to this machine is not cloned', async () => {
    // Accepted at create by an older release, or its name resolved elsewhere then: the clone asks again.
    bareRepository(repos, 'by-name', { 'data.txt': 'by name\n' });
    const requests = http.authorizations.length;
    // A driver with the default policy: no host on this machine, by whatever name.
    const strict = makeDriver(dataDir, {
      openSecret,
      cloneTimeoutMs: 30_000,
      env: { GIT_CONFIG_GLOBAL: join(repos, 'gitconfig') },
    });
    const workload = makeWorkload({
      repository: { connection_info: { url: http.url('by-name').replace('127.0.0.1', 'localhost') } },
    });
    await strict.prepare(workload, new AbortController().signal);
    const work = join(dataDir, 'instances', workload.instance.id, 'work');
    const error = await workloadError(strict.start(workload, new AbortController().signal));
    assert.match(
      error.message,
      /The repository http:\/\/localhost:\d+\/by-name\.git was not cloned: its host is this machine/,
    );
    assert.equal(http.authorizations.length, requests, 'git never reached the server');
    assert.ok(!readdirSync(work).includes('by-name'));
  });

  it('rotates the log at start and when a poll finds it too large, and Jupyter keeps appending', async () => {
    const rotating = makeDriver(dataDir, { logMaxBytes: 4096, logKeep: 2 });
    const workload = makeWorkload();
    await prepared(workload);
    const logs = join(dataDir, 'instances', workload.instance.id, 'logs');
    const logFile = join(logs, 'notebook.log');
    mkdirSync(logs, { recursive: true });
    writeFileSync(logFile, 'old run\n'.repeat(1000));
    const state = await rotating.start(workload, new AbortController().signal);
    const recorded = withRuntime(workload, state);
    assert.match(readFileSync(`${logFile}.1`, 'utf8'), /^old run\n/);
    assert.ok(readFileSync(logFile, 'utf8').length < 4096);

    writeFileSync(logFile, 'x'.repeat(5000), { flag: 'a' });
    assert.deepEqual(await rotating.poll(recorded), { state: 'running' });
    assert.match(readFileSync(`${logFile}.2`, 'utf8'), /^old run\n/);
    assert.match(readFileSync(`${logFile}.1`, 'utf8'), /xxxxx$/);
    assert.equal(readFileSync(logFile, 'utf8'), '');

    // The server's O_APPEND fd now writes at the start of the truncated file, without a hole.
    assert.equal((await api(workload, state, 'api/status', {}, 'bad-token')).status, 403);
    const after = readFileSync(logFile, 'utf8');
    assert.match(after, /^\[W [^\]]*NotebookApp\]/);
    assert.ok(!after.includes('\0'));

    writeFileSync(logFile, 'y'.repeat(5000), { flag: 'a' });
    await rotating.poll(recorded);
    assert.ok(!existsSync(`${logFile}.3`), 'only two generations are kept');
    assert.match(readFileSync(`${logFile}.2`, 'utf8'), /xxxxx$/);
    await rotating.stop(recorded);
    assert.ok(await groupGone(runData(state).pid));
  });
});
