/**
 * Obs buckets belong to a project, on the local runtime with real notebooks (issue 16, finding 1).
 * Alice (project `default`) names Carol's bucket (project `second`) in her own create: refused. A
 * bucket Alice's notebook used, assigned since to Carol's project by a system admin, follows on
 * disk: Carol's notebook starts in it, and Alice's old instance fails to start, saying why. Code in
 * Alice's kernel reaches neither bucket's files. (Runs as root, as CI does.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectGroupName } from '../../src/runtime/local/isolation/os-accounts.js';
import { action, assertError, createProject, member, waitStatus } from '../support/api.js';
import { execute, openNotebook, startKernel } from '../support/kernel-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CPU = { profile_id: 'Multi-Engine 1.0 (python3)-cpu', flavor: 'modelarts.vm.cpu.2u' };
const root = process.getuid?.() === 0;
const gidOf = (group: string) => Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);

const REACH = `
import json, os
results = {}
def attempt(name, path):
    try:
        with open(path, 'rb') as f:
            f.read(1)
        results[name] = 'allowed'
    except PermissionError:
        results[name] = 'denied'
    except Exception as err:
        results[name] = type(err).__name__
attempt("carol's bucket", OBS + '/carolbucket/secret/plan.txt')
attempt('the bucket moved to carol', OBS + '/movingbucket/work/handed-over.txt')
attempt('her own bucket', os.getcwd() + '/.keep')
print(json.dumps(results))
`;

describe('obs buckets of real notebooks belong to their project', {
  skip: root ? false : 'needs root (CI runs as root)',
}, () => {
  let t: TestApp;
  let second = '';
  const running: { id: string; who: { token: string; projectId: string } }[] = [];
  let alice: Awaited<ReturnType<typeof member>>;
  let carol: Awaited<ReturnType<typeof member>>;
  const obs = () => join(t.dataDir, 'obs');

  const create = async (who: { token: string; projectId: string }, name: string, path: string) =>
    t.http('POST', t.instances(who.projectId), {
      token: who.token,
      body: { name, ...CPU, spec: { storage: { type: 'obs', location: { path } } } },
    });
  const started = async (who: { token: string; projectId: string }, name: string, path: string) => {
    const res = await create(who, name, path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    running.push({ id: res.body.id, who });
    await waitStatus(t, res.body.id, 'RUNNING', { ...who, timeoutMs: 60_000 });
    return res.body.id as string;
  };

  before(async () => {
    t = await startTestApp({ runtime: { driver: 'local', pollIntervalSeconds: 1 } });
    second = await createProject(t, 'second');
    alice = await member(t, 'alice', t.projectId);
    carol = await member(t, 'carol', second);
  });
  after(async () => {
    for (const { id, who } of running) {
      await action(t, id, 'stop', who);
      await waitStatus(t, id, 'STOPPED', { ...who, timeoutMs: 30_000 }).catch(() => undefined);
    }
    await t.stop(true);
  });

  it("refuses Alice's notebook in Carol's bucket, moves a reassigned bucket to Carol's project, and keeps both out of Alice's kernel", async () => {
    await started(carol, 'carol-nb', '/carolbucket/secret/');
    execFileSync('sh', ['-c', `echo classified > ${obs()}/carolbucket/secret/plan.txt`]);

    // The attack of the issue: her own notebook, named into Carol's bucket.
    const attack = await create(alice, 'alice-steals', '/carolbucket/secret/');
    assertError(attack, 'ModelArts.0109', 403);
    assert.equal(
      (await t.http('GET', `${t.instances()}?de_type=Notebook`, { token: alice.token })).body.total_count,
      0,
      'nothing was written',
    );

    // A bucket Alice's project used, given to Carol's by a system admin while Alice's instance rests.
    const old = await started(alice, 'alice-old', '/movingbucket/work/');
    assert.equal((await action(t, old, 'stop', alice)).status, 200);
    await waitStatus(t, old, 'STOPPED', { ...alice, timeoutMs: 30_000 });
    assert.equal(statSync(join(obs(), 'movingbucket')).gid, gidOf(projectGroupName(t.projectId)));
    assert.equal(
      (await t.http('PUT', '/v3/buckets/movingbucket', { body: { bucket: { project_id: second } } })).status,
      200,
    );
    await started(carol, 'carol-moved', '/movingbucket/work/');
    assert.equal(
      statSync(join(obs(), 'movingbucket')).gid,
      gidOf(projectGroupName(second)),
      'the files followed the bucket',
    );
    execFileSync('sh', ['-c', `echo carols > ${obs()}/movingbucket/work/handed-over.txt`]);

    assert.equal((await action(t, old, 'start', alice)).status, 200);
    const failed = await waitStatus(t, old, 'START_FAILED', { ...alice, timeoutMs: 30_000 });
    assert.equal(failed.error_code, 'ModelArts.0109');
    assert.match(failed.spec.failed_reasons.message, /"movingbucket" belongs to another project/);

    // Code in her kernel, in her own bucket, goes for both.
    const own = await started(alice, 'alice-nb', '/alicebucket/work/');
    execFileSync('sh', [
      '-c',
      `touch ${obs()}/alicebucket/work/.keep && chgrp ${projectGroupName(t.projectId)} ${obs()}/alicebucket/work/.keep && chmod 0660 ${obs()}/alicebucket/work/.keep`,
    ]);
    const token = (await t.http('GET', `${t.instances()}/${own}/token`, { token: alice.token })).body.token as string;
    const cookie = await openNotebook(t.url, own, token);
    const kernel = await startKernel(t.url, own, cookie);
    const printed = await execute(kernel, cookie, `OBS = ${JSON.stringify(obs())}\n${REACH}`, t.url);
    assert.deepEqual(JSON.parse(printed.trim().split('\n').pop()!), {
      "carol's bucket": 'denied',
      'the bucket moved to carol': 'denied',
      'her own bucket': 'allowed',
    });
  });
});
