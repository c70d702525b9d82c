/**
 * @module test/api/obs-buckets
 * Obs buckets belong to a project (issue 16, finding 1). The attack as it was made: a member of
 * one project names, in their own create, the obs path another project's member uses — refused
 * with 403 ModelArts.0109 and nothing written. Two projects racing for a new bucket: exactly one
 * gets it. A system admin lists buckets, assigns one to another project (whose instances may then
 * use it, while the old holder's fail to start, saying why) and releases one no instance uses; a
 * project that still holds buckets is not deleted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  action,
  assertError,
  assertRejected,
  create,
  createProject,
  member,
  waitGone,
  waitStatus,
} from '../support/api.js';
import { createBodyAt, startTestApp, type TestApp } from '../support/test-app.js';

const obsBody = createBodyAt;

describe('obs buckets belong to a project', () => {
  let t: TestApp;
  let projectA = '';
  let projectB = '';
  let alice: Awaited<ReturnType<typeof member>>;
  let bob: Awaited<ReturnType<typeof member>>;
  before(async () => {
    t = await startTestApp();
    projectA = await createProject(t, 'bucket-a');
    projectB = await createProject(t, 'bucket-b');
    alice = await member(t, 'bucket-alice', projectA);
    bob = await member(t, 'bucket-bob', projectB);
  });
  after(() => t.stop());

  const buckets = async () => {
    const res = await t.http('GET', '/v3/buckets');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return Object.fromEntries(res.body.buckets.map((b: any) => [b.name, b]));
  };

  it("refuses another project's bucket with 403 ModelArts.0109, naming the bucket and the way to get it, and writes nothing", async () => {
    const mine = await create(t, obsBody('alice-secret', '/teambucket/secret/'), {
      token: alice.token,
      projectId: projectA,
    });
    await waitStatus(t, mine.id, 'RUNNING', { token: alice.token, projectId: projectA });
    // The same project uses its bucket again, in any directory.
    const other = await create(t, obsBody('alice-other', '/teambucket/other/'), {
      token: alice.token,
      projectId: projectA,
    });
    await waitStatus(t, other.id, 'RUNNING', { token: alice.token, projectId: projectA });

    for (const path of ['/teambucket/secret/', '/teambucket/elsewhere/', '//teambucket//secret/']) {
      const refused = await assertRejected(
        t,
        () => t.http('POST', t.instances(projectB), { token: bob.token, body: obsBody('bob-steals', path) }),
        'ModelArts.0109',
        403,
        path,
        [
          { token: bob.token, projectId: projectB },
          { token: alice.token, projectId: projectA },
        ],
      );
      assert.match(refused.body.error_msg, /"teambucket" belongs to another project/);
      assert.match(refused.body.error_msg, /system admin can assign it/);
      assert.doesNotMatch(refused.body.error_msg, new RegExp(projectA), 'the holder is not named');
    }
    const held = (await buckets())['teambucket'];
    assert.equal(held.project_id, projectA);
    assert.equal(held.assigned_by, null);
    assert.equal(held.instances, 2);
    // Buckets are not for project members to administer.
    assertError(await t.http('GET', '/v3/buckets', { token: bob.token }), 'ModelArts.0108', 403);
  });

  it('gives a new bucket to exactly one of two projects that create in it at once', async () => {
    for (let round = 0; round < 8; round++) {
      const path = `/race-${round}/work/`;
      const answers = await Promise.all([
        t.http('POST', t.instances(projectA), { token: alice.token, body: obsBody(`race-a-${round}`, path) }),
        t.http('POST', t.instances(projectB), { token: bob.token, body: obsBody(`race-b-${round}`, path) }),
      ]);
      assert.deepEqual(
        answers.map((a) => a.status).sort(),
        [200, 403],
        `round ${round}: ${JSON.stringify(answers.map((a) => a.body))}`,
      );
      const winner = answers[0]!.status === 200 ? projectA : projectB;
      const loser = answers.find((a) => a.status === 403)!;
      assertError(loser, 'ModelArts.0109', 403);
      assert.equal((await buckets())[`race-${round}`].project_id, winner);
      assert.equal((await buckets())[`race-${round}`].instances, 1);
    }
  });

  it("lets a system admin assign a bucket elsewhere: the new project may use it, the old one's instance fails to start saying why", async () => {
    const old = await create(t, obsBody('alice-moving', '/moving/data/'), { token: alice.token, projectId: projectA });
    await waitStatus(t, old.id, 'RUNNING', { token: alice.token, projectId: projectA });
    assert.equal((await action(t, old.id, 'stop', { token: alice.token, projectId: projectA })).status, 200);
    await waitStatus(t, old.id, 'STOPPED', { token: alice.token, projectId: projectA });

    const assigned = await t.http('PUT', '/v3/buckets/moving', { body: { bucket: { project_id: projectB } } });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.bucket.project_id, projectB);
    assert.equal(assigned.body.bucket.instances, 1);
    const adminId = (await t.http('GET', '/v3/auth/tokens', { headers: { 'X-Subject-Token': t.adminToken } })).body
      .token.user.id;
    assert.equal(assigned.body.bucket.assigned_by, adminId);

    const bobs = await create(t, obsBody('bob-moved', '/moving/data/'), { token: bob.token, projectId: projectB });
    await waitStatus(t, bobs.id, 'RUNNING', { token: bob.token, projectId: projectB });

    assert.equal((await action(t, old.id, 'start', { token: alice.token, projectId: projectA })).status, 200);
    const failed = await waitStatus(t, old.id, 'START_FAILED', { token: alice.token, projectId: projectA });
    assert.equal(failed.error_code, 'ModelArts.0109');
    assert.match(failed.spec.failed_reasons.message, /"moving" belongs to another project/);

    // Given back, it starts again.
    assert.equal(
      (await t.http('PUT', '/v3/buckets/moving', { body: { bucket: { project_id: projectA } } })).status,
      200,
    );
    assert.equal((await action(t, old.id, 'start', { token: alice.token, projectId: projectA })).status, 200);
    await waitStatus(t, old.id, 'RUNNING', { token: alice.token, projectId: projectA });
  });

  it('grants a bucket nobody used yet, and refuses bad names and unknown projects', async () => {
    assert.equal(
      (await t.http('PUT', '/v3/buckets/granted', { body: { bucket: { project_id: projectB } } })).status,
      200,
    );
    assertError(
      await t.http('POST', t.instances(projectA), {
        token: alice.token,
        body: obsBody('alice-granted', '/granted/x/'),
      }),
      'ModelArts.0109',
      403,
    );
    await create(t, obsBody('bob-granted', '/granted/x/'), { token: bob.token, projectId: projectB });

    assertError(
      await t.http('PUT', '/v3/buckets/nowhere', { body: { bucket: { project_id: 'no-such-project' } } }),
      'IAM.0002',
      404,
    );
    for (const bad of ['a%5Cb', 'a%01b', 'a%2Fb']) {
      assertError(
        await t.http('PUT', `/v3/buckets/${bad}`, { body: { bucket: { project_id: projectB } } }),
        'IAM.0004',
        400,
        bad,
      );
    }
    assertError(await t.http('PUT', '/v3/buckets/x', { body: { bucket: {} } }), 'ModelArts.6335', 400);
    assert.equal((await buckets())['nowhere'], undefined);
  });

  it('releases only a bucket no instance uses, and keeps a project holding buckets from being deleted', async () => {
    const lone = await createProject(t, 'bucket-lone');
    const carol = await member(t, 'bucket-carol', lone);
    const made = await create(t, obsBody('carol-only', '/lonely/work/'), { token: carol.token, projectId: lone });
    await waitStatus(t, made.id, 'RUNNING', { token: carol.token, projectId: lone });

    assertError(await t.http('DELETE', '/v3/buckets/lonely'), 'IAM.0004', 400, 'in use');
    assert.equal((await action(t, made.id, 'stop', { token: carol.token, projectId: lone })).status, 200);
    await waitStatus(t, made.id, 'STOPPED', { token: carol.token, projectId: lone });
    assert.equal((await t.http('DELETE', t.instances(lone) + `/${made.id}`, { token: carol.token })).status, 200);
    await waitGone(t, made.id, { token: carol.token, projectId: lone });

    const refused = await t.http('DELETE', `/v3/projects/${lone}`);
    assertError(refused, 'IAM.0004', 400, 'holds a bucket');
    assert.match(refused.body.error_msg, /lonely/);
    assert.equal((await t.http('GET', `/v3/projects/${lone}`)).status, 200);

    assert.equal((await t.http('DELETE', '/v3/buckets/lonely')).status, 204);
    assertError(await t.http('DELETE', '/v3/buckets/lonely'), 'IAM.0002', 404, 'twice');
    assert.equal((await t.http('DELETE', `/v3/projects/${lone}`)).status, 204);
    // Released, it goes to the next project that creates in it.
    await create(t, obsBody('bob-lonely', '/lonely/work/'), { token: bob.token, projectId: projectB });
    assert.equal((await buckets())['lonely'].project_id, projectB);
  });
});
