/**
 * The isolated local runtime, attacked from where an attacker sits: code in a kernel of one
 * user's notebook, run over the proxied WebSocket like any browser does. Alice (project
 * `default`) tries to read the service's master key and database, the service's environment,
 * Bob's notebook token and files (same project) and Carol's object storage (another project),
 * and to signal the service, and to order, read or signal the fork server her notebook server
 * was forked from (a root process); each is refused by the OS. Her own storage is hers to write, what
 * she writes in her project's bucket belongs to the project's group, and she is not root.
 * (Runs as root, as CI does; without root there are no accounts to isolate with.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountName, projectGroupName } from '../../src/runtime/local/isolation/os-accounts.js';
import { action, createProject, member, waitStatus } from '../support/api.js';
import { ATTACK_PRELUDE } from '../support/kernel-attack.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CPU = { profile_id: 'Multi-Engine 1.0 (python3)-cpu', flavor: 'modelarts.vm.cpu.2u' };
const root = process.getuid?.() === 0;

const ATTACK = `${ATTACK_PRELUDE}attempt('master key', lambda: read(DATA + '/master.key'))
attempt('database', lambda: read(DATA + '/demanager.db'))
attempt('list the data directory', lambda: os.listdir(DATA))
attempt('list the instances', lambda: os.listdir(DATA + '/instances'))
attempt('service environment', lambda: read('/proc/%d/environ' % SERVICE))
attempt('signal the service', lambda: os.kill(SERVICE, 0))
attempt("bob's notebook environment (its token)", lambda: read('/proc/%d/environ' % BOB_PID))
attempt("bob's jupyter runtime files", lambda: os.listdir(BOB + '/home/.local/share/jupyter/runtime'))
attempt("bob's evs storage", lambda: os.listdir(BOB + '/work'))
attempt("bob's notebook log", lambda: read(BOB + '/logs/notebook.log'))
attempt("carol's project bucket", lambda: os.listdir(CAROL_BUCKET))
attempt("carol's file", lambda: read(CAROL_BUCKET + '/secret/plan.txt'))
def write_own():
    with open('written-by-alice.txt', 'w') as f:
        f.write('mine')
attempt('write own storage', write_own)
# Her notebook server was forked by the fork server, a root process: its parent.
FORK_SERVER = int(open('/proc/%d/stat' % os.getppid()).read().rsplit(')', 1)[1].split()[1])
results['fork server'] = open('/proc/%d/cmdline' % FORK_SERVER, 'rb').read().split(b'\\0')[1].decode()
def order_a_fork():
    with open('/proc/%d/fd/0' % FORK_SERVER, 'w') as f:
        f.write('{}\\n')
attempt("the fork server's orders", order_a_fork)
attempt("the fork server's memory", lambda: read('/proc/%d/mem' % FORK_SERVER))
attempt('signal the fork server', lambda: os.kill(FORK_SERVER, 0))
results['uid'] = os.getuid()
results['gid'] = os.getgid()
print(json.dumps(results))
`;

describe('notebooks run as their users, apart from the service and from each other', {
  skip: root ? false : 'needs root (CI runs as root)',
}, () => {
  let t: TestApp;
  const instances: Record<string, string> = {};
  const owners: Record<string, { token: string; projectId: string }> = {};
  let alice: Awaited<ReturnType<typeof member>>;
  let projectId2 = '';

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    projectId2 = await createProject(t, 'second');
    alice = await member(t, 'alice', t.projectId);
    const bob = await member(t, 'bob', t.projectId);
    const carol = await member(t, 'carol', projectId2);
    const create = async (who: { token: string; projectId: string }, name: string, storage: unknown) => {
      const res = await t.http('POST', t.instances(who.projectId), {
        token: who.token,
        body: { name, ...CPU, spec: { storage } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      instances[name] = res.body.id;
      owners[res.body.id] = who;
    };
    await create(alice, 'alice-nb', { type: 'obs', location: { path: '/teamdata/alice/' } });
    await create(bob, 'bob-nb', { type: 'evs' });
    await create(carol, 'carol-nb', { type: 'obs', location: { path: '/carolbucket/secret/' } });
    await waitStatus(t, instances['alice-nb']!, 'RUNNING', { token: alice.token, timeoutMs: 60_000 });
    await waitStatus(t, instances['bob-nb']!, 'RUNNING', { token: bob.token, timeoutMs: 60_000 });
    await waitStatus(t, instances['carol-nb']!, 'RUNNING', {
      token: carol.token,
      projectId: projectId2,
      timeoutMs: 60_000,
    });
  });
  after(async () => {
    // Notebooks outlive the service: stop them through the API before it goes.
    for (const id of Object.values(instances)) {
      const ref = owners[id]!;
      await action(t, id, 'stop', ref);
      await waitStatus(t, id, 'STOPPED', { ...ref, timeoutMs: 30_000 });
    }
    await t.stop(true);
  });

  it('refuses everything outside her own notebook to code in Alice’s kernel, and lets her write her storage', async () => {
    const store = t.app.services.store.instances;
    const bob = (await store.getById(instances['bob-nb']!))!;
    const bobPid = Number(bob.runtime!.data.pid);
    const bobDir = join(t.dataDir, 'instances', bob.id);
    const carolBucket = join(t.dataDir, 'obs', 'carolbucket');
    // What the kernel goes for exists and the service itself can read it: a denial below is the OS's.
    for (const path of [
      join(t.dataDir, 'master.key'),
      join(t.dataDir, 'demanager.db'),
      `/proc/${bobPid}/environ`,
      join(bobDir, 'logs', 'notebook.log'),
    ])
      readFileSync(path);
    execFileSync('sh', ['-c', `echo classified > ${carolBucket}/secret/plan.txt`]);
    assert.match(readFileSync(`/proc/${bobPid}/environ`, 'latin1'), /JUPYTER_TOKEN=/);

    const id = instances['alice-nb']!;
    const token = (await t.http('GET', `${t.instances()}/${id}/token`, { token: alice.token })).body.token as string;
    const cookie = await openNotebook(t.url, id, token);
    const kernel = await startKernel(t.url, id, cookie);
    const prelude = `DATA = ${JSON.stringify(t.dataDir)}\nSERVICE = ${process.pid}\nBOB_PID = ${bobPid}\nBOB = ${JSON.stringify(bobDir)}\nCAROL_BUCKET = ${JSON.stringify(carolBucket)}\n`;
    const printed = await execute(kernel, cookie, prelude + ATTACK, t.url);
    const results = JSON.parse(printed.trim().split('\n').pop()!) as Record<string, string | number>;

    const { uid, gid, 'fork server': forkServer, ...attempts } = results;
    assert.match(String(forkServer), /demanager_forkserver\.py$/, 'the server’s parent is the fork server');
    assert.deepEqual(attempts, {
      'master key': 'denied',
      database: 'denied',
      'list the data directory': 'denied',
      'list the instances': 'denied',
      'service environment': 'denied',
      'signal the service': 'denied',
      "bob's notebook environment (its token)": 'denied',
      "bob's jupyter runtime files": 'denied',
      "bob's evs storage": 'denied',
      "bob's notebook log": 'denied',
      "carol's project bucket": 'denied',
      "carol's file": 'denied',
      'write own storage': 'allowed',
      "the fork server's orders": 'denied',
      "the fork server's memory": 'denied',
      'signal the fork server': 'denied',
    });
    assert.notEqual(uid, 0);
    assert.equal(uid, uidOf(accountName(alice.userId)), 'the kernel runs as Alice’s own account');
    assert.equal(gid, gidOf(projectGroupName(t.projectId)), 'with her project’s group');

    // What she wrote in the project's bucket is the project's: group-writable, closed to others.
    const written = statSync(join(t.dataDir, 'obs', 'teamdata', 'alice', 'written-by-alice.txt'));
    assert.equal(written.uid, uid);
    assert.equal(written.gid, gid);
    assert.equal(written.mode & 0o777, 0o660);
    assert.equal(statSync(join(t.dataDir, 'obs', 'teamdata')).gid, gid);
    assert.equal(statSync(carolBucket).gid, gidOf(projectGroupName(projectId2)));
  });

  it('gives the account no password and no login shell, and keeps tokens off command lines', () => {
    const entry = execFileSync('getent', ['passwd', accountName(alice.userId)], { encoding: 'utf8' })
      .trim()
      .split(':');
    assert.equal(entry[6], '/usr/sbin/nologin');
    assert.equal(entry[4], `demanager user ${alice.userId}`);
    const shadow = execFileSync('getent', ['shadow', accountName(alice.userId)], { encoding: 'utf8' })
      .trim()
      .split(':');
    assert.match(shadow[1]!, /^[!*]/, 'the password is locked');
    const pids = execFileSync('pgrep', ['-u', accountName(alice.userId)], { encoding: 'utf8' })
      .trim()
      .split('\n');
    assert.ok(pids.length >= 2, 'her notebook server and kernel run as her account');
    for (const pid of pids) {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      assert.ok(!/token=[0-9a-f]{8}/i.test(commandLine), commandLine);
    }
  });

  it('keeps the data directory itself closed: the database and the key are the service’s alone', () => {
    assert.equal(statSync(t.dataDir).mode & 0o777, 0o711);
    for (const name of ['master.key', 'demanager.db']) {
      const path = join(t.dataDir, name);
      if (existsSync(path)) assert.equal(statSync(path).mode & 0o077, 0, `${name} is closed to others`);
    }
  });
});

function uidOf(account: string): number {
  return Number(execFileSync('id', ['-u', account], { encoding: 'utf8' }).trim());
}

function gidOf(group: string): number {
  return Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).trim().split(':')[2]);
}
